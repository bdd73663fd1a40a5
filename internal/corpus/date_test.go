package corpus

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDate_Valid(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"2022-08-20", "2022-08-20"},
		{" 2022-08-20 ", "2022-08-20"},
		{"2022/08/20", "2022-08-20"},
		{"2022/8/2", "2022-08-02"},
		{"2022.08.20", "2022-08-20"},
		{"20220820", "2022-08-20"},
		{"20221207T101010Z", "2022-12-07"},
		{"2022-08-20T23:30:00-05:00", "2022-08-20"},
		{"2022-08-05T00:27:34.000Z", "2022-08-05"},
		{"2022-03-30 21:00:49", "2022-03-30"},
		{"2024-02-29", "2024-02-29"},
		{"2000-02-29", "2000-02-29"},
		{"2022年8月20日", "2022-08-20"},
		{"2022年12月07日 19:10", "2022-12-07"},
		{"更新时间：2022年12月07日 19:10", "2022-12-07"},
		{"26-FEB-1987 15:01:01.79", "1987-02-26"},
		{" 3-MAR-1987 09:15:00.11", "1987-03-03"},
		{"15:45, 23-Mar-2022", "2022-03-23"},
		{"20 August 2022", "2022-08-20"},
		{"1st Sept. 2022", "2022-09-01"},
		{"Aug 20, 2022", "2022-08-20"},
		{"September 6 2020", "2020-09-06"},
		{"09:42, November 06, 2020", "2020-11-06"},
		{"Published: Mar 24, 2022 06:46 PM Updated: Mar 25, 2022 09:23 PM", "2022-03-24"},
		{"Updated: 2017-08-31 08:54", "2017-08-31"},
		{"Sat, 20 Aug 2022 10:00:00 +0800", "2022-08-20"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDate_Invalid(t *testing.T) {
	for _, in := range []string{
		"2022-13-45", "2022-02-30", "2023-02-29", "1900-02-29", "0000-01-01", "2022-00-10",
		"yesterday", "2022", "2022-08", "08/05/2022", "20-08-22", "Aug 2022",
		"2022-08/20", "20223108", "1670598710948", "32-Jan-2022", "Marching 5, 2022",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := ParseDate(in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %q, want an error", in, got)
			}
			if !strings.Contains(err.Error(), "(want YYYY-MM-DD)") || !strings.Contains(err.Error(), in) || !errors.Is(err, ErrField) {
				t.Errorf("error %q does not say what was expected", err)
			}
		})
	}
}

func TestDetectLang_Scripts(t *testing.T) {
	tests := []struct{ title, text, want string }{
		{"", "", ""},
		{"123 — 456", "!!!", ""},
		{"Harvest festival", "Farmers gathered in the square.", "en"},
		{"城市举办读书节", "市民参加了活动。COVID-19", "zh"},
		{"東京で会議", "会議は明日から始まります。", "ja"},
		{"서울 회의", "회의가 열렸다", "ko"},
		{"Москва", "Совещание прошло вчера.", "ru"},
		{"Ελλάδα", "", "el"},
		{"", "Café crème brûlée à la française", "en"},
		{"A short English title", "长篇中文正文内容在这里继续写下去，比标题长得多。", "zh"},
	}
	for _, tt := range tests {
		if got := DetectLang(tt.title, tt.text); got != tt.want {
			t.Errorf("DetectLang(%q, %q) = %q, want %q", tt.title, tt.text, got, tt.want)
		}
	}
}

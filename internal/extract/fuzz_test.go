package extract

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

// FuzzExtract feeds arbitrary titles and texts to both rule sets: no
// panic, directives numbered 1…n, and a record that survives Encode and
// Decode. Seeds are in testdata/fuzz/FuzzExtract.
func FuzzExtract(f *testing.F) {
	f.Add("省委常委会召开会议 王东峰主持", "26日，省委常委会召开会议。省委书记王东峰主持会议。一是“稳”。二是‘进’。", "zh", "2020-11-27")
	f.Add("The meeting", "On the 19th, the Standing Committee held a meeting. Xu Qin, Secretary of the Committee, presided over the meeting. First, a. Second, b.", "en", "2022-08-20")
	f.Add("", "“‘「」’”\"\"“", "", "")
	f.Add("中共中央总书记习近平", "（一）（二）一、二、第一，第二，1. 2.", "zh", "bad")
	f.Fuzz(func(t *testing.T, title, text, lang, date string) {
		d := &corpus.Document{ID: "f", Title: title, Text: text, Lang: lang, Date: date}
		r := Extract(d)
		if m := r.Meeting; m != nil {
			for i, dir := range m.Directives {
				if dir.N != i+1 {
					t.Fatalf("directive %d numbered %d", i+1, dir.N)
				}
			}
		}
		b := Encode(r)
		if len(b) == 0 {
			return
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		r.ID, r.Date = "", ""
		x, _ := json.Marshal(r)
		y, _ := json.Marshal(back)
		if string(x) != string(y) {
			t.Fatalf("round trip:\n%s\n%s", x, y)
		}
	})
}

// FuzzFormulations: quoted phrases are substrings of the text, each once.
func FuzzFormulations(f *testing.F) {
	f.Add("“两个维护”与‘四个意识’和「一国两制」")
	f.Add(`the "dual-carbon" goal, “lucid ‘waters’ and mountains”`)
	f.Fuzz(func(t *testing.T, s string) {
		seen := map[string]bool{}
		for _, q := range Formulations(s) {
			if !strings.Contains(s, q) || seen[q] {
				t.Fatalf("formulation %q not once in the text", q)
			}
			seen[q] = true
		}
	})
}

// pathological are inputs that once cost quadratic time in rule engines:
// 10 MB of one marker, of nested quotes, of titles and names.
func pathological() map[string]*corpus.Document {
	const n = 10 << 20
	rep := func(s string) string { return strings.Repeat(s, n/len(s)) }
	return map[string]*corpus.Document{
		"一是":       {Title: "会议", Text: rep("一是"), Lang: "zh"},
		"一是，":      {Title: "会议召开", Text: rep("一是，"), Lang: "zh"},
		"nested":   {Text: rep("“‘"), Lang: "zh"},
		"nested2":  {Text: rep("“a‘b"), Lang: "en"},
		"主持":       {Title: "主持", Text: rep("省委书记王东峰主持召开会议"), Lang: "zh"},
		"First":    {Text: rep("First, Second, "), Lang: "en"},
		"title":    {Text: rep("Xu Qin, Secretary of the Committee and Director of "), Lang: "en"},
		"straight": {Text: rep(`"a `), Lang: "en"},
	}
}

// TestPathological runs the extractor once over each 10 MB input: it must
// finish (the time is measured by BenchmarkPathological, not asserted) and
// keep its records bounded.
func TestPathological(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB inputs")
	}
	for name, d := range pathological() {
		r := Extract(d)
		if len(r.People) > maxPeople || len(r.Formulations) > maxFormulations {
			t.Errorf("%s: %d people, %d formulations: unbounded", name, len(r.People), len(r.Formulations))
		}
		if len(Encode(r)) > 1<<20 {
			t.Errorf("%s: record of %d bytes", name, len(Encode(r)))
		}
	}
}

// BenchmarkPathological measures each 10 MB input.
func BenchmarkPathological(b *testing.B) {
	for name, d := range pathological() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(d.Text)))
			for i := 0; i < b.N; i++ {
				Extract(d)
			}
		})
	}
}

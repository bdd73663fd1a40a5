package corpus

import (
	"errors"
	"strings"
	"testing"
)

func TestText_Files(t *testing.T) {
	tests := []struct {
		file                  string
		id, date, title, text string
		err                   string
		kind                  error
	}{
		{file: "testdata/text/dated.txt", id: "dated", date: "2021-05-06",
			title: "The village council met on Tuesday",
			text:  "First paragraph of the invented report.\n\nSecond paragraph."},
		{file: "testdata/text/bom_crlf.txt", id: "bom_crlf", date: "2021-05-07",
			title: "Council   news", text: "Line one\nline two\n\nLast paragraph."},
		{file: "testdata/text/undated.txt", kind: ErrNotDocument,
			err: `not a dated article: first line must be "date YYYY-MM-DD TITLE"`},
		{file: "testdata/text/baddate.txt", kind: ErrField, err: `date "2021-02-30" is not a valid date`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs := walkAll(t, []string{tt.file}, Options{})
			if len(recs) != 1 {
				t.Fatalf("got %d records, want 1", len(recs))
			}
			r := recs[0]
			if r.Line != 1 || r.File != tt.file {
				t.Errorf("record at %s:%d, want %s:1", r.File, r.Line, tt.file)
			}
			if tt.err != "" {
				if r.Err == nil || !strings.Contains(r.Err.Error(), tt.err) || !errors.Is(r.Err, tt.kind) {
					t.Errorf("err %v, want %q (%v)", r.Err, tt.err, tt.kind)
				}
				return
			}
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			d := r.Doc
			if d.ID != tt.id || d.Date != tt.date || d.Title != tt.title || d.Text != tt.text || d.Lang != "en" {
				t.Errorf("got %+v\nwant id %q date %q title %q text %q", d, tt.id, tt.date, tt.title, tt.text)
			}
		})
	}
}

func TestText_Parse(t *testing.T) {
	tests := []struct {
		name, in    string
		date, title string
		text        string
		ok          bool
	}{
		{"tab after date", "date 2021-01-02\tTitle here\n\nBody", "2021-01-02", "Title here", "Body", true},
		{"no title", "date 2021-01-02\n\nBody", "2021-01-02", "", "Body", true},
		{"no blank line", "date 2021-01-02 T\nBody at once", "2021-01-02", "T", "Body at once", true},
		{"keeps indentation and inner blank lines", "date 2021-01-02 T\n\n\n  Indented\n\n\nNext  \n \n", "2021-01-02", "T", "  Indented\n\n\nNext", true},
		{"upper-case keyword", "DATE 2021-01-02 T\n\nB", "2021-01-02", "T", "B", true},
		{"lone CR line ends", "date 2021-01-02 T\r\rB\rC", "2021-01-02", "T", "B\nC", true},
		{"empty", "", "", "", "", false},
		{"word date only", "date\n\nBody", "", "", "", false},
		{"dated but not date line", "dated 2021-01-02 T", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseText(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && (d.Date != tt.date || d.Title != tt.title || d.Text != tt.text) {
				t.Errorf("got date %q title %q text %q, want %q %q %q", d.Date, d.Title, d.Text, tt.date, tt.title, tt.text)
			}
		})
	}
}

// TestText_Seed reads the sample document of the genre exactly.
func TestText_Seed(t *testing.T) {
	path := sharedDir(t, "seed/000_df70d2a1fb1ed569.txt")
	recs := walkAll(t, []string{path}, Options{})
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("got %v", recs)
	}
	d := recs[0].Doc
	const title = "The Standing Committee of the Provincial Party Committee held a meeting to convey and study the spirit of General Secretary Xi Jinping’s important speech during his inspection in Liaoning"
	if d.ID != "000_df70d2a1fb1ed569" || d.Date != "2022-08-20" || d.Title != title || d.Lang != "en" {
		t.Errorf("got id %q date %q title %q lang %q", d.ID, d.Date, d.Title, d.Lang)
	}
	if !strings.HasPrefix(d.Text, "News from our newspaper on the 19th") || !strings.HasSuffix(d.Text, "The meeting also studied other matters.") {
		t.Errorf("text %.60q … %.60q", d.Text, d.Text[max(0, len(d.Text)-60):])
	}
	if n := strings.Count(d.Text, "\n\n"); n < 3 {
		t.Errorf("text has %d paragraph breaks, want several", n)
	}
}

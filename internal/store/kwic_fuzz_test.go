package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/reftest"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
	"github.com/tifa-project/tifa/internal/vfs"
)

// FuzzKWIC indexes a fuzzed title and text (valid UTF-8, as every reader
// delivers) on vfs.Mem and asks for a phrase cut out of the text: every
// KWIC line and search snippet must be valid UTF-8 and hold the match, its
// tokens those of the phrase, and the KWIC total must equal the
// brute-force count of SPEC §2.
func FuzzKWIC(f *testing.F) {
	f.Add("共同富裕", "会议强调，扎实推动共同富裕，坚持高质量发展。共同富裕是本质要求。", uint16(9), uint16(12), uint8(10))
	f.Add("Common prosperity", "The meeting stressed that common prosperity is essential.\n\nCommon  Prosperity!", uint16(26), uint16(44), uint8(5))
	f.Add("ＡＢＣ ﬁ", "e\u0301 é ﬁne Straße STRASSE ǅ 𝒜", uint16(0), uint16(8), uint8(1))
	f.Fuzz(func(t *testing.T, title, text string, from, to uint16, width uint8) {
		title = strings.ToValidUTF8(title, "\uFFFD")
		text = strings.ToValidUTF8(text, "\uFFFD")
		lo, hi := int(from)%(len(text)+1), int(to)%(len(text)+1)
		if lo > hi {
			lo, hi = hi, lo
		}
		phrase := reftest.Tokens(strings.ToValidUTF8(text[lo:hi], ""))
		if len(phrase) == 0 || len(phrase) > 20 {
			return
		}
		q := `"` + strings.Join(phrase, " ") + `"`
		if _, err := query.Parse(q); err != nil {
			return // a token the parser reads as syntax; the parser has its own fuzz target
		}
		fsys := vfs.NewMem()
		w, err := store.OpenWriter("/i", store.Options{FS: fsys})
		if err != nil {
			t.Fatal(err)
		}
		docs := []corpus.Document{
			{ID: "a", Date: "2021-03-04", Title: title, Text: text, Lang: "en"},
			{ID: "b", Date: "2022-03-04", Title: text, Text: title + " " + text, Lang: "zh"},
		}
		for _, d := range docs {
			if _, err := w.Add(d); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		snap, err := store.OpenFS(fsys, "/i")
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		l := &query.Local{Snap: snap}
		want := 0
		for _, d := range docs {
			want += reftest.Count(reftest.Tokens(d.Title), phrase) + reftest.Count(reftest.Tokens(d.Text), phrase)
		}
		k, err := l.KWIC(context.Background(), query.KWICRequest{Query: q, Width: int(width%80) + 1, Limit: 1000})
		if err != nil {
			t.Fatalf("KWIC(%q): %v", q, err)
		}
		if k.Total != want || len(k.Lines) != want {
			t.Fatalf("KWIC(%q): total %d, %d lines; brute force counts %d", q, k.Total, len(k.Lines), want)
		}
		for _, ln := range k.Lines {
			if !utf8.ValidString(ln.Left) || !utf8.ValidString(ln.Match) || !utf8.ValidString(ln.Right) {
				t.Fatalf("KWIC(%q): line not valid UTF-8: %+q", q, ln)
			}
			if got := textnorm.Tokens(ln.Match); !slices.Equal(got, phrase) {
				t.Fatalf("KWIC(%q): match %q has tokens %q", q, ln.Match, got)
			}
		}
		r, err := l.Search(context.Background(), query.SearchRequest{Query: q, Limit: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range r.Hits {
			if !utf8.ValidString(h.Snippet) {
				t.Fatalf("Search(%q): snippet not valid UTF-8: %+q", q, h.Snippet)
			}
			if strings.ContainsAny(title+text, query.MarkOpen+query.MarkClose) {
				continue // the marks are ambiguous
			}
			_, rest, ok := strings.Cut(h.Snippet, query.MarkOpen)
			if !ok {
				continue // a hit in the title only: the snippet is the start of the text
			}
			hit, _, ok := strings.Cut(rest, query.MarkClose)
			if !ok {
				t.Fatalf("Search(%q): snippet %q opens a mark it does not close", q, h.Snippet)
			}
			hit = strings.ReplaceAll(hit, "…", "")
			if got := textnorm.Tokens(hit); !slices.Equal(got, phrase) {
				t.Fatalf("Search(%q): snippet %q marks %q, tokens %q", q, h.Snippet, hit, got)
			}
		}
	})
}

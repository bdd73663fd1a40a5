package query

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/reftest"
)

// Seeds beside those in testdata/fuzz/FuzzParse.
var parseSeeds = []string{
	`common prosperity`,
	`“动态清零” OR "dynamic clearing"`,
	`(共同富裕 OR 动态清零) -隐患 AND NOT title:"covid"`,
	`"common prosper*" NEAR/5 dual-carbon`,
	`/dynamic (zero|clearing)/ source:"Xinwen Lianbo" lang:zh meta.province:Heilongjiang`,
	`/a\/b\\/ ((a`,
}

// FuzzParse checks that Parse never panics, that every error is a
// *ParseError pointing inside the query (or just after it), and that the
// printed form of every parsed tree parses again to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %v is a %T", q, err, err)
			}
			if max := utf8.RuneCountInString(q) + 1; pe.Col < 1 || pe.Col > max {
				t.Fatalf("Parse(%q): column %d outside 1…%d: %v", q, pe.Col, max, err)
			}
			return
		}
		if n == nil {
			t.Fatalf("Parse(%q): nil tree and no error", q)
		}
		if err := checkRoundTrip(n); err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
	})
}

// FuzzMatcher checks that the spans of any query in any text lie inside
// the text, on character boundaries, sorted and apart; and that a plain
// phrase has as many spans as the brute-force reference counts hits.
func FuzzMatcher(f *testing.F) {
	for _, c := range [][2]string{
		{`common prosperity`, "The meeting stressed common prosperity. Common  prosperity, common prosperity!"},
		{`好好`, "好好好。好好"},
		{`"dynamic clearing" OR 动态清零`, "Adhere to “dynamic clearing”. 推动隐患动态清零。动态清零动态清零。"},
		{`prosper* NEAR/3 common`, "PROSPERITY prospers; common goals for common prosperity"},
		{`/dual (carbon|zero)/ -隐患`, "Xi Jinping’s “dual-carbon” push; Dual Zero"},
		{`/19疫/`, "COVID-19疫情 ㋀ ㍿株式会社"},
		{`title:"x" AND /./`, "e\u0301té ﬁne Straße ＡＢＣ１２３"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, q, text string) {
		n, err := Parse(q)
		if err != nil {
			return
		}
		m := NewMatcher(n)
		for _, isTitle := range []bool{false, true} {
			spans := m.Spans(text, isTitle)
			for n := 1; n <= len(spans)+1; n++ {
				if got, want := m.SpansN(text, isTitle, n), spans[:min(n, len(spans))]; !equalSpans(got, want) {
					t.Fatalf("SpansN(%q, %q, %d) = %v, want %v", q, text, n, got, want)
				}
			}
			prev := 0
			for i, s := range spans {
				if s.Start < prev || s.End <= s.Start || s.End > len(text) {
					t.Fatalf("Spans(%q, %q): span %d %v after %d, text %d bytes: %v", q, text, i, s, prev, len(text), spans)
				}
				if utf8.ValidString(text) && !utf8.ValidString(text[s.Start:s.End]) {
					t.Fatalf("Spans(%q, %q): span %v %q not on character boundaries", q, text, s, text[s.Start:s.End])
				}
				prev = s.End
			}
		}
		// A plain phrase: one span per hit, unless two hits touch in the
		// text (tokens of one character like ㍿ share a span).
		p, ok := n.(*Phrase)
		if !ok || !utf8.ValidString(text) {
			return
		}
		needle := make([]string, len(p.Slots))
		for i, s := range p.Slots {
			if s.Prefix {
				return
			}
			needle[i] = s.Tok
		}
		want := reftest.Count(reftest.Tokens(text), needle)
		if got := len(m.Spans(text, true)); got > want || got == 0 && want > 0 {
			t.Fatalf("Spans(%q, %q): %d spans, reference counts %d hits", q, text, got, want)
		}
	})
}

func equalSpans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package query

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/textnorm"
)

// SpansN tokenizes a field only as far as it needs; its first n spans must
// be those of Spans on the whole field, whatever characters stand where it
// cuts the field.
func TestSpansN_Prefix(t *testing.T) {
	pieces := []string{"中", "国", "共同", "富裕", "，", "。", " ", "  ", "\n", "a", "ab", "Ab", "x1", "-", "e\u0301", "\u0301",
		"ﬁ", "Ａ", "１２", "㍿", "가", "\u1100\u1161", "ß", "İ", "’", "—", "ア", "々", "\U00020000", "..", "\t"}
	rng := rand.New(rand.NewSource(3))
	for iter := 0; iter < 3000; iter++ {
		var b strings.Builder
		for n := rng.Intn(400); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := b.String()
		toks := textnorm.Tokens(text)
		if len(toks) == 0 {
			continue
		}
		// A phrase taken from the text, or two in OR.
		phrase := func() string {
			i := rng.Intn(len(toks))
			k := 1 + rng.Intn(3)
			if i+k > len(toks) {
				k = len(toks) - i
			}
			return `"` + strings.Join(toks[i:i+k], " ") + `"`
		}
		q := phrase()
		if rng.Intn(3) == 0 {
			q += " OR " + phrase()
		}
		n, err := Parse(q)
		if err != nil {
			continue
		}
		m := NewMatcher(n)
		for _, isTitle := range []bool{false, true} {
			all := m.Spans(text, isTitle)
			for k := 1; k <= len(all)+1; k++ {
				if got, want := m.SpansN(text, isTitle, k), all[:min(k, len(all))]; !equalSpans(got, want) {
					t.Fatalf("SpansN(%q, %q, %d) = %v, want %v", q, text, k, got, want)
				}
			}
		}
	}
}

// Every character scanClass knows tokenizes as it says, alone and
// between ASCII letters and ideographs.
func TestScanClass(t *testing.T) {
	for r := rune(0x80); r <= 0xFFFF; r++ {
		c := scanClass(r)
		if c == classUnknown {
			continue
		}
		s := string(r)
		for _, ctx := range [][2]string{{"", ""}, {"a", "b"}, {"中", "国"}, {"a", "国"}, {"中", "b"}, {" ", " "}, {"\u3002", "1"}} {
			text := ctx[0] + s + ctx[1]
			_, spans := textnorm.Spans(text)
			var want []Span
			for _, sp := range spans {
				want = append(want, Span{sp.Start, sp.End})
			}
			idx := make([]uint32, len(want))
			for i := range idx {
				idx[i] = uint32(i)
			}
			got, ok := scanSpans(text, idx, 1, nil)
			if len(want) == 0 {
				continue
			}
			if !ok || !equalSpans(got, want) {
				t.Fatalf("U+%04X (class %d) in %q: scanSpans %v %v, tokenizer %v", r, c, text, got, ok, want)
			}
		}
	}
}

// scanSpans on random text of known and unknown characters: the spans of
// the tokenizer, or ok false.
func TestScanSpans_Random(t *testing.T) {
	pieces := []string{"中", "国", "共同", "，", "。", "“", "”", " ", "\n", "a", "Ab", "x1", "-", "１２", "ＡＢ", "—", "…", "e\u0301", "ß", "㍿", "ア", "\u3000", "℃", "〇", "Ⅲ", "①", "°", "・", "≥"}
	rng := rand.New(rand.NewSource(4))
	for iter := 0; iter < 5000; iter++ {
		var b strings.Builder
		for n := rng.Intn(60); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := b.String()
		_, spans := textnorm.Spans(text)
		if len(spans) == 0 {
			continue
		}
		k := 1 + rng.Intn(3)
		var starts []uint32
		for s := rng.Intn(3); s+k <= len(spans); s += k + rng.Intn(4) {
			starts = append(starts, uint32(s))
		}
		var want []Span
		for _, s := range starts {
			want = append(want, Span{spans[s].Start, spans[int(s)+k-1].End})
		}
		got, ok := scanSpans(text, starts, k, nil)
		if ok && !equalSpans(got, want) {
			t.Fatalf("scanSpans(%q, %v, %d) = %v, tokenizer %v", text, starts, k, got, want)
		}
	}
}

// The byte-level fast paths of flat, lastRunes and truncRunes give what
// the rune-by-rune versions give, on valid and invalid UTF-8.
func TestContextHelpers(t *testing.T) {
	refLast := func(s string, n int) string {
		i := len(s)
		for k := 0; k < n && i > 0; k++ {
			_, size := utf8.DecodeLastRuneInString(s[:i])
			i -= size
		}
		return s[i:]
	}
	refTrunc := func(s string, n int) string {
		i := 0
		for k := 0; k < n && i < len(s); k++ {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		return s[:i]
	}
	pieces := []string{"中", "a", " ", "  ", "\n", "\r\n", "\t", "é", "\xe5", "\x80", "\xed\xa0\x80", "\xe0\x80\x80", "𠀀", "，"}
	rng := rand.New(rand.NewSource(5))
	for iter := 0; iter < 20000; iter++ {
		var b strings.Builder
		for n := rng.Intn(20); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		s := b.String()
		n := rng.Intn(12)
		if got, want := lastRunes(s, n), refLast(s, n); got != want {
			t.Fatalf("lastRunes(%q, %d) = %q, want %q", s, n, got, want)
		}
		if got, want := truncRunes(s, n), refTrunc(s, n); got != want {
			t.Fatalf("truncRunes(%q, %d) = %q, want %q", s, n, got, want)
		}
		if got, want := flat(s), flatRunes(s); got != want && !(utf8.ValidString(s) == false && !strings.ContainsAny(s, "\n\r\t") && !strings.Contains(s, "  ")) {
			t.Fatalf("flat(%q) = %q, want %q", s, got, want)
		}
	}
}

package query

import (
	"math/rand"
	"strings"
	"testing"

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

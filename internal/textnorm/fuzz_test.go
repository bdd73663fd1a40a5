package textnorm

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/tifa-project/tifa/internal/reftest"
)

// FuzzTokens checks the tokenizer on any string: spans inside the string
// and in order, the same tokens from Each, Tokens and Spans, Normalize
// consistent with them, and the same tokens as the independent
// brute-force reading of SPEC §2 in internal/reftest.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{
		"Xi Jinping’s “dual-carbon”",
		"扎实推动共同富裕。共同富裕",
		"COVID-19疫情 ㋀ ㍿ ½ ﬁne",
		"Straße ＡＢＣ１２３ ΣΑΣ İstanbul",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tz Tokenizer
		var toks []string
		prevStart, prevEnd := 0, 0
		tz.Each(s, func(tok []byte, start, end int) {
			if len(tok) == 0 {
				t.Fatalf("Each(%q): empty token at %d…%d", s, start, end)
			}
			if start < prevStart || end < prevEnd || start >= end || end > len(s) {
				t.Fatalf("Each(%q): token %q at %d…%d after %d…%d", s, tok, start, end, prevStart, prevEnd)
			}
			if utf8.ValidString(s) && !utf8.ValidString(s[start:end]) {
				t.Fatalf("Each(%q): span %d…%d not on character boundaries", s, start, end)
			}
			prevStart, prevEnd = start, end
			toks = append(toks, string(tok))
		})
		if diff := cmp.Diff(toks, Tokens(s)); diff != "" {
			t.Fatalf("Tokens(%q) differs from Each (-each +tokens):\n%s", s, diff)
		}
		stoks, spans := Spans(s)
		if diff := cmp.Diff(toks, stoks); diff != "" || len(spans) != len(stoks) {
			t.Fatalf("Spans(%q) differs from Each (-each +spans), %d spans:\n%s", s, len(spans), diff)
		}

		norm, starts, ends := Normalize(s)
		if len(starts) != len(norm) || len(ends) != len(norm) {
			t.Fatalf("Normalize(%q): %d starts, %d ends for %d bytes", s, len(starts), len(ends), len(norm))
		}
		for i := range starts {
			if starts[i] < 0 || starts[i] > ends[i] || int(ends[i]) > len(s) {
				t.Fatalf("Normalize(%q): byte %d maps to %d…%d", s, i, starts[i], ends[i])
			}
		}
		if got, want := strings.ReplaceAll(norm, " ", ""), strings.Join(toks, ""); got != want {
			t.Fatalf("Normalize(%q) = %q: tokens %q without spaces", s, norm, toks)
		}
		if strings.HasPrefix(norm, " ") || strings.HasSuffix(norm, " ") || strings.Contains(norm, "  ") {
			t.Fatalf("Normalize(%q) = %q: stray spaces", s, norm)
		}

		if !utf8.ValidString(s) {
			return
		}
		if diff := cmp.Diff(reftest.Tokens(s), toks); diff != "" {
			t.Fatalf("Tokens(%q) differs from reftest.Tokens (-reftest +textnorm):\n%s", s, diff)
		}
		// Tokens are normalised: tokenizing them again changes nothing,
		// so that a query printed from its tokens means the same. Up to
		// NFC: folding after NFKC can leave a letter and a following
		// combining mark uncomposed ("ß\u0301" → "ss\u0301", which NFKC
		// then composes to "sś").
		if again := Tokens(strings.Join(toks, " ")); !slices.Equal(nfc(again), nfc(toks)) {
			t.Fatalf("Tokens(%q) = %q, which tokenize again as %q", s, toks, again)
		}
	})
}

func nfc(x []string) []string {
	out := make([]string, len(x))
	for i, s := range x {
		out[i] = norm.NFC.String(s)
	}
	return out
}

// TestTokens_CherokeeFold: Unicode folds the Cherokee small letters to
// the capitals (CaseFolding.txt), unlike golang.org/x/text/cases
// (go.dev/issue/46101); fold_table.go and reftest correct it.
func TestTokens_CherokeeFold(t *testing.T) {
	in := "Ꭰ ꭰ Ᏸ ᏸ ᏣᎳᎩ ᏣᎳᎩ ꮳꮃꭹ"
	want := []string{"Ꭰ", "Ꭰ", "Ᏸ", "Ᏸ", "ᏣᎳᎩ", "ᏣᎳᎩ", "ᏣᎳᎩ"}
	if diff := cmp.Diff(want, Tokens(in)); diff != "" {
		t.Errorf("Tokens(%q) (-want +got):\n%s", in, diff)
	}
	if diff := cmp.Diff(want, reftest.Tokens(in)); diff != "" {
		t.Errorf("reftest.Tokens(%q) (-want +got):\n%s", in, diff)
	}
}

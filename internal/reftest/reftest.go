// Package reftest is a brute-force reading of SPEC §2 and §4 for tests: it
// tokenizes every document the slow, obvious way and counts phrases by
// scanning. It shares no code with the engine's tokenizer or index, so
// the two can be compared.
package reftest

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Tokens returns the tokens of s per SPEC §2: NFKC, then full case
// folding, then Han/Hiragana/Katakana characters alone, runs of L/M/N.
func Tokens(s string) []string {
	s = cases.Fold().String(norm.NFKC.String(s))
	// x/text folds Cherokee capitals to the small letters
	// (go.dev/issue/46101); Unicode folds the small letters to the
	// capitals.
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cherokee, r) && unicode.IsLower(r) {
			return unicode.ToUpper(r)
		}
		return r
	}, s)
	var out []string
	var cur []rune
	for _, r := range s {
		switch {
		case isIdeo(r):
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = cur[:0]
			}
			out = append(out, string(r))
		case unicode.In(r, unicode.L, unicode.M, unicode.N):
			cur = append(cur, r)
		default:
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = cur[:0]
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

func isIdeo(r rune) bool {
	return r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF ||
		r >= 0x20000 && r <= 0x3134F || r >= 0x3040 && r <= 0x309F || r >= 0x30A0 && r <= 0x30FF ||
		r >= 0x31F0 && r <= 0x31FF || r == 0x3005 || r == 0x3007
}

// Count returns the leftmost-first, non-overlapping occurrences of needle
// in hay, as strings.Count counts.
func Count[T comparable](hay, needle []T) int {
	k := len(needle)
	if k == 0 {
		return 0
	}
	n := 0
	for i := 0; i+k <= len(hay); {
		if eq(hay[i:i+k], needle) {
			n++
			i += k
		} else {
			i++
		}
	}
	return n
}

func eq[T comparable](a, b []T) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

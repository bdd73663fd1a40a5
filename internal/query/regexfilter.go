package query

import (
	"regexp/syntax"
	"unicode"

	"github.com/tifa-project/tifa/internal/textnorm"
)

// requiredTokens returns tokens that every match of the regular expression
// must contain as whole tokens of the text, so that only documents holding
// all of them need to be scanned. It looks at literal strings the
// expression must match (a top-level concatenation's literals): every CJK
// character of a literal is a token, and so is a word of a literal that
// has a separator on both sides within the literal. The result may be
// empty (scan everything); it never names a token a match could lack.
func requiredTokens(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	for re.Op == syntax.OpCapture && len(re.Sub) == 1 {
		re = re.Sub[0]
	}
	var lits [][]rune
	switch re.Op {
	case syntax.OpLiteral:
		lits = append(lits, re.Rune)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			for sub.Op == syntax.OpCapture && len(sub.Sub) == 1 {
				sub = sub.Sub[0]
			}
			if sub.Op == syntax.OpLiteral {
				lits = append(lits, sub.Rune)
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		for _, t := range textnorm.Tokens(s) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	for _, lit := range lits {
		start := -1 // start of a word run, after a separator
		for i, r := range lit {
			switch {
			case textnorm.IsIdeo(r):
				add(string(r))
				if start >= 0 {
					add(string(lit[start:i])) // a word run ends at a CJK character
				}
				start = i + 1
			case unicode.In(r, unicode.L, unicode.M, unicode.N):
				// part of a word run
			default:
				if start >= 0 && i > start {
					add(string(lit[start:i]))
				}
				start = i + 1
			}
		}
		_ = start // a run touching the literal's end may be part of a longer word
	}
	return out
}

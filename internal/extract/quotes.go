package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// quotePair is one kind of quotation marks.
type quotePair struct{ open, close rune }

var quotePairs = []quotePair{{'“', '”'}, {'‘', '’'}, {'「', '」'}, {'『', '』'}, {'"', '"'}}

// maxQuoteBytes bounds the span searched for a closing mark.
const maxQuoteBytes = 400

// Formulations returns the quoted phrases of text that read as slogans or
// policy terms (doc/extraction.md): in first-seen order, each once. The
// outer quotation wins when it qualifies; otherwise the phrases quoted
// inside it are considered. Time is linear in len(text).
func Formulations(text string) []string {
	type closes struct {
		pos []int // byte offsets of the closing marks
		k   int   // first not before the scan position
	}
	if !strings.ContainsAny(text, "“‘「『\"") {
		return nil
	}
	cl := make([]closes, len(quotePairs))
	for i, c := range text {
		switch c {
		case '”', '’', '」', '』', '"':
		default:
			continue
		}
		for q, p := range quotePairs {
			if c == p.close && (p.close != '’' || !letterAt(text, i+utf8.RuneLen(c))) {
				cl[q].pos = append(cl[q].pos, i)
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(text) && len(out) < maxFormulations; {
		c, w := utf8.DecodeRuneInString(text[i:])
		q := -1
		for k, p := range quotePairs {
			if c == p.open {
				q = k
			}
		}
		if q < 0 || (c == '"' || c == '‘') && letterBefore(text, i) {
			i += w
			continue
		}
		cs := &cl[q]
		for cs.k < len(cs.pos) && cs.pos[cs.k] <= i {
			cs.k++
		}
		if cs.k == len(cs.pos) || cs.pos[cs.k]-i > maxQuoteBytes {
			i += w
			continue
		}
		end := cs.pos[cs.k]
		inner := strings.TrimSpace(text[i+w : end])
		after := text[end+utf8.RuneLen(quotePairs[q].close):]
		ok := isFormulation(inner, after)
		if ok && !seen[inner] {
			seen[inner] = true
			out = append(out, inner)
		}
		if ok || c == '"' {
			// Straight quotes pair in turn: the closing mark opens nothing.
			i = end + utf8.RuneLen(quotePairs[q].close)
			continue
		}
		i += w
	}
	return out
}

func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func letterBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) || unicode.IsDigit(r)
}

// isFormulation tells whether a quoted phrase is a slogan or policy term
// rather than quoted speech, a title or a stray mark: short, no sentence
// inside, not followed by "said".
func isFormulation(s, after string) bool {
	if s == "" || strings.ContainsAny(s, "“”「」\n") {
		return false
	}
	n := utf8.RuneCountInString(s)
	han := 0
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			han++
		}
	}
	if han > 0 {
		// Chinese: 2–25 characters, no sentence or clause inside.
		return n >= 2 && n <= 25 && !strings.ContainsAny(s, "，。！？；：,.!?;:")
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 20 || n > 160 {
		return false
	}
	if strings.ContainsAny(s, "!?;") || strings.Contains(s, ". ") || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ",") {
		return false
	}
	// Quoted speech: “…” he said.
	a := strings.TrimLeft(after, " ,")
	for _, v := range []string{"said", "says", "he said", "she said", "added", "noted", "stressed"} {
		if strings.HasPrefix(a, v+" ") || strings.HasPrefix(a, v+".") || strings.HasPrefix(a, v+",") {
			return false
		}
	}
	if len(words) == 1 {
		// One word: a coined term (hyphenated, capitalised), not a scare-quoted word.
		r, _ := utf8.DecodeRuneInString(s)
		return strings.Contains(s, "-") || unicode.IsUpper(r)
	}
	return true
}

package clickhouse

import (
	"strings"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/query"
)

// The snippet and context helpers below are internal/query's (local.go),
// repeated so that snippets and KWIC lines are byte for byte the same.

// snippet returns about 160 characters of text around the first hit,
// with the hit between « and »; the start of the text when nothing
// matches there (a title-only hit).
func snippet(mt *query.Matcher, text string) string {
	sp := mt.Spans(text, false)
	if len(sp) == 0 {
		return flat(truncRunes(text, 160))
	}
	s := sp[0]
	left := lastRunes(text[:s.Start], 70)
	right := truncRunes(text[s.End:], 70)
	prefix := ""
	if len(left) < s.Start {
		prefix = "…"
	}
	suffix := ""
	if s.End+len(right) < len(text) {
		suffix = "…"
	}
	hit := text[s.Start:s.End]
	if cut := truncRunes(hit, 100); len(cut) < len(hit) { // a long regex match
		hit, right, suffix = cut+"…", "", "…"
	}
	return flat(prefix + left + query.MarkOpen + hit + query.MarkClose + right + suffix)
}

// flat turns each run of white space (line and paragraph breaks, tabs)
// into one space, so that a context reads as one line.
func flat(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// lastRunes returns the last n characters of s.
func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

// truncRunes returns the first n characters of s.
func truncRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

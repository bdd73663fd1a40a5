package corpus

import (
	"strings"
	"unicode"
)

// readText reads one dated article: a first line "date YYYY-MM-DD TITLE"
// (leading white space and a BOM ignored), a blank line, then the body,
// kept as written but with LF line ends, leading blank lines dropped and
// trailing white space trimmed. Cost: the file is held whole (at most
// Options.MaxDocBytes).
func readText(in *input) error {
	data, err := readAllLimited(in.r, in.cfg.maxDoc)
	if err != nil {
		return &readError{line: 1, err: err}
	}
	d, err := parseText(string(data))
	if err != nil {
		return in.reject(1, err)
	}
	return in.doc(1, &d)
}

// parseText splits a dated article into date, title and text.
func parseText(s string) (Document, error) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	first, rest, _ := strings.Cut(s, "\n")
	first = strings.TrimLeftFunc(first, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
	if len(first) < 5 || !strings.EqualFold(first[:4], "date") || !isSpaceByte(first[4]) {
		return Document{}, reject(ErrNotDocument, `not a dated article: first line must be "date YYYY-MM-DD TITLE"`)
	}
	first = strings.TrimLeft(first[4:], " \t")
	date, title, _ := strings.Cut(first, " ")
	if i := strings.IndexAny(date, "\t\v\f"); i >= 0 {
		date, title = date[:i], date[i+1:]+" "+title
	}
	if _, err := ParseDate(date); err != nil || date == "" {
		return Document{}, reject(ErrField, `date %q is not a valid date (want YYYY-MM-DD in the first line "date YYYY-MM-DD TITLE")`, validUTF8(date))
	}
	for {
		line, after, found := strings.Cut(rest, "\n")
		if strings.TrimSpace(line) != "" {
			break
		}
		rest = after
		if !found {
			break
		}
	}
	return Document{Date: date, Title: title, Text: strings.TrimRightFunc(rest, unicode.IsSpace)}, nil
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

package corpus

import (
	"bytes"
	"errors"
	"html"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// readSGML reads the Reuters-21578 SGML distribution: many <REUTERS …>
// elements per file, in Windows-1252. Each becomes one document:
// id "reuters21578-NEWID", date from <DATE>, title from <TITLE>, text from
// <BODY> (or the whole <TEXT TYPE="UNPROC">), source "Reuters", lang "en".
// Entities are decoded, control characters (&#3; …) removed, hard-wrapped
// lines re-flowed (a line starting with white space opens a paragraph) and
// the closing "Reuter" sign-off dropped. Line is that of the <REUTERS tag.
// Cost: streams line by line, holding one element at a time; an element
// over Options.MaxDocBytes is skipped to its end tag and rejected.
func readSGML(in *input) error {
	lr := &lineReader{r: in.r, max: in.cfg.maxDoc}
	var (
		inside   bool
		start    int    // line of the open tag
		el       []byte // element so far
		size     int64  // its size, also when no longer kept
		longAt   int    // line of a too-long line outside an element, 0 if none since
		longSize int64  // bytes since the start of that line
	)
	for {
		line, n, err := lr.next()
		switch {
		case err == io.EOF:
			if inside {
				return in.reject(start, reject(ErrSyntax, "<REUTERS> element not closed before the end of the file"))
			}
			return nil
		case errors.Is(err, errLineTooLong):
			// The line may hold an open tag that cannot be seen; a close
			// tag outside an element later tells.
			if !inside {
				longAt, longSize = lr.line, 0
			}
			size += n
			longSize += n
			continue
		case err != nil:
			return err
		}
		rest := line
		for len(rest) > 0 {
			if !inside && longAt > 0 {
				i, j := bytes.Index(rest, reutersOpen), bytes.Index(rest, reutersClose)
				if j >= 0 && (i < 0 || j < i) {
					err := in.reject(longAt, errTooLarge("record", longSize+int64(j+len(reutersClose)), in.cfg.maxDoc))
					if err != nil {
						return err
					}
					longAt = 0
					rest = rest[j+len(reutersClose):]
					continue
				}
				longSize += int64(len(line)) + 1
			}
			if !inside {
				i := bytes.Index(rest, reutersOpen)
				if i < 0 {
					break
				}
				longAt = 0
				inside, start, el, size = true, lr.line, el[:0], 0
				rest = rest[i:]
			}
			j := bytes.Index(rest, reutersClose)
			part := rest
			if j >= 0 {
				part = rest[:j+len(reutersClose)]
			}
			size += int64(len(part)) + 1
			if size <= int64(in.cfg.maxDoc) {
				el = append(el, part...)
				el = append(el, '\n')
			}
			if j < 0 {
				break
			}
			inside = false
			rest = rest[len(part):]
			if size > int64(in.cfg.maxDoc) {
				err = in.reject(start, errTooLarge("record", size, in.cfg.maxDoc))
			} else {
				d := parseReuters(decode1252(el))
				err = in.doc(start, &d)
			}
			if err != nil {
				return err
			}
		}
	}
}

var (
	reutersOpen  = []byte("<REUTERS")
	reutersClose = []byte("</REUTERS>")
)

// decode1252 turns Windows-1252 bytes into a UTF-8 string; ASCII is
// copied as is.
func decode1252(b []byte) string {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			s, err := charmap.Windows1252.NewDecoder().Bytes(b)
			if err == nil {
				return string(s)
			}
			break
		}
	}
	return string(b)
}

// parseReuters reads one <REUTERS> element.
func parseReuters(el string) Document {
	open, _, _ := strings.Cut(el, ">")
	d := Document{
		Date:   sgmlDecode(between(el, "<DATE>", "</DATE>")),
		Title:  strings.Join(strings.Fields(sgmlDecode(between(el, "<TITLE>", "</TITLE>"))), " "),
		Source: "Reuters",
		Lang:   "en",
	}
	if id := sgmlAttr(open, "NEWID"); id != "" {
		d.ID = "reuters21578-" + id
	}
	// Dates are "26-FEB-1987 15:01:01.79"; a few carry junk after the time.
	if date, err := ParseDate(d.Date); err == nil {
		d.Date = date
	} else {
		d.Date = ""
	}
	body, hasBody := betweenOK(el, "<BODY>", "</BODY>")
	if i := strings.Index(el, "<TEXT"); i >= 0 && !hasBody {
		tag, _, _ := strings.Cut(el[i:], ">")
		if strings.EqualFold(sgmlAttr(tag, "TYPE"), "UNPROC") {
			body = between(el[i:], ">", "</TEXT>")
		}
	}
	d.Text = reflow(sgmlDecode(body))
	return d
}

// between returns the text between the first open and the next close.
func between(s, open, close string) string {
	v, _ := betweenOK(s, open, close)
	return v
}

func betweenOK(s, open, close string) (string, bool) {
	_, after, ok := strings.Cut(s, open)
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(after, close)
	return v, ok
}

// sgmlAttr returns the value of attribute name in an open tag.
func sgmlAttr(tag, name string) string {
	_, after, ok := strings.Cut(tag, " "+name+"=")
	if !ok {
		return ""
	}
	if strings.HasPrefix(after, `"`) {
		v, _, _ := strings.Cut(after[1:], `"`)
		return v
	}
	v, _, _ := strings.Cut(after, " ")
	return v
}

// sgmlDecode decodes entities and removes control characters other than
// line breaks and tabs.
func sgmlDecode(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// reflow joins hard-wrapped lines into paragraphs, white space collapsed:
// a line starting with white space, or a blank line, starts a new
// paragraph. A last paragraph
// that is the "Reuter" sign-off is dropped, as is the word at the end of
// the last paragraph.
func reflow(s string) string {
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(strings.Fields(strings.Join(cur, " ")), " "))
			cur = cur[:0]
		}
	}
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			flush()
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			flush()
		}
		cur = append(cur, t)
	}
	flush()
	if k := len(paras); k > 0 {
		last := paras[k-1]
		switch {
		case strings.EqualFold(last, "reuter"):
			paras = paras[:k-1]
		case strings.HasSuffix(last, " Reuter"), strings.HasSuffix(last, " REUTER"):
			paras[k-1] = strings.TrimSpace(last[:len(last)-len("reuter")])
		}
	}
	return strings.Join(paras, "\n\n")
}

package corpus

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

const bom = "\uFEFF"

// minDate is the earliest publication date accepted. Dates before it, and
// more than a year after today, are rejected as typos: no news corpus has
// them, and one of them would stretch every trend over centuries of empty
// buckets.
const minDate = "1800-01-01"

// finish normalises a document read by any format, in place: fields
// trimmed and repaired to valid UTF-8, the date normalised, text with LF
// line ends, and the defaults filled in (source from Options.Source, lang
// detected, id from fileID or a hash of the content). It returns the
// rejection reason when the date is not a date. Cost: one pass over the
// text, and no copy when it needs no change.
func (c *config) finish(d *Document, fileID string) error {
	d.ID = cleanField(d.ID)
	d.Source = cleanField(d.Source)
	d.Lang = cleanField(d.Lang)
	d.URL = cleanField(d.URL)
	d.Title = cleanTitle(d.Title)
	d.Text = cleanText(d.Text)
	date, err := ParseDate(cleanField(d.Date))
	if err != nil {
		return err
	}
	switch {
	case date != "" && date < minDate:
		return reject(ErrField, "date %q is before %s (a typo?)", date, minDate)
	case date != "" && c.maxDate != "" && date > c.maxDate:
		return reject(ErrField, "date %q is more than a year in the future (a typo?)", date)
	}
	d.Date = date
	if d.Title == "" && d.Text == "" && d.ID == "" {
		// A record with an id but no words is kept (real corpora have
		// them: stories whose transcript is missing); one with neither has
		// nothing to index and nothing to name it by.
		return reject(ErrNotDocument, "no id, title or text")
	}
	if d.Source == "" {
		d.Source = cleanField(c.Source)
	}
	if d.Lang == "" {
		d.Lang = DetectLang(d.Title, d.Text)
	}
	if d.ID == "" {
		d.ID = cleanField(fileID)
	}
	if d.ID == "" {
		d.ID = contentID(d.Title, d.Date, d.Text)
	}
	for k, v := range d.Meta {
		ck, cv := cleanField(k), validUTF8(v)
		if ck != k || cv != v {
			delete(d.Meta, k)
			if ck != "" {
				d.Meta[ck] = cv
			}
		}
	}
	return nil
}

// contentID is the id of a record that has none: "sha1-" and the first 16
// hex digits of sha1(title NUL date NUL text).
func contentID(title, date, text string) string {
	h := sha1.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(date))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return "sha1-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// validUTF8 repairs invalid UTF-8 to U+FFFD, one per run of bad bytes.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// cleanField is a one-line field: valid UTF-8, no BOM, trimmed.
func cleanField(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(validUTF8(s), bom))
}

// cleanTitle is cleanField with any line breaks and tabs inside turned
// into single spaces.
func cleanTitle(s string) string {
	s = cleanField(s)
	if strings.ContainsAny(s, "\r\n\t") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// cleanText keeps text as written except: a leading BOM removed, CRLF and
// CR turned into LF, invalid UTF-8 repaired to U+FFFD.
func cleanText(s string) string {
	s = strings.TrimPrefix(validUTF8(s), bom)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

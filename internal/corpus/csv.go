package corpus

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// readCSV reads comma-separated values: a header row naming the fields,
// then one document per row. readTSV is the same with tabs.
func readCSV(in *input) error { return readDelimited(in, ',') }

// readTSV reads tab-separated values like readCSV.
func readTSV(in *input) error { return readDelimited(in, '\t') }

// readDelimited reads a header row and then one document per record.
// Header names are matched to fields by Options.Map, then by field name
// (case-insensitive, "meta.KEY" too); any other column goes into Meta
// under its header name (empty cells left out); cells beyond the header
// are ignored. A file whose header maps no column to text or title is
// rejected once, at line 1, with a message that says what to do; so is one
// whose text is left in a column called body, content or the like (a
// column --map must name). Quoted fields may span lines; Line is where a
// record starts. Cost: one record held at a time. A record over
// Options.MaxDocBytes is rejected and reading goes on; one that overflows
// the parser's buffer (the limit plus 64 KiB) ends the file, since its
// end cannot be found without holding it.
func readDelimited(in *input, comma rune) error {
	skipBOM(in.r)
	guard := &recordGuard{r: in.r, limit: int64(in.cfg.maxDoc) + guardSlack}
	cr := csv.NewReader(guard)
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return csvReadError(err, 1, in.cfg.maxDoc)
	}
	targets, err := csvHeader(in.cfg, header)
	if err != nil {
		return in.reject(1, err)
	}
	nextLine := 2 // where the next record starts, if it cannot be asked
	for {
		guard.limit = cr.InputOffset() + int64(in.cfg.maxDoc) + guardSlack
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, errRecordTooLarge) {
			if err := in.reject(pe.StartLine, reject(ErrSyntax, "bad CSV record: %v", pe.Err)); err != nil {
				return err
			}
			nextLine = pe.Line + 1
			continue
		}
		if err != nil {
			return csvReadError(err, nextLine, in.cfg.maxDoc)
		}
		line, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		nextLine = last + strings.Count(rec[len(rec)-1], "\n") + 1
		if size := recordSize(rec); size > int64(in.cfg.maxDoc) {
			err = in.reject(line, errTooLarge("record", size, in.cfg.maxDoc))
		} else {
			d := csvDocument(targets, rec)
			err = in.doc(line, &d)
		}
		if err != nil {
			return err
		}
	}
}

// csvReadError turns a failed Read into the error that ends the file.
func csvReadError(err error, line, max int) error {
	if errors.Is(err, errRecordTooLarge) {
		err = reject(ErrTooLarge, "record is over the %s limit; the rest of the file was not read", formatBytes(int64(max)))
	}
	return &readError{line: line, err: err}
}

func recordSize(rec []string) int64 {
	var n int64
	for _, v := range rec {
		n += int64(len(v))
	}
	return n
}

// csvDocument builds a document from one record.
func csvDocument(targets []target, rec []string) Document {
	var d Document
	for i, v := range rec {
		if i >= len(targets) {
			break
		}
		t := targets[i]
		if t.f != fMeta {
			setField(&d, t.f, v)
			continue
		}
		if v == "" {
			continue
		}
		if d.Meta == nil {
			d.Meta = map[string]string{}
		}
		d.Meta[t.key] = v
	}
	return d
}

// textLikeColumns are header names that hold an article's text but are
// not mapped to it without --map.
var textLikeColumns = []string{"body", "content", "contents", "article", "fulltext", "full_text", "maintext", "main_text", "story", "bodytext", "body_text"}

// csvHeader maps the header cells to targets, or says why the header
// cannot be used.
func csvHeader(c *config, header []string) ([]target, error) {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], bom)
	}
	targets := make([]target, len(header))
	hasText, hasTitle := false, false
	textLike := ""
	for i, h := range header {
		name := strings.TrimSpace(h)
		t, ok := c.mapped(name)
		if !ok {
			t, ok = parseTarget(name)
		}
		if !ok {
			t = target{f: fMeta, key: name}
			if name == "" {
				t.key = fmt.Sprintf("column%d", i+1)
			}
			for _, l := range textLikeColumns {
				if textLike == "" && strings.EqualFold(name, l) {
					textLike = name
				}
			}
		}
		targets[i] = t
		hasText = hasText || t.f == fText
		hasTitle = hasTitle || t.f == fTitle
	}
	shown := showHeader(header)
	switch {
	case !hasText && !hasTitle && looksLikeData(header):
		return nil, reject(ErrNotDocument, "no column maps to text or title (header: %s); the first row looks like data, not a header: add a first row naming the columns (e.g. date,title,text)", shown)
	case !hasText && !hasTitle:
		col := textLike
		if col == "" {
			col = "COLUMN"
		}
		return nil, reject(ErrNotDocument, "no column maps to text or title (header: %s); use --map %s=text", shown, csvQuoteName(col))
	case !hasText && textLike != "":
		return nil, reject(ErrNotDocument, "no column maps to text (header: %s); use --map %s=text (or --map %s=meta.%s to keep it as metadata)", shown, csvQuoteName(textLike), csvQuoteName(textLike), csvQuoteName(textLike))
	}
	return targets, nil
}

// looksLikeData reports whether a header row is really a data row: a cell
// holds a date or a long run of words.
func looksLikeData(row []string) bool {
	for _, v := range row {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if d, err := ParseDate(v); err == nil && d != "" {
			return true
		}
		if utf8.RuneCountInString(v) > 40 || strings.Count(v, " ") >= 4 {
			return true
		}
	}
	return false
}

// showHeader writes a header row for a message, shortened.
func showHeader(header []string) string {
	var b strings.Builder
	for i, h := range header {
		if i > 0 {
			b.WriteByte(',')
		}
		if b.Len() > 160 {
			b.WriteString("…")
			break
		}
		h = validUTF8(h)
		if utf8.RuneCountInString(h) > 40 {
			h = string([]rune(h)[:40]) + "…"
		}
		if strings.ContainsAny(h, ",\"\n\r") {
			h = `"` + strings.ReplaceAll(h, `"`, `""`) + `"`
		}
		b.WriteString(h)
	}
	return b.String()
}

// csvQuoteName writes a column name so a shell takes it as one word.
func csvQuoteName(s string) string {
	if strings.ContainsAny(s, " \t'\"$`\\*?;&|<>()") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// errRecordTooLarge is returned by recordGuard past its limit.
var errRecordTooLarge = errors.New("record over the size limit")

// guardSlack allows for the read-ahead of encoding/csv's buffer.
const guardSlack = 64 << 10

// recordGuard passes reads through until limit bytes in all, then fails:
// it bounds how much a parser that holds a whole record may buffer.
type recordGuard struct {
	r     io.Reader
	n     int64
	limit int64
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n >= g.limit {
		return 0, errRecordTooLarge
	}
	if int64(len(p)) > g.limit-g.n {
		p = p[:g.limit-g.n]
	}
	k, err := g.r.Read(p)
	g.n += int64(k)
	return k, err
}

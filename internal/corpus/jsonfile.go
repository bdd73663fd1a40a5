package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// readJSON reads a .json file: a document object, an array of them, or
// several objects one after another; or a CCTV video-list dump (see
// cctvStories). Anything else is rejected at line 1. Each element is
// decoded like a JSON Lines record, with Line where it starts. An element
// over Options.MaxDocBytes is rejected and reading goes on; a syntax error,
// or an element that overflows the decoder's buffer (the limit plus
// 64 KiB), ends the file, since the next element cannot be found. Cost:
// one element held at a time.
func readJSON(in *input) error {
	lines := &lineCounter{r: in.r}
	guard := &recordGuard{r: lines, limit: int64(in.cfg.maxDoc) + guardSlack}
	br := newPeeker(guard)
	first, err := br.firstByte()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return jsonReadError(err, 1, in.cfg.maxDoc)
	}
	dec := json.NewDecoder(br)
	inArray := first == '['
	switch first {
	case '[':
		if _, err := dec.Token(); err != nil {
			return jsonReadError(err, 1, in.cfg.maxDoc)
		}
	case '{':
	default:
		return in.reject(1, reject(ErrNotDocument, "not a JSON document: want an object or an array of objects, got %s", kindOrChar(first)))
	}
	p := &docParser{cfg: in.cfg}
	for {
		if inArray && !dec.More() {
			if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
				return &readError{line: lines.lineAt(br.skipped + dec.InputOffset()),
					err: reject(ErrSyntax, "invalid JSON: the array is not closed with ']'")}
			}
			return nil
		}
		guard.limit = dec.InputOffset() + int64(in.cfg.maxDoc) + guardSlack
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if err == io.EOF && !inArray {
				return nil
			}
			return jsonReadError(err, lines.lineAt(br.skipped+nextValue(dec)), in.cfg.maxDoc)
		}
		line := lines.lineAt(br.skipped + dec.InputOffset() - int64(len(raw)))
		var err error
		if len(raw) > in.cfg.maxDoc {
			err = in.reject(line, errTooLarge("record", int64(len(raw)), in.cfg.maxDoc))
		} else if stories, ok := cctvStories(raw, in.name, in.cfg.Source); ok {
			for _, d := range stories {
				if err = in.doc(line, &d); err != nil {
					break
				}
			}
		} else {
			var d Document
			if perr := p.parse(raw, &d); perr != nil {
				err = in.reject(line, perr)
			} else {
				err = in.doc(line, &d)
			}
		}
		if err != nil {
			return err
		}
	}
}

// jsonReadError turns a failed Decode into the error that ends the file.
func jsonReadError(err error, line, max int) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, errRecordTooLarge):
		err = reject(ErrTooLarge, "record is over the %s limit; the rest of the file was not read", formatBytes(int64(max)))
	case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		err = reject(ErrSyntax, "invalid JSON: unexpected end of input")
	case errors.As(err, &se):
		err = reject(ErrSyntax, "invalid JSON: %v; the rest of the file was not read", err)
	}
	return &readError{line: line, err: err}
}

// nextValue returns the offset where the decoder's next value starts,
// past white space and a comma, as far as its buffer tells.
func nextValue(dec *json.Decoder) int64 {
	off := dec.InputOffset()
	rest, _ := io.ReadAll(dec.Buffered())
	for _, c := range rest {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' {
			break
		}
		off++
	}
	return off
}

// kindOrChar names what a JSON value starting with c is.
func kindOrChar(c byte) string {
	if k := valueKind(c); k != "" {
		return k
	}
	return "text starting " + string(rune(c))
}

// peeker is a reader that can show its first non-space byte.
type peeker struct {
	r       io.Reader
	buf     []byte
	skipped int64 // bytes of BOM dropped, to add to offsets
}

func newPeeker(r io.Reader) *peeker { return &peeker{r: r} }

// firstByte reads up to the first byte that is not white space or a BOM
// and returns it; it is still to be read.
func (p *peeker) firstByte() (byte, error) {
	var b [512]byte
	for {
		n, err := p.r.Read(b[:])
		p.buf = append(p.buf, b[:n]...)
		if bytes.HasPrefix(p.buf, bomBytes) && p.skipped == 0 {
			p.buf, p.skipped = p.buf[len(bomBytes):], int64(len(bomBytes))
		}
		if t := bytes.TrimLeft(p.buf, " \t\r\n"); len(t) > 0 && (len(t) >= 3 || !bytes.HasPrefix(bomBytes, t)) {
			return t[0], nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func (p *peeker) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// lineCounter passes reads through and remembers where lines start, so
// that a byte offset can be turned into a line number. Offsets must be
// asked in increasing order; it holds the line starts not yet asked for.
type lineCounter struct {
	r      io.Reader
	off    int64   // bytes read so far
	starts []int64 // offsets just after each '\n' read and not yet passed
	line   int     // lines wholly before the last offset asked
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.starts = append(c.starts, c.off+int64(i)+1)
		}
	}
	c.off += int64(n)
	return n, err
}

// lineAt returns the 1-based line of byte offset off.
func (c *lineCounter) lineAt(off int64) int {
	k := 0
	for k < len(c.starts) && c.starts[k] <= off {
		k++
	}
	c.line += k
	c.starts = c.starts[k:]
	return c.line + 1
}

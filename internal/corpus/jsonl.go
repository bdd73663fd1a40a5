package corpus

import (
	"bytes"
	"errors"
	"io"
)

// readJSONL reads JSON Lines: one document object per line (see
// docParser), blank lines skipped, a BOM at the start of a line ignored,
// CRLF accepted. A bad line is rejected with its number and reading goes
// on; so does a line over the limit, which is skipped without being held.
// Cost: one pass, one allocation per string field.
func readJSONL(in *input) error {
	lr := &lineReader{r: in.r, max: in.cfg.maxDoc}
	p := &docParser{cfg: in.cfg}
	for {
		line, n, err := lr.next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, errLineTooLong):
			if err := in.reject(lr.line, errTooLarge("record", n, in.cfg.maxDoc)); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		line = bytes.TrimPrefix(line, bomBytes)
		if isBlank(line) {
			continue
		}
		var d Document
		if err = p.parse(line, &d); err != nil {
			err = in.reject(lr.line, err)
		} else {
			err = in.doc(lr.line, &d)
		}
		if err != nil {
			return err
		}
	}
}

var bomBytes = []byte(bom)

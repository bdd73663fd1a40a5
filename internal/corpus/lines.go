package corpus

import (
	"bufio"
	"errors"
	"io"
)

// errLineTooLong marks a line over the limit, already skipped.
var errLineTooLong = errors.New("line too long")

// lineReader reads lines of any length, holding at most max bytes of one
// line in memory: a longer line is skipped, counted but not kept.
type lineReader struct {
	r    *bufio.Reader
	buf  []byte
	max  int
	line int // number of the line last returned, 1-based
}

// next returns the next line without its "\n" or "\r\n", valid until the
// next call, and its length in bytes. A line longer than max gives
// errLineTooLong with its length; the end of input gives io.EOF.
func (lr *lineReader) next() ([]byte, int64, error) {
	lr.buf = lr.buf[:0]
	var total int64
	over := false
	var prev byte // last byte of the previous chunk
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if err == io.EOF && len(chunk) == 0 && total == 0 {
			return nil, 0, io.EOF
		}
		total += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			if !over && total > int64(lr.max)+2 {
				over, lr.buf = true, lr.buf[:0]
			} else if !over {
				lr.buf = append(lr.buf, chunk...)
			}
			prev = chunk[len(chunk)-1]
			continue
		}
		if err != nil && err != io.EOF {
			return nil, total, &readError{line: lr.line + 1, err: err}
		}
		lr.line++
		line := chunk
		if over {
			line = nil
		} else if len(lr.buf) > 0 {
			lr.buf = append(lr.buf, chunk...)
			line = lr.buf
		}
		n := total
		if k := len(chunk); k > 0 && chunk[k-1] == '\n' {
			n--
			beforeNL := prev
			if k >= 2 {
				beforeNL = chunk[k-2]
			}
			if n > 0 && beforeNL == '\r' {
				n--
			}
			if line != nil {
				line = line[:n]
			}
		}
		if over || n > int64(lr.max) {
			return nil, n, errLineTooLong
		}
		return line, n, nil
	}
}

// isBlank reports whether b holds only ASCII white space.
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v' {
			return false
		}
	}
	return true
}

package corpus

import (
	"bytes"
	"io"
)

// readAllLimited reads r to its end when it holds at most max bytes. When
// it holds more, it reads and counts the rest without keeping it, and
// returns the rejection naming the size. Cost: at most max+1 bytes held.
func readAllLimited(r io.Reader, max int) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if n <= int64(max) {
		return buf.Bytes(), nil
	}
	rest, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, err
	}
	return nil, errTooLarge("document", n+rest, max)
}

package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// input is one file (or stdin) being read by a format's reader: where it
// came from, its decompressed bytes, and where its records go.
type input struct {
	cfg  *config
	name string // path as given, for Record.File
	id   string // id for a one-document file without one ("" = derive)
	r    *bufio.Reader
	emit func(Record) error
}

// doc finishes d and emits it, or its rejection, as the record starting
// at line. It returns only the error of emit.
func (in *input) doc(line int, d *Document) error {
	if err := in.cfg.finish(d, in.id); err != nil {
		return in.reject(line, err)
	}
	return in.emit(Record{Doc: *d, File: in.name, Line: line})
}

// reject emits the rejection of the record starting at line.
func (in *input) reject(line int, err error) error {
	return in.emit(Record{File: in.name, Line: line, Err: err})
}

// readError is an input that failed mid-way, after line.
type readError struct {
	line int
	err  error
}

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// bufSize is the buffer of every reader: larger than any disk block, small
// enough for many open at once.
const bufSize = 64 << 10

// countReader adds the bytes read through it to n.
type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if k > 0 {
		c.n.Add(int64(k))
	}
	return k, err
}

// Magic numbers of the compressed streams recognised without a suffix.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// decompress returns the bytes of raw decompressed as comp says; with no
// suffix it looks at the first bytes for a gzip or zstd header. The close
// function releases the decoder (and its goroutines); call it once done.
// Compressed streams are decoded ahead on a goroutine so that parsing and
// inflating use two cores.
func decompress(raw io.Reader, comp string) (*bufio.Reader, func(), error) {
	br := bufio.NewReaderSize(raw, bufSize)
	if comp == compNone {
		head, _ := br.Peek(4)
		switch {
		case bytes.HasPrefix(head, gzipMagic):
			comp = compGzip
		case bytes.HasPrefix(head, zstdMagic):
			comp = compZstd
		default:
			return br, func() {}, nil
		}
	}
	var (
		dec  io.Reader
		stop func()
		what string // for messages
	)
	switch comp {
	case compGzip:
		// klauspost's gzip: a drop-in for compress/gzip (multistream by
		// default) that inflates about 1.5 times as fast.
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, prefixed("gzip", err)
		}
		dec, stop, what = zr, func() { zr.Close() }, "gzip"
	case compZstd:
		// A window over 128 MiB is refused, as by the zstd tool without
		// --memory: it bounds what one stream can make us allocate.
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			return nil, nil, prefixed("zstd", err)
		}
		dec, stop, what = zr, zr.Close, "zstd"
	default:
		return nil, nil, fmt.Errorf("unknown compression %q", comp)
	}
	ra := newReadahead(dec, what)
	return bufio.NewReaderSize(ra, bufSize), func() { ra.Close(); stop() }, nil
}

// skipBOM drops a UTF-8 byte order mark at the start of r.
func skipBOM(r *bufio.Reader) {
	if b, err := r.Peek(len(bom)); err == nil && string(b) == bom {
		r.Discard(len(bom))
	}
}

// prefixed returns err with "what: " in front unless its message already
// starts so.
func prefixed(what string, err error) error {
	if strings.HasPrefix(err.Error(), what+":") {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

package corpus

import "io"

// readahead reads its source on a goroutine, a few blocks ahead of the
// consumer, so that decompression overlaps parsing. It holds at most
// raBlocks blocks of raBlockSize bytes. Close stops the goroutine and waits
// for it; Read and Close are for one goroutine.
type readahead struct {
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	exited chan struct{}
	cur    []byte // unread part of the current block
	block  []byte // the current block, to hand back to free
	err    error  // the source's final error; set before full is closed
	what   string // for error messages: "gzip", "zstd"
}

const (
	raBlockSize = 256 << 10
	raBlocks    = 4
)

func newReadahead(src io.Reader, what string) *readahead {
	ra := &readahead{
		full:   make(chan []byte, raBlocks),
		free:   make(chan []byte, raBlocks),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
		what:   what,
	}
	for range raBlocks {
		ra.free <- make([]byte, raBlockSize)
	}
	go ra.run(src)
	return ra
}

func (ra *readahead) run(src io.Reader) {
	defer close(ra.exited)
	defer close(ra.full)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.done:
			return
		}
		n, err := fill(src, b[:cap(b)])
		if n > 0 {
			select {
			case ra.full <- b[:n]:
			case <-ra.done:
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				err = prefixed(ra.what, err)
			}
			ra.err = err
			return
		}
	}
}

// Read implements io.Reader.
func (ra *readahead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.block != nil {
			ra.free <- ra.block
			ra.block = nil
		}
		b, ok := <-ra.full
		if !ok {
			return 0, ra.err
		}
		ra.block, ra.cur = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops reading ahead and waits until the goroutine has left the
// source, so the source may be closed next.
func (ra *readahead) Close() {
	select {
	case <-ra.done:
	default:
		close(ra.done)
	}
	<-ra.exited
}

// fill reads into b until it is full or src fails; unlike io.ReadFull it
// passes src's error on unchanged.
func fill(src io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := src.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

package corpus

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"sync"
	"testing"
)

const cctvDocs = "/work/shared/corpora/cctv-xwlb-zh/docs.jsonl.gz"

var cctvSize = sync.OnceValues(func() (int64, error) {
	f, err := os.Open(cctvDocs)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, zr)
})

// BenchmarkJSONL reads the largest shared corpus, gzip JSON Lines, through
// Walk. Bytes are the decompressed JSON.
func BenchmarkJSONL(b *testing.B) {
	if _, err := os.Stat(cctvDocs); err != nil {
		b.Skipf("shared corpus not present (%v); it lives in ../shared/corpora", err)
	}
	size, err := cctvSize()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := Walk(context.Background(), []string{cctvDocs}, Options{}, func(r Record) error {
			if r.Err != nil {
				b.Fatalf("%s:%d: %v", r.File, r.Line, r.Err)
			}
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != 74385 {
			b.Fatalf("read %d documents, want 74385", n)
		}
	}
}

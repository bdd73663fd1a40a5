package corpus

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"testing"
)

// cctvDocs is the largest shared corpus.
const cctvDocs = "corpora/cctv-xwlb-zh/docs.jsonl.gz"

// gunzippedSize returns the decompressed size of a gzip file.
func gunzippedSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, zr)
}

// BenchmarkJSONL reads the largest shared corpus, gzip JSON Lines, through
// Walk. Bytes are the decompressed JSON.
func BenchmarkJSONL(b *testing.B) {
	path := sharedDir(b, cctvDocs)
	size, err := gunzippedSize(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := Walk(context.Background(), []string{path}, Options{}, func(r Record) error {
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

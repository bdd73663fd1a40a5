package dups

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/store"
)

// BenchmarkCompute: the clusters of an index of XWLB with signatures,
// $TIFA_BENCH_INDEX (e.g. built by `tifa ingest` of
// ../shared/corpora/cctv-xwlb-zh).
func BenchmarkCompute(b *testing.B) {
	dir := os.Getenv("TIFA_BENCH_INDEX")
	if dir == "" {
		b.Skip("set TIFA_BENCH_INDEX to an index with signatures (tifa ingest of the XWLB corpus)")
	}
	snap, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	b.ReportAllocs()
	for b.Loop() {
		c, err := Compute(context.Background(), snap)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(c.List)), "clusters")
	}
}

// BenchmarkSignature: the signature of one XWLB-sized story (about 450
// characters).
func BenchmarkSignature(b *testing.B) {
	text := ""
	for len([]rune(text)) < 450 {
		text += "习近平强调，要完整准确全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。" + time.Duration(len(text)).String()
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Signature("", text)
	}
}

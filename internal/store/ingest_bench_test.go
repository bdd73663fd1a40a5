package store

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

const xwlb = "../../../shared/corpora/cctv-xwlb-zh/docs.jsonl.gz"

// BenchmarkIngest_XWLB reads the XWLB corpus and writes it into a fresh
// index (segments of the default size, then compaction). MB/s is of
// document text; peak-RSS-MiB is the process high-water mark.
func BenchmarkIngest_XWLB(b *testing.B) {
	if _, err := os.Stat(xwlb); err != nil {
		b.Skipf("XWLB corpus not found at %s", xwlb)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		w, err := OpenWriter(dir, Options{AutoCommit: true})
		if err != nil {
			b.Fatal(err)
		}
		var text int64
		err = corpus.Walk(context.Background(), []string{xwlb}, corpus.Options{}, func(r corpus.Record) error {
			if r.Err != nil {
				return r.Err
			}
			text += int64(len(r.Doc.Title) + len(r.Doc.Text))
			_, err := w.Add(r.Doc)
			return err
		})
		if err == nil {
			err = w.Commit()
		}
		if err == nil {
			_, err = w.Compact(context.Background())
		}
		if err != nil {
			b.Fatal(err)
		}
		w.Close()
		b.SetBytes(text)
	}
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	}
}

// peakRSS returns the process's peak resident set size in bytes (Linux).
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

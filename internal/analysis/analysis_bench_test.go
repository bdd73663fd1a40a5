package analysis

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// The benchmarks run on an index of the XWLB corpus (74,385 stories, 110
// MB of text), built once per process from ../shared/corpora, or read from
// $TIFA_BENCH_INDEX when that names an index of it already built.

const xwlbPath = sharedCorpora + "/cctv-xwlb-zh/docs.jsonl.gz"

var (
	benchOnce sync.Once
	benchA    *Analyzer
	benchErr  error
)

func benchAnalyzer(b *testing.B) *Analyzer {
	b.Helper()
	benchOnce.Do(func() {
		dir := os.Getenv("TIFA_BENCH_INDEX")
		if dir == "" {
			if _, err := os.Stat(xwlbPath); err != nil {
				return
			}
			if dir, benchErr = os.MkdirTemp("", "tifa-analysis-bench-"); benchErr != nil {
				return
			}
			defer os.RemoveAll(dir) // the segments stay mapped
			if benchErr = buildIndex(dir, xwlbPath); benchErr != nil {
				return
			}
		}
		snap, err := store.Open(dir)
		if err != nil {
			benchErr = err
			return
		}
		benchA = New(&query.Local{Snap: snap})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	if benchA == nil {
		b.Skipf("XWLB corpus not found at %s", xwlbPath)
	}
	return benchA
}

func buildIndex(dir string, paths ...string) error {
	w, err := store.OpenWriter(dir, store.Options{AutoCommit: true})
	if err != nil {
		return err
	}
	defer w.Close()
	err = corpus.Walk(context.Background(), paths, corpus.Options{}, func(r corpus.Record) error {
		if r.Err != nil {
			return r.Err
		}
		_, err := w.Add(r.Doc)
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Commit(); err != nil {
		return err
	}
	_, err = w.Compact(context.Background())
	return err
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports, besides the wall time, the CPU time
// per operation (cpu-ms/op): on a busy machine the wall time says more
// about the other processes than about tifa.
func loop(b *testing.B, f func() error) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkLifecycle: the monthly lifecycle of a phrase over XWLB.
func BenchmarkLifecycle(b *testing.B) {
	a := benchAnalyzer(b)
	loop(b, func() error {
		_, err := a.Lifecycle(context.Background(), LifecycleRequest{Queries: []string{"动态清零"}})
		return err
	})
}

// BenchmarkCollocates: collocates of a common formulation over XWLB
// (共同富裕: 584 hits; 高质量发展: 8,410).
func BenchmarkCollocates(b *testing.B) {
	a := benchAnalyzer(b)
	for _, q := range []string{"共同富裕", "高质量发展"} {
		b.Run(q, func(b *testing.B) {
			loop(b, func() error {
				_, err := a.Collocates(context.Background(), CollocRequest{Query: q, MinLL: DefaultCollocMinLL})
				return err
			})
		})
	}
}

// BenchmarkKeyness: one year of XWLB against the other thirteen.
func BenchmarkKeyness(b *testing.B) {
	a := benchAnalyzer(b)
	loop(b, func() error {
		_, err := a.Keyness(context.Background(), KeynessRequest{Target: Side{Period: "2022"}})
		return err
	})
}

// BenchmarkEmerging: one month of XWLB against the twelve before it,
// with the uptake of new n-grams over the twelve after (the default) and
// without.
func BenchmarkEmerging(b *testing.B) {
	a := benchAnalyzer(b)
	for _, c := range []struct {
		name  string
		after int
	}{{"after12", 0}, {"alone", -1}} {
		b.Run(c.name, func(b *testing.B) {
			loop(b, func() error {
				_, err := a.Emerging(context.Background(), EmergingRequest{Period: "2020-10", MinLogRatio: DefaultMinLogRatio, After: c.after})
				return err
			})
		})
	}
}

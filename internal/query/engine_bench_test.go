package query

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/store"
)

const xwlbPath = sharedCorpora + "/cctv-xwlb-zh/docs.jsonl.gz"

var (
	benchOnce sync.Once
	benchL    *Local
	benchErr  error
)

// benchIndex builds (once per process) an index of the XWLB corpus. With
// TIFA_BENCH_INDEX set to a directory, it opens the index there, building
// it first if the directory does not exist, and keeps it: repeated runs
// (benchstat -count, callgrind) then skip the build.
func benchIndex(b *testing.B) *Local {
	if _, err := os.Stat(xwlbPath); err != nil {
		b.Skipf("XWLB corpus not found at %s", xwlbPath)
	}
	benchOnce.Do(func() {
		keep := os.Getenv("TIFA_BENCH_INDEX")
		if keep != "" {
			if _, err := os.Stat(keep); err == nil {
				snap, err := store.Open(keep)
				if err != nil {
					benchErr = err
					return
				}
				benchL = &Local{Snap: snap}
				return
			}
		}
		dir, err := os.MkdirTemp("", "tifa-bench-")
		if keep != "" {
			dir, err = keep, os.MkdirAll(keep, 0o755)
		}
		if err != nil {
			benchErr = err
			return
		}
		w, err := store.OpenWriter(dir, store.Options{AutoCommit: true})
		if err != nil {
			benchErr = err
			return
		}
		benchErr = corpus.Walk(context.Background(), []string{xwlbPath}, corpus.Options{}, func(r corpus.Record) error {
			if r.Err != nil {
				return r.Err
			}
			_, err := w.Add(r.Doc)
			return err
		})
		if benchErr == nil {
			benchErr = w.Commit()
		}
		if benchErr == nil {
			_, benchErr = w.Compact(context.Background())
		}
		w.Close()
		if benchErr != nil {
			return
		}
		snap, err := store.Open(dir)
		if err != nil {
			benchErr = err
			return
		}
		// The files stay mapped; the directory is removed when the
		// process ends is not guaranteed, so remove the names now.
		if keep == "" {
			os.RemoveAll(dir)
		}
		benchL = &Local{Snap: snap}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchL
}

// Phrases of three frequencies in XWLB: rare (about 120 documents),
// medium (a few thousand) and very common (most documents).
var benchPhrases = []struct{ name, q string }{
	{"rare", "动态清零"},
	{"medium", "共同富裕"},
	{"common", "的"},
	{"common2", "中国"},
}

func BenchmarkTrend(b *testing.B) {
	l := benchIndex(b)
	for _, p := range benchPhrases {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := l.Trend(context.Background(), TrendRequest{Queries: []string{p.q}, By: "month"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	l := benchIndex(b)
	for _, p := range benchPhrases {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := l.Search(context.Background(), SearchRequest{Query: p.q, Limit: 20,
					Filter: Filter{From: "2020-01-01", To: "2024-12-31"}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("and", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := l.Search(context.Background(), SearchRequest{Query: "共同富裕 AND 高质量发展", Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkKWIC: the first 1,000 lines, counting every hit (count) or
// the page only (page: NoTotal, as the harness's W4).
func BenchmarkKWIC(b *testing.B) {
	l := benchIndex(b)
	for _, p := range benchPhrases {
		for _, mode := range []string{"count", "page"} {
			b.Run(p.name+"/"+mode, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := l.KWIC(context.Background(), KWICRequest{Query: p.q, Width: 60, Limit: 1000, NoTotal: mode == "page"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The harness's W3 (bench/): the 20 newest documents in the middle of
// the corpus's dates, ids only, for a phrase and an AND of two; counting
// every match (count) or the page only (page: NoTotal, as the harness).
func BenchmarkNewest(b *testing.B) {
	l := benchIndex(b)
	qs := append(benchPhrases[:len(benchPhrases):len(benchPhrases)], struct{ name, q string }{"and", `"高质量发展" AND "共同富裕"`})
	for _, p := range qs {
		for _, mode := range []string{"count", "page"} {
			b.Run(p.name+"/"+mode, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := l.Search(context.Background(), SearchRequest{Query: p.q, Limit: 20, Sort: "newest",
						Filter: Filter{From: "2015-12-27", To: "2022-12-16"}, NoSnippets: true, NoTotal: mode == "page"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

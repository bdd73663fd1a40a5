package clickhouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tifa-project/tifa/internal/clickhouse/chtest"
	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// BenchmarkEngine measures ingest and the reading calls on a two-shard
// cluster started for it, beside the embedded index, on the corpora of
// TestEngine_SameAnswers:
//
//	go test -run '^$' -bench Engine ./internal/clickhouse/
func BenchmarkEngine(b *testing.B) {
	var docs []corpus.Document
	var textBytes int64
	for _, c := range testCorpora {
		p := filepath.Join(sharedCorpora, c, "docs.jsonl.gz")
		if _, err := os.Stat(p); err != nil {
			b.Skipf("no corpus at %s", p)
		}
		err := corpus.Walk(context.Background(), []string{p}, corpus.Options{}, func(r corpus.Record) error {
			if r.Err == nil {
				docs = append(docs, r.Doc)
				textBytes += int64(len(r.Doc.Title) + len(r.Doc.Text))
			}
			return r.Err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	servers := chtest.Start(b, 2)
	ctx := context.Background()
	cfg := Config{Hosts: []string{servers[0].TCPAddr, servers[1].TCPAddr}, HTTPPort: servers[0].HTTPPort, User: chtest.User, Password: chtest.Password,
		Cluster: chtest.Cluster, BatchRows: 20000}
	ingest := func(b *testing.B, db string) {
		cfg := cfg
		cfg.Database = db
		c, err := Dial(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		w, err := NewWriter(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range docs {
			if err := w.Add(d); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Ingest", func(b *testing.B) {
		b.SetBytes(textBytes)
		b.ReportAllocs()
		for i := range b.N {
			ingest(b, fmt.Sprintf("bench_ingest_%d", i))
		}
	})
	ingest(b, "bench")
	cfg.Database = "bench"
	ch, err := Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := store.WriteDocs(dir, store.Options{AutoCommit: true}, docs); err != nil {
		b.Fatal(err)
	}
	snap, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	for _, e := range []struct {
		name string
		s    query.Searcher
	}{{"embedded", &query.Local{Snap: snap}}, {"clickhouse", ch}} {
		for _, q := range []struct{ name, q string }{{"phrase", "共同富裕"}, {"common", "人民"}, {"near", "人民 NEAR/5 群众"}, {"boolean", "中国 AND NOT xi jinping"}} {
			b.Run(e.name+"/Trend/"+q.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if _, err := e.s.Trend(ctx, query.TrendRequest{Queries: []string{q.q}}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(e.name+"/Search/"+q.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if _, err := e.s.Search(ctx, query.SearchRequest{Query: q.q}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(e.name+"/KWIC/"+q.name, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if _, err := e.s.KWIC(ctx, query.KWICRequest{Query: q.q}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

package engine

import (
	"context"
	"testing"
)

// The adapter gives the CLI's answers: the README's tour numbers on the
// example corpus.
func TestIngestOpenTrend(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	n, err := Ingest(ctx, dir, []string{"../examples/corpus"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 74 {
		t.Errorf("added %d documents, want 74", n)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, err := ix.Trend(ctx, TrendRequest{Queries: []string{"共同富裕"}, By: "year"})
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Series[0]; s.Hits != 24 || s.Docs != 13 {
		t.Errorf("共同富裕: %d hits in %d documents, want 24 in 13", s.Hits, s.Docs)
	}
	var docs int
	rej, err := Walk(ctx, []string{"../examples/corpus"}, func(Document) error { docs++; return nil })
	if err != nil || rej != 0 || docs != 74 {
		t.Errorf("Walk: %d documents, %d rejected, %v; want 74, 0, nil", docs, rej, err)
	}
	var tz Tokenizer
	var toks []string
	tz.Each("Xi Jinping’s “dual-carbon” 共同", func(tok []byte, _, _ int) { toks = append(toks, string(tok)) })
	if got := len(toks); got != 7 || !IsIdeo('共') || IsIdeo('x') {
		t.Errorf("tokens %q", toks)
	}
}

// Package engine exposes tifa's embedded engine to programs outside this
// module, which Go forbids from importing internal/. Its one user is the
// benchmark harness in bench/ (its own module, so that the peers it
// measures stay out of tifa's go.mod). It adds no behaviour: Ingest does
// what `tifa ingest` does, Open returns the same query.Local the CLI reads
// with, and Tokenizer is SPEC §2's tokenizer.
package engine

import (
	"context"
	"fmt"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// Types of the reading API, as the CLI uses them.
type (
	Document      = corpus.Document
	Searcher      = query.Searcher
	Filter        = query.Filter
	TrendRequest  = query.TrendRequest
	TrendResult   = query.TrendResult
	SearchRequest = query.SearchRequest
	SearchResult  = query.SearchResult
	KWICRequest   = query.KWICRequest
	KWICResult    = query.KWICResult
	Stats         = query.Stats

	// Tokenizer splits text into SPEC §2 tokens with their byte spans as
	// written; the zero value is ready to use.
	Tokenizer = textnorm.Tokenizer
)

// Context returns the KWIC line parts of the match field[start:end] as
// tifa shows them: width characters either side, white space flattened.
func Context(field string, start, end, width int) (left, match, right string) {
	return query.Context(field, query.Span{Start: start, End: end}, width)
}

// IsIdeo reports whether r is a token by itself (Han, Hiragana, Katakana).
func IsIdeo(r rune) bool { return textnorm.IsIdeo(r) }

// Walk reads every document of paths (files or directories, any format
// `tifa ingest` reads) in input order, as the CLI reads them. It returns
// the number of records rejected (skipped, as the CLI skips them).
func Walk(ctx context.Context, paths []string, fn func(Document) error) (rejected int, err error) {
	err = corpus.Walk(ctx, paths, corpus.Options{}, func(r corpus.Record) error {
		if r.Err != nil {
			rejected++
			return nil
		}
		return fn(r.Doc)
	})
	return rejected, err
}

// Ingest adds the documents of paths to the index in dir (created if
// needed) as `tifa ingest --quiet` does — batches committed as segments
// are written, a final commit, then the merge — but without the
// annotation sidecars (readout records, near-duplicate signatures) that
// the CLI registers for the analyses: the index the queries read, which
// is what the benchmarks compare. It returns the number of documents added.
func Ingest(ctx context.Context, dir string, paths []string) (added int, err error) {
	w, err := store.OpenWriter(dir, store.Options{AutoCommit: true})
	if err != nil {
		return 0, err
	}
	defer w.Close()
	if _, err := Walk(ctx, paths, func(d Document) error {
		_, err := w.Add(d)
		return err
	}); err != nil {
		w.Abort()
		return 0, err
	}
	if err := w.Commit(); err != nil {
		return 0, err
	}
	if _, err := w.Compact(ctx); err != nil {
		return 0, fmt.Errorf("merge segments: %w", err)
	}
	return w.Stats().Added, nil
}

// Index is an open index: a snapshot of its last commit and the Searcher
// that reads it.
type Index struct {
	*query.Local
	snap *store.Snapshot
}

// Open opens the last committed state of the index in dir.
func Open(dir string) (*Index, error) {
	s, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Index{Local: &query.Local{Snap: s}, snap: s}, nil
}

// Close releases the snapshot.
func (ix *Index) Close() error { return ix.snap.Close() }

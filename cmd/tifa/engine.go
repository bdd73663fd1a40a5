package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/clickhouse"
	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// addEngineFlag adds --engine (default $TIFA_ENGINE): where documents
// live, the embedded index (empty) or a ClickHouse address (SPEC §7).
func addEngineFlag(root *cobra.Command, g *globals) {
	root.PersistentFlags().StringVar(&g.engine, "engine", os.Getenv("TIFA_ENGINE"),
		"clickhouse://HOST:9000/DATABASE?cluster=NAME&http_port=8123 to use ClickHouse instead of the --index directory: the native port in the address, the HTTP port (for inserts) as http_port (default $TIFA_ENGINE)")
}

// engineConfig parses --engine; ok is false for the embedded index.
func (g *globals) engineConfig() (cfg clickhouse.Config, ok bool, err error) {
	if g.engine == "" || g.engine == "local" {
		return cfg, false, nil
	}
	cfg, err = clickhouse.ParseURL(g.engine)
	if err != nil {
		return cfg, true, &exitError{exitUsage, err}
	}
	return cfg, true, nil
}

// searcher returns what answers the reading commands: the embedded index
// or the --engine, and the function that closes it.
func (g *globals) searcher() (query.Searcher, func(), error) {
	cfg, ok, err := g.engineConfig()
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		snap, err := g.openIndex()
		if err != nil {
			return nil, nil, err
		}
		return &query.Local{Snap: snap}, func() { snap.Close() }, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		return nil, nil, &exitError{exitIndex, err}
	}
	return s, func() { s.Close() }, nil
}

// sink is what ingest adds documents to: a store.Writer, or chSink.
type sink interface {
	Add(d corpus.Document) (store.Outcome, error)
	Commit() error
	Abort()
	Close() error
	Stats() store.Stats
	Compact(ctx context.Context) (int, error)
}

// openSink opens the index for writing, or the --engine.
func (g *globals) openSink(ctx context.Context, opt store.Options) (sink, error) {
	cfg, ok, err := g.engineConfig()
	if err != nil {
		return nil, err
	}
	if !ok {
		w, err := store.OpenWriter(g.index, opt)
		if err != nil {
			return nil, openWriterErr(err)
		}
		return w, nil
	}
	c, err := clickhouse.Dial(ctx, cfg)
	if err != nil {
		return nil, &exitError{exitIndex, err}
	}
	w, err := clickhouse.NewWriter(ctx, c)
	if err != nil {
		c.Close()
		return nil, &exitError{exitIndex, err}
	}
	w.Hold = !opt.AutoCommit
	return &chSink{c: c, w: w}, nil
}

// chSink adapts clickhouse.Writer to ingest. ClickHouse does not tell an
// insert from a replacement, so every document counts as added; a
// replaced id is counted once by every read all the same.
type chSink struct {
	c     *clickhouse.Client
	w     *clickhouse.Writer
	stats store.Stats
}

func (s *chSink) Add(d corpus.Document) (store.Outcome, error) {
	if err := s.w.Add(d); err != nil {
		return store.Added, err
	}
	s.stats.Added++
	return store.Added, nil
}

func (s *chSink) Commit() error                            { return s.w.Flush() }
func (s *chSink) Abort()                                   { s.w.Discard() }
func (s *chSink) Close() error                             { return s.c.Close() }
func (s *chSink) Stats() store.Stats                       { return s.stats }
func (s *chSink) Compact(ctx context.Context) (int, error) { return 0, nil }

// engineExit maps an engine error of a reading command to exit status 2
// (SPEC §5: index unreadable), nil for other errors.
func engineExit(err error) error {
	for _, e := range []error{clickhouse.ErrUnreachable, clickhouse.ErrAuth, clickhouse.ErrNoTable, clickhouse.ErrTooOld} {
		if errors.Is(err, e) {
			return &exitError{exitIndex, err}
		}
	}
	return nil
}

// errNotOnEngine is the answer of commands that read the embedded index's
// structures directly.
func (g *globals) errNotOnEngine() error {
	if _, ok, _ := g.engineConfig(); ok {
		return &exitError{exitUsage, fmt.Errorf("this command works on the embedded index (--index) only; it is not supported with --engine %s", g.where())}
	}
	return nil
}

// where names the index directory or the engine, for messages.
func (g *globals) where() string {
	if cfg, ok, _ := g.engineConfig(); ok {
		return cfg.Redacted()
	}
	return g.index
}

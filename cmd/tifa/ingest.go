package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/store"
)

type ingestFlags struct {
	format     string
	maps       []string
	source     string
	strict     bool
	quiet      bool
	segmentMB  float64
	logCommits bool
	noCompact  bool
}

func newIngest(g *globals) *cobra.Command {
	var f ingestFlags
	c := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Add documents to the index (files, directories, or - for stdin)",
		Long: `ingest reads documents and adds them to the index, creating it if needed.

Formats, by file name or --format: JSON Lines (.jsonl, .jsonl.gz, .jsonl.zst),
JSON (.json), dated-article text (.txt: first line "date YYYY-MM-DD TITLE", a
blank line, the body), CSV/TSV with a header row (--map col=field for other
column names), HTML (.html, .htm, .shtml), Reuters SGML (.sgm); a directory is
walked recursively, each file by its own format; - reads JSON Lines from stdin.

An id seen before replaces its document; identical content is a no-op. A
record that cannot be read is reported as FILE:LINE: reason on stderr and
skipped; the exit status is then 3. With --strict the first bad record stops
the run and nothing from it is committed.

Documents are committed in batches; a kill at any moment keeps every batch
committed before it.`,
		Example: `  tifa ingest examples/
  tifa ingest ../shared/corpora/cctv-xwlb-zh/docs.jsonl.gz
  tifa ingest cpcnews.csv --map body=text --source "CPC News"
  zcat docs.jsonl.gz | tifa ingest - --strict`,
		Args: minArgs(1, "at least one file, directory or -"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIngest(cmd, g, &f, args)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.format, "format", "", "read every input as this format: jsonl, json, text, csv, tsv, html, sgml")
	fl.StringArrayVar(&f.maps, "map", nil, "CSV/TSV/JSON column to field, e.g. --map body=text --map province=meta.province")
	fl.StringVar(&f.source, "source", "", "source name for documents that have none")
	fl.BoolVar(&f.strict, "strict", false, "stop at the first bad record and commit nothing from this run")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress bar and no summary")
	fl.Float64Var(&f.segmentMB, "segment-mb", float64(store.DefaultSegmentBytes>>20), "MiB of text per segment (bounds memory: about 4× this)")
	fl.BoolVar(&f.logCommits, "log-commits", false, "print a line 'committed DOCS' on stdout after each durable commit (for scripts)")
	fl.BoolVar(&f.noCompact, "no-compact", false, "do not merge small segments after ingesting")
	fl.MarkHidden("log-commits")
	return c
}

func runIngest(cmd *cobra.Command, g *globals, f *ingestFlags, paths []string) error {
	maps := map[string]string{}
	for _, m := range f.maps {
		col, field, ok := strings.Cut(m, "=")
		if !ok || col == "" || field == "" {
			return &exitError{exitUsage, fmt.Errorf("--map %q: want COLUMN=FIELD, e.g. body=text", m)}
		}
		maps[col] = field
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	stdout := cmd.OutOrStdout()
	var given atomic.Int64 // documents handed to the writer, in input order
	opt := store.Options{SegmentBytes: int64(f.segmentMB * (1 << 20)), AutoCommit: !f.strict, Annotators: annotators()}
	if f.logCommits {
		opt.OnCommit = func(c store.Commit) { fmt.Fprintf(stdout, "committed %d\n", given.Load()) }
	}
	w, err := g.openSink(ctx, opt)
	if err != nil {
		return err
	}
	defer w.Close()

	var read atomic.Int64
	copt := corpus.Options{Format: f.format, Map: maps, Source: f.source, Stdin: os.Stdin, Read: &read}
	var bar *progressbar.ProgressBar
	tty := !f.quiet && isTTY(os.Stderr)
	if tty {
		total, _ := corpus.Size(paths, copt)
		bar = progressbar.NewOptions64(max(total, -1),
			progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionSetDescription("ingesting"),
			progressbar.OptionClearOnFinish())
	}
	start := time.Now()
	var rejected, undated int
	var textBytes int64
	errStrict := errors.New("strict")
	var errWrite error // the writer failed: an index error, not an input one
	err = corpus.Walk(ctx, paths, copt, func(r corpus.Record) error {
		if r.Err != nil {
			rejected++
			if bar != nil {
				bar.Clear()
			}
			fmt.Fprintf(os.Stderr, "%s:%d: %v\n", r.File, r.Line, r.Err)
			if f.strict {
				return errStrict
			}
			return nil
		}
		if r.Doc.Date == "" {
			undated++
		}
		textBytes += int64(len(r.Doc.Title) + len(r.Doc.Text))
		given.Add(1)
		if _, err := w.Add(r.Doc); err != nil {
			errWrite = err
			return err
		}
		if bar != nil {
			n := given.Load()
			if n%256 == 0 {
				secs := time.Since(start).Seconds()
				bar.Describe(fmt.Sprintf("%d docs, %.0f docs/s, %.1f MB/s of text", n, float64(n)/secs, float64(textBytes)/1e6/secs))
				bar.Set64(read.Load())
			}
		}
		return nil
	})
	if bar != nil {
		bar.Finish()
	}
	switch {
	case errors.Is(err, errStrict):
		w.Abort()
		return &exitError{exitRejected, fmt.Errorf("--strict: stopped at the first bad record; nothing from this run was committed")}
	case errWrite != nil:
		w.Abort()
		st := w.Stats()
		return &exitError{exitIndex, fmt.Errorf("%w\nthe index keeps its last commit: %d documents added and %d replaced by this run are in it", errWrite, st.Added, st.Replaced)}
	case ctx.Err() != nil:
		w.Abort()
		st := w.Stats()
		return &exitError{exitUsage, fmt.Errorf("interrupted: the batch in flight was discarded; %d documents added and %d replaced were committed before", st.Added, st.Replaced)}
	case err != nil:
		w.Abort()
		return readErr(err)
	}
	if err := w.Commit(); err != nil {
		w.Abort()
		st := w.Stats()
		return &exitError{exitIndex, fmt.Errorf("%w\nthe index keeps its last commit: %d documents added and %d replaced by this run are in it", err, st.Added, st.Replaced)}
	}
	if !f.noCompact {
		if _, err := w.Compact(ctx); err != nil && ctx.Err() == nil {
			return &exitError{exitIndex, fmt.Errorf("merge segments: %w", err)}
		}
	}
	st := w.Stats()
	if !f.quiet {
		secs := time.Since(start).Seconds()
		summary(os.Stderr, st, rejected, undated, secs, float64(read.Load())/1e6, float64(textBytes)/1e6)
	}
	if rejected > 0 {
		return &exitError{exitRejected, nil}
	}
	return nil
}

func summary(w io.Writer, st store.Stats, rejected, undated int, secs, readMB, textMB float64) {
	fmt.Fprintf(w, "added %d, replaced %d, unchanged %d, rejected %d, undated %d\n", st.Added, st.Replaced, st.Unchanged, rejected, undated)
	fmt.Fprintf(w, "%.1f s: %.1f MB of text (%.1f MB/s) from %.1f MB of input\n", secs, textMB, textMB/max(secs, 1e-9), readMB)
}

func openWriterErr(err error) error {
	if errors.Is(err, store.ErrLocked) {
		return &exitError{exitUsage, err}
	}
	return &exitError{exitIndex, err}
}

func newCheck(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "check",
		Short: "Verify every checksum and invariant of the index",
		Long: `check reads every file of the index in full and verifies magic numbers, format
versions, checksums of every section, posting list and stored block, and the
invariants between them (document order, token counts, no id live twice).
It exits 0 when all is well and 2 naming the first damaged file otherwise.`,
		Example: `  tifa check --index ./tifa-index`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := store.Check(g.index)
			if err != nil {
				return &exitError{exitIndex, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %d segments, %d documents (%d live), %d bytes verified\n", rep.Segments, rep.Docs, rep.Live, rep.Bytes)
			return nil
		},
	}
	return c
}

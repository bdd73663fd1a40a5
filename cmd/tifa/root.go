package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// globals are the flags every command shares.
type globals struct {
	index  string
	engine string // --engine; see engine.go
	// view, when set, narrows the snapshot a reading command opens (the
	// record filters --presider, --meeting-body: extract_cmds.go).
	view func(*store.Snapshot) (*store.Snapshot, error)
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "tifa",
		Short: "Exact phrase counts, trends and contexts over dated news corpora",
		Long: `tifa studies official discourse in news corpora. It ingests dated articles
(JSON Lines, dated text files, CSV/TSV, HTML, Reuters SGML) into an embedded
index and answers exact questions: how often a formulation appears per month,
where, and in which sentences — in Chinese and English alike, without a word
segmenter. Chinese phrase search is exact substring search.

The index is a directory: --index DIR, else $TIFA_INDEX, else ./tifa-index.`,
		Example: `  tifa ingest examples/
  tifa trend 共同富裕 "common prosperity" --by quarter
  tifa search '"dynamic clearing" AND NOT title:zero' --limit 5
  tifa kwic 动态清零 --from 2022-01-01 --to 2022-12-31
  tifa stats --json`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	def := os.Getenv("TIFA_INDEX")
	if def == "" {
		def = "tifa-index"
	}
	root.PersistentFlags().StringVar(&g.index, "index", def, "index directory (default $TIFA_INDEX, else ./tifa-index)")
	addEngineFlag(root, g)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{exitUsage, fmt.Errorf("%v (see tifa %s --help)", err, c.Name())}
	})
	root.AddCommand(newIngest(g), newSearch(g), newTrend(g), newKWIC(g), newStats(g), newCheck(g), newServe(g))
	root.AddCommand(newAnalysisCmds(g)...)
	root.AddCommand(newExtractCmds(g)...)
	addRecordFilters(root, g)
	return root
}

// openIndex opens the committed index for reading.
func (g *globals) openIndex() (*store.Snapshot, error) {
	if err := g.errNotOnEngine(); err != nil {
		return nil, err
	}
	s, err := store.Open(g.index)
	if err != nil {
		return nil, &exitError{exitIndex, err}
	}
	if g.view != nil {
		v, err := g.view(s) // lives as long as s, which the process keeps
		if err != nil {
			s.Close()
			return nil, &exitError{exitIndex, err}
		}
		return v, nil
	}
	return s, nil
}

// readErr maps an error of a reading command to its exit status.
func readErr(err error) error {
	var pe *query.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		// The caret stands under the offending character, counting display
		// columns (a CJK character takes two).
		// A long query is shown 60 characters either side of the column.
		rs := []rune(pe.Query)
		col := min(max(pe.Col-1, 0), len(rs))
		lo, hi := max(col-60, 0), min(col+60, len(rs))
		pre, post := "", ""
		if lo > 0 {
			pre = "…"
		}
		if hi < len(rs) {
			post = "…"
		}
		return &exitError{exitUsage, fmt.Errorf("%w\n  %s%s%s\n  %s^", err, pre, string(rs[lo:hi]), post, strings.Repeat(" ", width(pre+string(rs[lo:col]))))}
	case engineExit(err) != nil:
		return engineExit(err)
	case errors.Is(err, context.DeadlineExceeded):
		return &exitError{exitUsage, fmt.Errorf("the query ran longer than --timeout allows; narrow it (dates, sources) or raise --timeout")}
	case errors.Is(err, index.ErrCorrupt), errors.Is(err, index.ErrNewerVersion), errors.Is(err, store.ErrNoIndex):
		return &exitError{exitIndex, err}
	}
	return &exitError{exitUsage, err}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// addCollapseFlag adds --collapse to a reading command.
func addCollapseFlag(c *cobra.Command, on *bool) {
	c.Flags().BoolVar(on, "collapse", false, "count each cluster of duplicate documents once, by its earliest document (see tifa dups)")
}

// collapseSearcher returns s, or with collapse set a searcher of the view
// of s's index in which only the earliest document of each duplicate
// cluster is live.
func collapseSearcher(ctx context.Context, s query.Searcher, collapse bool) (query.Searcher, error) {
	if !collapse {
		return s, nil
	}
	l, ok := s.(*query.Local)
	if !ok {
		return nil, &exitError{exitUsage, errors.New("--collapse needs the embedded index (--index); it is not supported with --engine")}
	}
	c, err := dups.Of(ctx, l.Snap)
	if err != nil {
		return nil, dupsErr(err)
	}
	return &query.Local{Snap: c.Collapsed()}, nil
}

func dupsErr(err error) error {
	if errors.Is(err, dups.ErrNoSignatures) {
		return &exitError{exitIndex, err}
	}
	return readErr(err)
}

func newDups(g *globals) *cobra.Command {
	var rf readFlags
	var minSize, limit int
	var sortBy string
	var rebuild bool
	c := &cobra.Command{
		Use:   "dups",
		Short: "List clusters of duplicate and near-duplicate documents",
		Long: `dups lists the clusters of exact duplicates (the same text, as tokens) and
near-duplicates (MinHash over 5-token shingles, an estimated Jaccard coefficient
of at least 0.8, see doc/analytics.md) among the documents of the index: their
size, first and last dates, sources and the title of the earliest document,
which stands for the cluster under --collapse (trend, search, kwic).

A cluster is listed when one of its documents is within --from, --to and
--source; its size, dates and sources count all its documents.

Signatures are computed at ingest. An index ingested before they existed has
none: --rebuild computes them (and writes them beside its segments).`,
		Example: `  tifa dups --min-size 5
  tifa dups --from 2020-10-01 --to 2020-10-31 --json
  tifa dups --rebuild
  tifa trend 碳中和 --collapse`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			if minSize < 2 || limit < 1 {
				return &exitError{exitUsage, fmt.Errorf("--min-size %d, --limit %d: want at least 2 and 1", minSize, limit)}
			}
			if sortBy != "size" && sortBy != "date" {
				return &exitError{exitUsage, fmt.Errorf("--sort %q: want size or date", sortBy)}
			}
			snap, err := g.openIndex()
			if err != nil {
				return err
			}
			if rebuild {
				snap.Close()
				if err := rebuildSignatures(g); err != nil {
					return err
				}
				if snap, err = g.openIndex(); err != nil {
					return err
				}
			}
			defer snap.Close()
			ctx, cancel := rf.context()
			defer cancel()
			cl, err := dups.Of(ctx, snap)
			if err != nil {
				return dupsErr(err)
			}
			res, err := cl.Select(dups.ListRequest{Filter: rf.filter(), MinSize: minSize, Sort: sortBy, Limit: limit})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			out := cmd.OutOrStdout()
			switch {
			case rf.json:
				return printJSON(out, res)
			case rf.csv:
				rows := [][]string{{"size", "first_date", "last_date", "sources", "id", "title"}}
				for _, it := range res.Items {
					rows = append(rows, []string{strconv.Itoa(it.Size), it.FirstDate, it.LastDate, sourcesText(it.Sources), it.ID, it.Title})
				}
				return printCSV(out, rows)
			}
			fmt.Fprintf(out, "%d documents: %d duplicates in %d clusters (%d of identical text); collapsed, %d documents\n",
				res.Docs, res.Duplicates, res.Clusters, res.Exact, res.CollapsedDocs)
			if res.Signed < res.Docs {
				fmt.Fprintf(out, "%d documents without a token are in no cluster\n", res.Docs-res.Signed)
			}
			fmt.Fprintln(out)
			if len(res.Items) == 0 {
				fmt.Fprintln(out, "no cluster in range")
				return nil
			}
			var rows [][]string
			for _, it := range res.Items {
				rows = append(rows, []string{strconv.Itoa(it.Size), it.FirstDate, it.LastDate, sourcesText(it.Sources), it.ID, it.Title})
			}
			table(out, []string{"size", "first", "last", "sources", "first id", "title"}, rows, []bool{true, false, false, false, false, false})
			if len(res.Items) < res.Total {
				fmt.Fprintf(out, "\n%d clusters, %d shown (--limit)\n", res.Total, len(res.Items))
			}
			return nil
		},
	}
	rf.add(c)
	c.Flags().IntVar(&minSize, "min-size", 2, "list clusters of at least this many documents")
	c.Flags().IntVar(&limit, "limit", 50, "clusters to show")
	c.Flags().StringVar(&sortBy, "sort", "size", "order: size (largest first) or date (earliest first)")
	c.Flags().BoolVar(&rebuild, "rebuild", false, "compute the signatures of segments that have none (an index ingested before they existed)")
	return c
}

// rebuildSignatures writes the signatures of every segment that lacks
// them.
func rebuildSignatures(g *globals) error {
	w, err := store.OpenWriter(g.index, store.Options{AutoCommit: true, Annotators: []store.Annotator{dups.Annotator()}})
	if err != nil {
		return openWriterErr(err)
	}
	tty := isTTY(os.Stderr)
	n, err := w.Reannotate(false, func(done, total int) {
		if tty {
			fmt.Fprintf(os.Stderr, "\rsignatures: %d/%d segments", done, total)
		}
	})
	if tty && n > 0 {
		fmt.Fprintln(os.Stderr)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &exitError{exitIndex, err}
	}
	fmt.Fprintf(os.Stderr, "tifa: computed the duplicate signatures of %d segments\n", n)
	return nil
}

func sourcesText(ss []dups.SourceCount) string {
	var parts []string
	for _, s := range ss {
		name := s.Name
		if name == "" {
			name = "(no source)"
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", name, s.Docs))
	}
	return strings.Join(parts, ", ")
}

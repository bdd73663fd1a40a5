package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/index"
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

// DupsResult is what tifa dups --json prints.
type DupsResult struct {
	Docs          int            `json:"docs"`
	Signed        int            `json:"signed"`
	Clusters      int            `json:"clusters"`
	Duplicates    int            `json:"duplicates"`
	Exact         int            `json:"exact"`
	CollapsedDocs int            `json:"collapsed_docs"`
	Total         int            `json:"total"` // clusters listed before --limit
	Items         []DupsCluster  `json:"items"`
	Params        map[string]any `json:"params"`
}

// DupsCluster is one cluster of DupsResult: its representative (id,
// title), size, dates, sources and members (earliest first).
type DupsCluster struct {
	Size      int           `json:"size"`
	FirstDate string        `json:"first_date"`
	LastDate  string        `json:"last_date"`
	Sources   []SourceCount `json:"sources"`
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Members   []string      `json:"members"`
}

// SourceCount is a source and its number of members.
type SourceCount struct {
	Name string `json:"name"`
	Docs int    `json:"docs"`
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
			f := rf.filter()
			from, to := int32(-1<<31), index.NoDate-1
			if f.From != "" {
				if from = index.Day(f.From); from == index.NoDate {
					return &exitError{exitUsage, fmt.Errorf("--from %q is not a date (want YYYY-MM-DD)", f.From)}
				}
			}
			if f.To != "" {
				if to = index.Day(f.To); to == index.NoDate {
					return &exitError{exitUsage, fmt.Errorf("--to %q is not a date (want YYYY-MM-DD)", f.To)}
				}
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
			res := &DupsResult{Docs: cl.Docs, Signed: cl.Signed, Clusters: len(cl.List), Duplicates: cl.Duplicates,
				Exact: cl.Exact, CollapsedDocs: cl.Docs - cl.Duplicates, Items: []DupsCluster{},
				Params: map[string]any{"shingle": dups.Shingle, "k": dups.K, "bands": dups.Bands, "rows": dups.Rows, "threshold": dups.Threshold}}
			dated := f.From != "" || f.To != ""
			in := func(m dups.Member) bool {
				if dated && (m.Date < from || m.Date > to) {
					return false
				}
				if len(f.Sources) == 0 {
					return true
				}
				g := snap.Segments[m.Seg]
				src := g.Strings[g.Sources[m.Doc]]
				for _, s := range f.Sources {
					if strings.EqualFold(s, src) {
						return true
					}
				}
				return false
			}
			var list []*dups.Cluster
			for i := range cl.List {
				k := &cl.List[i]
				if len(k.Members) < minSize {
					continue
				}
				for _, m := range k.Members {
					if in(m) {
						list = append(list, k)
						break
					}
				}
			}
			if sortBy == "size" {
				sort.SliceStable(list, func(a, b int) bool { return len(list[a].Members) > len(list[b].Members) })
			}
			res.Total = len(list)
			for _, k := range list[:min(limit, len(list))] {
				item, err := describeCluster(snap, k)
				if err != nil {
					return readErr(err)
				}
				res.Items = append(res.Items, item)
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

func describeCluster(snap *store.Snapshot, k *dups.Cluster) (DupsCluster, error) {
	ms := k.Members
	it := DupsCluster{Size: len(ms), FirstDate: dayText(ms[0].Date), ID: ms[0].ID}
	last := ms[0].Date
	bySrc := map[string]int{}
	for _, m := range ms {
		if m.Date != index.NoDate {
			last = m.Date
		}
		g := snap.Segments[m.Seg]
		bySrc[g.Strings[g.Sources[m.Doc]]]++
		it.Members = append(it.Members, m.ID)
	}
	it.LastDate = dayText(last)
	for name, n := range bySrc {
		it.Sources = append(it.Sources, SourceCount{name, n})
	}
	sort.Slice(it.Sources, func(a, b int) bool {
		if it.Sources[a].Docs != it.Sources[b].Docs {
			return it.Sources[a].Docs > it.Sources[b].Docs
		}
		return it.Sources[a].Name < it.Sources[b].Name
	})
	d, err := snap.Segments[ms[0].Seg].Doc(ms[0].Doc)
	if err != nil {
		return it, err
	}
	it.Title = d.Title
	return it, nil
}

func dayText(d int32) string {
	if d == index.NoDate {
		return ""
	}
	return index.DayString(d)
}

func sourcesText(ss []SourceCount) string {
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

package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/query"
)

func newSearch(g *globals) *cobra.Command {
	var rf readFlags
	var collapse bool
	var sortBy string
	var limit, offset int
	var noTotal bool
	c := &cobra.Command{
		Use:   "search QUERY",
		Short: "List documents matching a query, newest first",
		Long: `search lists the documents matching QUERY (SPEC §3 syntax: phrases, AND/OR/NOT,
NEAR/n, prefix*, /regex/, title: source: lang: meta.KEY: filters), newest first
by default, with a snippet around the first hit («marked»). The total counts
every matching document; --limit and --offset page through them. On a large
corpus, --no-total answers a newest- or oldest-first page without counting
every match: the total is then a lower bound ("at least").`,
		Example: `  tifa search 共同富裕
  tifa search '"common prosperity" AND NOT source:"Global Times"' --sort relevance
  tifa search 'dynamic NEAR/3 clearing' --from 2022-01-01 --json`,
		Args: exactArgs(1, "a query"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			l, closeEngine, err := g.searcher()
			if err != nil {
				return err
			}
			defer closeEngine()
			ctx, cancel := rf.context()
			defer cancel()
			sr, err := collapseSearcher(ctx, l, collapse)
			if err != nil {
				return err
			}
			res, err := sr.Search(ctx, query.SearchRequest{Query: args[0], Filter: rf.filter(), Sort: sortBy, Limit: limit, Offset: offset, NoTotal: noTotal})
			if err != nil {
				return readErr(err)
			}
			out := cmd.OutOrStdout()
			switch {
			case rf.json:
				return printJSON(out, res)
			case rf.csv:
				rows := [][]string{{"id", "date", "source", "title", "score", "hits", "snippet"}}
				for _, h := range res.Hits {
					rows = append(rows, []string{h.ID, h.Date, h.Source, h.Title, strconv.FormatFloat(h.Score, 'f', -1, 64), strconv.Itoa(h.Hits), h.Snippet})
				}
				return printCSV(out, rows)
			}
			tty := isTTY(os.Stdout)
			fmt.Fprintf(out, "%s%d matching documents", atLeast(res.TotalAtLeast), res.Total)
			if len(res.Hits) < res.Total {
				fmt.Fprintf(out, ", showing %d–%d", offset+1, offset+len(res.Hits))
			}
			fmt.Fprintln(out)
			for _, h := range res.Hits {
				date := h.Date
				if date == "" {
					date = "undated   "
				}
				fmt.Fprintf(out, "\n%s  %s  %s  (%s)  %s\n", date, h.Source, h.Title, plural(h.Hits, "hit"), h.ID)
				fmt.Fprintf(out, "    %s\n", marks(h.Snippet, tty))
			}
			return nil
		},
	}
	rf.add(c)
	addCollapseFlag(c, &collapse)
	c.Flags().StringVar(&sortBy, "sort", "newest", "order: newest, oldest or relevance (BM25)")
	c.Flags().IntVar(&limit, "limit", 20, "documents to show")
	c.Flags().IntVar(&offset, "offset", 0, "documents to skip")
	c.Flags().BoolVar(&noTotal, "no-total", false, "stop once the page is found instead of counting every match (newest/oldest order; the total is then \"at least\")")
	return c
}

func newTrend(g *globals) *cobra.Command {
	var rf readFlags
	var collapse bool
	var by string
	c := &cobra.Command{
		Use:   "trend QUERY...",
		Short: "Count hits and matching documents per time bucket, one series per query",
		Long: `trend counts, for each QUERY, its hits (occurrences, counted without overlap)
and matching documents per bucket of publication date, with the corpus totals
of each bucket (documents, tokens) for rates. Every bucket from the first to
the last dated document (after filters) is listed, zeros included; undated
documents are left out.`,
		Example: `  tifa trend 动态清零 --by year --source "CCTV Xinwen Lianbo"
  tifa trend "common prosperity" 共同富裕 --from 2020-01-01 --csv
  tifa trend 'dual carbon OR 双碳' --by quarter --json`,
		Args: minArgs(1, "at least one query"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			l, closeEngine, err := g.searcher()
			if err != nil {
				return err
			}
			defer closeEngine()
			ctx, cancel := rf.context()
			defer cancel()
			sr, err := collapseSearcher(ctx, l, collapse)
			if err != nil {
				return err
			}
			res, err := sr.Trend(ctx, query.TrendRequest{Queries: args, By: by, Filter: rf.filter()})
			if err != nil {
				return readErr(err)
			}
			out := cmd.OutOrStdout()
			switch {
			case rf.json:
				return printJSON(out, res)
			case rf.csv:
				rows := [][]string{{"query", "start", "hits", "docs", "total_docs", "total_tokens"}}
				for _, s := range res.Series {
					for _, b := range s.Buckets {
						rows = append(rows, []string{s.Query, b.Start, itoa(b.Hits), itoa(b.Docs), itoa(b.TotalDocs), itoa(b.TotalTokens)})
					}
				}
				return printCSV(out, rows)
			}
			printTrendTable(out, res)
			return nil
		},
	}
	rf.add(c)
	addCollapseFlag(c, &collapse)
	c.Flags().StringVar(&by, "by", "month", "bucket: day, week, month, quarter or year")
	return c
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func printTrendTable(out interface{ Write([]byte) (int, error) }, res *query.TrendResult) {
	if len(res.Series) == 0 || len(res.Series[0].Buckets) == 0 {
		fmt.Fprintln(out, "no dated documents in range")
		return
	}
	header := []string{res.By}
	right := []bool{false}
	for _, s := range res.Series {
		header = append(header, s.Query+" hits", "docs")
		right = append(right, true, true)
	}
	header = append(header, "total docs")
	right = append(right, true)
	var rows [][]string
	for i, b := range res.Series[0].Buckets {
		r := []string{bucketLabel(res.By, b.Start)}
		for _, s := range res.Series {
			r = append(r, itoa(s.Buckets[i].Hits), itoa(s.Buckets[i].Docs))
		}
		r = append(r, itoa(b.TotalDocs))
		rows = append(rows, r)
	}
	table(out, header, rows, right)
	fmt.Fprintln(out)
	for _, s := range res.Series {
		if s.FirstSeen == nil {
			fmt.Fprintf(out, "%s: no hits\n", s.Query)
			continue
		}
		fmt.Fprintf(out, "%s: %d hits in %d documents, first seen %s, last seen %s\n", s.Query, s.Hits, s.Docs, *s.FirstSeen, *s.LastSeen)
	}
}

// bucketLabel shortens a bucket start for the table: 2022, 2022-Q3, 2022-08.
func bucketLabel(by, start string) string {
	switch by {
	case "year":
		return start[:4]
	case "quarter":
		m, _ := strconv.Atoi(start[5:7])
		return fmt.Sprintf("%s-Q%d", start[:4], (m-1)/3+1)
	case "month":
		return start[:7]
	}
	return start
}

func newKWIC(g *globals) *cobra.Command {
	var rf readFlags
	var collapse bool
	var widthFlag, limit int
	var noTotal bool
	c := &cobra.Command{
		Use:   "kwic QUERY",
		Short: "Show each hit in its context (keyword in context), oldest first",
		Long: `kwic prints each hit of QUERY with --width characters of the text as written on
either side, the matches aligned in one column, oldest document first. The
total counts every hit; --limit caps the lines shown. --no-total stops once a
phrase's lines are found, and the total is then a lower bound.`,
		Example: `  tifa kwic 动态清零 --from 2024-01-01
  tifa kwic "common prosperity" --width 40 --limit 20
  tifa kwic 'prosper*' --csv > contexts.csv`,
		Args: exactArgs(1, "a query"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			l, closeEngine, err := g.searcher()
			if err != nil {
				return err
			}
			defer closeEngine()
			ctx, cancel := rf.context()
			defer cancel()
			sr, err := collapseSearcher(ctx, l, collapse)
			if err != nil {
				return err
			}
			res, err := sr.KWIC(ctx, query.KWICRequest{Query: args[0], Filter: rf.filter(), Width: widthFlag, Limit: limit, NoTotal: noTotal})
			if err != nil {
				return readErr(err)
			}
			out := cmd.OutOrStdout()
			switch {
			case rf.json:
				return printJSON(out, res)
			case rf.csv:
				rows := [][]string{{"id", "date", "source", "left", "match", "right"}}
				for _, l := range res.Lines {
					rows = append(rows, []string{l.ID, l.Date, l.Source, l.Left, l.Match, l.Right})
				}
				return printCSV(out, rows)
			}
			tty := isTTY(os.Stdout)
			lw := 0
			for _, l := range res.Lines {
				lw = max(lw, width(l.Left))
			}
			for _, l := range res.Lines {
				m := l.Match
				if tty {
					m = "\x1b[1m" + m + "\x1b[0m"
				} else {
					m = query.MarkOpen + m + query.MarkClose
				}
				date := l.Date
				if date == "" {
					date = "undated   "
				}
				fmt.Fprintf(out, "%s  %s %s %s\n", date, pad(l.Left, lw, true), m, l.Right)
			}
			fmt.Fprintf(out, "\n%s%d hits", atLeast(res.TotalAtLeast), res.Total)
			if len(res.Lines) < res.Total {
				fmt.Fprintf(out, ", %d shown (--limit)", len(res.Lines))
			}
			fmt.Fprintln(out)
			return nil
		},
	}
	rf.add(c)
	addCollapseFlag(c, &collapse)
	c.Flags().IntVar(&widthFlag, "width", 60, "characters of context on either side")
	c.Flags().IntVar(&limit, "limit", 100, "lines to show")
	c.Flags().BoolVar(&noTotal, "no-total", false, "stop once the lines are found instead of counting every hit (phrases; the total is then \"at least\")")
	return c
}

func newStats(g *globals) *cobra.Command {
	var rf readFlags
	c := &cobra.Command{
		Use:   "stats",
		Short: "Describe the corpus: documents, undated, sources, dates, tokens, index size",
		Example: `  tifa stats
  tifa stats --source "CCTV Xinwen Lianbo" --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			l, closeEngine, err := g.searcher()
			if err != nil {
				return err
			}
			defer closeEngine()
			ctx, cancel := rf.context()
			defer cancel()
			st, err := l.Stats(ctx, rf.filter())
			if err != nil {
				return readErr(err)
			}
			out := cmd.OutOrStdout()
			switch {
			case rf.json:
				return printJSON(out, st)
			case rf.csv:
				rows := [][]string{{"source", "docs"}}
				for _, s := range sortedKeys(st.Sources) {
					rows = append(rows, []string{s, strconv.Itoa(st.Sources[s])})
				}
				return printCSV(out, rows)
			}
			dates := "none"
			if st.FirstDate != nil {
				dates = *st.FirstDate + " … " + *st.LastDate
			}
			fmt.Fprintf(out, "documents   %d (%d undated)\ndates       %s\ntokens      %d\nindex       %s in %d segments (%s)\n\n",
				st.Docs, st.Undated, dates, st.Tokens, humanBytes(st.IndexBytes), st.Segments, g.where())
			var rows [][]string
			for _, s := range sortedKeys(st.Sources) {
				name := s
				if name == "" {
					name = "(no source)"
				}
				rows = append(rows, []string{name, strconv.Itoa(st.Sources[s])})
			}
			sort.SliceStable(rows, func(a, b int) bool { return st.Sources[rows[a][0]] > st.Sources[rows[b][0]] })
			table(out, []string{"source", "docs"}, rows, []bool{false, true})
			return nil
		},
	}
	rf.add(c)
	return c
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &exitError{exitUsage, fmt.Errorf("%s takes %s, got %d argument(s): %s (see tifa %s --help)", cmd.Name(), what, len(args), strings.Join(args, " "), cmd.Name())}
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return &exitError{exitUsage, fmt.Errorf("%s takes %s (see tifa %s --help)", cmd.Name(), what, cmd.Name())}
		}
		return nil
	}
}

// atLeast prefixes a total that is a lower bound (--no-total).
func atLeast(lowerBound bool) string {
	if lowerBound {
		return "at least "
	}
	return ""
}

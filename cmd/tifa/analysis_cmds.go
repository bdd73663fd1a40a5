package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/analysis"
	"github.com/tifa-project/tifa/internal/query"
)

// The analysis commands: lifecycle, collocates, keyness, emerging
// (doc/analytics.md has each measure).

func newAnalysisCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{newLifecycle(g), newCollocates(g), newKeyness(g), newEmerging(g), newDups(g)}
}

// analyze checks the flags, opens the index and runs f with an Analyzer
// of it, under --timeout; f's errors are mapped to exit statuses.
func analyze(g *globals, c *cobra.Command, rf *readFlags, f func(ctx context.Context, a *analysis.Analyzer) error) error {
	if err := rf.check(); err != nil {
		return err
	}
	// The library reads 0 as "the default": on the command line it is a
	// mistake.
	for _, name := range []string{"gap", "window", "min-freq", "min-docs", "min-n", "max-words", "max-chars", "ref", "limit"} {
		if fl := c.Flags().Lookup(name); fl != nil && fl.Value.Type() == "int" && fl.Value.String() == "0" {
			return &exitError{exitUsage, fmt.Errorf("--%s 0: want at least 1 (see tifa %s --help)", name, c.Name())}
		}
	}
	snap, err := g.openIndex()
	if err != nil {
		return err
	}
	defer snap.Close()
	ctx, cancel := rf.context()
	defer cancel()
	return readErr(f(ctx, analysis.New(&query.Local{Snap: snap})))
}

// show prints res as one JSON document, as CSV (csvRows), or as a table.
func show(cmd *cobra.Command, rf *readFlags, res any, csvRows func() [][]string, table func(out io.Writer)) error {
	out := cmd.OutOrStdout()
	switch {
	case rf.json:
		return printJSON(out, res)
	case rf.csv:
		return printCSV(out, csvRows())
	}
	table(out)
	return nil
}

func newLifecycle(g *globals) *cobra.Command {
	var rf readFlags
	var by, file string
	var gap, contextLines int
	c := &cobra.Command{
		Use:   "lifecycle [QUERY...]",
		Short: "When each formulation was first and last seen, its peak, its gaps and whether it is gone",
		Long: `lifecycle reads the trend of each QUERY (and of each line of --file) and
reports its first and last day seen, its peak bucket, the share of buckets
with hits since it first appeared, its gaps — runs of at least --gap buckets
without hits in which the corpus has documents — and, when the newest
buckets are such a gap, the day it has been absent since. --context N
prints N KWIC lines on either side of each gap, to compare the senses.`,
		Example: `  tifa lifecycle 动态清零 --source "CCTV Xinwen Lianbo"
  tifa lifecycle 动态清零 --context 3 --from 2021-01-01
  tifa lifecycle --file formulations.txt --by quarter --gap 4 --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			qs := args
			if file != "" {
				more, err := readQueries(file)
				if err != nil {
					return &exitError{exitUsage, err}
				}
				qs = append(qs, more...)
			}
			if len(qs) == 0 {
				return &exitError{exitUsage, fmt.Errorf("lifecycle takes at least one query, or --file (see tifa lifecycle --help)")}
			}
			return analyze(g, cmd, &rf, func(ctx context.Context, a *analysis.Analyzer) error {
				res, err := a.Lifecycle(ctx, analysis.LifecycleRequest{Queries: qs, By: by, Filter: rf.filter(), Gap: gap, Context: contextLines})
				if err != nil {
					return err
				}
				return show(cmd, &rf, res, func() [][]string {
					rows := [][]string{{"query", "first_seen", "last_seen", "peak_start", "peak_hits", "peak_docs", "hits", "docs",
						"buckets_present", "buckets_live", "presence", "gaps", "absent_since"}}
					for _, s := range res.Series {
						var gaps []string
						for _, g := range s.Gaps {
							gaps = append(gaps, g.From+".."+g.To)
						}
						peak := []string{"", "", ""}
						if s.Peak != nil {
							peak = []string{s.Peak.Start, itoa(s.Peak.Hits), itoa(s.Peak.Docs)}
						}
						rows = append(rows, append(append([]string{s.Query, deref(s.FirstSeen), deref(s.LastSeen)}, peak...),
							itoa(s.Hits), itoa(s.Docs), strconv.Itoa(s.Present), strconv.Itoa(s.Live),
							strconv.FormatFloat(s.Presence, 'f', -1, 64), strings.Join(gaps, ";"), deref(s.AbsentSince)))
					}
					return rows
				}, func(out io.Writer) {
					printLifecycle(out, res, isTTY(os.Stdout))
				})
			})
		},
	}
	rf.add(c)
	c.Flags().StringVar(&by, "by", "month", "bucket: day, week, month, quarter or year")
	c.Flags().IntVar(&gap, "gap", analysis.DefaultGap, "shortest gap, in buckets with documents")
	c.Flags().IntVar(&contextLines, "context", 0, "KWIC lines to show on either side of each gap")
	c.Flags().StringVar(&file, "file", "", "read queries from this file, one a line (# comments)")
	return c
}

// readQueries reads one query a line, skipping blank lines and # comments.
func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" && !strings.HasPrefix(q, "#") {
			qs = append(qs, q)
		}
	}
	return qs, sc.Err()
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func printLifecycle(out io.Writer, res *analysis.LifecycleResult, tty bool) {
	rows := [][]string{}
	for _, s := range res.Series {
		if s.FirstSeen == nil {
			rows = append(rows, []string{s.Query, "–", "–", "–", "0", "0", "–", "–"})
			continue
		}
		absent := "–"
		if s.AbsentSince != nil {
			absent = *s.AbsentSince
		}
		rows = append(rows, []string{s.Query, *s.FirstSeen, *s.LastSeen, bucketLabel(res.By, s.Peak.Start), itoa(s.Peak.Hits), itoa(s.Hits),
			fmt.Sprintf("%d/%d %.0f%%", s.Present, s.Live, 100*s.Presence), absent})
	}
	table(out, []string{"query", "first seen", "last seen", "peak", "peak hits", "hits", res.By + "s present", "absent since"},
		rows, []bool{false, false, false, false, true, true, true, false})
	fmt.Fprintf(out, "\ngaps: at least %d %ss without hits where the corpus has documents\n", res.Gap, res.By)
	for _, s := range res.Series {
		if s.FirstSeen == nil {
			continue
		}
		if len(s.Gaps) == 0 {
			fmt.Fprintf(out, "%s: none\n", s.Query)
			continue
		}
		var gs []string
		for _, g := range s.Gaps {
			gs = append(gs, fmt.Sprintf("%s … %s (%d)", bucketLabel(res.By, g.From), bucketLabel(res.By, g.To), g.Buckets))
		}
		fmt.Fprintf(out, "%s: %s\n", s.Query, strings.Join(gs, ", "))
		for _, g := range s.Gaps {
			if len(g.Before)+len(g.After) == 0 {
				continue
			}
			fmt.Fprintf(out, "\n  before %s:\n", g.From)
			printKWICLines(out, g.Before, tty, "    ")
			fmt.Fprintf(out, "  after %s:\n", g.To)
			printKWICLines(out, g.After, tty, "    ")
		}
	}
}

// printKWICLines prints KWIC lines aligned on the match.
func printKWICLines(out io.Writer, lines []query.KWICLine, tty bool, indent string) {
	lw := 0
	for _, l := range lines {
		lw = max(lw, width(l.Left))
	}
	for _, l := range lines {
		m := query.MarkOpen + l.Match + query.MarkClose
		if tty {
			m = "\x1b[1m" + l.Match + "\x1b[0m"
		}
		date := l.Date
		if date == "" {
			date = "undated   "
		}
		fmt.Fprintf(out, "%s%s  %s %s %s\n", indent, date, pad(l.Left, lw, true), m, l.Right)
	}
}

func newCollocates(g *globals) *cobra.Command {
	var rf readFlags
	var r analysis.CollocRequest
	c := &cobra.Command{
		Use:   "collocates QUERY",
		Short: "Tokens and n-grams that stand unusually often near a query's hits",
		Long: `collocates lists the tokens and n-grams (up to --max-words words, or
--max-chars Chinese characters, never across punctuation) that stand in the
windows of --window tokens on either side of QUERY's hits at least
--min-freq times and more often than their corpus frequency predicts, ranked
by log-likelihood (--measure ll), mutual information (mi) or t-score (t).
"left" and "right" count the occurrences touching a hit. The corpus is the
documents of --from, --to and --source, as are the hits.`,
		Example: `  tifa collocates 共同富裕
  tifa collocates "common prosperity" --window 3 --measure mi --min-freq 5
  tifa collocates 动态清零 --from 2024-01-01 --json`,
		Args: exactArgs(1, "a query"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return analyze(g, cmd, &rf, func(ctx context.Context, a *analysis.Analyzer) error {
				r.Query, r.Filter = args[0], rf.filter()
				res, err := a.Collocates(ctx, r)
				if err != nil {
					return err
				}
				return show(cmd, &rf, res, func() [][]string {
					rows := [][]string{{"item", "n", "freq", "left", "right", "docs", "corpus_freq", "expected", "ll", "mi", "t"}}
					for _, c := range res.Collocates {
						rows = append(rows, []string{c.Item, strconv.Itoa(c.N), itoa(c.Freq), itoa(c.Left), itoa(c.Right), itoa(c.Docs),
							itoa(c.CorpusFreq), ftoa(c.Expected), ftoa(c.LL), ftoa(c.MI), ftoa(c.T)})
					}
					return rows
				}, func(out io.Writer) {
					fmt.Fprintf(out, "%s: %d hits in %d documents; windows of ±%d tokens hold %d tokens, of %d in the corpus\n\n",
						res.Query, res.Nodes, res.Docs, res.Window, res.Region, res.Corpus)
					if len(res.Collocates) == 0 {
						fmt.Fprintln(out, "no collocates (lower --min-freq?)")
						return
					}
					var rows [][]string
					for i, c := range res.Collocates {
						rows = append(rows, []string{strconv.Itoa(i + 1), c.Item, itoa(c.Freq), itoa(c.Left), itoa(c.Right), itoa(c.CorpusFreq),
							fmt.Sprintf("%.1f", c.LL), fmt.Sprintf("%.2f", c.MI), fmt.Sprintf("%.2f", c.T)})
					}
					table(out, []string{"", "collocate", "freq", "left", "right", "corpus", "LL", "MI", "t"}, rows,
						[]bool{true, false, true, true, true, true, true, true, true})
					if res.Total > len(res.Collocates) {
						fmt.Fprintf(out, "\n%d collocates, %d shown (--limit)\n", res.Total, len(res.Collocates))
					}
				})
			})
		},
	}
	rf.add(c)
	c.Flags().IntVar(&r.Window, "window", analysis.DefaultWindow, "tokens on either side of a hit")
	c.Flags().IntVar(&r.MinFreq, "min-freq", analysis.DefaultCollocMin, "least co-occurrences")
	c.Flags().StringVar(&r.Measure, "measure", "ll", "rank by ll (log-likelihood), mi (mutual information) or t (t-score)")
	c.Flags().IntVar(&r.MaxWords, "max-words", analysis.DefaultCollocWords, "longest word n-gram")
	c.Flags().IntVar(&r.MaxChars, "max-chars", analysis.DefaultCollocChars, "longest Chinese-character n-gram")
	c.Flags().IntVar(&r.Limit, "limit", analysis.DefaultCollocLimit, "collocates to show")
	c.Flags().Float64Var(&r.MinLL, "min-ll", analysis.DefaultCollocMinLL, "least log-likelihood (10.83: p < 0.001)")
	c.Flags().BoolVar(&r.Raw, "raw", false, "list every collocate: no folding of n-grams into longer ones")
	return c
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func newKeyness(g *globals) *cobra.Command {
	var rf readFlags
	var r analysis.KeynessRequest
	var ref analysis.Side
	c := &cobra.Command{
		Use:   "keyness",
		Short: "Tokens and n-grams over-represented in one part of the corpus against another",
		Long: `keyness compares a target — a period (--target) and/or sources
(--target-source) — with a reference: another period (--ref) and/or sources
(--ref-source), or, when neither is given, the rest of the corpus. It lists
the tokens and n-grams (up to --max-words words or --max-chars Chinese
characters) occurring at least --min-freq times in the target and more often
there than in the reference, relative to each side's tokens, by
log-likelihood (--sort ll) or log ratio (--sort ratio). --from, --to and
--source bound both sides. A period is 2022, 2022-Q3, 2022-03, 2022-03-05 or
A..B.`,
		Example: `  tifa keyness --target 2022 --source "CCTV Xinwen Lianbo"
  tifa keyness --target 2022 --ref 2019..2021 --sort ratio
  tifa keyness --target-source "Global Times" --ref-source BBC --max-words 2 --csv`,
		Args: exactArgs(0, "no arguments (the sides are flags)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if r.Target.Period == "" && len(r.Target.Sources) == 0 {
				return &exitError{exitUsage, fmt.Errorf("keyness needs a target: --target PERIOD and/or --target-source NAME (see tifa keyness --help)")}
			}
			if ref.Period != "" || len(ref.Sources) > 0 {
				r.Ref = &ref
			}
			return analyze(g, cmd, &rf, func(ctx context.Context, a *analysis.Analyzer) error {
				r.Filter = rf.filter()
				res, err := a.Keyness(ctx, r)
				if err != nil {
					return err
				}
				return show(cmd, &rf, res, func() [][]string {
					rows := [][]string{{"item", "n", "freq", "ref_freq", "per_million", "ref_per_million", "ll", "log_ratio"}}
					for _, k := range res.Items {
						rows = append(rows, []string{k.Item, strconv.Itoa(k.N), itoa(k.Freq), itoa(k.RefFreq), ftoa(k.PerMillion), ftoa(k.RefPerMillion), ftoa(k.LL), ftoa(k.LogRatio)})
					}
					return rows
				}, func(out io.Writer) {
					fmt.Fprintf(out, "target     %s: %d documents, %d tokens\nreference  %s: %d documents, %d tokens\n\n",
						describeSide(res.Target), res.Target.Docs, res.Target.Tokens, describeSide(res.Ref), res.Ref.Docs, res.Ref.Tokens)
					if len(res.Items) == 0 {
						fmt.Fprintln(out, "nothing over-represented in the target (lower --min-freq?)")
						return
					}
					var rows [][]string
					for i, k := range res.Items {
						rows = append(rows, []string{strconv.Itoa(i + 1), k.Item, itoa(k.Freq), itoa(k.RefFreq),
							fmt.Sprintf("%.1f", k.PerMillion), fmt.Sprintf("%.1f", k.RefPerMillion), fmt.Sprintf("%.1f", k.LL), fmt.Sprintf("%.2f", k.LogRatio)})
					}
					table(out, []string{"", "item", "freq", "ref freq", "per M", "ref per M", "LL", "log ratio"}, rows,
						[]bool{true, false, true, true, true, true, true, true})
					if res.Total > len(res.Items) {
						fmt.Fprintf(out, "\n%d items, %d shown (--limit)\n", res.Total, len(res.Items))
					}
				})
			})
		},
	}
	rf.add(c)
	c.Flags().StringVar(&r.Target.Period, "target", "", "the target period: 2022, 2022-Q3, 2022-03, 2022-03-05 or A..B")
	c.Flags().StringArrayVar(&r.Target.Sources, "target-source", nil, "the target's source (repeat for several)")
	c.Flags().StringVar(&ref.Period, "ref", "", "the reference period (default: the rest of the corpus)")
	c.Flags().StringArrayVar(&ref.Sources, "ref-source", nil, "the reference's source (repeat for several)")
	c.Flags().IntVar(&r.MinFreq, "min-freq", analysis.DefaultKeyMin, "least occurrences in the target")
	c.Flags().IntVar(&r.MinN, "min-n", 1, "shortest n-gram (2 leaves out single tokens)")
	c.Flags().IntVar(&r.MaxWords, "max-words", analysis.DefaultKeyWords, "longest word n-gram")
	c.Flags().IntVar(&r.MaxChars, "max-chars", analysis.DefaultKeyChars, "longest Chinese-character n-gram")
	c.Flags().StringVar(&r.Sort, "sort", "ll", "rank by ll (log-likelihood) or ratio (log ratio)")
	c.Flags().IntVar(&r.Limit, "limit", analysis.DefaultKeyLimit, "items to show")
	return c
}

// describeSide names one side of a comparison.
func describeSide(s analysis.SideInfo) string {
	var parts []string
	switch {
	case s.Rest:
		return "the rest"
	case s.From != "":
		parts = append(parts, s.From+" … "+s.To)
	}
	if len(s.Sources) > 0 {
		parts = append(parts, strings.Join(s.Sources, ", "))
	}
	if len(parts) == 0 {
		return "every document"
	}
	return strings.Join(parts, ", ")
}

func newEmerging(g *globals) *cobra.Command {
	var rf readFlags
	var r analysis.EmergingRequest
	c := &cobra.Command{
		Use:   "emerging",
		Short: "N-grams new in a period: frequent in it, absent or rare in the periods before",
		Long: `emerging lists the n-grams (2 to --max-words words, 2 to --max-chars Chinese
characters) that occur at least --min-freq times in --min-docs documents of
the --period (a year, quarter, month or day) and are at least 2^--min-log-ratio
times rarer (per token) in the --ref periods of the same size before it.
N-grams beginning or ending with a function word are left out, and an n-gram
inside a longer emerging one is folded into it unless it is also new on its
own. --source bounds every period.

New n-grams — at most --new-max-ref occurrences in the reference — come
first (marked *), ranked by their uptake: the log-likelihood of their
occurrences in the period and in the --after periods after it (where the
corpus has them; 0 for the period alone) against the reference. Then the
n-grams that merely rose, by log-likelihood (period against reference).`,
		Example: `  tifa emerging --period 2020-10
  tifa emerging --period 2023-09 --ref 12 --source "CCTV Xinwen Lianbo"
  tifa emerging --period 2022 --ref 3 --min-freq 20 --json`,
		Args: exactArgs(0, "no arguments (the period is --period)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if r.Period == "" {
				return &exitError{exitUsage, fmt.Errorf("emerging needs --period (2023-09, 2023-Q3, 2023; see tifa emerging --help)")}
			}
			if rf.from != "" || rf.to != "" {
				return &exitError{exitUsage, fmt.Errorf("emerging takes its dates from --period and --ref, not --from/--to")}
			}
			return analyze(g, cmd, &rf, func(ctx context.Context, a *analysis.Analyzer) error {
				// The library reads 0 as its default; here 0 means none.
				if r.After == 0 {
					r.After = -1
				}
				if r.NewMaxRef == 0 {
					r.NewMaxRef = -1
				}
				r.Filter = rf.filter()
				res, err := a.Emerging(ctx, r)
				if err != nil {
					return err
				}
				return show(cmd, &rf, res, func() [][]string {
					rows := [][]string{{"item", "n", "new", "score", "freq", "docs", "ref_freq", "after_freq", "per_million", "ref_per_million", "ll", "log_ratio", "folded"}}
					for _, e := range res.Items {
						rows = append(rows, []string{e.Item, strconv.Itoa(e.N), strconv.FormatBool(e.New), ftoa(e.Score), itoa(e.Freq), itoa(e.Docs), itoa(e.RefFreq), itoa(e.AfterFreq),
							ftoa(e.PerMillion), ftoa(e.RefPerMillion), ftoa(e.LL), ftoa(e.LogRatio), foldedList(e.Folded, -1)})
					}
					return rows
				}, func(out io.Writer) {
					fmt.Fprintf(out, "period     %s … %s: %d documents, %d tokens\nreference  %s … %s: %d documents, %d tokens\n",
						res.Period.From, res.Period.To, res.Period.Docs, res.Period.Tokens, res.Ref.From, res.Ref.To, res.Ref.Docs, res.Ref.Tokens)
					if res.After != nil {
						fmt.Fprintf(out, "after      %s … %s: %d documents, %d tokens\n", res.After.From, res.After.To, res.After.Docs, res.After.Tokens)
					}
					fmt.Fprintf(out, "\n%d new (* at most %d in the reference), by uptake; then %d that rose, by LL\n\n", res.New, max(r.NewMaxRef, 0), res.Total-res.New)
					if len(res.Items) == 0 {
						fmt.Fprintln(out, "nothing emerging (lower --min-freq or --min-log-ratio?)")
						return
					}
					var rows [][]string
					for i, e := range res.Items {
						mark := ""
						if e.New {
							mark = "*"
						}
						rows = append(rows, []string{strconv.Itoa(i + 1), mark, e.Item, itoa(e.Freq), itoa(e.Docs), itoa(e.RefFreq), itoa(e.AfterFreq),
							fmt.Sprintf("%.1f", e.Score), fmt.Sprintf("%.1f", e.LL), fmt.Sprintf("%.2f", e.LogRatio), foldedList(e.Folded, 3)})
					}
					table(out, []string{"", "", "n-gram", "freq", "docs", "ref freq", "after", "score", "LL", "log ratio", "folded in"}, rows,
						[]bool{true, false, false, true, true, true, true, true, true, true, false})
					if res.Total > len(res.Items) {
						fmt.Fprintf(out, "\n%d emerging n-grams, %d shown (--limit)\n", res.Total, len(res.Items))
					}
				})
			})
		},
	}
	rf.add(c)
	c.Flags().StringVar(&r.Period, "period", "", "the period: 2023, 2023-Q3, 2023-09 or 2023-09-01")
	c.Flags().IntVar(&r.Ref, "ref", analysis.DefaultEmergingRef, "periods of the same size before it, as the reference")
	c.Flags().IntVar(&r.MinFreq, "min-freq", analysis.DefaultEmergingMin, "least occurrences in the period")
	c.Flags().IntVar(&r.MinDocs, "min-docs", analysis.DefaultEmergingDocs, "least documents of the period holding it")
	c.Flags().Float64Var(&r.MinLogRatio, "min-log-ratio", analysis.DefaultMinLogRatio, "least log2 of (rate in the period / rate before)")
	c.Flags().IntVar(&r.MaxWords, "max-words", analysis.DefaultEmergingWords, "longest word n-gram")
	c.Flags().IntVar(&r.MaxChars, "max-chars", analysis.DefaultEmergingChars, "longest Chinese-character n-gram")
	c.Flags().IntVar(&r.Limit, "limit", analysis.DefaultEmergingLimit, "n-grams to show")
	c.Flags().IntVar(&r.NewMaxRef, "new-max-ref", analysis.DefaultNewMaxRef, "most occurrences in the reference of a new n-gram")
	c.Flags().IntVar(&r.After, "after", analysis.DefaultEmergingAfter, "periods after it whose use ranks new n-grams (0: the period alone)")
	return c
}

// foldedList shows the n-grams folded into one, the first n of them (all
// when n < 0).
func foldedList(fs []analysis.Folded, n int) string {
	var parts []string
	for i, f := range fs {
		if n >= 0 && i == n {
			parts = append(parts, fmt.Sprintf("+%d", len(fs)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", f.Item, f.Freq))
	}
	return strings.Join(parts, ", ")
}

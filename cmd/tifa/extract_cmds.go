package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/extract"
	"github.com/tifa-project/tifa/internal/store"
)

// The readout commands: extract, meetings, people, formulations
// (doc/extraction.md), and the record filters --presider and
// --meeting-body of search, trend and kwic.

func newExtractCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{newExtract(g), newMeetings(g), newPeople(g), newFormulations(g)}
}

// addRecordFilters gives search, trend and kwic the flags --presider and
// --meeting-body: the query then runs over only the documents whose
// meeting record matches (a masked view of the index).
func addRecordFilters(root *cobra.Command, g *globals) {
	for _, c := range root.Commands() {
		switch c.Name() {
		case "search", "trend", "kwic":
		default:
			continue
		}
		var f extract.Filter
		c.Flags().StringVar(&f.Presider, "presider", "", "only documents whose meeting was presided by this person (substring)")
		c.Flags().StringVar(&f.Body, "meeting-body", "", "only documents whose meeting's convening body contains this")
		pre := c.PreRunE
		c.PreRunE = func(cmd *cobra.Command, args []string) error {
			if f.Active() {
				// The records live in the embedded index only.
				if err := g.errNotOnEngine(); err != nil {
					return err
				}
				g.view = func(s *store.Snapshot) (*store.Snapshot, error) { return extract.Mask(s, f) }
			}
			if pre != nil {
				return pre(cmd, args)
			}
			return nil
		}
	}
}

// recordErr maps an error of the readout commands to its exit status.
func recordErr(err error) error {
	if errors.Is(err, extract.ErrNotExtracted) {
		return &exitError{exitIndex, err}
	}
	return readErr(err)
}

func newExtract(g *globals) *cobra.Command {
	var rf readFlags
	var id string
	var all, force bool
	c := &cobra.Command{
		Use:   "extract FILE... | --id ID | --all",
		Short: "Print the readout records of documents: meeting, people and titles, formulations",
		Long: `extract reads meeting readouts: the convening body, kind of meeting, date held,
presiders, speakers, what was conveyed or studied, the numbered directives and
"also studied other matters" closers; the persons named with an official title;
the quoted formulations (doc/extraction.md).

With FILE (any ingest format, - for JSON Lines on stdin) it prints the records of
each document read; with --id those stored in the index for that document; with
--all it recomputes the stored records of every segment whose records are missing
or of older rules (--force: all of them) and commits.

--json prints one JSON object per document, one per line.`,
		Example: `  tifa extract ../shared/seed/000_df70d2a1fb1ed569.txt
  tifa extract --id xwlb-VIDEizS8kvyMBXkQLJD4Bpoe200221 --json
  tifa extract --all`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if all || id != "" {
				if err := g.errNotOnEngine(); err != nil {
					return err
				}
			}
			switch {
			case all:
				if id != "" || len(args) > 0 {
					return &exitError{exitUsage, fmt.Errorf("--all takes no FILE and no --id")}
				}
				return reextract(cmd, g, force)
			case id != "":
				if len(args) > 0 {
					return &exitError{exitUsage, fmt.Errorf("--id takes no FILE")}
				}
				snap, err := g.openIndex()
				if err != nil {
					return err
				}
				defer snap.Close()
				r, ok, err := extract.Get(snap, id)
				if !ok {
					return &exitError{exitUsage, fmt.Errorf("no document %q in the index", id)}
				}
				if err != nil {
					return recordErr(err)
				}
				return printRecord(out, &rf, r)
			case len(args) == 0:
				return &exitError{exitUsage, fmt.Errorf("want FILE..., --id ID or --all (see tifa extract --help)")}
			}
			bad := 0
			err := corpus.Walk(context.Background(), args, corpus.Options{Stdin: os.Stdin}, func(rec corpus.Record) error {
				if rec.Err != nil {
					bad++
					fmt.Fprintf(os.Stderr, "%s:%d: %v\n", rec.File, rec.Line, rec.Err)
					return nil
				}
				return printRecord(out, &rf, extract.Extract(&rec.Doc))
			})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if bad > 0 {
				return &exitError{exitRejected, errors.New("")}
			}
			return nil
		},
	}
	c.Flags().StringVar(&id, "id", "", "the document of the index with this id")
	c.Flags().BoolVar(&all, "all", false, "recompute the stored records of the index")
	c.Flags().BoolVar(&force, "force", false, "with --all: recompute every segment's records, also current ones")
	c.Flags().BoolVar(&rf.json, "json", false, "one JSON object per document, one per line")
	return c
}

func reextract(cmd *cobra.Command, g *globals, force bool) error {
	w, err := store.OpenWriter(g.index, store.Options{Annotators: annotators()})
	if err != nil {
		return &exitError{exitIndex, err}
	}
	n, err := w.Reannotate(force, func(done, total int) {
		if isTTY(os.Stderr) {
			fmt.Fprintf(os.Stderr, "\rextracting: %d/%d segments", done, total)
		}
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if isTTY(os.Stderr) && n > 0 {
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		return &exitError{exitIndex, err}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%d record files written\n", n)
	return nil
}

// printRecord prints one document's records as a JSON line or a table.
func printRecord(out io.Writer, rf *readFlags, r extract.Record) error {
	if rf.json {
		return printJSON(out, r)
	}
	fmt.Fprintf(out, "%s  %s\n", r.ID, r.Date)
	if m := r.Meeting; m != nil {
		rows := [][]string{
			{"body", m.Body}, {"kind", m.Kind}, {"date held", m.DateHeld},
			{"presiders", strings.Join(m.Presiders, ", ")}, {"speakers", strings.Join(m.Speakers, ", ")},
		}
		for _, s := range m.Studied {
			rows = append(rows, []string{"studied", s})
		}
		for _, d := range m.Directives {
			rows = append(rows, []string{"directive " + strconv.Itoa(d.N), d.Text})
		}
		for _, s := range m.Also {
			rows = append(rows, []string{"also", s})
		}
		table(out, []string{"meeting", ""}, rows, nil)
	} else {
		fmt.Fprintln(out, "meeting  none")
	}
	if len(r.People) > 0 {
		var rows [][]string
		for _, p := range r.People {
			rows = append(rows, []string{p.Name, p.Title})
		}
		table(out, []string{"person", "title"}, rows, nil)
	}
	if len(r.Formulations) > 0 {
		fmt.Fprintf(out, "formulations  %s\n", strings.Join(r.Formulations, " · "))
	}
	fmt.Fprintln(out)
	return nil
}

// recordFlags are the flags of the commands that list records.
type recordFlags struct {
	readFlags
	body, presider string
	limit          int
}

func (r *recordFlags) add(c *cobra.Command) {
	r.readFlags.add(c)
	c.Flags().StringVar(&r.body, "body", "", "only meetings whose convening body contains this")
	c.Flags().StringVar(&r.presider, "presider", "", "only meetings presided by this person (substring)")
	c.Flags().IntVar(&r.limit, "limit", 50, "rows to show in the table (JSON and CSV have all)")
}

func (r *recordFlags) filter() extract.Filter {
	return extract.Filter{From: r.from, To: r.to, Sources: r.sources, Body: r.body, Presider: r.presider}
}

// withRecords checks the flags and opens the index for a records command.
func withRecords(g *globals, rf *recordFlags, f func(snap *store.Snapshot) error) error {
	if err := rf.check(); err != nil {
		return err
	}
	if err := g.errNotOnEngine(); err != nil {
		return err
	}
	if rf.limit < 1 {
		return &exitError{exitUsage, fmt.Errorf("--limit %d: want at least 1", rf.limit)}
	}
	snap, err := g.openIndex()
	if err != nil {
		return err
	}
	defer snap.Close()
	return recordErr(f(snap))
}

func newMeetings(g *globals) *cobra.Command {
	var rf recordFlags
	c := &cobra.Command{
		Use:   "meetings",
		Short: "List the meeting records of the index, newest first",
		Long: `meetings lists every document read as a meeting readout: date, convening body,
kind, date held, presiders and the number of directives. --body and --presider
narrow the list (substrings); --json prints {"total":N,"meetings":[…]} with the
whole records, --csv one row per meeting.`,
		Example: `  tifa meetings --presider 习近平 --from 2020-01-01
  tifa meetings --body 省委常委会 --csv > meetings.csv`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRecords(g, &rf, func(snap *store.Snapshot) error {
				rows, err := extract.Meetings(snap, rf.filter())
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				switch {
				case rf.json:
					if rows == nil {
						rows = []extract.MeetingRow{}
					}
					return printJSON(out, map[string]any{"total": len(rows), "meetings": rows})
				case rf.csv:
					csv := [][]string{{"id", "date", "source", "body", "kind", "date_held", "presiders", "speakers", "directives", "directive_texts"}}
					for _, r := range rows {
						m := r.Meeting
						var ds []string
						for _, d := range m.Directives {
							ds = append(ds, d.Text)
						}
						csv = append(csv, []string{r.ID, r.Date, r.Source, m.Body, m.Kind, m.DateHeld, strings.Join(m.Presiders, "; "), strings.Join(m.Speakers, "; "), strconv.Itoa(len(m.Directives)), strings.Join(ds, "\n")})
					}
					return printCSV(out, csv)
				}
				fmt.Fprintf(out, "%d meetings\n\n", len(rows))
				var t [][]string
				for i, r := range rows {
					if i == rf.limit {
						break
					}
					m := r.Meeting
					t = append(t, []string{r.Date, m.DateHeld, m.Body, m.Kind, strings.Join(m.Presiders, ", "), strconv.Itoa(len(m.Directives)), r.ID})
				}
				table(out, []string{"date", "held", "body", "kind", "presiders", "directives", "id"}, t, []bool{false, false, false, false, false, true})
				return nil
			})
		},
	}
	rf.add(c)
	return c
}

func newPeople(g *globals) *cobra.Command {
	var rf recordFlags
	c := &cobra.Command{
		Use:   "people [NAME]",
		Short: "List persons named with official titles, with their titles over time",
		Long: `people aggregates the (person, title, date, document) facts of the index: each
person with the titles given beside their name, the first and last dates and the
number of documents, most documents first. With NAME it shows that person's
timeline, one row per title.`,
		Example: `  tifa people --from 2020-01-01 --limit 20
  tifa people 王东峰
  tifa people "Xu Qin" --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return withRecords(g, &rf, func(snap *store.Snapshot) error {
				ps, err := extract.People(snap, rf.filter(), name)
				if err != nil {
					return err
				}
				if name != "" && len(ps) == 0 {
					return fmt.Errorf("no person %q with a title in the index", name)
				}
				out := cmd.OutOrStdout()
				switch {
				case rf.json:
					if ps == nil {
						ps = []extract.PersonTimeline{}
					}
					return printJSON(out, map[string]any{"total": len(ps), "people": ps})
				case rf.csv:
					rows := [][]string{{"name", "title", "first", "last", "docs"}}
					for _, p := range ps {
						for _, t := range p.Titles {
							rows = append(rows, []string{p.Name, t.Title, t.First, t.Last, strconv.Itoa(t.Docs)})
						}
					}
					return printCSV(out, rows)
				}
				if name != "" {
					p := ps[0]
					fmt.Fprintf(out, "%s: %d documents, %s – %s\n\n", p.Name, p.Docs, p.First, p.Last)
					var rows [][]string
					for _, t := range p.Titles {
						rows = append(rows, []string{t.First, t.Last, strconv.Itoa(t.Docs), t.Title})
					}
					table(out, []string{"first", "last", "docs", "title"}, rows, []bool{false, false, true})
					return nil
				}
				fmt.Fprintf(out, "%d persons\n\n", len(ps))
				var rows [][]string
				for i, p := range ps {
					if i == rf.limit {
						break
					}
					titles := make([]string, 0, len(p.Titles))
					for _, t := range p.Titles {
						titles = append(titles, t.Title)
					}
					rows = append(rows, []string{p.Name, strconv.Itoa(p.Docs), p.First, p.Last, cutTitles(titles)})
				}
				table(out, []string{"person", "docs", "first", "last", "titles"}, rows, []bool{false, true})
				return nil
			})
		},
	}
	rf.add(c)
	return c
}

func cutTitles(ts []string) string {
	s := strings.Join(ts, "; ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}

func newFormulations(g *globals) *cobra.Command {
	var rf recordFlags
	c := &cobra.Command{
		Use:   "formulations",
		Short: "Rank quoted formulations (slogans, policy terms) by documents, with first seen",
		Long: `formulations ranks the phrases quoted as slogans or policy terms (“…”, ‘…’, 「…」,
"…") by the number of documents quoting them in the period, with the first and
last dates seen. --body/--presider count only the documents of matching meetings.`,
		Example: `  tifa formulations --from 2022-01-01 --to 2022-12-31 --limit 30
  tifa formulations --source "CCTV Xinwen Lianbo" --csv`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRecords(g, &rf, func(snap *store.Snapshot) error {
				fs, err := extract.FormulationRanks(snap, rf.filter())
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				switch {
				case rf.json:
					return printJSON(out, map[string]any{"total": len(fs), "formulations": fs})
				case rf.csv:
					rows := [][]string{{"formulation", "docs", "first_seen", "last_seen"}}
					for _, f := range fs {
						rows = append(rows, []string{f.Text, strconv.Itoa(f.Docs), f.FirstSeen, f.LastSeen})
					}
					return printCSV(out, rows)
				}
				fmt.Fprintf(out, "%d formulations\n\n", len(fs))
				var rows [][]string
				for i, f := range fs {
					if i == rf.limit {
						break
					}
					rows = append(rows, []string{strconv.Itoa(f.Docs), f.FirstSeen, f.LastSeen, f.Text})
				}
				table(out, []string{"docs", "first seen", "last seen", "formulation"}, rows, []bool{true})
				return nil
			})
		},
	}
	rf.add(c)
	return c
}

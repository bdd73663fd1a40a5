package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rivo/uniseg"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tifa-project/tifa/internal/query"
)

// readFlags are the flags of every reading command.
type readFlags struct {
	from, to string
	sources  []string
	json     bool
	csv      bool
	timeout  time.Duration
}

func (r *readFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&r.from, "from", "", "first day to include, YYYY-MM-DD")
	c.Flags().StringVar(&r.to, "to", "", "last day to include, YYYY-MM-DD")
	c.Flags().StringArrayVar(&r.sources, "source", nil, "only this source (exact name; repeat for several)")
	c.Flags().BoolVar(&r.json, "json", false, "print one JSON document")
	c.Flags().BoolVar(&r.csv, "csv", false, "print CSV")
	c.Flags().DurationVar(&r.timeout, "timeout", time.Minute, "give up on a query that runs longer (regular expressions scan text)")
}

// context returns the context a query runs under: bounded by --timeout.
func (r *readFlags) context() (context.Context, context.CancelFunc) {
	if r.timeout <= 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), r.timeout)
}

func (r *readFlags) filter() query.Filter {
	return query.Filter{From: r.from, To: r.to, Sources: r.sources}
}

func (r *readFlags) check() error {
	if r.json && r.csv {
		return &exitError{exitUsage, fmt.Errorf("--json and --csv exclude each other")}
	}
	return nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func printCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// isTTY reports whether f is a terminal.
func isTTY(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// width is the display width of s in terminal columns (CJK = 2).
func width(s string) int { return uniseg.StringWidth(s) }

// pad pads s with spaces to w columns (left-aligned; right when right).
func pad(s string, w int, right bool) string {
	n := w - width(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// table prints rows with columns aligned by display width; right[i] aligns
// column i right.
func table(w io.Writer, header []string, rows [][]string, right []bool) {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if x := width(c); x > widths[i] {
				widths[i] = x
			}
		}
	}
	line := func(r []string) {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			rt := i < len(right) && right[i]
			if i == len(r)-1 && !rt {
				b.WriteString(c)
			} else {
				b.WriteString(pad(c, widths[i], rt))
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
}

// marks renders «hit» marks: bold on a terminal, kept as they are elsewhere.
func marks(s string, tty bool) string {
	if !tty {
		return s
	}
	return strings.NewReplacer(query.MarkOpen, "\x1b[1m", query.MarkClose, "\x1b[0m").Replace(s)
}

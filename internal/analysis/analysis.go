// Package analysis is tifa's corpus analytics over an embedded index
// snapshot: the lifecycle of formulations (first and last seen, peak,
// gaps), their collocations, keyness of one part of the corpus against
// another, and emerging n-grams. doc/analytics.md gives each measure with
// its formula and an example from real data.
//
// Lifecycles are read from query.Local's trend, so their counts are the
// trend's. The other analyses read documents' tokens: the stored text of
// the documents they need, re-tokenized (see tokens.go), with n-grams
// counted exactly (see ngrams.go). Nothing here writes.
package analysis

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tifa-project/tifa/internal/query"
)

// Analyzer answers the analytics of one snapshot, through the query.Local
// that reads it. It is safe for concurrent use while the snapshot is open.
type Analyzer struct {
	L *query.Local
}

// New returns an Analyzer of l's snapshot.
func New(l *query.Local) *Analyzer { return &Analyzer{L: l} }

// Period is a range of days, inclusive, named as the user wrote it.
type Period struct {
	From, To string // YYYY-MM-DD
	Unit     string // "year", "quarter", "month", "day", or "" for a range
}

// ParsePeriod reads a period: 2022, 2022-Q3, 2022-03, 2022-03-05, or a
// range A..B of those (from the start of A to the end of B).
func ParsePeriod(s string) (Period, error) {
	if a, b, ok := strings.Cut(s, ".."); ok {
		pa, err := ParsePeriod(a)
		if err != nil {
			return Period{}, err
		}
		pb, err := ParsePeriod(b)
		if err != nil {
			return Period{}, err
		}
		if pb.To < pa.From {
			return Period{}, fmt.Errorf("period %q ends before it starts", s)
		}
		return Period{From: pa.From, To: pb.To}, nil
	}
	bad := fmt.Errorf("period %q: want YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or A..B", s)
	var start time.Time
	var unit string
	switch {
	case len(s) == 4:
		y, err := strconv.Atoi(s)
		if err != nil || y < 1 {
			return Period{}, bad
		}
		start, unit = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), "year"
	case len(s) == 7 && (s[5] == 'Q' || s[5] == 'q'):
		y, err1 := strconv.Atoi(s[:4])
		q, err2 := strconv.Atoi(s[6:])
		if err1 != nil || err2 != nil || s[4] != '-' || q < 1 || q > 4 || y < 1 {
			return Period{}, bad
		}
		start, unit = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC), "quarter"
	case len(s) == 7:
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return Period{}, bad
		}
		start, unit = t, "month"
	case len(s) == 10:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return Period{}, bad
		}
		start, unit = t, "day"
	default:
		return Period{}, bad
	}
	return Period{From: start.Format(time.DateOnly), To: addUnits(start, unit, 1).AddDate(0, 0, -1).Format(time.DateOnly), Unit: unit}, nil
}

// Before returns the n periods of p's unit just before p, as one range.
func (p Period) Before(n int) (Period, error) {
	if p.Unit == "" {
		return Period{}, fmt.Errorf("a range has no unit to count back in: give a year, quarter, month or day")
	}
	start, _ := time.Parse(time.DateOnly, p.From)
	from := addUnits(start, p.Unit, -n)
	return Period{From: from.Format(time.DateOnly), To: start.AddDate(0, 0, -1).Format(time.DateOnly)}, nil
}

func addUnits(t time.Time, unit string, n int) time.Time {
	switch unit {
	case "year":
		return t.AddDate(n, 0, 0)
	case "quarter":
		return t.AddDate(0, 3*n, 0)
	case "month":
		return t.AddDate(0, n, 0)
	}
	return t.AddDate(0, 0, n)
}

// bucketEnd returns the last day of the bucket of size by starting at
// start (YYYY-MM-DD).
func bucketEnd(by, start string) string {
	t, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return start
	}
	switch by {
	case "week":
		t = t.AddDate(0, 0, 7)
	case "month", "quarter", "year":
		t = addUnits(t, by, 1)
	default:
		t = t.AddDate(0, 0, 1)
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}

// within narrows f to the period p: its dates are the intersection.
func within(f query.Filter, p Period) query.Filter {
	out := query.Filter{From: p.From, To: p.To, Sources: f.Sources}
	if f.From > out.From {
		out.From = f.From
	}
	if f.To != "" && f.To < out.To {
		out.To = f.To
	}
	return out
}

// orDefault sets *p to def when it is the zero value.
func orDefault[T comparable](p *T, def T) {
	var zero T
	if *p == zero {
		*p = def
	}
}

// rank orders items by score, then frequency, highest first, then by text.
func rank[T any](items []T, key func(*T) (score float64, freq int64, text string)) {
	sort.Slice(items, func(i, j int) bool {
		si, fi, ti := key(&items[i])
		sj, fj, tj := key(&items[j])
		if si != sj {
			return si > sj
		}
		if fi != fj {
			return fi > fj
		}
		return ti < tj
	})
}

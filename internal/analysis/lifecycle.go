package analysis

import (
	"context"
	"fmt"

	"github.com/tifa-project/tifa/internal/query"
)

// DefaultGap is the shortest run of empty buckets that is a gap.
const DefaultGap = 6

// LifecycleRequest asks for the lifecycle of each query.
type LifecycleRequest struct {
	Queries []string
	By      string // bucket, as for a trend; default month
	Filter  query.Filter
	Gap     int // shortest gap, in buckets with documents; default DefaultGap
	// Context asks for this many KWIC lines on either side of each gap:
	// the last hits before it and the first after it.
	Context int
}

// LifecycleResult is SPEC §9's lifecycle output.
type LifecycleResult struct {
	By     string      `json:"by"`
	Gap    int         `json:"gap"`
	Series []Lifecycle `json:"series"`
}

// Lifecycle is the lifecycle of one query. Present counts the buckets with
// hits; Live the buckets with documents from the bucket of the first hit to
// the newest bucket; Presence is Present/Live.
type Lifecycle struct {
	Query       string  `json:"query"`
	FirstSeen   *string `json:"first_seen"`
	LastSeen    *string `json:"last_seen"`
	Peak        *Peak   `json:"peak"`
	Gaps        []Gap   `json:"gaps"`
	AbsentSince *string `json:"absent_since"`
	Hits        int64   `json:"hits"`
	Docs        int64   `json:"docs"`
	Present     int     `json:"buckets_present"`
	Live        int     `json:"buckets_live"`
	Presence    float64 `json:"presence"`
}

// Peak is the bucket with the most hits (the earliest of equals).
type Peak struct {
	Start string `json:"start"`
	Hits  int64  `json:"hits"`
	Docs  int64  `json:"docs"`
}

// Gap is a run of buckets without hits, from the first day of its first
// bucket to the last day of its last; Buckets counts those with documents.
// Before and After are KWIC lines of the hits just before and just after
// it, when asked for.
type Gap struct {
	From    string           `json:"from"`
	To      string           `json:"to"`
	Buckets int              `json:"buckets"`
	Before  []query.KWICLine `json:"before,omitempty"`
	After   []query.KWICLine `json:"after,omitempty"`
}

// Lifecycle computes each query's lifecycle from its trend (the same
// buckets and counts as Local.Trend): one evaluation per query, plus two
// KWIC calls per gap when Context is set.
func (a *Analyzer) Lifecycle(ctx context.Context, r LifecycleRequest) (*LifecycleResult, error) {
	if r.By == "" {
		r.By = "month"
	}
	if r.Gap == 0 {
		r.Gap = DefaultGap
	}
	if r.Gap < 1 {
		return nil, fmt.Errorf("gap %d: want at least 1 bucket", r.Gap)
	}
	tr, err := a.L.Trend(ctx, query.TrendRequest{Queries: r.Queries, By: r.By, Filter: r.Filter})
	if err != nil {
		return nil, err
	}
	res := &LifecycleResult{By: tr.By, Gap: r.Gap, Series: make([]Lifecycle, 0, len(tr.Series))}
	for _, s := range tr.Series {
		lc := lifecycleOf(s, tr.By, r.Gap)
		if r.Context > 0 {
			if err := a.gapContext(ctx, &lc, s, r); err != nil {
				return nil, err
			}
		}
		res.Series = append(res.Series, lc)
	}
	return res, nil
}

// lifecycleOf reads the lifecycle off a trend series. A gap is a run of
// at least gap buckets with documents and no hits, after the first hit;
// buckets without documents inside the run neither count nor break it
// (nothing could be seen there), and the gap is bounded by buckets with
// documents. A gap that reaches the newest bucket makes AbsentSince.
func lifecycleOf(s query.Series, by string, gap int) Lifecycle {
	lc := Lifecycle{Query: s.Query, FirstSeen: s.FirstSeen, LastSeen: s.LastSeen, Hits: s.Hits, Docs: s.Docs, Gaps: []Gap{}}
	bs := s.Buckets
	first := -1
	for i, b := range bs {
		if b.Hits > 0 {
			if first < 0 {
				first = i
			}
			if lc.Peak == nil || b.Hits > lc.Peak.Hits {
				lc.Peak = &Peak{Start: b.Start, Hits: b.Hits, Docs: b.Docs}
			}
		}
	}
	if first < 0 {
		return lc
	}
	runStart, runEnd, runLen := -1, -1, 0
	closeRun := func() {
		if runLen >= gap {
			lc.Gaps = append(lc.Gaps, Gap{From: bs[runStart].Start, To: bucketEnd(by, bs[runEnd].Start), Buckets: runLen})
		}
		runStart, runEnd, runLen = -1, -1, 0
	}
	for i := first; i < len(bs); i++ {
		b := bs[i]
		if b.TotalDocs > 0 {
			lc.Live++
		}
		switch {
		case b.Hits > 0:
			lc.Present++
			closeRun()
		case b.TotalDocs > 0:
			if runLen == 0 {
				runStart = i
			}
			runEnd = i
			runLen++
		}
	}
	tail := runLen >= gap
	closeRun()
	if tail {
		lc.AbsentSince = &lc.Gaps[len(lc.Gaps)-1].From
	}
	if lc.Live > 0 {
		lc.Presence = float64(lc.Present) / float64(lc.Live)
	}
	return lc
}

// gapContext adds KWIC lines around each gap of lc: the last r.Context
// hits of the bucket before it and the first of the bucket after it.
func (a *Analyzer) gapContext(ctx context.Context, lc *Lifecycle, s query.Series, r LifecycleRequest) error {
	present := func(start string, dir int) (query.Bucket, bool) {
		for i, b := range s.Buckets {
			if b.Start != start {
				continue
			}
			for j := i + dir; j >= 0 && j < len(s.Buckets); j += dir {
				if s.Buckets[j].Hits > 0 {
					return s.Buckets[j], true
				}
			}
		}
		return query.Bucket{}, false
	}
	lines := func(b query.Bucket, last bool) ([]query.KWICLine, error) {
		f := within(r.Filter, Period{From: b.Start, To: bucketEnd(r.By, b.Start)})
		limit := r.Context
		if last {
			limit = int(b.Hits) // the bucket's every hit, then its last ones
		}
		k, err := a.L.KWIC(ctx, query.KWICRequest{Query: s.Query, Filter: f, Width: 30, Limit: limit})
		if err != nil {
			return nil, err
		}
		out := k.Lines
		if last && len(out) > r.Context {
			out = out[len(out)-r.Context:]
		}
		return out, nil
	}
	for gi := range lc.Gaps {
		g := &lc.Gaps[gi]
		if b, ok := present(g.From, -1); ok {
			l, err := lines(b, true)
			if err != nil {
				return err
			}
			g.Before = l
		}
		if b, ok := present(lastBucketStart(s.Buckets, g.To), 1); ok {
			l, err := lines(b, false)
			if err != nil {
				return err
			}
			g.After = l
		}
	}
	return nil
}

// lastBucketStart returns the start of the last bucket starting on or
// before day.
func lastBucketStart(bs []query.Bucket, day string) string {
	start := ""
	for _, b := range bs {
		if b.Start <= day {
			start = b.Start
		}
	}
	return start
}

package main

import (
	"context"
	"strings"

	"github.com/tifa-project/tifa/engine"
)

// tifaSys calls tifa as a library: engine.Ingest is `tifa ingest`, and the
// workloads call query.Local exactly as the CLI does. W3 and W4 ask, like
// the peers, for the page only (NoTotal, `tifa search --no-total`); the
// tifa-total variant (count) also counts every match, as `tifa search`
// does by default, on the same index.
type tifaSys struct {
	ix    *engine.Index
	count bool
}

func (s *tifaSys) Name() string {
	if s.count {
		return "tifa-total"
	}
	return "tifa"
}

func (*tifaSys) Build(ctx context.Context, dir string, corpus []string) error {
	_, err := engine.Ingest(ctx, dir, corpus)
	return err
}

func (*tifaSys) Size(_ context.Context, dir string) (int64, error) { return dirSize(dir) }

func (s *tifaSys) Open(_ context.Context, dir string) (err error) {
	s.ix, err = engine.Open(dir)
	return err
}

func (s *tifaSys) Close() error { return s.ix.Close() }

func quote(p Phrase) string { return `"` + strings.ReplaceAll(p.Text, `"`, ` `) + `"` }

func (s *tifaSys) Trend(ctx context.Context, p Phrase) (Trend, error) {
	r, err := s.ix.Trend(ctx, engine.TrendRequest{Queries: []string{quote(p)}, By: "month"})
	if err != nil {
		return nil, err
	}
	t := Trend{}
	for _, b := range r.Series[0].Buckets {
		if b.Docs > 0 {
			t[month(b.Start)] = Count{Docs: b.Docs, Hits: b.Hits}
		}
	}
	return t, nil
}

func (s *tifaSys) Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error) {
	qs := make([]string, len(ps))
	for i, p := range ps {
		qs[i] = quote(p)
	}
	r, err := s.ix.Search(ctx, engine.SearchRequest{Query: strings.Join(qs, " AND "),
		Filter: engine.Filter{From: from, To: to}, Sort: "newest", Limit: n,
		NoSnippets: true, // the peers return ids only
		NoTotal:    !s.count})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func (s *tifaSys) KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error) {
	r, err := s.ix.KWIC(ctx, engine.KWICRequest{Query: quote(p), Width: width, Limit: n, NoTotal: !s.count})
	if err != nil {
		return nil, err
	}
	out := make([]Line, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = Line{ID: l.ID, Date: l.Date, Left: l.Left, Match: l.Match, Right: l.Right}
	}
	return out, nil
}

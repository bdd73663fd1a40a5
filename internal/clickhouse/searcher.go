package clickhouse

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
)

// Searcher answers the reading commands from the ClickHouse tables with
// the embedded index's answers. It is safe for concurrent use.
type Searcher struct {
	c *Client
}

var _ query.Searcher = (*Searcher)(nil)

// Open connects to the engine and checks that the documents table is
// there.
func Open(ctx context.Context, cfg Config) (*Searcher, error) {
	c, err := Dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := c.query(ctx, "SELECT count() FROM "+c.table()+" WHERE 0", func(driver.Rows) error { return nil }); err != nil {
		c.Close()
		return nil, err
	}
	return &Searcher{c: c}, nil
}

// Client returns the searcher's client.
func (s *Searcher) Client() *Client { return s.c }

// Close closes the connections.
func (s *Searcher) Close() error { return s.c.Close() }

// read runs a query on the first host. Every read of tifa's rows says
// FINAL (one row per id) and keeps the WHERE after FINAL: with a condition
// moved into PREWHERE an older version of a replaced id could pass where
// its newest does not.
func (s *Searcher) read(ctx context.Context, sql string, row func(driver.Rows) error) error {
	return s.c.query(ctx, sql+"\nSETTINGS optimize_move_to_prewhere = 0", row)
}

// from is the FROM clause of every read: the newest version of each id.
func (s *Searcher) from() string { return s.c.table() + " FINAL" }

// match is one matching document.
type match struct {
	id   string
	day  int32
	hits uint64
	toks int64
}

// docCols are the columns readDoc reads, in order. version is among them
// because ClickHouse 18.16 fails FINAL over a Distributed table when the
// version column is not read ("Cannot find column version").
const docCols = "id, day, date, source, lang, url, meta_keys, meta_values, title, text, toUInt64(title_n + text_n), version"

func readDoc(r driver.Rows) (*doc, error) {
	d := &doc{}
	var keys, vals []string
	var toks, version uint64
	if err := r.Scan(&d.id, &d.day, &d.date, &d.source, &d.lang, &d.url, &keys, &vals, &d.title, &d.text, &toks, &version); err != nil {
		return nil, err
	}
	d.toks = int64(toks)
	d.meta = map[string]string{}
	for i := range keys {
		if _, ok := d.meta[keys[i]]; !ok && i < len(vals) {
			d.meta[keys[i]] = vals[i]
		}
	}
	return d, nil
}

// matches returns every document matching n that passes f.
func (s *Searcher) matches(ctx context.Context, n query.Node, f query.Filter) ([]match, error) {
	p, where, err := s.prepare(ctx, n, f)
	if err != nil {
		return nil, err
	}
	if p.exact {
		return s.readMatches(ctx, "SELECT id, day, hits, toks FROM "+exactSub(p, s.from(), where))
	}
	var out []match
	err = s.read(ctx, "SELECT "+docCols+" FROM "+s.from()+" WHERE "+where+" AND "+p.pre, func(r driver.Rows) error {
		d, err := readDoc(r)
		if err != nil {
			return err
		}
		if ok, h := newDocEval(d).eval(n); ok {
			out = append(out, match{id: d.id, day: d.day, hits: h, toks: d.toks})
		}
		return nil
	})
	return out, err
}

// prepare translates n and f.
func (s *Searcher) prepare(ctx context.Context, n query.Node, f query.Filter) (*plan, string, error) {
	where, err := s.filterSQL(ctx, f)
	if err != nil {
		return nil, "", err
	}
	p, err := s.translate(ctx, n)
	return p, where, err
}

// exactSub is the subquery of an exact plan: the matching documents with
// columns id, day, date, hits and toks.
func exactSub(p *plan, from, where string) string {
	return fmt.Sprintf("(SELECT id, day, date, _h%d AS hits, toks FROM (SELECT id, version, day, date, toInt64(title_n + text_n) AS toks, %s FROM %s WHERE %s AND %s) WHERE _m%d)",
		p.root, strings.Join(p.cols, ", "), from, where, p.pre, p.root)
}

func (s *Searcher) readMatches(ctx context.Context, sql string) ([]match, error) {
	var out []match
	err := s.read(ctx, sql, func(r driver.Rows) error {
		var m match
		err := r.Scan(&m.id, &m.day, &m.hits, &m.toks)
		out = append(out, m)
		return err
	})
	return out, err
}

// page returns the number of documents an exact plan matches and the
// first k in date order (see ordered), sorted by the server: only the
// page travels, however many documents match.
func (s *Searcher) page(ctx context.Context, p *plan, where string, newest bool, k int) (int, []match, error) {
	sub := exactSub(p, s.from(), where)
	var n uint64
	if err := s.read(ctx, "SELECT count() FROM "+sub, func(r driver.Rows) error { return r.Scan(&n) }); err != nil || k <= 0 {
		return int(n), nil, err
	}
	total := int(n)
	// Dated first, by (day, id), oldest or newest first; then the undated
	// by id. The if() sorts the undated by id ascending either way.
	order := "date = '' ASC, day ASC, id ASC"
	if newest {
		order = "date = '' ASC, day DESC, if(date = '', id, '') ASC, id DESC"
	}
	ms, err := s.readMatches(ctx, fmt.Sprintf("SELECT id, day, hits, toks FROM %s ORDER BY %s LIMIT %d", sub, order, k))
	return total, ms, err
}

// docs reads the documents with these ids.
func (s *Searcher) docs(ctx context.Context, ids []string) (map[string]*doc, error) {
	out := map[string]*doc{}
	for len(ids) > 0 {
		k := min(len(ids), 500)
		err := s.read(ctx, "SELECT "+docCols+" FROM "+s.from()+" WHERE "+inList("id", ids[:k]), func(r driver.Rows) error {
			d, err := readDoc(r)
			if err == nil {
				out[d.id] = d
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		ids = ids[k:]
	}
	return out, nil
}

// ordered sorts ms by date, oldest or newest first, undated last by id;
// ties on a day go by id (descending when newest first), as the embedded
// index orders them.
func ordered(ms []match, newest bool) {
	sort.Slice(ms, func(a, b int) bool {
		x, y := ms[a], ms[b]
		xu, yu := x.day == index.NoDate, y.day == index.NoDate
		switch {
		case xu != yu:
			return yu
		case xu:
			return x.id < y.id
		case x.day != y.day:
			return (x.day < y.day) != newest
		}
		return (x.id < y.id) != newest
	})
}

// Search implements query.Searcher.
func (s *Searcher) Search(ctx context.Context, r query.SearchRequest) (*query.SearchResult, error) {
	n, err := query.Parse(r.Query)
	if err != nil {
		return nil, err
	}
	r.Defaults()
	p, where, err := s.prepare(ctx, n, r.Filter)
	if err != nil {
		return nil, err
	}
	var ms []match
	total := -1
	if byDate := r.Sort == "" || r.Sort == "newest" || r.Sort == "oldest"; byDate && p.exact {
		total, ms, err = s.page(ctx, p, where, r.Sort != "oldest", r.Offset+r.Limit)
	} else {
		ms, err = s.matches(ctx, n, r.Filter)
	}
	if err != nil {
		return nil, err
	}
	if total < 0 {
		total = len(ms)
	}
	scores := make([]float64, len(ms))
	switch r.Sort {
	case "", "newest", "oldest":
		ordered(ms, r.Sort != "oldest")
	case "relevance":
		if scores, err = s.bm25(ctx, ms); err != nil {
			return nil, err
		}
		idx := make([]int, len(ms))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool {
			if scores[idx[a]] != scores[idx[b]] {
				return scores[idx[a]] > scores[idx[b]]
			}
			return ms[idx[a]].id < ms[idx[b]].id
		})
		sorted := make([]match, len(ms))
		ss := make([]float64, len(ms))
		for i, j := range idx {
			sorted[i], ss[i] = ms[j], scores[j]
		}
		ms, scores = sorted, ss
	default:
		return nil, fmt.Errorf("unknown sort %q (want newest, oldest or relevance)", r.Sort)
	}
	res := &query.SearchResult{Total: total, Hits: []query.SearchHit{}}
	var ids []string
	for i := r.Offset; i < len(ms) && i < r.Offset+r.Limit; i++ {
		ids = append(ids, ms[i].id)
	}
	docs, err := s.docs(ctx, ids)
	if err != nil {
		return nil, err
	}
	mt := query.NewMatcher(n)
	for i := r.Offset; i < len(ms) && i < r.Offset+r.Limit; i++ {
		d := docs[ms[i].id]
		if d == nil {
			return nil, fmt.Errorf("clickhouse: document %q vanished while reading (replaced by an ingest?)", ms[i].id)
		}
		h := query.SearchHit{ID: d.id, Date: d.date, Source: d.source, Title: d.title,
			Score: math.Round(scores[i]*1000) / 1000, Hits: int(ms[i].hits)}
		if !r.NoSnippets {
			h.Snippet = query.Snippet(mt, d.text)
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

// bm25 scores like the embedded index: Okapi BM25 (k1 1.2, b 0.75), the
// query's hits as term frequency, its matching documents as document
// frequency, over every live document.
func (s *Searcher) bm25(ctx context.Context, ms []match) ([]float64, error) {
	const k1, b = 1.2, 0.75
	var n, t uint64
	err := s.read(ctx, "SELECT count(), sum(toUInt64(title_n + text_n)) FROM (SELECT title_n, text_n, version FROM "+s.from()+")",
		func(r driver.Rows) error { return r.Scan(&n, &t) })
	if err != nil {
		return nil, err
	}
	N, toks := float64(n), float64(t)
	avg := toks / math.Max(N, 1)
	df := float64(len(ms))
	idf := math.Log(1 + (N-df+0.5)/(df+0.5))
	out := make([]float64, len(ms))
	for i, m := range ms {
		dl := float64(m.toks)
		tf := float64(m.hits)
		out[i] = idf * tf * (k1 + 1) / (tf + k1*(1-b+b*dl/math.Max(avg, 1)))
	}
	return out, nil
}

// dayCount is the documents and hits (or tokens) of one day.
type dayCount struct {
	day        int32
	docs, hits int64
}

// matchDays returns the matching documents and their hits per day (dated
// documents only), summed by the server for exact queries.
func (s *Searcher) matchDays(ctx context.Context, n query.Node, f query.Filter) ([]dayCount, error) {
	p, where, err := s.prepare(ctx, n, f)
	if err != nil {
		return nil, err
	}
	if !p.exact {
		ms, err := s.matches(ctx, n, f)
		if err != nil {
			return nil, err
		}
		by := map[int32]*dayCount{}
		var out []dayCount
		for _, m := range ms {
			if m.day == index.NoDate {
				continue
			}
			if by[m.day] == nil {
				by[m.day] = &dayCount{day: m.day}
			}
			by[m.day].docs++
			by[m.day].hits += int64(m.hits)
		}
		for _, d := range by {
			out = append(out, *d)
		}
		return out, nil
	}
	sql := fmt.Sprintf("SELECT day, count(), sum(_h%d) FROM (SELECT day, version, %s FROM %s WHERE date != '' AND %s AND %s) WHERE _m%d GROUP BY day",
		p.root, strings.Join(p.cols, ", "), s.from(), where, p.pre, p.root)
	return s.readDays(ctx, sql)
}

func (s *Searcher) readDays(ctx context.Context, sql string) ([]dayCount, error) {
	var out []dayCount
	err := s.read(ctx, sql, func(r driver.Rows) error {
		var d dayCount
		var docs, hits uint64
		err := r.Scan(&d.day, &docs, &hits)
		d.docs, d.hits = int64(docs), int64(hits)
		out = append(out, d)
		return err
	})
	return out, err
}

// Trend implements query.Searcher.
func (s *Searcher) Trend(ctx context.Context, r query.TrendRequest) (*query.TrendResult, error) {
	if r.By == "" {
		r.By = "month"
	}
	bucketOf, err := query.Bucketer(r.By)
	if err != nil {
		return nil, err
	}
	nodes := make([]query.Node, len(r.Queries))
	for i, q := range r.Queries {
		if nodes[i], err = query.Parse(q); err != nil {
			return nil, err
		}
	}
	where, err := s.filterSQL(ctx, r.Filter)
	if err != nil {
		return nil, err
	}
	days, err := s.readDays(ctx, "SELECT day, count(), sum(toUInt64(title_n + text_n)) FROM (SELECT day, title_n, text_n, version FROM "+s.from()+" WHERE date != '' AND "+where+") GROUP BY day")
	if err != nil {
		return nil, err
	}
	sort.Slice(days, func(a, b int) bool { return days[a].day < days[b].day })
	// The axis: every bucket from the first to the last dated document.
	var axis []int32
	pos := map[int32]int{} // bucket start → index
	if len(days) > 0 {
		for b := bucketOf(days[0].day); b <= days[len(days)-1].day; b = query.NextBucket(r.By, b) {
			pos[b] = len(axis)
			axis = append(axis, b)
		}
	}
	totDocs := make([]int64, len(axis))
	totToks := make([]int64, len(axis))
	for _, d := range days {
		i := pos[bucketOf(d.day)]
		totDocs[i] += d.docs
		totToks[i] += d.hits
	}
	res := &query.TrendResult{By: r.By, Series: make([]query.Series, 0, len(nodes))}
	for qi, n := range nodes {
		md, err := s.matchDays(ctx, n, r.Filter)
		if err != nil {
			return nil, err
		}
		se := query.Series{Query: r.Queries[qi], Buckets: make([]query.Bucket, len(axis))}
		for i, b := range axis {
			se.Buckets[i] = query.Bucket{Start: index.DayString(b), TotalDocs: totDocs[i], TotalTokens: totToks[i]}
		}
		first, last := index.NoDate, index.NoDate
		for _, m := range md {
			bk := &se.Buckets[pos[bucketOf(m.day)]]
			bk.Hits += m.hits
			bk.Docs += m.docs
			se.Hits += m.hits
			se.Docs += m.docs
			if first == index.NoDate || m.day < first {
				first = m.day
			}
			if last == index.NoDate || m.day > last {
				last = m.day
			}
		}
		if first != index.NoDate {
			f, l := index.DayString(first), index.DayString(last)
			se.FirstSeen, se.LastSeen = &f, &l
		}
		res.Series = append(res.Series, se)
	}
	return res, nil
}

// KWIC implements query.Searcher: every hit's total, and the first Limit
// hits in context, oldest document first (undated last), title before
// text.
func (s *Searcher) KWIC(ctx context.Context, r query.KWICRequest) (*query.KWICResult, error) {
	n, err := query.Parse(r.Query)
	if err != nil {
		return nil, err
	}
	r.Defaults()
	ms, err := s.matches(ctx, n, r.Filter)
	if err != nil {
		return nil, err
	}
	res := &query.KWICResult{Lines: []query.KWICLine{}}
	for _, m := range ms {
		res.Total += int(m.hits)
	}
	ordered(ms, false)
	mt := query.NewMatcher(n)
	const chunk = 64
	for i := 0; i < len(ms) && len(res.Lines) < r.Limit; i += chunk {
		var ids []string
		for _, m := range ms[i:min(i+chunk, len(ms))] {
			ids = append(ids, m.id)
		}
		docs, err := s.docs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			d := docs[id]
			if d == nil || len(res.Lines) >= r.Limit {
				continue
			}
			for fi, field := range []string{d.title, d.text} {
				for _, sp := range mt.Spans(field, fi == 0) {
					if len(res.Lines) >= r.Limit {
						break
					}
					l, m, rt := query.Context(field, sp, r.Width)
					res.Lines = append(res.Lines, query.KWICLine{ID: d.id, Date: d.date, Source: d.source, Left: l, Match: m, Right: rt})
				}
			}
		}
	}
	return res, nil
}

// Stats implements query.Searcher. IndexBytes and Segments are the bytes
// on disk and the number of active parts of the documents table on every
// server of the cluster.
func (s *Searcher) Stats(ctx context.Context, f query.Filter) (*query.Stats, error) {
	where, err := s.filterSQL(ctx, f)
	if err != nil {
		return nil, err
	}
	st := &query.Stats{Sources: map[string]int{}, Langs: map[string]int{}}
	sub := "(SELECT day, date, source, lang, title_n, text_n, version FROM " + s.from() + " WHERE " + where + ")"
	var docs, undated, toks uint64
	var lo, hi int32
	err = s.read(ctx, "SELECT count(), countIf(date = ''), sum(toUInt64(title_n + text_n)), minIf(day, date != ''), maxIf(day, date != '') FROM "+sub,
		func(r driver.Rows) error { return r.Scan(&docs, &undated, &toks, &lo, &hi) })
	if err != nil {
		return nil, err
	}
	st.Docs, st.Undated, st.Tokens = int(docs), int(undated), int64(toks)
	if st.Docs > st.Undated {
		a, b := index.DayString(lo), index.DayString(hi)
		st.FirstDate, st.LastDate = &a, &b
	}
	for _, g := range []struct {
		col string
		m   map[string]int
	}{{"source", st.Sources}, {"lang", st.Langs}} {
		err := s.read(ctx, "SELECT "+g.col+", count() FROM "+sub+" GROUP BY "+g.col, func(r driver.Rows) error {
			var k string
			var n uint64
			err := r.Scan(&k, &n)
			g.m[k] = int(n)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	parts := "system.parts"
	if s.c.cfg.Cluster != "" {
		parts = "cluster(" + quote(s.c.cfg.Cluster) + ", system.parts)"
	}
	table := strings.TrimPrefix(s.c.localTable(), s.c.cfg.Database+".")
	var bytes, segs uint64
	err = s.c.query(ctx, "SELECT sum(bytes_on_disk), count() FROM "+parts+" WHERE active AND database = "+quote(s.c.cfg.Database)+" AND table = "+quote(table),
		func(r driver.Rows) error { return r.Scan(&bytes, &segs) })
	st.IndexBytes, st.Segments = int64(bytes), int(segs)
	return st, err
}

// Doc implements query.Searcher.
func (s *Searcher) Doc(ctx context.Context, id, q string) (*query.DocResult, error) {
	docs, err := s.docs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	d := docs[id]
	if d == nil {
		return nil, fmt.Errorf("%w: %s", query.ErrNotFound, strconv.Quote(id))
	}
	res := &query.DocResult{ID: d.id, Date: d.date, Source: d.source, Title: d.title, Text: d.text, Lang: d.lang,
		URL: d.url, TitleHits: []query.Span{}, TextHits: []query.Span{}}
	if len(d.meta) > 0 {
		res.Meta = d.meta
	}
	if q != "" {
		n, err := query.Parse(q)
		if err != nil {
			return nil, err
		}
		mt := query.NewMatcher(n)
		res.TitleHits = append(res.TitleHits, mt.Spans(d.title, true)...)
		res.TextHits = append(res.TextHits, mt.Spans(d.text, false)...)
	}
	return res, nil
}

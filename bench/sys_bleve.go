package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tifa-project/tifa/engine"
)

// bleveSys is Bleve v2 (scorch) with positions and term vectors. Its
// analyzer is a Bleve tokenizer ("spec2") that emits SPEC §2 tokens from
// tifa's tokenizer, with their byte offsets and positions: none of
// Bleve's own analyzers can express SPEC §2 (the "unicode" tokenizer is
// UAX #29 word segmentation, which keeps "jinping's", "U.S." and "1,000"
// as one token and does no NFKC or full case folding; "cjk" makes
// bigrams, which a phrase query over single characters cannot use). Hits
// are counted from the term locations that Bleve returns for each phrase
// match.
type bleveSys struct {
	ix bleve.Index
	n  int
}

const spec2 = "spec2"

var tzPool = sync.Pool{New: func() any { return new(engine.Tokenizer) }}

type spec2Tokenizer struct{}

func (spec2Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	tz := tzPool.Get().(*engine.Tokenizer)
	defer tzPool.Put(tz)
	var out analysis.TokenStream
	pos := 0
	tz.Each(string(input), func(tok []byte, a, b int) {
		pos++
		typ := analysis.AlphaNumeric
		if len(tok) > 1 && isIdeo(string(tok)) {
			typ = analysis.Ideographic
		}
		out = append(out, &analysis.Token{Term: append([]byte(nil), tok...), Start: a, End: b, Position: pos, Type: typ})
	})
	return out
}

func init() {
	registry.RegisterTokenizer(spec2, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return spec2Tokenizer{}, nil
	})
}

func (*bleveSys) Name() string { return "bleve" }

func bleveMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(spec2, map[string]interface{}{"type": custom.Name, "tokenizer": spec2}); err != nil {
		return nil, err
	}
	txt := bleve.NewTextFieldMapping()
	txt.Analyzer = spec2
	txt.Store = true
	txt.IncludeTermVectors = true
	txt.IncludeInAll = false
	txt.DocValues = false
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("title", txt)
	dm.AddFieldMappingsAt("text", txt)
	dm.AddFieldMappingsAt("date", date)
	m.DefaultMapping = dm
	m.DefaultAnalyzer = spec2
	return m, nil
}

func (*bleveSys) Build(ctx context.Context, dir string, corpus []string) error {
	m, err := bleveMapping()
	if err != nil {
		return err
	}
	ix, err := bleve.New(dir+"/bleve", m)
	if err != nil {
		return err
	}
	b := ix.NewBatch()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		err := ix.Batch(b)
		b.Reset()
		return err
	}
	err = readDocs(ctx, corpus, func(d *Doc) error {
		f := map[string]interface{}{"title": d.Title, "text": d.Text}
		if d.Date != "" {
			t, err := time.Parse("2006-01-02", d.Date)
			if err != nil {
				return err
			}
			f["date"] = t
		}
		if err := b.Index(d.ID, f); err != nil {
			return err
		}
		if b.Size() >= 1000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	return err
}

func (*bleveSys) Size(_ context.Context, dir string) (int64, error) { return dirSize(dir) }

func (s *bleveSys) Open(_ context.Context, dir string) error {
	ix, err := bleve.Open(dir + "/bleve")
	if err != nil {
		return err
	}
	n, err := ix.DocCount()
	s.ix, s.n = ix, int(n)
	return err
}

func (s *bleveSys) Close() error { return s.ix.Close() }

// phraseQuery matches p in the title or the text.
func phraseQuery(p Phrase) query.Query {
	var qs []query.Query
	for _, f := range []string{"title", "text"} {
		q := bleve.NewMatchPhraseQuery(p.Text)
		q.SetField(f)
		q.Analyzer = spec2
		qs = append(qs, q)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// fieldStarts returns the positions where p matches in one field of a hit,
// from the locations of its terms, with the locations of first and last
// term at each start.
func fieldStarts(p Phrase, tlm search.TermLocationMap) (starts []uint64, first, last map[uint64]*search.Location) {
	if tlm == nil {
		return nil, nil, nil
	}
	k := len(p.Tokens)
	pos := make([]map[uint64]*search.Location, k)
	for i, t := range p.Tokens {
		pos[i] = map[uint64]*search.Location{}
		for _, l := range tlm[t] {
			pos[i][l.Pos] = l
		}
	}
	for p0 := range pos[0] {
		ok := true
		for i := 1; i < k; i++ {
			if pos[i][p0+uint64(i)] == nil {
				ok = false
				break
			}
		}
		if ok {
			starts = append(starts, p0)
		}
	}
	return starts, pos[0], pos[k-1]
}

func (s *bleveSys) hits(p Phrase, h *search.DocumentMatch) int {
	n := 0
	for _, f := range []string{"title", "text"} {
		st, _, _ := fieldStarts(p, h.Locations[f])
		n += greedyHits(st, len(p.Tokens))
	}
	return n
}

func (s *bleveSys) Trend(ctx context.Context, p Phrase) (Trend, error) {
	req := bleve.NewSearchRequestOptions(phraseQuery(p), max(s.n, 1), 0, false)
	req.Fields = []string{"date"}
	req.IncludeLocations = true
	req.SortBy([]string{"_id"})
	res, err := s.ix.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	t := Trend{}
	for _, h := range res.Hits {
		ds, _ := h.Fields["date"].(string)
		if ds == "" {
			continue
		}
		m := month(ds)
		c := t[m]
		c.Docs++
		c.Hits += int64(s.hits(p, h))
		t[m] = c
	}
	return t, nil
}

func (s *bleveSys) Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error) {
	f, err := time.Parse("2006-01-02", from)
	if err != nil {
		return nil, err
	}
	tt, err := time.Parse("2006-01-02", to)
	if err != nil {
		return nil, err
	}
	yes := true
	qs := []query.Query{bleve.NewDateRangeInclusiveQuery(f, tt, &yes, &yes)}
	qs[0].(*query.DateRangeQuery).SetField("date")
	for _, p := range ps {
		qs = append(qs, phraseQuery(p))
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(qs...), n, 0, false)
	req.SortBy([]string{"-date", "-_id"})
	res, err := s.ix.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func (s *bleveSys) KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error) {
	var out []Line
	const page = 200
	for from := 0; len(out) < n; from += page {
		req := bleve.NewSearchRequestOptions(phraseQuery(p), page, from, false)
		req.Fields = []string{"date", "title", "text"}
		req.IncludeLocations = true
		req.SortBy([]string{"date", "_id"})
		res, err := s.ix.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ds, _ := h.Fields["date"].(string)
			if len(ds) >= 10 {
				ds = ds[:10]
			}
			for _, f := range []string{"title", "text"} {
				field, _ := h.Fields[f].(string)
				st, first, last := fieldStarts(p, h.Locations[f])
				spans := greedySpans(st, len(p.Tokens), first, last)
				out = cutLines(out, h.ID, ds, field, spans, width, n)
			}
		}
		if len(res.Hits) < page {
			break
		}
	}
	return out, nil
}

// greedySpans keeps the non-overlapping starts (leftmost first) and
// returns their byte spans.
func greedySpans(starts []uint64, k int, first, last map[uint64]*search.Location) [][2]int {
	var spans [][2]int
	var next uint64
	sortU64(starts)
	for i, s := range starts {
		if i > 0 && s == starts[i-1] {
			continue
		}
		if len(spans) == 0 || s >= next {
			spans = append(spans, [2]int{int(first[s].Start), int(last[s+uint64(k-1)].End)})
			next = s + uint64(k)
		}
	}
	return spans
}

func sortU64(a []uint64) { slices.Sort(a) }

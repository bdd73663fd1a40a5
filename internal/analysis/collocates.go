package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
)

// Defaults of CollocRequest.
const (
	DefaultWindow       = 5
	DefaultCollocMin    = 3
	DefaultCollocWords  = 3
	DefaultCollocChars  = 4
	DefaultCollocLimit  = 50
	DefaultCollocMinLL  = 10.83 // p < 0.001 for one degree of freedom
	maxWindow           = 50
	maxGramLen          = 8
	maxCollocCandidates = 1 << 20
)

// CollocRequest asks for the collocates of a query.
type CollocRequest struct {
	Query    string
	Filter   query.Filter
	Window   int    // tokens on either side of a hit; default 5
	MinFreq  int    // least co-occurrences; default 3
	MaxWords int    // longest word n-gram; default 3
	MaxChars int    // longest Chinese-character n-gram; default 4
	Measure  string // rank by "ll" (default), "mi" or "t"
	Limit    int    // default 50
	// MinLL is the least log-likelihood of a collocate, as given:
	// DefaultCollocMinLL (p < 0.001) is the CLI's and the API's.
	MinLL float64
	// Raw lists every collocate; by default an n-gram standing in a longer
	// collocate is folded into it (see Collocates).
	Raw bool
}

// CollocResult lists the collocates of a query, strongest first. Nodes
// counts the hits (the spans KWIC marks) in Docs documents; Region the
// tokens of their windows, hits left out; Corpus the tokens of the
// filtered corpus. Total counts the collocates, of which Limit are
// listed.
type CollocResult struct {
	Query      string      `json:"query"`
	Window     int         `json:"window"`
	Measure    string      `json:"measure"`
	Nodes      int64       `json:"nodes"`
	Docs       int64       `json:"docs"`
	Region     int64       `json:"region_tokens"`
	Corpus     int64       `json:"corpus_tokens"`
	Total      int         `json:"total"`
	Collocates []Collocate `json:"collocates"`
}

// Collocate is one token or n-gram of the windows. Freq is O11 (its
// occurrences inside the windows), CorpusFreq C1 (in the filtered
// corpus), Expected E11; Left and Right count the occurrences that touch a
// hit (ending just before it, starting just after it); Docs the documents
// where it stands in a window; Folded the collocates folded into it.
type Collocate struct {
	Item       string   `json:"item"`
	N          int      `json:"n"`
	Freq       int64    `json:"freq"`
	Left       int64    `json:"left"`
	Right      int64    `json:"right"`
	Docs       int64    `json:"docs"`
	CorpusFreq int64    `json:"corpus_freq"`
	Expected   float64  `json:"expected"`
	LL         float64  `json:"ll"`
	MI         float64  `json:"mi"`
	T          float64  `json:"t"`
	Folded     []Folded `json:"folded,omitempty"`
}

func (r *CollocRequest) defaults() error {
	orDefault(&r.Window, DefaultWindow)
	orDefault(&r.MinFreq, DefaultCollocMin)
	orDefault(&r.MaxWords, DefaultCollocWords)
	orDefault(&r.MaxChars, DefaultCollocChars)
	orDefault(&r.Limit, DefaultCollocLimit)
	orDefault(&r.Measure, "ll")
	switch {
	case r.Window < 1 || r.Window > maxWindow:
		return fmt.Errorf("window %d: want 1 to %d tokens", r.Window, maxWindow)
	case r.MinFreq < 1:
		return fmt.Errorf("minimum frequency %d: want at least 1", r.MinFreq)
	case r.MaxWords < 1 || r.MaxWords > maxGramLen || r.MaxChars < 1 || r.MaxChars > maxGramLen:
		return fmt.Errorf("n-gram lengths %d words, %d characters: want 1 to %d", r.MaxWords, r.MaxChars, maxGramLen)
	case r.Limit < 1:
		return fmt.Errorf("limit %d: want at least 1", r.Limit)
	case r.Measure != "ll" && r.Measure != "mi" && r.Measure != "t":
		return fmt.Errorf("measure %q: want ll, mi or t", r.Measure)
	}
	return nil
}

// Collocates finds the tokens and n-grams that stand unusually often near
// the hits of a query. The window of a hit is the Window tokens before it
// and after it in the same field; the collocation region is the union of
// the windows without the hits' own tokens. A candidate is an n-gram
// lying wholly in the region (its tokens joined, see tokens.go) at least
// MinFreq times, more often than expected, with a log-likelihood of at
// least MinLL. For an n-gram of k tokens, the contingency table compares
// its occurrences in the region's k-gram positions (R_k) with those in the
// corpus's (N_k). Unless Raw is set, collocates are folded as emerging
// n-grams are (fold.go): 全体人 into 全体人民, unless its occurrences
// outside 全体人民 still make a collocate.
//
// Cost: the documents with hits are read twice (search, then windows),
// and every document of the filter once, on every core, to count the
// candidates in the corpus (candidx.go); memory: the windows and the
// candidates. About 1.1 s of CPU (0.6 s on 2 cores) for 共同富裕 over XWLB
// (584 hits), 1.7 s (0.9–1.0 s) for 高质量发展 (8,410), most of it the
// corpus pass: decompressing the text, reading it, counting.
func (a *Analyzer) Collocates(ctx context.Context, r CollocRequest) (*CollocResult, error) {
	if err := r.defaults(); err != nil {
		return nil, err
	}
	n, err := query.Parse(r.Query)
	if err != nil {
		return nil, err
	}
	base, err := newDocSet(a.L.Snap, r.Filter)
	if err != nil {
		return nil, err
	}
	hitDocs, err := a.matchingDocs(ctx, r.Query, r.Filter)
	if err != nil {
		return nil, err
	}
	res := &CollocResult{Query: r.Query, Window: r.Window, Measure: r.Measure, Collocates: []Collocate{}}
	maxLen := [2]int{r.MaxWords, r.MaxChars}

	// The windows, as a stream of region runs.
	v := newVocab()
	sc := &scanner{v: v, add: true, withSpans: true}
	mt := query.NewMatcher(n)
	phrase := phraseIDs(n, v)
	var reg stream
	var adjEnd, adjStart []bool // region token just before / after a hit
	var regionK [maxGramLen + 1]int64
	for k, ref := range hitDocs {
		if k%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		g := a.L.Snap.Segments[ref.si]
		doc, err := g.Doc(ref.d)
		if err != nil {
			return nil, err
		}
		reg.addDoc()
		hit := false
		for fi, field := range []string{doc.Title, doc.Text} {
			var toks []tok
			var hits []tokRange
			if phrase != nil {
				toks = sc.field(field)
				hits = phraseHits(toks, phrase)
			} else if spans := mt.Spans(field, fi == 0); len(spans) > 0 {
				toks = sc.field(field)
				hits = hitTokens(sc.spans, spans)
			}
			if len(hits) == 0 {
				continue
			}
			w := windows(len(toks), hits, r.Window)
			res.Nodes += int64(w.nodes)
			hit = hit || w.nodes > 0
			for i := 0; i < len(toks); i++ {
				if w.mark[i]&inRegion == 0 {
					continue
				}
				j := i
				for j+1 < len(toks) && w.mark[j+1]&inRegion != 0 {
					j++
				}
				run := toks[i : j+1]
				reg.addField(run)
				for t := i; t <= j; t++ {
					adjEnd = append(adjEnd, w.mark[t]&beforeHit != 0)
					adjStart = append(adjStart, w.mark[t]&afterHit != 0)
				}
				addPositions(&regionK, run, maxLen)
				i = j
			}
		}
		if hit {
			res.Docs++
		}
	}
	res.Region = regionK[1]
	if len(reg.ids) == 0 { // no windows: nothing to count in the corpus
		_, res.Corpus = docPred{in: []*docSet{base}}.count()
		return res, nil
	}

	gr := newGrams(v, r.MaxWords, r.MaxChars)
	gr.countFrequent(&reg, int64(r.MinFreq))
	if n := gr.ci.n; n > maxCollocCandidates {
		return nil, fmt.Errorf("%d candidate collocates, more than %d: raise the minimum frequency or narrow the query", n, maxCollocCandidates)
	}
	left := make([]int64, gr.nodes())
	right := make([]int64, gr.nodes())
	gr.walk(reg.ids, reg.join, func(p int, node int32) {
		if adjEnd[p+int(gr.length[node])-1] {
			left[node]++
		}
		if adjStart[p] {
			right[node]++
		}
	})

	// The corpus: every candidate's frequency, and the k-gram positions.
	corpusC, corpusK, err := countCorpus(ctx, docPred{in: []*docSet{base}}, v, gr, maxLen)
	if err != nil {
		return nil, err
	}
	res.Corpus = corpusK[1]

	measures := func(c int32, o int64) (e, ll float64) {
		k := int(gr.length[c])
		r1, c1, nk := float64(regionK[k]), float64(corpusC[c]), float64(corpusK[k])
		return expected(r1, c1, nk), logLikelihood2x2(float64(o), r1, c1, nk)
	}
	// coll reports whether o co-occurrences make c a collocate.
	coll := func(c int32, o int64) bool {
		e, ll := measures(c, o)
		return o >= int64(r.MinFreq) && float64(o) > e && ll >= r.MinLL
	}
	isColl := make([]bool, gr.nodes())
	for c := int32(1); c < int32(gr.nodes()); c++ {
		isColl[c] = gr.candidate(c) && coll(c, gr.count[c])
	}
	kept, folded := isColl, map[int32][]Folded(nil)
	if !r.Raw {
		kept, folded = fold(gr, &reg, slices.Clone(isColl), coll, int64(r.MinFreq), 1, max(r.MaxWords, r.MaxChars))
	}
	var out []Collocate
	for c := int32(1); c < int32(gr.nodes()); c++ {
		if !kept[c] {
			continue
		}
		o := gr.count[c]
		e, ll := measures(c, o)
		co := Collocate{Item: gr.text(c), N: int(gr.length[c]), Freq: o, Left: left[c], Right: right[c], Docs: int64(gr.docs[c]),
			CorpusFreq: corpusC[c], Expected: e, LL: ll, MI: mutualInfo(float64(o), e), T: tScore(float64(o), e), Folded: folded[c]}
		sortFolded(co.Folded)
		out = append(out, co)
	}
	rank(out, func(c *Collocate) (float64, int64, string) {
		switch r.Measure {
		case "mi":
			return c.MI, c.Freq, c.Item
		case "t":
			return c.T, c.Freq, c.Item
		}
		return c.LL, c.Freq, c.Item
	})
	res.Total = len(out)
	res.Collocates = append(res.Collocates, out[:min(len(out), r.Limit)]...)
	return res, nil
}

// Marks of a token in windows.
const (
	inRegion  = 1 << iota // in a window, not in a hit
	inHit                 // a token of a hit
	beforeHit             // just before a hit
	afterHit              // just after a hit
)

type windowMarks struct {
	mark  []uint8
	nodes int
}

// tokRange is the tokens i…j (inclusive) of a hit.
type tokRange struct{ i, j int }

// phraseIDs returns the token ids of q when it is a plain phrase (no
// prefix, not title-only), whose hits are found on the tokens directly,
// else nil (the query's Matcher finds them).
func phraseIDs(q query.Node, v *vocab) []int32 {
	p, ok := q.(*query.Phrase)
	if !ok || p.TitleOnly {
		return nil
	}
	ids := make([]int32, len(p.Slots))
	sc := &scanner{v: v, add: true}
	for i, s := range p.Slots {
		t := sc.field(s.Tok)
		if s.Prefix || len(t) != 1 {
			return nil
		}
		ids[i] = t[0].id
	}
	return ids
}

// phraseHits returns the leftmost non-overlapping occurrences of the
// phrase ids in toks, as SPEC §2 counts hits.
func phraseHits(toks []tok, ids []int32) []tokRange {
	var out []tokRange
	for i := 0; i+len(ids) <= len(toks); {
		k := 0
		for k < len(ids) && toks[i+k].id == ids[k] {
			k++
		}
		if k == len(ids) {
			out = append(out, tokRange{i, i + k - 1})
			i += k
		} else {
			i++
		}
	}
	return out
}

// hitTokens returns the tokens (of spans toks) that the byte ranges spans
// (sorted and disjoint) cover.
func hitTokens(toks []span, spans []query.Span) []tokRange {
	var hits []tokRange
	t := 0
	for _, s := range spans {
		for t < len(toks) && int(toks[t].end) <= s.Start {
			t++
		}
		i := t
		for t < len(toks) && int(toks[t].start) < s.End {
			t++
		}
		if t > i {
			hits = append(hits, tokRange{i, t - 1})
		}
	}
	return hits
}

// windows marks the n tokens of a field: those of the hits, and the
// region, the w tokens before and after each hit that are not in a hit.
func windows(n int, hits []tokRange, w int) windowMarks {
	wm := windowMarks{mark: make([]uint8, n), nodes: len(hits)}
	for _, h := range hits {
		for x := h.i; x <= h.j; x++ {
			wm.mark[x] |= inHit
		}
	}
	for _, h := range hits {
		for x := max(0, h.i-w); x < h.i; x++ {
			wm.mark[x] |= inRegion
		}
		for x := h.j + 1; x <= min(n-1, h.j+w); x++ {
			wm.mark[x] |= inRegion
		}
		if h.i > 0 {
			wm.mark[h.i-1] |= beforeHit
		}
		if h.j+1 < n {
			wm.mark[h.j+1] |= afterHit
		}
	}
	for x, m := range wm.mark {
		if m&inHit != 0 {
			wm.mark[x] = inHit
		}
	}
	return wm
}

// addPositions adds to pos[k] the number of k-gram positions in toks (one
// field or region run): a run of L joined tokens of one kind has L−k+1,
// for k up to the kind's longest n-gram.
func addPositions(pos *[maxGramLen + 1]int64, toks []tok, maxLen [2]int) {
	for i := 0; i < len(toks); {
		j := i + 1
		for j < len(toks) && toks[j].join {
			j++
		}
		addRun(pos, j-i, maxLen[toks[i].kind])
		i = j
	}
}

// addRun adds the k-gram positions of a run of l joined tokens, for k up
// to longest.
func addRun(pos *[maxGramLen + 1]int64, l, longest int) {
	for k := 1; k <= min(l, longest); k++ {
		pos[k] += int64(l - k + 1)
	}
}

// countCorpus counts, in the documents p selects, every candidate of gr
// and the k-gram positions, on every core (the vocabulary and the
// candidates are only read). Each worker gathers the tokens of many
// fields and counts them together (candidx.go).
func countCorpus(ctx context.Context, p docPred, v *vocab, gr *grams, maxLen [2]int) ([]int64, [maxGramLen + 1]int64, error) {
	nw := workers()
	parts := make([]counter, nw)
	scs := make([]scanner, nw)
	for i := range parts {
		parts[i], scs[i] = gr.ci.counter(maxLen), scanner{v: v}
	}
	err := scanDocs(ctx, p, nw, func(w int, doc *corpus.Document, _, _ int) error {
		parts[w].field(&scs[w], doc.Title)
		parts[w].field(&scs[w], doc.Text)
		return nil
	})
	var pos [maxGramLen + 1]int64
	if err != nil {
		return nil, pos, err
	}
	counts := make([]int64, gr.nodes())
	for _, c := range parts {
		for k, n := range c.total(counts) {
			pos[k] += n
		}
	}
	return counts, pos, nil
}

// docRef is one document of the snapshot.
type docRef struct{ si, d int }

// matchingDocs returns the documents matching q under f, in segment and
// document order. query.Local has no call that returns its matches, so
// they are taken from a search of every match, without snippets, and
// found again by date and id.
func (a *Analyzer) matchingDocs(ctx context.Context, q string, f query.Filter) ([]docRef, error) {
	res, err := a.L.Search(ctx, query.SearchRequest{Query: q, Filter: f, Sort: "oldest", Limit: math.MaxInt32, NoSnippets: true})
	if err != nil {
		return nil, err
	}
	out := make([]docRef, 0, len(res.Hits))
	for _, h := range res.Hits {
		ref, ok := a.find(h.ID, h.Date)
		if !ok {
			return nil, fmt.Errorf("document %q of the search is not in the index", h.ID)
		}
		out = append(out, ref)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].si != out[j].si {
			return out[i].si < out[j].si
		}
		return out[i].d < out[j].d
	})
	return out, nil
}

// find returns the live document with this id and date: documents are
// numbered in date order, so it looks among that day's only.
func (a *Analyzer) find(id, date string) (docRef, bool) {
	day := index.Day(date)
	for si, g := range a.L.Snap.Segments {
		lo := sort.Search(g.N, func(i int) bool { return g.Dates[i] >= day })
		for d := lo; d < g.N && g.Dates[d] == day; d++ {
			if string(g.IDBytes(d)) == id && !g.Deleted.Has(d) {
				return docRef{si, d}, true
			}
		}
	}
	return docRef{}, false
}

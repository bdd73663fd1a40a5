package analysis

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/tifa-project/tifa/internal/query"
)

// Defaults of EmergingRequest.
const (
	DefaultEmergingRef   = 12
	DefaultEmergingMin   = 5
	DefaultEmergingDocs  = 2
	DefaultMinLogRatio   = 3.0
	DefaultEmergingWords = 6
	DefaultEmergingChars = 8
	DefaultEmergingLimit = 50
	DefaultEmergingAfter = 12
	DefaultNewMaxRef     = 2
)

// EmergingRequest asks for the n-grams new in a period: a year, quarter,
// month or day (2023, 2023-Q3, 2023-09, 2023-09-01), compared with the Ref
// periods of the same size just before it. Filter's sources bound both;
// its dates are not used.
type EmergingRequest struct {
	Period   string
	Ref      int // periods before; default 12
	Filter   query.Filter
	MinFreq  int // least occurrences in the period; default 5
	MinDocs  int // least documents of the period holding it; default 2
	MaxWords int // longest word n-gram; default 6
	MaxChars int // longest Chinese-character n-gram; default 8
	// MinLogRatio is the least log ratio (period against reference), as
	// given: DefaultMinLogRatio (3, eight times as frequent) is the CLI's
	// and the API's; 0 keeps every n-gram more frequent in the period.
	MinLogRatio float64
	Limit       int // default 50
	// NewMaxRef is the most occurrences in the reference of an n-gram
	// that is new (absent or near-absent there); default 2, negative for
	// 0.
	NewMaxRef int
	// After is the number of periods of the same size after the period
	// whose occurrences count towards the uptake of new n-grams (default
	// 12; negative: none, the period alone).
	After int
}

// EmergingResult lists the emerging n-grams of the period: the new ones
// first, by uptake, then those that rose, by log-likelihood; Total counts
// them all (after folding), New the new ones.
type EmergingResult struct {
	Period SideInfo   `json:"period"`
	Ref    SideInfo   `json:"reference"`
	After  *SideInfo  `json:"after"` // null when After < 0
	Total  int        `json:"total"`
	New    int        `json:"new"`
	Items  []Emerging `json:"items"`
}

// Emerging is one n-gram with its counts in the period (Freq, Docs), the
// reference and the periods after, its log-likelihood and log ratio (of
// the period against the reference), whether it is new, the score it is
// ranked by, and the shorter emerging n-grams folded into it.
type Emerging struct {
	Item          string   `json:"item"`
	N             int      `json:"n"`
	New           bool     `json:"new"`
	Score         float64  `json:"score"`
	Freq          int64    `json:"freq"`
	Docs          int64    `json:"docs"`
	RefFreq       int64    `json:"ref_freq"`
	AfterFreq     int64    `json:"after_freq"`
	PerMillion    float64  `json:"per_million"`
	RefPerMillion float64  `json:"ref_per_million"`
	LL            float64  `json:"ll"`
	LogRatio      float64  `json:"log_ratio"`
	Folded        []Folded `json:"folded,omitempty"`
}

func (r *EmergingRequest) defaults() error {
	orDefault(&r.Ref, DefaultEmergingRef)
	orDefault(&r.MinFreq, DefaultEmergingMin)
	orDefault(&r.MinDocs, DefaultEmergingDocs)
	orDefault(&r.MaxWords, DefaultEmergingWords)
	orDefault(&r.MaxChars, DefaultEmergingChars)
	orDefault(&r.Limit, DefaultEmergingLimit)
	orDefault(&r.NewMaxRef, DefaultNewMaxRef)
	orDefault(&r.After, DefaultEmergingAfter)
	switch {
	case r.After > 1000:
		return fmt.Errorf("%d periods after: want at most 1000", r.After)
	case r.Ref < 1 || r.Ref > 1000:
		return fmt.Errorf("reference of %d periods: want 1 to 1000", r.Ref)
	case r.MinFreq < 1 || r.MinDocs < 1:
		return fmt.Errorf("minimum frequency %d, documents %d: want at least 1", r.MinFreq, r.MinDocs)
	case r.MaxWords < 2 || r.MaxWords > maxGramLen || r.MaxChars < 2 || r.MaxChars > maxGramLen:
		return fmt.Errorf("n-gram lengths %d words, %d characters: want 2 to %d", r.MaxWords, r.MaxChars, maxGramLen)
	case r.Limit < 1:
		return fmt.Errorf("limit %d: want at least 1", r.Limit)
	}
	return nil
}

// Emerging finds the n-grams (2 tokens or more) frequent in the period
// and absent or rare before it: at least MinFreq occurrences in MinDocs
// documents of the period, a log ratio of at least MinLogRatio against
// the reference, not beginning or ending with a stop word (stopgrams.go).
// An emerging n-gram inside a longer emerging one is folded into it when
// its occurrences outside the longer ones are fewer than MinFreq
// (longest n-grams first) and the occurrences outside are not emerging by
// themselves: 碳达峰碳中和 keeps 碳达峰 only if 碳达峰 is also new on its own.
//
// Ranking: an emerging n-gram is *new* when it occurs at most NewMaxRef
// times in the reference; the others merely rose. New n-grams come first,
// ranked by their uptake: the log-likelihood of their occurrences in the
// period and the After periods after it (as far as the corpus goes),
// against the reference — a formulation that stays in use ranks above a
// one-month event name. Then those that rose, by the log-likelihood of
// the period against the reference. Cost: the period is read into
// memory, the reference and the periods after once each on every core.
func (a *Analyzer) Emerging(ctx context.Context, r EmergingRequest) (*EmergingResult, error) {
	if err := r.defaults(); err != nil {
		return nil, err
	}
	period, err := ParsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	if period.Unit == "" {
		return nil, fmt.Errorf("period %q: give one year, quarter, month or day, not a range", r.Period)
	}
	refp, err := period.Before(r.Ref)
	if err != nil {
		return nil, err
	}
	srcs := query.Filter{Sources: r.Filter.Sources}
	pset, err := newDocSet(a.L.Snap, within(srcs, period))
	if err != nil {
		return nil, err
	}
	rset, err := newDocSet(a.L.Snap, within(srcs, refp))
	if err != nil {
		return nil, err
	}
	pp, rp := docPred{in: []*docSet{pset}}, docPred{in: []*docSet{rset}}
	var ap docPred
	var after *SideInfo
	if r.After > 0 {
		start, _ := time.Parse(time.DateOnly, period.From)
		aper := Period{From: addUnits(start, period.Unit, 1).Format(time.DateOnly), To: addUnits(start, period.Unit, 1+r.After).AddDate(0, 0, -1).Format(time.DateOnly)}
		aset, err := newDocSet(a.L.Snap, within(srcs, aper))
		if err != nil {
			return nil, err
		}
		ap = docPred{in: []*docSet{aset}}
		after = &SideInfo{From: aper.From, To: aper.To, Sources: r.Filter.Sources}
		after.Docs, after.Tokens = ap.count()
	}
	res := &EmergingResult{Period: SideInfo{From: period.From, To: period.To, Sources: r.Filter.Sources},
		Ref: SideInfo{From: refp.From, To: refp.To, Sources: r.Filter.Sources}, After: after, Items: []Emerging{}}
	res.Period.Docs, res.Period.Tokens = pp.count()
	res.Ref.Docs, res.Ref.Tokens = rp.count()
	if res.Period.Tokens == 0 {
		return res, nil
	}
	cmp, refc, err := compareSides(ctx, pp, rp, int64(r.MinFreq), r.MaxWords, r.MaxChars)
	if err != nil {
		return nil, err
	}
	gr := cmp.gr
	c, d := float64(res.Period.Tokens), float64(max(res.Ref.Tokens, 1))
	// emerges reports whether f occurrences of node in the period make it
	// emerging.
	emerges := func(node int32, f int64) bool {
		fa, fb := float64(f), float64(refc[node])
		return f >= int64(r.MinFreq) && fa*d > fb*c && logRatio(fa, fb, c, d) >= r.MinLogRatio
	}
	isNew := make([]bool, gr.nodes())
	for node := int32(1); node < int32(gr.nodes()); node++ {
		isNew[node] = gr.candidate(node) && gr.length[node] >= 2 && int(gr.docs[node]) >= r.MinDocs &&
			emerges(node, gr.count[node]) && !stopGram(gr, node)
	}
	kept, folded := fold(gr, cmp.target, isNew, emerges, int64(r.MinFreq), 2, max(r.MaxWords, r.MaxChars))
	var aftc []int64
	var ea float64 // tokens after
	if after != nil && after.Tokens > 0 {
		if aftc, _, err = countCorpus(ctx, ap, cmp.v, gr, cmp.maxLen); err != nil {
			return nil, err
		}
		ea = float64(after.Tokens)
	}
	maxRef := int64(max(r.NewMaxRef, 0))
	var out []Emerging
	for node, ok := range kept {
		if !ok {
			continue
		}
		fa, fb := float64(gr.count[node]), float64(refc[node])
		e := Emerging{Item: gr.text(int32(node)), N: int(gr.length[node]), Freq: gr.count[node], Docs: int64(gr.docs[node]),
			RefFreq: refc[node], PerMillion: perMillion(fa, c), RefPerMillion: perMillion(fb, d),
			LL: keyLL(fa, fb, c, d), LogRatio: logRatio(fa, fb, c, d), Folded: folded[int32(node)]}
		if aftc != nil {
			e.AfterFreq = aftc[node]
		}
		e.New = e.RefFreq <= maxRef
		e.Score = e.LL
		if e.New {
			e.Score = keyLL(fa+float64(e.AfterFreq), fb, c+ea, d)
			res.New++
		}
		sortFolded(e.Folded)
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].New && !out[j].New })
	rank(out[:res.New], func(e *Emerging) (float64, int64, string) { return e.Score, e.Freq, e.Item })
	rank(out[res.New:], func(e *Emerging) (float64, int64, string) { return e.Score, e.Freq, e.Item })
	res.Total = len(out)
	res.Items = append(res.Items, out[:min(len(out), r.Limit)]...)
	return res, nil
}

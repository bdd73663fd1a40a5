package analysis

import (
	"context"
	"fmt"
	"slices"

	"github.com/tifa-project/tifa/internal/query"
)

// Defaults of KeynessRequest.
const (
	DefaultKeyMin   = 5
	DefaultKeyWords = 4
	DefaultKeyChars = 6
	DefaultKeyLimit = 50
)

// KeynessRequest compares a target with a reference: two periods, two
// sets of sources, or a target against the rest (Ref nil). Filter bounds
// both sides (dates, sources).
type KeynessRequest struct {
	Filter   query.Filter
	Target   Side
	Ref      *Side
	MinFreq  int    // least occurrences in the target; default 5
	MinN     int    // shortest n-gram; default 1 (tokens)
	MaxWords int    // longest word n-gram; default 4
	MaxChars int    // longest Chinese-character n-gram; default 6
	Sort     string // "ll" (default) or "ratio"
	Limit    int    // default 50
	// Raw lists every item; by default an n-gram standing in a longer key
	// n-gram is folded into it, as emerging n-grams are (fold.go).
	Raw bool
}

// KeynessResult lists the items over-represented in the target, most key
// first. Total counts them all.
type KeynessResult struct {
	Target SideInfo  `json:"target"`
	Ref    SideInfo  `json:"reference"`
	Sort   string    `json:"sort"`
	Total  int       `json:"total"`
	Items  []Keyword `json:"items"`
}

// Keyword is one token or n-gram: its occurrences in the target (Freq)
// and the reference (RefFreq), per million tokens of each, its
// log-likelihood and its log ratio, and the items folded into it.
type Keyword struct {
	Item          string   `json:"item"`
	N             int      `json:"n"`
	Freq          int64    `json:"freq"`
	RefFreq       int64    `json:"ref_freq"`
	PerMillion    float64  `json:"per_million"`
	RefPerMillion float64  `json:"ref_per_million"`
	LL            float64  `json:"ll"`
	LogRatio      float64  `json:"log_ratio"`
	Folded        []Folded `json:"folded,omitempty"`
}

func (r *KeynessRequest) defaults() error {
	orDefault(&r.MinFreq, DefaultKeyMin)
	orDefault(&r.MinN, 1)
	orDefault(&r.MaxWords, DefaultKeyWords)
	orDefault(&r.MaxChars, DefaultKeyChars)
	orDefault(&r.Limit, DefaultKeyLimit)
	orDefault(&r.Sort, "ll")
	switch {
	case r.MinFreq < 1:
		return fmt.Errorf("minimum frequency %d: want at least 1", r.MinFreq)
	case r.MaxWords < 1 || r.MaxWords > maxGramLen || r.MaxChars < 1 || r.MaxChars > maxGramLen:
		return fmt.Errorf("n-gram lengths %d words, %d characters: want 1 to %d", r.MaxWords, r.MaxChars, maxGramLen)
	case r.MinN < 1 || r.MinN > max(r.MaxWords, r.MaxChars):
		return fmt.Errorf("shortest n-gram %d: want 1 to %d", r.MinN, max(r.MaxWords, r.MaxChars))
	case r.Limit < 1:
		return fmt.Errorf("limit %d: want at least 1", r.Limit)
	case r.Sort != "ll" && r.Sort != "ratio":
		return fmt.Errorf("sort %q: want ll or ratio", r.Sort)
	}
	return nil
}

// Keyness ranks the tokens and n-grams of the target by how much more
// often they occur there than in the reference, relative to each side's
// tokens: log-likelihood (significance) and log ratio (effect size).
// Candidates are the items occurring at least MinFreq times in the
// target; an item rarer in the target than in the reference is left out
// (swap the sides to see those). Unless Raw is set, n-grams are folded
// (fold.go) into the longer ones they stand in: 冬奥 into 北京冬奥会, unless
// its other occurrences are key too.
//
// Cost: the target is read into memory and the reference read once on
// every core (see compare.go, candidx.go): about 4 s of CPU (3 s on 2
// cores) for a year of XWLB against the other thirteen: the reference
// pass, reading the target and folding.
func (a *Analyzer) Keyness(ctx context.Context, r KeynessRequest) (*KeynessResult, error) {
	if err := r.defaults(); err != nil {
		return nil, err
	}
	base, err := newDocSet(a.L.Snap, r.Filter)
	if err != nil {
		return nil, err
	}
	tset, tinfo, err := sideSet(a, r.Filter, r.Target)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	tp := docPred{in: []*docSet{base, tset}}
	var rp docPred
	var rinfo SideInfo
	if r.Ref == nil {
		rp, rinfo = docPred{in: []*docSet{base}, out: tset}, SideInfo{Rest: true}
	} else {
		rset, info, err := sideSet(a, r.Filter, *r.Ref)
		if err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
		rp, rinfo = docPred{in: []*docSet{base, rset}}, info
		if n := overlap(tp, rp); n > 0 {
			return nil, fmt.Errorf("the target and the reference share %d documents: make them disjoint", n)
		}
	}
	tinfo.Docs, tinfo.Tokens = tp.count()
	rinfo.Docs, rinfo.Tokens = rp.count()
	res := &KeynessResult{Target: tinfo, Ref: rinfo, Sort: r.Sort, Items: []Keyword{}}
	if tinfo.Tokens == 0 || rinfo.Tokens == 0 {
		return res, nil
	}
	cmp, refc, err := compareSides(ctx, tp, rp, int64(r.MinFreq), r.MaxWords, r.MaxChars)
	if err != nil {
		return nil, err
	}
	gr := cmp.gr
	c, d := float64(tinfo.Tokens), float64(rinfo.Tokens)
	// key reports whether f occurrences in the target make node key.
	key := func(node int32, f int64) bool {
		return f >= int64(r.MinFreq) && float64(f)*d > float64(refc[node])*c
	}
	isKey := make([]bool, gr.nodes())
	for node := int32(1); node < int32(gr.nodes()); node++ {
		isKey[node] = gr.candidate(node) && int(gr.length[node]) >= r.MinN && key(node, gr.count[node])
	}
	kept, folded := isKey, map[int32][]Folded(nil)
	if !r.Raw {
		kept, folded = fold(gr, cmp.target, slices.Clone(isKey), key, int64(r.MinFreq), r.MinN, max(r.MaxWords, r.MaxChars))
	}
	var out []Keyword
	for node := int32(1); node < int32(gr.nodes()); node++ {
		if !kept[node] {
			continue
		}
		fa, fb := gr.count[node], refc[node]
		k := Keyword{Item: gr.text(node), N: int(gr.length[node]), Freq: fa, RefFreq: fb,
			PerMillion: perMillion(float64(fa), c), RefPerMillion: perMillion(float64(fb), d),
			LL: keyLL(float64(fa), float64(fb), c, d), LogRatio: logRatio(float64(fa), float64(fb), c, d), Folded: folded[node]}
		sortFolded(k.Folded)
		out = append(out, k)
	}
	rank(out, func(k *Keyword) (float64, int64, string) {
		if r.Sort == "ratio" {
			return k.LogRatio, k.Freq, k.Item
		}
		return k.LL, k.Freq, k.Item
	})
	res.Total = len(out)
	res.Items = append(res.Items, out[:min(len(out), r.Limit)]...)
	return res, nil
}

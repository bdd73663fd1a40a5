package analysis

import (
	"context"
	"fmt"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
)

// Keyness and emerging n-grams compare a target (or period) with a
// reference. The target is read into memory as a stream and its frequent
// n-grams are counted level by level; the reference is then read once,
// on every core, counting only those candidates. Memory is the target's
// stream (5 bytes a token, bounded by MaxTargetTokens) and the trie of
// candidates; the reference costs none.

// MaxTargetTokens bounds the tokens of a target read into memory (about
// 10 bytes each while counting).
const MaxTargetTokens = 50_000_000

// Side is one side of a comparison: the documents of a period and of some
// sources (each empty for any).
type Side struct {
	Period  string   `json:"period,omitempty"`
	Sources []string `json:"sources,omitempty"`
}

// SideInfo describes one side as compared: its dates, sources, documents
// and tokens.
type SideInfo struct {
	From    string   `json:"from,omitempty"`
	To      string   `json:"to,omitempty"`
	Sources []string `json:"sources,omitempty"`
	Rest    bool     `json:"rest,omitempty"` // the documents not in the target
	Docs    int64    `json:"docs"`
	Tokens  int64    `json:"tokens"`
}

// sideSet returns the documents of s within base, and its description.
func sideSet(a *Analyzer, base query.Filter, s Side) (*docSet, SideInfo, error) {
	f := query.Filter{From: base.From, To: base.To, Sources: s.Sources}
	info := SideInfo{Sources: s.Sources}
	if s.Period != "" {
		p, err := ParsePeriod(s.Period)
		if err != nil {
			return nil, info, err
		}
		f = within(f, p)
		info.From, info.To = p.From, p.To
	}
	if len(s.Sources) == 0 {
		f.Sources = nil
	}
	set, err := newDocSet(a.L.Snap, f)
	return set, info, err
}

// comparison is a target read and counted, ready for a reference.
type comparison struct {
	v      *vocab
	target *stream
	gr     *grams
	maxLen [2]int
}

// readTarget reads the documents of p into a stream and counts its
// n-grams that occur at least min times.
func readTarget(ctx context.Context, p docPred, min int64, maxWords, maxChars int) (*comparison, error) {
	if _, toks := p.count(); toks > MaxTargetTokens {
		return nil, fmt.Errorf("the target has %d tokens, more than %d: narrow it (dates, sources) or swap target and reference", toks, MaxTargetTokens)
	}
	c := &comparison{v: newVocab(), target: &stream{}, maxLen: [2]int{maxWords, maxChars}}
	sc := &scanner{v: c.v, add: true}
	err := scanDocs(ctx, p, 1, func(_ int, doc *corpus.Document, _, _ int) error {
		c.target.addDoc()
		c.target.addField(sc.field(doc.Title))
		c.target.addField(sc.field(doc.Text))
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.gr = newGrams(c.v, maxWords, maxChars)
	c.gr.countFrequent(c.target, min)
	return c, ctx.Err()
}

// compareSides reads the target tp into memory and counts its n-grams
// that occur at least min times, then counts those in the reference rp.
func compareSides(ctx context.Context, tp, rp docPred, min int64, maxWords, maxChars int) (*comparison, []int64, error) {
	c, err := readTarget(ctx, tp, min, maxWords, maxChars)
	if err != nil {
		return nil, nil, err
	}
	counts, _, err := countCorpus(ctx, rp, c.v, c.gr, c.maxLen)
	return c, counts, err
}

// overlap returns the number of documents both of a and b select.
func overlap(a, b docPred) int64 {
	var n int64
	for si := range a.in[0].segs {
		lo, hi := a.bounds(si)
		for d := lo; d < hi; d++ {
			if a.has(si, d) && b.has(si, d) {
				n++
			}
		}
	}
	return n
}

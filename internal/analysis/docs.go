package analysis

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// docSet is the live documents of a snapshot that pass a filter: in each
// segment a range of document numbers (documents are numbered in date
// order, so a date range is two binary searches) and the allowed sources.
// With either date set, undated documents are left out, as query.Filter
// says.
type docSet struct {
	segs []segDocs
}

type segDocs struct {
	g       *store.Seg
	lo, hi  int
	sources []bool // by string index; nil = every source
}

func newDocSet(snap *store.Snapshot, f query.Filter) (*docSet, error) {
	from, to := int32(-1<<31), index.NoDate
	if f.From != "" || f.To != "" {
		to = index.NoDate - 1
		if f.From != "" {
			if from = index.Day(f.From); from == index.NoDate {
				return nil, fmt.Errorf("--from %q is not a date (want YYYY-MM-DD)", f.From)
			}
		}
		if f.To != "" {
			if to = index.Day(f.To); to == index.NoDate {
				return nil, fmt.Errorf("--to %q is not a date (want YYYY-MM-DD)", f.To)
			}
		}
	}
	s := &docSet{}
	for _, g := range snap.Segments {
		sd := segDocs{g: g}
		sd.lo = sort.Search(g.N, func(i int) bool { return g.Dates[i] >= from })
		sd.hi = sort.Search(g.N, func(i int) bool { return g.Dates[i] > to })
		sd.hi = max(sd.hi, sd.lo)
		if len(f.Sources) > 0 {
			sd.sources = make([]bool, len(g.Strings))
			for i, str := range g.Strings {
				for _, want := range f.Sources {
					if strings.EqualFold(str, want) {
						sd.sources[i] = true
					}
				}
			}
		}
		s.segs = append(s.segs, sd)
	}
	return s, nil
}

// has reports whether document d of segment si is in the set.
func (s *docSet) has(si, d int) bool {
	sd := &s.segs[si]
	if d < sd.lo || d >= sd.hi || sd.g.Deleted.Has(d) {
		return false
	}
	return sd.sources == nil || sd.sources[sd.g.Sources[d]]
}

// docPred says which documents a scan reads: those in every set of in
// and not in out (when out is set).
type docPred struct {
	in  []*docSet
	out *docSet
}

func (p docPred) has(si, d int) bool {
	for _, s := range p.in {
		if !s.has(si, d) {
			return false
		}
	}
	return p.out == nil || !p.out.has(si, d)
}

// bounds returns the range of document numbers of segment si that p may
// select.
func (p docPred) bounds(si int) (int, int) {
	lo, hi := 0, p.in[0].segs[si].g.N
	for _, s := range p.in {
		lo, hi = max(lo, s.segs[si].lo), min(hi, s.segs[si].hi)
	}
	return lo, max(lo, hi)
}

// count returns the number of documents and tokens (title and text) p
// selects, from the index's document columns.
func (p docPred) count() (docs, toks int64) {
	for si, sd := range p.in[0].segs {
		lo, hi := p.bounds(si)
		for d := lo; d < hi; d++ {
			if p.has(si, d) {
				docs++
				toks += int64(sd.g.TitleToks[d]) + int64(sd.g.TextToks[d])
			}
		}
	}
	return docs, toks
}

// scanDocs calls fn for every document p selects, on n goroutines: worker
// w (0 ≤ w < n) gets the documents of whole runs of store blocks, in
// document order within a run (with n = 1, every document in order). Each worker
// decompresses its own blocks (Segment.Block, not the shared cache, so
// that a scan does not push out what interactive queries reuse). It stops
// at the first error and when ctx ends.
func scanDocs(ctx context.Context, p docPred, n int, fn func(w int, doc *corpus.Document, si, d int) error) error {
	type unit struct{ si, lo, hi int }
	var units []unit
	for si, sd := range p.in[0].segs {
		// Units of about 8 store blocks (~1 MiB of text).
		first, end := p.bounds(si)
		for lo := first; lo < end; {
			b0, _ := sd.g.DocBlock(lo)
			hi := lo + 1
			for hi < end {
				if b, _ := sd.g.DocBlock(hi); b >= b0+8 {
					break
				}
				hi++
			}
			units = append(units, unit{si, lo, hi})
			lo = hi
		}
	}
	next := make(chan unit)
	go func() {
		defer close(next)
		for _, u := range units {
			select {
			case next <- u:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make([]error, max(n, 1))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var raw []byte
			for u := range next {
				if errs[w] != nil {
					continue // drain
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					continue
				}
				g := p.in[0].segs[u.si].g
				last := -1
				for d := u.lo; d < u.hi; d++ {
					if !p.has(u.si, d) {
						continue
					}
					b, off := g.DocBlock(d)
					if b != last {
						var err error
						if raw, err = g.Block(b, raw); err != nil {
							errs[w] = err
							break
						}
						last = b
					}
					doc, err := g.DecodeDoc(raw, off, d)
					if err == nil {
						err = fn(w, &doc, u.si, d)
					}
					if err != nil {
						errs[w] = err
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// workers is the number of goroutines of a scan.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

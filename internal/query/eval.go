package query

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// Filter restricts a query to a date range and sources. Dates are
// "YYYY-MM-DD", inclusive; "" leaves that end open. With either date set,
// undated documents are left out.
type Filter struct {
	From, To string
	Sources  []string // exact source names (case-insensitive); empty = all
}

// maxPrefixTerms bounds how many terms one prefix may expand to.
const maxPrefixTerms = 100000

// DocHit is one matching document of a segment with its hit count.
type DocHit struct {
	Doc  uint32
	Hits uint32
}

// segEval evaluates a query over one segment.
type segEval struct {
	ctx     context.Context
	seg     *store.Seg
	lo, hi  int    // document range of the date filter
	sources []bool // allowed source string indexes; nil = all
	// restrict, when not nil, is a sorted list of documents outside which
	// no answer is wanted (see and): phrases then look only at those.
	// Whatever a node returns is exact inside restrict.
	restrict []uint32
	scratch  struct {
		idx  []int
		freq []uint32
		cand []uint32
		bits []uint64 // pairCountBits
	}
}

func newSegEval(ctx context.Context, g *store.Seg, f Filter) (*segEval, error) {
	e := &segEval{ctx: ctx, seg: g, lo: 0, hi: g.N}
	if f.From != "" || f.To != "" {
		from, to := int32(-1<<31), index.NoDate-1
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
		e.lo = sort.Search(g.N, func(i int) bool { return g.Dates[i] >= from })
		e.hi = sort.Search(g.N, func(i int) bool { return g.Dates[i] > to })
		if e.hi < e.lo {
			e.hi = e.lo
		}
	}
	if len(f.Sources) > 0 {
		e.sources = make([]bool, len(g.Strings))
		for i, s := range g.Strings {
			for _, want := range f.Sources {
				if strings.EqualFold(s, want) {
					e.sources[i] = true
				}
			}
		}
	}
	return e, nil
}

// allowed reports whether document d passes the filter (range checked by
// the caller) and is live.
func (e *segEval) allowed(d uint32) bool {
	if e.seg.Deleted.Has(int(d)) {
		return false
	}
	return e.sources == nil || e.sources[e.seg.Sources[d]]
}

// universe returns every allowed document in range, with zero hits.
func (e *segEval) universe() []DocHit {
	out := make([]DocHit, 0, e.hi-e.lo)
	for d := e.lo; d < e.hi; d++ {
		if e.allowed(uint32(d)) {
			out = append(out, DocHit{Doc: uint32(d)})
		}
	}
	return out
}

func (e *segEval) eval(n Node) ([]DocHit, error) {
	if err := e.ctx.Err(); err != nil {
		return nil, err
	}
	switch n := n.(type) {
	case *Phrase:
		return e.phrase(n)
	case *Near:
		return e.near(n)
	case *Regex:
		return e.regex(n)
	case *Field:
		return e.field(n), nil
	case *Not:
		kid, err := e.eval(n.Kid)
		if err != nil {
			return nil, err
		}
		return subtract(e.universe(), kid), nil
	case *And:
		return e.and(n)
	case *Or:
		var acc []DocHit
		for i, k := range n.Kids {
			l, err := e.eval(k)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				acc = l
			} else {
				acc = union(acc, l)
			}
		}
		return acc, nil
	}
	return nil, fmt.Errorf("query: unknown node %T", n)
}

// andRestricts turns off reading AND's later parts inside the documents
// of the earlier ones, for tests that compare both ways.
var andRestricts = true

func (e *segEval) and(n *And) ([]DocHit, error) {
	var pos []Node
	var neg []Node
	for _, k := range n.Kids {
		if nk, ok := k.(*Not); ok {
			neg = append(neg, nk.Kid)
		} else {
			pos = append(pos, k)
		}
	}
	var acc []DocHit
	if len(pos) == 0 {
		acc = e.universe()
	}
	// The rarest part first; each next part is read only inside the
	// documents that matched so far.
	sort.SliceStable(pos, func(a, b int) bool { return e.cost(pos[a]) < e.cost(pos[b]) })
	outer := e.restrict
	defer func() { e.restrict = outer }()
	docsOf := func(hs []DocHit) []uint32 {
		ds := make([]uint32, len(hs))
		for i, h := range hs {
			ds[i] = h.Doc
		}
		return ds
	}
	for i, k := range pos {
		if i > 0 && andRestricts {
			e.restrict = docsOf(acc)
		}
		l, err := e.eval(k)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			acc = l
		} else {
			acc = intersect(acc, l)
		}
		if len(acc) == 0 {
			return nil, nil
		}
	}
	if len(neg) > 0 && len(pos) > 0 && andRestricts {
		e.restrict = docsOf(acc)
	}
	for _, k := range neg {
		l, err := e.eval(k)
		if err != nil {
			return nil, err
		}
		acc = subtract(acc, l)
	}
	return acc, nil
}

// cost estimates how many documents evaluating n reads: for a phrase,
// the documents of its rarest token; other nodes come after phrases.
func (e *segEval) cost(n Node) int {
	p, ok := n.(*Phrase)
	if !ok {
		return math.MaxInt
	}
	best := math.MaxInt - 1
	for _, s := range p.Slots {
		if s.Prefix {
			continue
		}
		t := e.seg.Lookup(s.Tok)
		if t < 0 {
			return 0
		}
		best = min(best, e.seg.DF(t))
	}
	return best
}

func (e *segEval) field(f *Field) []DocHit {
	g := e.seg
	var out []DocHit
	match := make([]int8, len(g.Strings)) // 0 unknown, 1 yes, -1 no
	is := func(si uint32) bool {
		if match[si] == 0 {
			match[si] = -1
			if strings.EqualFold(g.Strings[si], f.Value) {
				match[si] = 1
			}
		}
		return match[si] == 1
	}
	key, isMeta := strings.CutPrefix(f.Name, "meta.")
	for d := e.lo; d < e.hi; d++ {
		if !e.allowed(uint32(d)) {
			continue
		}
		var ok bool
		switch {
		case f.Name == "source":
			ok = is(g.Sources[d])
		case f.Name == "lang":
			ok = is(g.Langs[d])
		case isMeta:
			v, has := g.Meta(d, key)
			ok = has && strings.EqualFold(v, f.Value)
		}
		if ok {
			out = append(out, DocHit{Doc: uint32(d)})
		}
	}
	return out
}

// slotLists are the postings of one phrase slot (several terms for a
// prefix).
type slotLists struct {
	lists []*index.Postings
	cur   []int // cursor per list
	docs  []uint32
	all   []uint32 // every position of a one-term slot (see prepare)
	buf   []uint32
}

// loadSlot decodes the postings of every term the slot matches.
func (e *segEval) loadSlot(s Slot) (*slotLists, error) {
	g := e.seg
	var lo, hi int
	if s.Prefix {
		lo, hi = g.PrefixRange(s.Tok)
		if hi-lo > maxPrefixTerms {
			return nil, fmt.Errorf("prefix %s* matches %d terms, more than %d: make it longer", s.Tok, hi-lo, maxPrefixTerms)
		}
	} else {
		lo = g.Lookup(s.Tok)
		hi = lo + 1
		if lo < 0 {
			return &slotLists{}, nil
		}
	}
	sl := &slotLists{}
	for t := lo; t < hi; t++ {
		p := &index.Postings{}
		if err := g.Postings(t, p); err != nil {
			return nil, err
		}
		sl.lists = append(sl.lists, p)
	}
	sl.cur = make([]int, len(sl.lists))
	if len(sl.lists) == 1 {
		sl.docs = sl.lists[0].Docs
	} else {
		seen := map[uint32]bool{}
		for _, p := range sl.lists {
			for _, d := range p.Docs {
				if !seen[d] {
					seen[d] = true
					sl.docs = append(sl.docs, d)
				}
			}
		}
		sort.Slice(sl.docs, func(a, b int) bool { return sl.docs[a] < sl.docs[b] })
	}
	return sl, nil
}

// positions returns the positions of doc d in the slot, in order; the
// result is read-only and valid until the next call. Calls must come with
// non-decreasing d.
func (sl *slotLists) positions(d uint32) ([]uint32, error) {
	if len(sl.lists) == 1 && sl.all != nil {
		p := sl.lists[0]
		j := advance(p.Docs, sl.cur[0], d)
		sl.cur[0] = j
		if j < len(p.Docs) && p.Docs[j] == d {
			return sl.all[p.Cum[j]:p.Cum[j+1]], nil
		}
		return nil, nil
	}
	dst := sl.buf[:0]
	for i, p := range sl.lists {
		j := advance(p.Docs, sl.cur[i], d)
		sl.cur[i] = j
		if j < len(p.Docs) && p.Docs[j] == d {
			var err error
			dst, err = p.Positions(j, dst)
			if err != nil {
				return dst, err
			}
		}
	}
	if len(sl.lists) > 1 {
		sort.Slice(dst, func(a, b int) bool { return dst[a] < dst[b] })
	}
	sl.buf = dst
	return dst, nil
}

// prepare decodes the whole position stream of a one-term slot when the
// candidate documents are a large part of its list: one pass then beats a
// seek per document.
func (sl *slotLists) prepare(candidates int) error {
	if len(sl.lists) != 1 || candidates*8 < len(sl.lists[0].Docs) {
		return nil
	}
	all, err := sl.lists[0].AllPositions()
	sl.all = all
	return err
}

// freqOf returns the occurrences of d in the slot (cursor as positions).
func (sl *slotLists) freqOf(d uint32) uint32 {
	var n uint32
	for i, p := range sl.lists {
		j := advance(p.Docs, sl.cur[i], d)
		sl.cur[i] = j
		if j < len(p.Docs) && p.Docs[j] == d {
			n += p.Freqs[j]
		}
	}
	return n
}

// phraseDocs returns the candidate documents of a phrase (holding every
// slot), in range and allowed, and the loaded slots.
func (e *segEval) phraseDocs(p *Phrase) ([]uint32, []*slotLists, error) {
	slots := make([]*slotLists, len(p.Slots))
	for i, s := range p.Slots {
		sl, err := e.loadSlot(s)
		if err != nil {
			return nil, nil, err
		}
		if len(sl.docs) == 0 {
			return nil, nil, nil
		}
		slots[i] = sl
	}
	// Intersect, smallest list first.
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return len(slots[order[a]].docs) < len(slots[order[b]].docs) })
	first := e.inRange(slots[order[0]].docs)
	if e.restrict != nil {
		first = intersectDocs(e.inRange(e.restrict), first)
	}
	cand := make([]uint32, 0, len(first))
	for _, d := range first {
		if e.allowed(d) {
			cand = append(cand, d)
		}
	}
	if len(cand) == 0 {
		return nil, nil, nil
	}
	for _, oi := range order[1:] {
		cand = intersectDocs(cand, slots[oi].docs)
		if len(cand) == 0 {
			return nil, nil, nil
		}
	}
	if len(slots) > 1 {
		for _, sl := range slots {
			if err := sl.prepare(len(cand)); err != nil {
				return nil, nil, err
			}
		}
	}
	return cand, slots, nil
}

func (e *segEval) phrase(p *Phrase) ([]DocHit, error) {
	if len(p.Slots) == 1 && !p.TitleOnly {
		// One slot: the documents and frequencies are the answer.
		sl, err := e.loadSlot(p.Slots[0])
		if err != nil || len(sl.docs) == 0 {
			return nil, err
		}
		if len(sl.lists) == 1 {
			pl := sl.lists[0]
			j0 := advance(pl.Docs, 0, uint32(e.lo))
			j1 := advance(pl.Docs, j0, uint32(e.hi))
			if e.restrict != nil {
				var out []DocHit
				j := j0
				for _, d := range e.restrict {
					if j = advance(pl.Docs[:j1], j, d); j == j1 {
						break
					}
					if pl.Docs[j] == d && e.allowed(d) {
						out = append(out, DocHit{Doc: d, Hits: pl.Freqs[j]})
					}
				}
				return out, nil
			}
			out := make([]DocHit, 0, j1-j0)
			for j := j0; j < j1; j++ {
				if d := pl.Docs[j]; e.allowed(d) {
					out = append(out, DocHit{Doc: d, Hits: pl.Freqs[j]})
				}
			}
			return out, nil
		}
	}
	cand, slots, err := e.phraseDocs(p)
	if err != nil || len(cand) == 0 {
		return nil, err
	}
	out := make([]DocHit, 0, len(cand))
	if len(slots) == 1 && !p.TitleOnly {
		for _, d := range cand {
			out = append(out, DocHit{Doc: d, Hits: slots[0].freqOf(d)})
		}
		return out, nil
	}
	if len(slots) == 2 && !p.TitleOnly && slots[0].all != nil && slots[1].all != nil {
		return e.pairDocs(cand, slots[0], slots[1], out)
	}
	var starts []uint32
	for k, d := range cand {
		if k%1024 == 0 {
			if err := e.ctx.Err(); err != nil {
				return nil, err
			}
		}
		starts, err = e.matchStarts(p, slots, d, starts[:0])
		if err != nil {
			return nil, err
		}
		if len(starts) > 0 {
			out = append(out, DocHit{Doc: d, Hits: uint32(len(starts))})
		}
	}
	return out, nil
}

// matchStarts appends the start positions of the phrase's non-overlapping
// occurrences (leftmost first) in document d. Beyond two slots, it reads
// the positions of the slot with the fewest occurrences in d first and
// those of the others in that order, keeping only the starts every slot
// read so far agrees with, and stops reading as soon as none is left.
func (e *segEval) matchStarts(p *Phrase, slots []*slotLists, d uint32, dst []uint32) ([]uint32, error) {
	k := uint32(len(slots))
	if len(slots) == 2 && !p.TitleOnly {
		as, err := slots[0].positions(d)
		if err != nil {
			return dst, err
		}
		if len(as) == 0 {
			return dst, nil
		}
		bs, err := slots[1].positions(d)
		if err != nil {
			return dst, err
		}
		return pairStarts(as, bs, dst), nil
	}
	if cap(e.scratch.idx) < len(slots) {
		e.scratch.idx = make([]int, len(slots))
		e.scratch.freq = make([]uint32, len(slots))
	}
	order, freq := e.scratch.idx[:len(slots)], e.scratch.freq[:len(slots)]
	for i, sl := range slots {
		order[i], freq[i] = i, sl.freqOf(d)
		if freq[i] == 0 {
			return dst, nil
		}
		for j := i; j > 0 && freq[order[j]] < freq[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	i0 := uint32(order[0])
	ps, err := slots[i0].positions(d)
	if err != nil {
		return dst, err
	}
	cand := e.scratch.cand[:0]
	for _, x := range ps {
		if x >= i0 {
			cand = append(cand, x-i0)
		}
	}
	for _, oi := range order[1:] {
		if len(cand) == 0 {
			break
		}
		ps, err := slots[oi].positions(d)
		if err != nil {
			return dst, err
		}
		off := uint32(oi)
		w, j := 0, 0
		for _, c := range cand {
			want := c + off
			for j < len(ps) && ps[j] < want {
				j++
			}
			if j < len(ps) && ps[j] == want {
				cand[w] = c
				w++
			}
		}
		cand = cand[:w]
	}
	e.scratch.cand = cand
	titleEnd := e.seg.TitleToks[d]
	next := uint32(0) // first position a new match may start at
	for _, s := range cand {
		if s < next {
			continue
		}
		if p.TitleOnly && s+k > titleEnd {
			break
		}
		dst = append(dst, s)
		next = s + k
	}
	return dst, nil
}

// pairDocs counts a two-token phrase in each candidate document when both
// slots have their positions decoded whole (see prepare): the candidates
// are most of each list, so cursors step through the lists and no call
// is made per document.
func (e *segEval) pairDocs(cand []uint32, a, b *slotLists, out []DocHit) ([]DocHit, error) {
	pa, pb := a.lists[0], b.lists[0]
	distinct := pa.TermIndex() != pb.TermIndex() // then no two hits can overlap
	ja, jb := 0, 0
	for k, d := range cand {
		if k%4096 == 0 {
			if err := e.ctx.Err(); err != nil {
				return nil, err
			}
		}
		for pa.Docs[ja] < d { // cand is a subset of both lists
			ja++
		}
		for pb.Docs[jb] < d {
			jb++
		}
		as, bs := a.all[pa.Cum[ja]:pa.Cum[ja+1]], b.all[pb.Cum[jb]:pb.Cum[jb+1]]
		var n uint32
		if distinct {
			n, e.scratch.bits = pairCountBits(as, bs, e.scratch.bits)
		} else {
			n = pairCount(as, bs)
		}
		if n > 0 {
			out = append(out, DocHit{Doc: d, Hits: n})
		}
	}
	return out, nil
}

// pairCount is len(pairStarts(as, bs, nil)).
// pairCountBits counts the a in as with a+1 in bs, which are the hits
// when the two tokens differ (a hit's second token cannot start another):
// bs goes into a bitmap and each a is one bit test, without the branches
// of a merge. bits is scratch, returned for reuse, all zero again.
func pairCountBits(as, bs []uint32, bits []uint64) (uint32, []uint64) {
	if len(as) == 0 || len(bs) == 0 {
		return 0, bits
	}
	if w := int(bs[len(bs)-1]>>6) + 1; len(bits) < w {
		bits = make([]uint64, w+w/2)
	}
	for _, b := range bs {
		bits[b>>6] |= 1 << (b & 63)
	}
	var n uint64
	last := bs[len(bs)-1]
	for _, a := range as {
		if a >= last {
			break
		}
		n += bits[(a+1)>>6] >> ((a + 1) & 63) & 1
	}
	for _, b := range bs {
		bits[b>>6] = 0
	}
	return uint32(n), bits
}

func pairCount(as, bs []uint32) uint32 {
	var n uint32
	j := 0
	next := uint32(0)
	for _, a := range as {
		if a < next {
			continue
		}
		want := a + 1
		for j < len(bs) && bs[j] < want {
			j++
		}
		if j == len(bs) {
			break
		}
		if bs[j] == want {
			n++
			next = a + 2
		}
	}
	return n
}

// pairStarts appends the starts of the non-overlapping occurrences of a
// two-token phrase: positions a in as with a+1 in bs, leftmost first. It
// is matchStarts' loop for the commonest phrase length, in one merge.
func pairStarts(as, bs []uint32, dst []uint32) []uint32 {
	j := 0
	next := uint32(0)
	for _, a := range as {
		if a < next {
			continue
		}
		want := a + 1
		for j < len(bs) && bs[j] < want {
			j++
		}
		if j == len(bs) {
			break
		}
		if bs[j] == want {
			dst = append(dst, a)
			next = a + 2
		}
	}
	return dst
}

func (e *segEval) near(n *Near) ([]DocHit, error) {
	ca, sa, err := e.phraseDocs(n.A)
	if err != nil || len(ca) == 0 {
		return nil, err
	}
	cb, sb, err := e.phraseDocs(n.B)
	if err != nil || len(cb) == 0 {
		return nil, err
	}
	cand := intersectDocs(ca, cb)
	var out []DocHit
	var as, bs []uint32
	ka, kb := uint32(len(n.A.Slots)), uint32(len(n.B.Slots))
	for _, d := range cand {
		if as, err = e.matchStarts(n.A, sa, d, as[:0]); err != nil {
			return nil, err
		}
		if bs, err = e.matchStarts(n.B, sb, d, bs[:0]); err != nil {
			return nil, err
		}
		hits := nearHits(as, ka, bs, kb, uint32(n.N), e.seg.TitleToks[d])
		if hits > 0 {
			out = append(out, DocHit{Doc: d, Hits: hits})
		}
	}
	return out, nil
}

// nearHits counts the occurrences a (length ka) that have an occurrence b
// (length kb) within n tokens in the same field: the later one starts at
// most n tokens after the earlier one ends (adjacent = 1), or they overlap.
// Positions below titleEnd are the title's, the others the text's.
func nearHits(as []uint32, ka uint32, bs []uint32, kb uint32, n uint32, titleEnd uint32) uint32 {
	split := func(ps []uint32) ([]uint32, []uint32) {
		i := sort.Search(len(ps), func(i int) bool { return ps[i] >= titleEnd })
		return ps[:i], ps[i:]
	}
	at, ax := split(as)
	bt, bx := split(bs)
	return nearField(at, ka, bt, kb, n) + nearField(ax, ka, bx, kb, n)
}

func nearField(as []uint32, ka uint32, bs []uint32, kb uint32, n uint32) uint32 {
	var hits uint32
	j := 0
	for _, a := range as {
		// b may start as early as a - kb - (n-1)
		for j < len(bs) && int64(bs[j])+int64(kb)+int64(n)-1 < int64(a) {
			j++
		}
		if j < len(bs) && int64(bs[j]) <= int64(a)+int64(ka)+int64(n)-1 {
			hits++
		}
	}
	return hits
}

// regex scans the stored text of the documents in range that hold every
// token the expression needs (all of them when it needs none).
func (e *segEval) regex(r *Regex) ([]DocHit, error) {
	var out []DocHit
	g := e.seg
	var cand []uint32 // nil: every document in range
	for i, tok := range r.Need {
		t := g.Lookup(tok)
		if t < 0 {
			return nil, nil
		}
		var p index.Postings
		if err := g.Postings(t, &p); err != nil {
			return nil, err
		}
		if i == 0 {
			cand = p.Docs
		} else {
			cand = intersectDocs(cand, p.Docs)
		}
		if len(cand) == 0 {
			return nil, nil
		}
	}
	var raw []byte
	last := -1
	scan := func(d int) error {
		if !e.allowed(uint32(d)) {
			return nil
		}
		b, off := g.DocBlock(d)
		if b != last {
			var err error
			if raw, err = g.Block(b, raw); err != nil {
				return err
			}
			last = b
		}
		doc, err := g.DecodeDoc(raw, off, d)
		if err != nil {
			return err
		}
		if n := RegexHits(r, doc.Title) + RegexHits(r, doc.Text); n > 0 {
			out = append(out, DocHit{Doc: uint32(d), Hits: uint32(n)})
		}
		return nil
	}
	for k := 0; ; k++ {
		var d int
		if cand == nil {
			d = e.lo + k
			if d >= e.hi {
				break
			}
		} else {
			if k >= len(cand) {
				break
			}
			d = int(cand[k])
			if d < e.lo {
				continue
			}
			if d >= e.hi {
				break
			}
		}
		if k%256 == 0 {
			if err := e.ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := scan(d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RegexHits counts the non-overlapping matches of r in the normalised
// form of field.
func RegexHits(r *Regex, field string) int {
	if field == "" {
		return 0
	}
	norm, _, _ := textnorm.Normalize(field)
	return len(r.Re.FindAllStringIndex(norm, -1))
}

func intersectDocs(a, b []uint32) []uint32 {
	out := a[:0:0]
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j = advance(b, j, a[i])
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

func intersect(a, b []DocHit) []DocHit {
	var out []DocHit
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].Doc < b[j].Doc:
			i++
		case a[i].Doc > b[j].Doc:
			j++
		default:
			out = append(out, DocHit{Doc: a[i].Doc, Hits: a[i].Hits + b[j].Hits})
			i++
			j++
		}
	}
	return out
}

func union(a, b []DocHit) []DocHit {
	out := make([]DocHit, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && a[i].Doc < b[j].Doc):
			out = append(out, a[i])
			i++
		case i >= len(a) || b[j].Doc < a[i].Doc:
			out = append(out, b[j])
			j++
		default:
			out = append(out, DocHit{Doc: a[i].Doc, Hits: a[i].Hits + b[j].Hits})
			i++
			j++
		}
	}
	return out
}

func subtract(a, b []DocHit) []DocHit {
	var out []DocHit
	j := 0
	for _, x := range a {
		for j < len(b) && b[j].Doc < x.Doc {
			j++
		}
		if j < len(b) && b[j].Doc == x.Doc {
			continue
		}
		out = append(out, x)
	}
	return out
}

// advance returns the first index k >= j with docs[k] >= d (len(docs) if
// none), galloping from j: cheap when the answer is near, logarithmic
// when it is far.
func advance(docs []uint32, j int, d uint32) int {
	n := len(docs)
	if j >= n || docs[j] >= d {
		return j
	}
	lo, step := j, 1 // docs[lo] < d
	hi := j + 1
	for hi < n && docs[hi] < d {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	if hi > n {
		hi = n
	}
	for lo+1 < hi { // docs[lo] < d; hi == n or docs[hi] >= d
		m := int(uint(lo+hi) >> 1)
		if docs[m] < d {
			lo = m
		} else {
			hi = m
		}
	}
	return hi
}

// inRange returns the part of an ascending document list inside the
// filter's document range.
func (e *segEval) inRange(docs []uint32) []uint32 {
	j0 := advance(docs, 0, uint32(e.lo))
	return docs[j0:advance(docs, j0, uint32(e.hi))]
}

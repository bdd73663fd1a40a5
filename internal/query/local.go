package query

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
)

// Local answers queries from an embedded index snapshot. It is safe for
// concurrent use while the snapshot is open.
type Local struct {
	Snap *store.Snapshot

	mu     sync.Mutex
	totals map[string][]dayTotal // per filter; see dayTotals
}

var _ Searcher = (*Local)(nil)

// ErrNotFound is returned by Doc for an unknown id.
var ErrNotFound = errors.New("no such document")

// match is one matching document anywhere in the snapshot.
type match struct {
	seg  int
	doc  uint32
	hits uint32
	day  int32
}

// evalEach runs q over every segment in turn, passing each segment's
// matching documents (in document order) to fn.
func (l *Local) evalEach(ctx context.Context, n Node, f Filter, fn func(si int, g *store.Seg, hits []DocHit)) error {
	for si, g := range l.Snap.Segments {
		e, err := newSegEval(ctx, g, f)
		if err != nil {
			return err
		}
		hits, err := e.eval(n)
		if err != nil {
			return err
		}
		fn(si, g, hits)
	}
	return nil
}

// eval runs q over every segment.
func (l *Local) eval(ctx context.Context, n Node, f Filter) ([]match, error) {
	per := make([][]DocHit, len(l.Snap.Segments))
	total := 0
	err := l.evalEach(ctx, n, f, func(si int, _ *store.Seg, hits []DocHit) {
		per[si] = hits
		total += len(hits)
	})
	if err != nil {
		return nil, err
	}
	out := make([]match, 0, total)
	for si, hits := range per {
		dates := l.Snap.Segments[si].Dates
		for _, h := range hits {
			out = append(out, match{seg: si, doc: h.Doc, hits: h.Hits, day: dates[h.Doc]})
		}
	}
	return out, nil
}

// maxFirstWindow caps the first window evalFirst evaluates (tests make it
// tiny, so that windows end on every kind of boundary).
var maxFirstWindow = math.MaxInt

// wholeBound is the bound (see upperBound) at or below which evalFirst
// reads a segment in one window.
const wholeBound = 1024

// firstWindow guesses how many of the N documents hold want matches of n
// (weighed in documents, or hits when byHits), given the bound of
// upperBound summed over the segments: matches are no denser than it.
func firstWindow(N int, most uint64, want int) int {
	w := 2 * want
	if most <= wholeBound {
		// Few candidates (none at all, or a rare AND): reading them all
		// costs no more than a window.
		w = N
	} else if most < uint64(N)*64 {
		w = int(min(uint64(2*want)*uint64(N)/most+1, uint64(N)))
	}
	return min(max(w, 16), maxFirstWindow, max(N, 1))
}

// upperBound bounds the matching documents (or hits) of n in segment g
// from the dictionary: a phrase by its rarest token, AND by its rarest
// part, OR by the sum of its parts, NEAR by its rarer side; other
// queries by nothing (the largest value).
func upperBound(g *store.Seg, n Node, byHits bool) uint64 {
	const none = math.MaxUint64 / 4
	switch n := n.(type) {
	case *Phrase:
		least := uint64(none)
		for _, s := range n.Slots {
			if s.Prefix {
				continue
			}
			t := g.Lookup(s.Tok)
			if t < 0 {
				return 0
			}
			c := uint64(g.DF(t))
			if byHits {
				c = g.CF(t)
			}
			least = min(least, c)
		}
		return least
	case *Near:
		return min(upperBound(g, n.A, byHits), upperBound(g, n.B, byHits))
	case *And:
		least := uint64(none)
		for _, k := range n.Kids {
			least = min(least, upperBound(g, k, byHits))
		}
		return least
	case *Or:
		var sum uint64
		for _, k := range n.Kids {
			sum = min(sum+upperBound(g, k, byHits), none)
		}
		return sum
	}
	return none
}

// nextWindow sizes the window after one of w documents, having found
// weight of want in done documents so far: the rest at the density seen,
// with a margin, at least twice w and at most eight times.
func nextWindow(w, done, weight, want int) int {
	est := 8 * w
	if weight > 0 {
		est = (want-weight)*done/weight*3/2 + 16
	}
	return min(max(est, 2*w), 8*w)
}

// frontSeg is one segment's part in evalFirst: its dated documents
// [lo, mid) of which [a, b) are not evaluated yet, its undated ones
// [mid, hi), and the matches found, in the order evaluated.
type frontSeg struct {
	e             *segEval
	lo, mid, hi   int
	a, b          int
	chunks        [][]DocHit
	undatedChunks []DocHit
}

// evalFirst is eval for a page of the newest (or oldest) matches. It
// moves a date frontier through every segment at once — from the newest
// date back, or from the oldest on — evaluating n over each segment's
// documents on this side of it, and stops once the matches found weigh
// want (documents, or hits when byHits). Every match on this side of the
// frontier is then found, in every segment, and the page is among them,
// since date order puts them before any other. When the dated documents
// run out first, the undated follow (by id, after every dated one). Every
// segment's matches are in document order, as eval's. complete reports
// whether every document was evaluated, so that the matches are all.
func (l *Local) evalFirst(ctx context.Context, n Node, f Filter, newest bool, want int, byHits bool) (ms []match, complete bool, err error) {
	segs := make([]*frontSeg, len(l.Snap.Segments))
	var most uint64
	total, minDay, maxDay := 0, index.NoDate, int32(math.MinInt32)
	for si, g := range l.Snap.Segments {
		e, err := newSegEval(ctx, g, f)
		if err != nil {
			return nil, false, err
		}
		lo, hi := e.lo, e.hi
		mid := lo + sort.Search(hi-lo, func(i int) bool { return g.Dates[lo+i] == index.NoDate })
		segs[si] = &frontSeg{e: e, lo: lo, mid: mid, hi: hi, a: lo, b: mid}
		most = min(most+upperBound(g, n, byHits), math.MaxUint64/4)
		total += mid - lo
		if mid > lo {
			minDay, maxDay = min(minDay, g.Dates[lo]), max(maxDay, g.Dates[mid-1])
		}
	}
	weight := 0
	run := func(fs *frontSeg, a, b int) ([]DocHit, error) {
		if a >= b {
			return nil, nil
		}
		fs.e.lo, fs.e.hi = a, b
		hits, err := fs.e.eval(n)
		for _, h := range hits {
			if byHits {
				weight += int(h.Hits)
			} else {
				weight++
			}
		}
		return hits, err
	}
	// left counts the dated documents not evaluated yet, on the far side
	// of a frontier at day d (exclusive of d itself when newest).
	left := func(d int32) int {
		k := 0
		for _, fs := range segs {
			dates := fs.e.seg.Dates
			if newest {
				k += sort.Search(fs.b-fs.a, func(i int) bool { return dates[fs.a+i] >= d })
			} else {
				k += fs.b - fs.a - sort.Search(fs.b-fs.a, func(i int) bool { return dates[fs.a+i] > d })
			}
		}
		return k
	}
	remaining := total
	w, done := firstWindow(total, most, want), 0
	for remaining > 0 && weight < want {
		// The frontier: the nearest day that brings at least w more
		// documents inside (at least one more day).
		lo, hi := minDay, maxDay // the days not passed yet
		target := remaining - w
		var day int32
		if newest {
			// The latest day d that leaves at most target documents
			// before it.
			day = lo + int32(sort.Search(int(hi-lo)+1, func(i int) bool { return left(lo+int32(i)) > target })) - 1
			day = max(day, lo)
		} else {
			// The earliest day d that leaves at most target after it.
			day = lo + int32(sort.Search(int(hi-lo)+1, func(i int) bool { return left(lo+int32(i)) <= target }))
			day = min(day, hi)
		}
		before := remaining
		for _, fs := range segs {
			dates := fs.e.seg.Dates
			var a, b int
			if newest {
				a = fs.a + sort.Search(fs.b-fs.a, func(i int) bool { return dates[fs.a+i] >= day })
				b = fs.b
				fs.b = a
			} else {
				b = fs.a + sort.Search(fs.b-fs.a, func(i int) bool { return dates[fs.a+i] > day })
				a = fs.a
				fs.a = b
			}
			hits, err := run(fs, a, b)
			if err != nil {
				return nil, false, err
			}
			if len(hits) > 0 {
				fs.chunks = append(fs.chunks, hits)
			}
			remaining -= b - a
		}
		if newest {
			maxDay = day - 1
		} else {
			minDay = day + 1
		}
		done += before - remaining
		w = nextWindow(w, done, weight, want)
	}
	complete = remaining == 0
	for _, fs := range segs {
		if fs.mid == fs.hi {
			continue
		}
		if remaining > 0 || weight >= want {
			complete = false // the undated are not needed
			continue
		}
		hits, err := run(fs, fs.mid, fs.hi) // undated: rare, read whole
		if err != nil {
			return nil, false, err
		}
		fs.undatedChunks = hits
	}
	for si, fs := range segs {
		dates := fs.e.seg.Dates
		add := func(hits []DocHit) {
			for _, h := range hits {
				ms = append(ms, match{seg: si, doc: h.Doc, hits: h.Hits, day: dates[h.Doc]})
			}
		}
		for i := range fs.chunks {
			if newest { // evaluated from the newest back
				add(fs.chunks[len(fs.chunks)-1-i])
			} else {
				add(fs.chunks[i])
			}
		}
		add(fs.undatedChunks)
	}
	return ms, complete, nil
}

// Parse parses q, wrapping the error with the query for several-query calls.
func parseAll(qs []string) ([]Node, error) {
	nodes := make([]Node, len(qs))
	for i, q := range qs {
		n, err := Parse(q)
		if err != nil {
			return nil, err
		}
		nodes[i] = n
	}
	return nodes, nil
}

// Search returns the total number of matching documents and one page of
// them, with a snippet around the first hit of each.
func (l *Local) Search(ctx context.Context, r SearchRequest) (*SearchResult, error) {
	n, err := Parse(r.Query)
	if err != nil {
		return nil, err
	}
	r.Defaults()
	var ms []match
	complete := true
	if r.NoTotal && (r.Sort == "" || r.Sort == "newest" || r.Sort == "oldest") {
		ms, complete, err = l.evalFirst(ctx, n, r.Filter, r.Sort != "oldest", r.Offset+r.Limit, false)
	} else {
		ms, err = l.eval(ctx, n, r.Filter)
	}
	if err != nil {
		return nil, err
	}
	total := len(ms)
	scores := make([]float64, len(ms))
	switch r.Sort {
	case "", "newest", "oldest":
		ms = l.ordered(ms, r.Sort != "oldest", r.Offset+r.Limit) // only the page is ordered
	case "relevance":
		scores = l.bm25(ms)
		idx := make([]int, len(ms))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool {
			if scores[idx[a]] != scores[idx[b]] {
				return scores[idx[a]] > scores[idx[b]]
			}
			return l.id(ms[idx[a]]) < l.id(ms[idx[b]])
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
	res := &SearchResult{Total: total, TotalAtLeast: !complete, Hits: []SearchHit{}}
	mt := NewMatcher(n)
	for i := r.Offset; i < len(ms) && i < r.Offset+r.Limit; i++ {
		m := ms[i]
		g := l.Snap.Segments[m.seg]
		doc := g.Doc
		if r.NoSnippets {
			doc = g.Head
		}
		d, err := doc(int(m.doc))
		if err != nil {
			return nil, err
		}
		h := SearchHit{ID: d.ID, Date: d.Date, Source: d.Source, Title: d.Title,
			Score: math.Round(scores[i]*1000) / 1000, Hits: int(m.hits)}
		if !r.NoSnippets {
			h.Snippet = snippet(mt, d.Text)
		}
		res.Hits = append(res.Hits, h)
	}
	return res, nil
}

func (l *Local) id(m match) string { return l.Snap.Segments[m.seg].ID(int(m.doc)) }

// ordered returns the first k matches (all when k < 0) in date order:
// oldest first, or newest first; undated documents last either way. Ties
// on a day go by id (descending when newest first, so that newest is the
// exact reverse of oldest among dated documents).
func (l *Local) ordered(ms []match, newest bool, k int) []match {
	if k < 0 || k > len(ms) {
		k = len(ms)
	}
	out := make([]match, 0, k)
	it := l.order(ms, newest)
	for len(out) < k {
		m, ok := it.next()
		if !ok {
			break
		}
		out = append(out, m)
	}
	return out
}

// orderIter yields matches in the order of ordered, one at a time. ms
// holds each segment's matches in document order, which is (date, id)
// order, so it merges the segments' runs instead of sorting.
type orderIter struct {
	l       *Local
	newest  bool
	undated bool // the dated matches are done
	runs    []orderRun
	pos     []int
}

type orderRun struct{ dated, undated []match }

func (l *Local) order(ms []match, newest bool) *orderIter {
	it := &orderIter{l: l, newest: newest}
	// Split ms into per-segment runs; in each, dated then undated.
	for i := 0; i < len(ms); {
		j := i
		for j < len(ms) && ms[j].seg == ms[i].seg {
			j++
		}
		u := sort.Search(j-i, func(x int) bool { return ms[i+x].day == index.NoDate }) + i
		it.runs = append(it.runs, orderRun{dated: ms[i:u], undated: ms[u:j]})
		i = j
	}
	it.pos = make([]int, len(it.runs))
	return it
}

// less orders dated matches, oldest first; and undated ones by id.
func (it *orderIter) less(a, b match) bool {
	if a.day != b.day {
		return a.day < b.day
	}
	ga, gb := it.l.Snap.Segments[a.seg], it.l.Snap.Segments[b.seg]
	return bytes.Compare(ga.IDBytes(int(a.doc)), gb.IDBytes(int(b.doc))) < 0
}

func (it *orderIter) next() (match, bool) {
	if len(it.runs) == 1 { // one segment: its runs are in order already
		r := &it.runs[0]
		p := &it.pos[0]
		if !it.undated {
			if *p < len(r.dated) {
				m := r.dated[*p]
				if it.newest {
					m = r.dated[len(r.dated)-1-*p]
				}
				*p++
				return m, true
			}
			it.undated, *p = true, 0
		}
		if *p < len(r.undated) {
			*p++
			return r.undated[*p-1], true
		}
		return match{}, false
	}
	if !it.undated {
		// Dated documents: heads of the runs, from the front (oldest) or
		// the back.
		best := -1
		var bm match
		for ri := range it.runs {
			d := it.runs[ri].dated
			if it.pos[ri] >= len(d) {
				continue
			}
			m := d[it.pos[ri]]
			if it.newest {
				m = d[len(d)-1-it.pos[ri]]
			}
			if best < 0 || (it.newest && it.less(bm, m)) || (!it.newest && it.less(m, bm)) {
				best, bm = ri, m
			}
		}
		if best >= 0 {
			it.pos[best]++
			return bm, true
		}
		it.undated = true
		clear(it.pos)
	}
	// Undated documents, by id.
	best := -1
	var bm match
	for ri := range it.runs {
		u := it.runs[ri].undated
		if it.pos[ri] < len(u) && (best < 0 || it.less(u[it.pos[ri]], bm)) {
			best, bm = ri, u[it.pos[ri]]
		}
	}
	if best < 0 {
		return match{}, false
	}
	it.pos[best]++
	return bm, true
}

// bm25 scores each match by Okapi BM25 (k1 1.2, b 0.75), taking the
// query's hits in the document as the term frequency and its matching
// documents as the document frequency.
func (l *Local) bm25(ms []match) []float64 {
	const k1, b = 1.2, 0.75
	var N, toks float64
	for _, g := range l.Snap.Segments {
		for d := 0; d < g.N; d++ {
			if !g.Deleted.Has(d) {
				N++
				toks += float64(g.TitleToks[d] + g.TextToks[d])
			}
		}
	}
	avg := toks / math.Max(N, 1)
	df := float64(len(ms))
	idf := math.Log(1 + (N-df+0.5)/(df+0.5))
	out := make([]float64, len(ms))
	for i, m := range ms {
		g := l.Snap.Segments[m.seg]
		dl := float64(g.TitleToks[m.doc] + g.TextToks[m.doc])
		tf := float64(m.hits)
		out[i] = idf * tf * (k1 + 1) / (tf + k1*(1-b+b*dl/math.Max(avg, 1)))
	}
	return out
}

// Marks around a hit in snippets.
const (
	MarkOpen  = "«"
	MarkClose = "»"
)

// snippet returns about 160 characters of text around the first hit,
// with the hit between « and »; the start of the text when nothing
// matches there (a title-only hit).
func snippet(mt *Matcher, text string) string {
	sp := mt.SpansN(text, false, 1)
	if len(sp) == 0 {
		return flat(truncRunes(text, 160))
	}
	s := sp[0]
	left := lastRunes(text[:s.Start], 70)
	right := truncRunes(text[s.End:], 70)
	prefix := ""
	if len(left) < s.Start {
		prefix = "…"
	}
	suffix := ""
	if s.End+len(right) < len(text) {
		suffix = "…"
	}
	hit := text[s.Start:s.End]
	if cut := truncRunes(hit, 100); len(cut) < len(hit) { // a long regex match
		hit, right, suffix = cut+"…", "", "…"
	}
	return flat(prefix + left + MarkOpen + hit + MarkClose + right + suffix)
}

// flat turns each run of white space (line and paragraph breaks, tabs)
// into one space, so that a context reads as one line.
func flat(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c == '\n' || c == '\r' || c == '\t' || c == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	if !utf8.ValidString(s) {
		return flatRunes(s) // replaces bad bytes, as it always did
	}
	// White space is ASCII, which never stands inside a multi-byte
	// character: work on bytes.
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	space := i > 0 && s[i-1] == ' '
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\n' || c == '\r' || c == '\t' || c == ' ' {
			if !space {
				b = append(b, ' ')
			}
			space = true
			continue
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}

func flatRunes(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// three reports whether s[i:i+3] is a valid three-byte character whose
// first byte rules out overlong forms and surrogates (E1–EC, EE–EF: the
// CJK blocks among them), which is all the fast paths below need.
func three(s string, i int) bool {
	if i < 0 || i+3 > len(s) {
		return false
	}
	c := s[i]
	return (c >= 0xE1 && c <= 0xEC || c >= 0xEE && c <= 0xEF) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80
}

// lastRunes returns the last n characters of s.
func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		switch {
		case s[i-1] < utf8.RuneSelf:
			i--
		case three(s, i-3):
			i -= 3
		default:
			_, size := utf8.DecodeLastRuneInString(s[:i])
			i -= size
		}
	}
	return s[i:]
}

// truncRunes returns the first n characters of s.
func truncRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		switch {
		case s[i] < utf8.RuneSelf:
			i++
		case three(s, i):
			i += 3
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	return s[:i]
}

// Trend counts hits and matching documents of each query per bucket.
func (l *Local) Trend(ctx context.Context, r TrendRequest) (*TrendResult, error) {
	if r.By == "" {
		r.By = "month"
	}
	bucketOf, err := Bucketer(r.By)
	if err != nil {
		return nil, err
	}
	nodes, err := parseAll(r.Queries)
	if err != nil {
		return nil, err
	}
	// The axis: every bucket from the first to the last dated document
	// that passes the filter, with the corpus totals.
	days, err := l.dayTotals(ctx, r.Filter)
	if err != nil {
		return nil, err
	}
	var axis []int32
	var bucketIdx []int32 // bucket index of each day from minDay
	var minDay int32
	if len(days) > 0 {
		minDay = days[0].day
		maxDay := days[len(days)-1].day
		bucketIdx = make([]int32, maxDay-minDay+1)
		b := bucketOf(minDay)
		next := nextBucket(r.By, b)
		axis = append(axis, b)
		for d := minDay; d <= maxDay; d++ {
			if d >= next {
				b, next = next, nextBucket(r.By, next)
				axis = append(axis, b)
			}
			bucketIdx[d-minDay] = int32(len(axis) - 1)
		}
	}
	totDocs := make([]int64, len(axis))
	totToks := make([]int64, len(axis))
	for _, dt := range days {
		i := bucketIdx[dt.day-minDay]
		totDocs[i] += dt.docs
		totToks[i] += dt.toks
	}
	res := &TrendResult{By: r.By, Series: make([]Series, 0, len(nodes))}
	for qi, n := range nodes {
		s := Series{Query: r.Queries[qi], Buckets: make([]Bucket, len(axis))}
		for i, b := range axis {
			s.Buckets[i] = Bucket{Start: index.DayString(b), TotalDocs: totDocs[i], TotalTokens: totToks[i]}
		}
		first, last := index.NoDate, index.NoDate
		err := l.evalEach(ctx, n, r.Filter, func(_ int, g *store.Seg, hits []DocHit) {
			// Documents are in date order, undated last: count the dated
			// ones, a bucket at a time.
			for _, h := range hits {
				day := g.Dates[h.Doc]
				if day == index.NoDate {
					break
				}
				bk := &s.Buckets[bucketIdx[day-minDay]]
				bk.Hits += int64(h.Hits)
				bk.Docs++
				s.Hits += int64(h.Hits)
				s.Docs++
				if first == index.NoDate || day < first {
					first = day
				}
				if last == index.NoDate || day > last {
					last = day
				}
			}
		})
		if err != nil {
			return nil, err
		}
		if first != index.NoDate {
			f, la := index.DayString(first), index.DayString(last)
			s.FirstSeen, s.LastSeen = &f, &la
		}
		res.Series = append(res.Series, s)
	}
	return res, nil
}

// dayTotal is the number of documents and tokens of one day.
type dayTotal struct {
	day        int32
	docs, toks int64
}

// dayTotals returns the documents and tokens per day of the dated
// documents passing f, in day order. It reads every document number once;
// the result is cached for the snapshot's lifetime.
func (l *Local) dayTotals(ctx context.Context, f Filter) ([]dayTotal, error) {
	key := f.From + "\x00" + f.To + "\x00" + strings.Join(f.Sources, "\x00")
	l.mu.Lock()
	cached, ok := l.totals[key]
	l.mu.Unlock()
	if ok {
		return cached, nil
	}
	byDay := map[int32]*dayTotal{}
	for _, g := range l.Snap.Segments {
		e, err := newSegEval(ctx, g, f)
		if err != nil {
			return nil, err
		}
		var t *dayTotal
		for d := e.lo; d < e.hi; d++ {
			day := g.Dates[d]
			if day == index.NoDate {
				break
			}
			if !e.allowed(uint32(d)) {
				continue
			}
			if t == nil || t.day != day {
				if t = byDay[day]; t == nil {
					t = &dayTotal{day: day}
					byDay[day] = t
				}
			}
			t.docs++
			t.toks += int64(g.TitleToks[d]) + int64(g.TextToks[d])
		}
	}
	out := make([]dayTotal, 0, len(byDay))
	for _, t := range byDay {
		out = append(out, *t)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].day < out[b].day })
	l.mu.Lock()
	if l.totals == nil || len(l.totals) >= 256 { // bound the cache
		l.totals = map[string][]dayTotal{}
	}
	l.totals[key] = out
	l.mu.Unlock()
	return out, nil
}

// Bucketer returns the function mapping a day to the first day of its
// bucket: day, week (ISO, Monday), month, quarter or year.
func Bucketer(by string) (func(int32) int32, error) {
	civil := func(d int32) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }
	day := func(t time.Time) int32 { return int32(t.Unix() / 86400) }
	switch by {
	case "day":
		return func(d int32) int32 { return d }, nil
	case "week":
		// 1970-01-01 was a Thursday: Monday-based weeks start 3 days earlier.
		return func(d int32) int32 { return d - ((d+3)%7+7)%7 }, nil
	case "month":
		return func(d int32) int32 {
			t := civil(d)
			return day(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
		}, nil
	case "quarter":
		return func(d int32) int32 {
			t := civil(d)
			m := (t.Month()-1)/3*3 + 1
			return day(time.Date(t.Year(), m, 1, 0, 0, 0, 0, time.UTC))
		}, nil
	case "year":
		return func(d int32) int32 {
			return day(time.Date(civil(d).Year(), 1, 1, 0, 0, 0, 0, time.UTC))
		}, nil
	}
	return nil, fmt.Errorf("unknown bucket %q (want day, week, month, quarter or year)", by)
}

// nextBucket returns the start of the bucket after the one starting at b.
func nextBucket(by string, b int32) int32 {
	t := time.Unix(int64(b)*86400, 0).UTC()
	switch by {
	case "day":
		return b + 1
	case "week":
		return b + 7
	case "month":
		t = t.AddDate(0, 1, 0)
	case "quarter":
		t = t.AddDate(0, 3, 0)
	default:
		t = t.AddDate(1, 0, 0)
	}
	return int32(t.Unix() / 86400)
}

// KWIC returns every hit's total and the first Limit hits in context,
// oldest document first (undated last), title before text.
func (l *Local) KWIC(ctx context.Context, r KWICRequest) (*KWICResult, error) {
	n, err := Parse(r.Query)
	if err != nil {
		return nil, err
	}
	r.Defaults()
	if _, phrase := n.(*Phrase); phrase && r.NoTotal {
		// A phrase's lines are its hits: the page lies among the oldest
		// documents whose hits make Limit.
		ms, complete, err := l.evalFirst(ctx, n, r.Filter, false, r.Limit, true)
		if err != nil {
			return nil, err
		}
		res, exact, err := l.kwicPage(ctx, n, r, ms)
		if err != nil || complete {
			return res, err
		}
		if exact { // as the lines must be; otherwise count them all below
			res.TotalAtLeast = true
			return res, nil
		}
	}
	ms, err := l.eval(ctx, n, r.Filter)
	if err != nil {
		return nil, err
	}
	res, _, err := l.kwicPage(ctx, n, r, ms)
	return res, err
}

// kwicPage cuts the first r.Limit lines from the matches ms, and totals
// their hits. exact reports whether every document read gave as many lines
// as its hits and the page is full, which evalFirst's stopping rule
// relies on.
func (l *Local) kwicPage(ctx context.Context, n Node, r KWICRequest, ms []match) (res *KWICResult, exact bool, err error) {
	res = &KWICResult{Lines: []KWICLine{}}
	for _, m := range ms {
		res.Total += int(m.hits)
	}
	exact = true
	it := l.order(ms, false) // lazily: only as far as the page goes
	mt := NewMatcher(n)
	var kp *kwicPhrase // a phrase: hits from the index
	if p, ok := n.(*Phrase); ok && kwicViaIndex {
		kp = &kwicPhrase{ctx: ctx, l: l, p: p, f: r.Filter, segs: map[int]*kwicSeg{}}
	}
	var raw []byte
	lastSeg, lastBlock := -1, -1
	for len(res.Lines) < r.Limit {
		m, ok := it.next()
		if !ok {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		g := l.Snap.Segments[m.seg]
		b, off := g.DocBlock(int(m.doc))
		if m.seg != lastSeg || b != lastBlock {
			if raw, err = g.CachedBlock(b); err != nil {
				return nil, false, err
			}
			lastSeg, lastBlock = m.seg, b
		}
		d, err := g.DecodeDoc(raw, off, int(m.doc))
		if err != nil {
			return nil, false, err
		}
		var fromIndex [2][]Span
		viaIndex := false
		if kp != nil {
			var ts, xs []Span
			if ts, xs, viaIndex, err = kp.spans(m.seg, g, m.doc, d.Title, d.Text); err != nil {
				return nil, false, err
			}
			fromIndex = [2][]Span{ts, xs}
		}
		lines := 0
		for fi, field := range []string{d.Title, d.Text} {
			if len(res.Lines) >= r.Limit {
				break
			}
			spans := fromIndex[fi]
			if !viaIndex {
				spans = mt.SpansN(field, fi == 0, r.Limit-len(res.Lines))
			}
			lines += len(spans)
			for _, s := range spans {
				if len(res.Lines) >= r.Limit {
					break
				}
				res.Lines = append(res.Lines, KWICLine{ID: d.ID, Date: d.Date, Source: d.Source,
					Left:  flat(lastRunes(field[:s.Start], r.Width)),
					Match: flat(field[s.Start:s.End]),
					Right: flat(truncRunes(field[s.End:], r.Width))})
			}
		}
		if lines != int(m.hits) && len(res.Lines) < r.Limit {
			exact = false
		}
	}
	if len(res.Lines) < r.Limit {
		exact = false
	}
	return res, exact, nil
}

// Stats describes the documents that pass the filter.
func (l *Local) Stats(ctx context.Context, f Filter) (*Stats, error) {
	st := &Stats{Sources: map[string]int{}, Langs: map[string]int{}, IndexBytes: l.Snap.Bytes(), Segments: len(l.Snap.Segments)}
	first, last := index.NoDate, index.NoDate
	for _, g := range l.Snap.Segments {
		e, err := newSegEval(ctx, g, f)
		if err != nil {
			return nil, err
		}
		for d := e.lo; d < e.hi; d++ {
			if !e.allowed(uint32(d)) {
				continue
			}
			st.Docs++
			st.Sources[g.Strings[g.Sources[d]]]++
			st.Langs[g.Strings[g.Langs[d]]]++
			st.Tokens += int64(g.TitleToks[d]) + int64(g.TextToks[d])
			day := g.Dates[d]
			if day == index.NoDate {
				st.Undated++
				continue
			}
			if first == index.NoDate || day < first {
				first = day
			}
			if last == index.NoDate || day > last {
				last = day
			}
		}
	}
	if first != index.NoDate {
		a, b := index.DayString(first), index.DayString(last)
		st.FirstDate, st.LastDate = &a, &b
	}
	return st, nil
}

// Doc returns the document with this id, with the hits of query (if not
// empty) marked.
func (l *Local) Doc(ctx context.Context, id, q string) (*DocResult, error) {
	g, i, ok := l.Snap.Find(id)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	d, err := g.Doc(i)
	if err != nil {
		return nil, err
	}
	res := &DocResult{ID: d.ID, Date: d.Date, Source: d.Source, Title: d.Title, Text: d.Text, Lang: d.Lang, URL: d.URL, Meta: d.Meta,
		TitleHits: []Span{}, TextHits: []Span{}}
	if q != "" {
		n, err := Parse(q)
		if err != nil {
			return nil, err
		}
		mt := NewMatcher(n)
		res.TitleHits = append(res.TitleHits, mt.Spans(d.Title, true)...)
		res.TextHits = append(res.TextHits, mt.Spans(d.Text, false)...)
	}
	return res, nil
}

package analysis

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// The candidates of a grams, frozen for counting elsewhere: in a
// reference, a corpus, a stream. A one-token candidate is its token id; a
// candidate of k ≥ 2 tokens is a slot of the open-addressing table of
// level k, keyed by its prefix (a token id at level 2, else a slot of
// level k−1) and its last token, packed in 32 bits when they fit (else
// 64). The key and the count of a slot are side by side, so that counting
// an occurrence reads and writes one cache line; each worker counts in a
// copy of the tables.
//
// Counting is level by level, over a stretch of many fields at once: the
// one-token candidates of the stretch, then the two-token ones, and so
// on. So a level's look-ups read one table, small enough to stay in the
// processor's cache while a stretch of up to a million tokens is read (a
// year of XWLB has 201,651 candidates, at most 61,000 of one length), and
// they are independent of each other, so that the processor overlaps
// their misses. A candidate's suffix is a candidate too (an n-gram is
// counted only where both of its parts are frequent, ngrams.go), so the
// k-gram at p is looked up only where the (k−1)-grams at p and at p+1
// both are candidates.

type candIndex struct {
	nv     int32     // vocabulary size: token ids are below it
	isCand []bool    // by token: a one-token candidate
	pair   []uint64  // by token: a bit (pairBit) for the last token of each two-token candidate it begins
	tb     uint      // bits of a token id in a key
	node   [][]int32 // by length ≥ 2, by slot: the grams node
	n      int       // candidates of two tokens or more
	t32    *candTables[uint32]
	t64    *candTables[uint64]
}

// wideKeys makes every candIndex use 64-bit keys (tests read both ways).
var wideKeys = false

type candKey interface{ ~uint32 | ~uint64 }

// candTables is the tables of levels 2 and up (lv[k] for k tokens), with
// the counts of one worker, or none.
type candTables[K candKey] struct {
	lv []candLevel[K]
}

type candLevel[K candKey] struct {
	slots []candSlot[K]
	shift uint
}

type candSlot[K candKey] struct {
	key K      // prefix<<tb | last token; 0 when empty
	n   uint32 // occurrences counted (in a worker's copy)
}

// pairBit is token t's bit in a pair mask: most pairs of candidates side by
// side are no candidate, and are not looked up.
func pairBit(t int32) uint64 { return 1 << (uint32(t) * 0x9E3779B1 >> 26) }

func (l *candLevel[K]) find(key K) int32 {
	mask := len(l.slots) - 1
	for i := int((uint64(key) * 0x9E3779B97F4A7C15) >> l.shift); ; i = (i + 1) & mask {
		switch l.slots[i].key {
		case key:
			return int32(i)
		case 0:
			return -1
		}
	}
}

func (l *candLevel[K]) put(key K) int32 {
	mask := len(l.slots) - 1
	i := int((uint64(key) * 0x9E3779B97F4A7C15) >> l.shift)
	for l.slots[i].key != 0 {
		i = (i + 1) & mask
	}
	l.slots[i].key = key
	return int32(i)
}

// newCandIndex freezes the candidates of g (count ≥ g.min).
func newCandIndex(g *grams) *candIndex {
	nv := int32(g.v.size())
	x := &candIndex{nv: nv, isCand: make([]bool, nv), pair: make([]uint64, nv), tb: uint(max(1, bits.Len32(uint32(nv-1))))}
	for c := int32(1); c < nv; c++ {
		x.isCand[c] = g.count[c] >= g.min
	}
	var perLen [maxGramLen + 1]int
	top := 1
	for c := int(nv); c < len(g.count); c++ {
		if g.count[c] >= g.min {
			l := int(g.length[c])
			perLen[l]++
			top = max(top, l)
			x.n++
		}
	}
	sizes := make([]int, top+1)
	shifts := make([]uint, top+1)
	sizes[1] = int(nv)
	wide := false
	for k := 2; k <= top; k++ {
		size, shift := 16, uint(60)
		for size < 2*perLen[k] {
			size *= 2
			shift--
		}
		sizes[k], shifts[k] = size, shift
		if uint(bits.Len(uint(sizes[k-1]-1)))+x.tb > 32 {
			wide = true
		}
	}
	x.node = make([][]int32, top+1)
	for k := 2; k <= top; k++ {
		x.node[k] = make([]int32, sizes[k])
	}
	if wide || wideKeys {
		x.t64 = buildTables[uint64](g, x, sizes, shifts)
	} else {
		x.t32 = buildTables[uint32](g, x, sizes, shifts)
	}
	return x
}

func buildTables[K candKey](g *grams, x *candIndex, sizes []int, shifts []uint) *candTables[K] {
	t := &candTables[K]{lv: make([]candLevel[K], len(sizes))}
	for k := 2; k < len(sizes); k++ {
		t.lv[k] = candLevel[K]{slots: make([]candSlot[K], sizes[k]), shift: shifts[k]}
	}
	// A child is made after its parent, so nodes in order meet every
	// candidate's prefix (a candidate too) before it.
	slot := make([]int32, len(g.count))
	for c := x.nv; c < int32(len(g.count)); c++ {
		if g.count[c] < g.min {
			continue
		}
		prefix := g.parent[c]
		if prefix >= x.nv {
			prefix = slot[prefix]
		}
		k := g.length[c]
		if k == 2 {
			x.pair[prefix] |= pairBit(g.last[c])
		}
		i := t.lv[k].put(K(prefix)<<x.tb | K(g.last[c]))
		slot[c], x.node[k][i] = i, c
	}
	return t
}

// at returns the node of the candidate of the tokens ids, or −1.
func (x *candIndex) at(ids []int32) int32 {
	if x.t32 != nil {
		return at(x, x.t32, ids)
	}
	return at(x, x.t64, ids)
}

func at[K candKey](x *candIndex, t *candTables[K], ids []int32) int32 {
	if len(ids) == 0 || len(ids) >= max(2, len(t.lv)) || ids[0] <= 0 || ids[0] >= x.nv || !x.isCand[ids[0]] {
		return -1
	}
	h := ids[0]
	for k := 2; k <= len(ids); k++ {
		if h = t.lv[k].find(K(h)<<x.tb | K(ids[k-1])); h < 0 {
			return -1
		}
	}
	if len(ids) == 1 {
		return h
	}
	return x.node[len(ids)][h]
}

// walk calls fn(p, node) for every candidate occurrence in ids (joins as
// in a stream), the occurrence of node starting at token p: the one-token
// candidates in order, then the two-token ones, and so on. So the
// occurrences of one length come in order of p.
func (x *candIndex) walk(ids []int32, join []bool, fn func(p int, node int32)) {
	if x.t32 != nil {
		walk(x, x.t32, ids, join, fn)
	} else {
		walk(x, x.t64, ids, join, fn)
	}
}

func walk[K candKey](x *candIndex, t *candTables[K], ids []int32, join []bool, fn func(p int, node int32)) {
	var act, cur []int32
	for p, id := range ids {
		if id > 0 && id < x.nv && x.isCand[id] {
			fn(p, id)
			if p+1 < len(ids) && join[p+1] && x.isCand[ids[p+1]] && x.pair[id]&pairBit(ids[p+1]) != 0 {
				act = append(act, int32(p))
				cur = append(cur, id)
			}
		}
	}
	// As tableCounter.count, with act and cur by start.
	for k := 2; len(act) > 0 && k < len(t.lv); k++ {
		l, node := &t.lv[k], x.node[k]
		for j, p := range act {
			i := l.find(K(cur[j])<<x.tb | K(ids[int(p)+k-1]))
			cur[j] = i
			if i >= 0 {
				fn(int(p), node[i])
			}
		}
		w := 0
		for j, p := range act {
			if cur[j] >= 0 && j+1 < len(act) && act[j+1] == p+1 && cur[j+1] >= 0 {
				act[w], cur[w] = p, cur[j]
				w++
			}
		}
		act, cur = act[:w], cur[:w]
	}
}

// counter counts the candidates of a candIndex in fields, for one
// goroutine.
type counter interface {
	// field counts the occurrences in s, one field (title or text), read
	// by the scanner sc (which only reads the vocabulary of the
	// candidates).
	field(sc *scanner, s string)
	// total adds the counts by node into counts, and returns the k-gram
	// positions of the fields (addPositions, with maxLen).
	total(counts []int64) (pos [maxGramLen + 1]int64)
}

func (x *candIndex) counter(maxLen [2]int) counter {
	if x.t32 != nil {
		return newTableCounter(x, x.t32, maxLen)
	}
	return newTableCounter(x, x.t64, maxLen)
}

// tableCounter gathers the fields' tokens, as few as counting needs, and
// counts them a stretch at a time. The stretch is the one-token
// candidates' ids, −1 for a token that is none and between two tokens not
// joined (a single −1 for a run of such): every token of a candidate is a
// candidate, so no n-gram spans a −1. With it, act: the positions p of the
// stretch where two candidates stand side by side, joined, the starts of
// the two-token n-grams to look up.
type tableCounter[K candKey] struct {
	x       *candIndex
	t       candTables[K] // a copy, with this counter's counts
	ones    []uint32      // by token
	byRune  *[0x10000]int32
	sum     [][]int64 // by length, by slot (ones at length 1): counts flushed
	since   int64     // bytes read since the last flush
	in      []int32   // the stretch gathered
	act     []int32
	stretch int // the length of in when it is counted
	cur     []int32
	maxLen  [2]int
	// runs counts the runs of joined tokens by kind and length, those of
	// maxGramLen tokens or more together, with their tokens in long.
	runs [2][maxGramLen + 1]int64
	long [2]int64
}

func newTableCounter[K candKey](x *candIndex, t *candTables[K], maxLen [2]int) *tableCounter[K] {
	c := &tableCounter[K]{x: x, ones: make([]uint32, x.nv), sum: make([][]int64, len(t.lv)), maxLen: maxLen}
	c.t.lv = make([]candLevel[K], len(t.lv))
	most := 0
	for k := 2; k < len(t.lv); k++ {
		c.t.lv[k] = candLevel[K]{slots: append([]candSlot[K](nil), t.lv[k].slots...), shift: t.lv[k].shift}
		most = max(most, len(t.lv[k].slots))
	}
	// Enough look-ups per level to read its table many times over.
	c.stretch = min(1<<20, max(1<<14, 8*most))
	return c
}

func (c *tableCounter[K]) field(sc *scanner, s string) {
	if len(c.in) >= c.stretch {
		c.count()
	}
	// A count grows by at most one a token, a token is at least a byte.
	if c.since += int64(len(s)); c.since >= 1<<31 {
		c.count()
		c.flush() // before a count could overflow
		c.since = int64(len(s))
	}
	if c.byRune == nil { // sc.v is the vocabulary of the candidates, read only
		c.runes(sc.v)
	}
	n0, m0, runs, long := len(c.in), len(c.act), c.runs, c.long
	if c.scanFast(sc, s) {
		return
	}
	// What scanFast cannot read (the ones of the tokens it read are undone).
	for _, id := range c.in[n0:] {
		if id >= 0 {
			c.ones[id]--
		}
	}
	c.in, c.act, c.runs, c.long = c.in[:n0], c.act[:m0], runs, long
	toks := sc.field(s)
	run := 0
	for i, t := range toks {
		if i > 0 && !t.join {
			c.endRun(int(toks[i-1].kind), run)
			run = 0
		}
		c.emit(t.id, t.join)
		run++
	}
	if run > 0 {
		c.endRun(int(toks[len(toks)-1].kind), run)
	}
}

// endRun counts a run of l joined tokens of a kind.
func (c *tableCounter[K]) endRun(kind, l int) {
	if l >= maxGramLen {
		c.runs[kind][maxGramLen]++
		c.long[kind] += int64(l)
	} else {
		c.runs[kind][l]++
	}
}

// positions returns the k-gram positions of the runs counted: a run of L
// tokens has L−k+1, for k up to the kind's longest n-gram (addRun).
func (c *tableCounter[K]) positions() (pos [maxGramLen + 1]int64) {
	for kind, runs := range c.runs {
		for k := 1; k <= c.maxLen[kind]; k++ {
			for l := k; l < maxGramLen; l++ {
				pos[k] += runs[l] * int64(l-k+1)
			}
			pos[k] += c.long[kind] - runs[maxGramLen]*int64(k-1)
		}
	}
	return pos
}

// runes sets byRune: by CJK character of the Basic Multilingual Plane, its
// id when it is a one-token candidate, else −1.
func (c *tableCounter[K]) runes(v *vocab) {
	c.byRune = new([0x10000]int32)
	for r, id := range v.cjk {
		c.byRune[r] = -1
		if c.x.isCand[id] {
			c.byRune[r] = id
		}
	}
}

// emit adds token id, joined to the token before or not.
func (c *tableCounter[K]) emit(id int32, join bool) {
	last := len(c.in) > 0 && c.in[len(c.in)-1] >= 0
	if last && !join {
		c.in, last = append(c.in, -1), false
	}
	if c.x.isCand[id] {
		c.ones[id]++
		if last && c.x.pair[c.in[len(c.in)-1]]&pairBit(id) != 0 {
			c.act = append(c.act, int32(len(c.in)-1))
		}
		c.in = append(c.in, id)
	} else if last {
		c.in = append(c.in, -1)
	}
}

// scanFast is scanner.fast, emitting each token (see emit); it reports
// false when s holds a character that fast does not read.
func (c *tableCounter[K]) scanFast(sc *scanner, s string) bool {
	isCand, ones, byRune, pair := c.x.isCand, c.ones, c.byRune, c.x.pair
	// Room for every entry: at most two a token, a token at least a byte.
	n, m := len(c.in), len(c.act)
	in, act := slices.Grow(c.in, 2*len(s)+1), slices.Grow(c.act, len(s)+1)
	in, act = in[:cap(in)], act[:cap(act)]
	defer func() { c.in, c.act = in[:n], act[:m] }()
	last := n > 0 && in[n-1] >= 0 // the entry before is a token
	kind := -1                    // kind of the previous token
	gap, brk := false, false      // since it: any separator; a separator that breaks words
	run := 0                      // tokens of the current run of joined tokens
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0xE0 && b <= 0xEF && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			r := rune(b&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
			if r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF { // cjk3
				if kind != kindCJK || gap {
					if run > 0 {
						c.endRun(kind, run)
						run = 0
					}
					if last {
						in[n], last = -1, false
						n++
					}
				}
				kind, gap, brk = kindCJK, false, false
				// This character and those joined to it.
				for {
					if h := byRune[r&0xFFFF]; h >= 0 {
						ones[h]++
						if last && pair[in[n-1]]&pairBit(h) != 0 {
							act[m] = int32(n - 1)
							m++
						}
						in[n], last = h, true
						n++
					} else if last {
						in[n], last = -1, false
						n++
					}
					run++
					i += 3
					if i+3 > len(s) {
						break
					}
					// The next three bytes as one number: a CJK unified
					// ideograph (cjk3) is 1110xxxx 10xxxxxx 10xxxxxx.
					t := s[i : i+3]
					v := uint32(t[0])<<16 | uint32(t[1])<<8 | uint32(t[2])
					if v&0xF0C0C0 != 0xE08080 {
						break
					}
					if r = rune(v>>4&0xF000 | v>>2&0xFC0 | v&0x3F); uint32(r-0x4E00) >= 0x5200 && uint32(r-0x3400) >= 0x9C0 {
						break
					}
				}
				continue
			}
			if r < 0x800 || !fastSep(r) { // an overlong form, or no separator
				return false
			}
			gap = true
			if !sepJoins(r) {
				brk = true
			}
			i += 3
			continue
		}
		if b < utf8.RuneSelf {
			if !asciiWord[b] {
				gap = true
				if !asciiJoiner[b] {
					brk = true
				}
				i++
				continue
			}
			j, ok := asciiWordEnd(s, i)
			if !ok {
				return false
			}
			sc.low = appendLowerASCII(sc.low[:0], s[i:j])
			if kind != kindWord || brk {
				if run > 0 {
					c.endRun(kind, run)
					run = 0
				}
				if last {
					in[n], last = -1, false
					n++
				}
			}
			if id := sc.v.words[string(sc.low)]; isCand[id] {
				ones[id]++
				if last && pair[in[n-1]]&pairBit(id) != 0 {
					act[m] = int32(n - 1)
					m++
				}
				in[n], last = id, true
				n++
			} else if last {
				in[n], last = -1, false
				n++
			}
			run++
			kind, gap, brk = kindWord, false, false
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !fastSep(r) {
			return false
		}
		gap = true
		if !sepJoins(r) {
			brk = true
		}
		i += size
	}
	if run > 0 {
		c.endRun(kind, run)
	}
	return true
}

// count counts the stretch gathered, level by level: cur[j] is the
// handle of the (k−1)-gram at act[j], and the k-gram there is looked up
// (the (k−1)-gram at act[j]+1 is a candidate too, so in[act[j]+k−1] is a
// token).
func (c *tableCounter[K]) count() {
	x, in, act := c.x, c.in, c.act
	if cap(c.cur) < len(act) {
		c.cur = make([]int32, len(act)+len(act)/4)
	}
	cur := c.cur[:len(act)]
	for j, p := range act {
		cur[j] = in[p]
	}
	for k := 2; len(act) > 0 && k < len(c.t.lv); k++ {
		l := &c.t.lv[k]
		for j, p := range act {
			i := l.find(K(cur[j])<<x.tb | K(in[int(p)+k-1]))
			cur[j] = i
			if i >= 0 {
				l.slots[i].n++
			}
		}
		// Keep the starts where the k-grams at p and p+1 are candidates.
		w := 0
		for j, p := range act {
			if cur[j] >= 0 && j+1 < len(act) && act[j+1] == p+1 && cur[j+1] >= 0 {
				act[w], cur[w] = p, cur[j]
				w++
			}
		}
		act, cur = act[:w], cur[:w]
	}
	c.in, c.act = c.in[:0], c.act[:0]
}

func (c *tableCounter[K]) flush() {
	if c.sum[0] == nil {
		c.sum[0] = []int64{} // flushed once
		c.sum[1] = make([]int64, len(c.ones))
		for k := 2; k < len(c.t.lv); k++ {
			c.sum[k] = make([]int64, len(c.t.lv[k].slots))
		}
	}
	for i, n := range c.ones {
		c.sum[1][i] += int64(n)
	}
	clear(c.ones)
	for k := 2; k < len(c.t.lv); k++ {
		s := c.t.lv[k].slots
		for i := range s {
			c.sum[k][i] += int64(s[i].n)
			s[i].n = 0
		}
	}
}

func (c *tableCounter[K]) total(counts []int64) [maxGramLen + 1]int64 {
	c.count()
	c.flush()
	for i, n := range c.sum[1] {
		counts[i] += n
	}
	for k := 2; k < len(c.t.lv); k++ {
		node := c.x.node[k]
		for i, n := range c.sum[k] {
			if n != 0 {
				counts[node[i]] += n
			}
		}
	}
	return c.positions()
}

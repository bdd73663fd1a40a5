package analysis

import "math/bits"

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
	x := &candIndex{nv: nv, isCand: make([]bool, nv), tb: uint(max(1, bits.Len32(uint32(nv-1))))}
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
// candidates of a stretch of the stream in order, then the two-token
// ones, and so on, a stretch at a time. So the occurrences of one length
// come in order of p.
func (x *candIndex) walk(ids []int32, join []bool, fn func(p int, node int32)) {
	if x.t32 != nil {
		walk(x, x.t32, ids, join, fn)
	} else {
		walk(x, x.t64, ids, join, fn)
	}
}

func walk[K candKey](x *candIndex, t *candTables[K], ids []int32, join []bool, fn func(p int, node int32)) {
	var cur []int32
	for lo := 0; lo < len(ids); {
		// A stretch of about 1<<16 tokens, ending where no n-gram runs on.
		hi := min(lo+1<<16, len(ids))
		for hi < len(ids) && join[hi] {
			hi++
		}
		n := hi - lo
		if cap(cur) < n {
			cur = make([]int32, n)
		}
		cur = cur[:n]
		ids, join := ids[lo:hi], join[lo:hi]
		any := false
		for p, id := range ids {
			h := int32(-1)
			if id > 0 && id < x.nv && x.isCand[id] {
				fn(lo+p, id)
				h, any = id, true
			}
			cur[p] = h
		}
		for k := 2; any && k < len(t.lv); k++ {
			any = false
			l, node := &t.lv[k], x.node[k]
			for p := 0; p+k <= n; p++ {
				c := cur[p]
				if c < 0 {
					continue
				}
				q := p + k - 1
				// cur[p+1] is still the level k−1 value here.
				if cur[p+1] < 0 || !join[q] {
					cur[p] = -1
					continue
				}
				i := l.find(K(c)<<x.tb | K(ids[q]))
				cur[p] = i
				if i >= 0 {
					fn(lo+p, node[i])
					any = true
				}
			}
		}
		lo = hi
	}
}

// counter counts the candidates of a candIndex in stretches of tokens,
// for one goroutine.
type counter interface {
	// add counts the occurrences in ids (joins as in a stream).
	add(ids []int32, join []bool)
	// total adds the counts by node into counts.
	total(counts []int64)
	// stretch returns the number of tokens best counted at once.
	stretch() int
}

func (x *candIndex) counter() counter {
	if x.t32 != nil {
		return newTableCounter(x, x.t32)
	}
	return newTableCounter(x, x.t64)
}

type tableCounter[K candKey] struct {
	x     *candIndex
	t     candTables[K] // a copy, with this counter's counts
	ones  []uint32      // by token
	sum   [][]int64     // by length, by slot (ones at length 1): counts flushed
	since int64         // tokens counted since the last flush
	cur   []int32
}

func newTableCounter[K candKey](x *candIndex, t *candTables[K]) *tableCounter[K] {
	c := &tableCounter[K]{x: x, ones: make([]uint32, x.nv), sum: make([][]int64, len(t.lv))}
	c.t.lv = make([]candLevel[K], len(t.lv))
	for k := 2; k < len(t.lv); k++ {
		c.t.lv[k] = candLevel[K]{slots: append([]candSlot[K](nil), t.lv[k].slots...), shift: t.lv[k].shift}
	}
	return c
}

func (c *tableCounter[K]) stretch() int {
	// Enough look-ups per level to read its table many times over.
	most := 0
	for _, l := range c.t.lv {
		most = max(most, len(l.slots))
	}
	return min(1<<20, max(1<<14, 8*most))
}

func (c *tableCounter[K]) add(ids []int32, join []bool) {
	x := c.x
	n := len(ids)
	if c.since += int64(n); c.since >= 1<<31 {
		c.flush() // before a count could overflow
		c.since = int64(n)
	}
	if cap(c.cur) < n {
		c.cur = make([]int32, n)
	}
	cur := c.cur[:n]
	any := false
	for p, id := range ids {
		h := int32(-1)
		if x.isCand[id] {
			c.ones[id]++
			h, any = id, true
		}
		cur[p] = h
	}
	for k := 2; any && k < len(c.t.lv); k++ {
		any = false
		l := &c.t.lv[k]
		for p := 0; p+k <= n; p++ {
			h := cur[p]
			if h < 0 {
				continue
			}
			q := p + k - 1
			// cur[p+1] is still the level k−1 value here.
			if cur[p+1] < 0 || !join[q] {
				cur[p] = -1
				continue
			}
			i := l.find(K(h)<<x.tb | K(ids[q]))
			cur[p] = i
			if i >= 0 {
				l.slots[i].n++
				any = true
			}
		}
	}
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

func (c *tableCounter[K]) total(counts []int64) {
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
}

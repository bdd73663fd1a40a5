package analysis

import (
	"slices"
	"strings"
)

// N-gram counting. The n-grams of a text are kept in a trie whose node i
// for i < vocab size is the one-token n-gram of token i, and whose longer
// n-grams are found from their prefix and last token in an open-addressing
// hash table. Counting is exact and level by level (Apriori): an n-gram is
// counted only where both of its (n−1)-grams reached the minimum
// frequency, since an n-gram is never more frequent than its parts. So the
// memory is that of the frequent n-grams and their immediate extensions,
// not of every n-gram of the text.

// stream is the tokens of a set of documents, in memory: ids and joins
// (join[i]: token i continues the n-gram run of token i−1), and where each
// document starts. It costs 5 bytes per token.
type stream struct {
	ids      []int32
	join     []bool
	docStart []int32
}

// addDoc starts a new document.
func (s *stream) addDoc() { s.docStart = append(s.docStart, int32(len(s.ids))) }

// addField appends the tokens of one field; the first is joined to
// nothing.
func (s *stream) addField(toks []tok) {
	for i, t := range toks {
		s.ids = append(s.ids, t.id)
		s.join = append(s.join, i > 0 && t.join)
	}
}

// grams is a trie of n-grams with their counts.
type grams struct {
	v      *vocab
	maxLen [2]int // longest n-gram by kind: [kindWord], [kindCJK]

	parent []int32 // prefix node; 0 for one-token n-grams
	last   []int32 // last token
	length []uint8
	count  []int64 // occurrences in the stream counted
	docs   []int32 // documents of the stream holding the n-gram
	seen   []int32 // last document counted (docs), +1
	kids   *table

	min    int64
	isCand []bool     // by node: count ≥ min
	ci     *candIndex // the candidates, for walks and counts (see freeze)
}

func newGrams(v *vocab, maxWord, maxCJK int) *grams {
	n := v.size()
	g := &grams{v: v, maxLen: [2]int{maxWord, maxCJK}, kids: newTable(1 << 12)}
	g.parent = make([]int32, n)
	g.last = make([]int32, n)
	g.length = make([]uint8, n)
	g.count = make([]int64, n)
	g.docs = make([]int32, n)
	g.seen = make([]int32, n)
	for i := range g.last {
		g.last[i] = int32(i)
		g.length[i] = 1
	}
	return g
}

// nodes returns the number of nodes.
func (g *grams) nodes() int { return len(g.count) }

func (g *grams) kind(node int32) uint8 { return g.v.kinds[g.last[node]] }

// child returns the node extending node by token t, adding it.
func (g *grams) child(node, t int32) int32 {
	k := gramKey(node, t)
	if c := g.kids.get(k); c >= 0 {
		return c
	}
	c := int32(len(g.count))
	g.parent = append(g.parent, node)
	g.last = append(g.last, t)
	g.length = append(g.length, g.length[node]+1)
	g.count = append(g.count, 0)
	g.docs = append(g.docs, 0)
	g.seen = append(g.seen, 0)
	g.kids.put(k, c)
	return c
}

func (g *grams) bump(node int32, doc int) {
	g.count[node]++
	if g.seen[node] != int32(doc+1) {
		g.seen[node] = int32(doc + 1)
		g.docs[node]++
	}
}

// countFrequent counts in s every n-gram, up to maxLen tokens by kind,
// that occurs at least min times (as positions: overlapping occurrences
// each count), with the number of documents holding it; some less
// frequent ones are counted too (see above). It then freezes the
// candidates: the n-grams counted at least min times. Cost: one pass
// over s per n-gram length, a hash look-up only where both parts are
// frequent; memory 4 bytes per token besides the trie.
func (g *grams) countFrequent(s *stream, min int64) {
	g.min = min
	n := len(s.ids)
	cur := make([]int32, n) // the frequent (k−1)-gram starting at p, or −1
	doc := 0
	docOf := func(p int) int {
		for doc+1 < len(s.docStart) && int(s.docStart[doc+1]) <= p {
			doc++
		}
		return doc
	}
	for p, id := range s.ids {
		g.bump(id, docOf(p))
	}
	for p, id := range s.ids {
		cur[p] = -1
		if g.count[id] >= min && id != 0 {
			cur[p] = id
		}
	}
	for k := 2; ; k++ {
		doc = 0
		grew := false
		for p := 0; p < n; p++ {
			c := cur[p]
			if c < 0 {
				continue
			}
			q := p + k - 1
			// The k-gram at p is its (k−1)-gram at p, joined to the token
			// at q, whose (k−1)-gram at p+1 must be frequent too. cur[p+1]
			// is still the level k−1 value here.
			if q >= n || !s.join[q] || cur[p+1] < 0 || k > g.maxLen[g.kind(c)] {
				cur[p] = -1
				continue
			}
			c = g.child(c, s.ids[q])
			g.bump(c, docOf(p))
			cur[p] = c
			grew = true
		}
		if !grew {
			break
		}
		for p, c := range cur {
			if c >= 0 && g.count[c] < min {
				cur[p] = -1
			}
		}
	}
	g.freeze()
}

// freeze keeps the candidates (count ≥ g.min) in g.ci, the index walks and
// counts read; it is read-only afterwards and may be shared by goroutines.
func (g *grams) freeze() {
	g.isCand = make([]bool, len(g.count))
	for c := 1; c < len(g.count); c++ {
		g.isCand[c] = g.count[c] >= g.min
	}
	g.ci = newCandIndex(g)
}

// candidate reports whether node is a candidate.
func (g *grams) candidate(node int32) bool { return g.isCand[node] }

// walk calls fn(p, node) for every candidate n-gram occurrence in ids
// (joins as in a stream), the occurrence of node starting at token p; the
// occurrences of one length come in order of p (see candIndex.walk).
func (g *grams) walk(ids []int32, join []bool, fn func(p int, node int32)) {
	g.ci.walk(ids, join, fn)
}

// nodeAt returns the candidate of the tokens ids, or −1.
func (g *grams) nodeAt(ids []int32) int32 {
	return g.ci.at(ids)
}

// suffix returns the node of node's tokens but the first, or −1 when it
// was not counted.
func (g *grams) suffix(node int32) int32 {
	var ids []int32
	for n := node; n > 0; n = g.parent[n] {
		ids = append(ids, g.last[n])
	}
	if len(ids) < 2 {
		return -1
	}
	s := ids[len(ids)-2]
	for i := len(ids) - 3; i >= 0 && s >= 0; i-- {
		s = g.kids.get(gramKey(s, ids[i]))
	}
	return s
}

// tokens returns the tokens of node, first to last.
func (g *grams) tokens(node int32) []string {
	var out []string
	for ; node > 0 && len(out) < 256; node = g.parent[node] {
		out = append(out, g.v.strs[g.last[node]])
	}
	slices.Reverse(out)
	return out
}

// text returns node as it reads: characters side by side, words with a
// space between. It is a phrase query that finds it.
func (g *grams) text(node int32) string {
	sep := " "
	if g.kind(node) == kindCJK {
		sep = ""
	}
	return strings.Join(g.tokens(node), sep)
}

func gramKey(node, t int32) uint64 { return uint64(uint32(node))<<32 | uint64(uint32(t)) }

// table maps keys (never 0) to non-negative int32 values: open addressing
// with linear probing, at most half full, a key and its value side by side
// so that a look-up costs one cache miss.
type table struct {
	slots []slot
	n     int
	shift uint
}

type slot struct {
	key uint64
	val int32
}

func newTable(size int) *table {
	sz, shift := 16, uint(60)
	for sz < size {
		sz *= 2
		shift--
	}
	return &table{slots: make([]slot, sz), shift: shift}
}

func (t *table) slot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> t.shift) }

// get returns the value of k, or −1.
func (t *table) get(k uint64) int32 {
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.slots[i].key {
		case k:
			return t.slots[i].val
		case 0:
			return -1
		}
	}
}

// put sets the value of k.
func (t *table) put(k uint64, v int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		*t = *newTable(2 * len(old))
		for _, s := range old {
			if s.key != 0 {
				t.put(s.key, s.val)
			}
		}
	}
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.slots[i].key {
		case k:
			t.slots[i].val = v
			return
		case 0:
			t.slots[i] = slot{k, v}
			t.n++
			return
		}
	}
}

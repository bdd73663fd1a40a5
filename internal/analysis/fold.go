package analysis

import (
	"math/bits"
	"sort"
)

// Folding. Character n-grams overlap: where 抗美援朝 is frequent, so are
// 抗美援, 美援朝, 援朝 and 抗美援朝战争. fold keeps the n-grams that stand on
// their own and folds the others into the longer n-gram they stand in.

// Folded is an n-gram folded into a longer one: Freq occurrences (in the
// period, target or windows), Inside of them within the longer one.
type Folded struct {
	Item   string `json:"item"`
	Freq   int64  `json:"freq"`
	Inside int64  `json:"inside"`
}

// fold decides which of the n-grams marked in isNew (at least minLen
// tokens long) stand on their own, longest first. An n-gram is kept when
// its occurrences in s that lie outside every occurrence of a longer kept
// one still qualify it (keep), and it is closed: it is not (nearly) always preceded, or
// followed, by one same token — all its occurrences but fewer than min
// and than a tenth — which would make it a piece of a longer phrase
// (念中国人民志愿军 of 纪念中国人民志愿军…, 碳中 of 碳中和, 化国家 of
// 现代化国家). An n-gram not kept is folded into the kept n-gram holding
// most of its occurrences (each occurrence counting for the shortest kept
// n-gram around it, the one starting nearest if two), or, held by none,
// dropped. fold returns the kept n-grams and, for each, those folded
// into it.
func fold(gr *grams, s *stream, isNew []bool, keep func(node int32, f int64) bool, min int64, minLen, maxLen int) ([]bool, map[int32][]Folded) {
	type occ struct{ p, node int32 }
	byLen := make([][]occ, maxLen+1)
	gr.walk(s.ids, s.join, func(p int, node int32) {
		if isNew[node] {
			l := gr.length[node]
			byLen[l] = append(byLen[l], occ{int32(p), node})
		}
	})
	n := gr.nodes()
	// bound reports, after neighbours, whether one token stands before
	// (side 0) or after (side 1) every occurrence of node but fewer than
	// min and than a tenth. Such a token stands by more than half of them,
	// so it is the majority vote of a first pass, counted in a second.
	cand := make([]int32, n)
	votes := make([]int64, n)
	neighbour := func(o occ, l, side int) int32 {
		if side == 0 && o.p > 0 && s.join[o.p] {
			return s.ids[o.p-1]
		}
		if e := int(o.p) + l; side == 1 && e < len(s.ids) && s.join[e] {
			return s.ids[e]
		}
		return -1
	}
	bound := make([]bool, n)
	for l, os := range byLen {
		for side := 0; side < 2; side++ {
			for _, o := range os {
				switch t := neighbour(o, l, side); {
				case votes[o.node] == 0:
					cand[o.node], votes[o.node] = t, 1
				case cand[o.node] == t:
					votes[o.node]++
				default:
					votes[o.node]--
				}
			}
			for _, o := range os {
				votes[o.node] = 0
			}
			for _, o := range os {
				if t := cand[o.node]; t >= 0 && neighbour(o, l, side) == t {
					votes[o.node]++
				}
			}
			for _, o := range os {
				if top, all := votes[o.node], gr.count[o.node]; top > 0 && all-top < min && 10*top >= 9*all {
					bound[o.node] = true
				}
				cand[o.node], votes[o.node] = -1, 0
			}
		}
	}
	kept := make([]bool, len(isNew))
	folded := map[int32][]Folded{}
	keptLens := make([]uint16, len(s.ids)) // by start: bit L set when a kept n-gram of L tokens starts there
	inside := make([]int64, n)
	for l := maxLen; l >= minLen; l-- {
		// For each occurrence, the shortest kept n-gram around it (the one
		// starting nearest of two as short): whether there is one, and
		// for each n-gram how many of its occurrences each holds.
		into := newTable(1 << 8) // node<<32 | host → occurrences
		for _, o := range byLen[l] {
			hq, hl := int32(-1), 0
			for q := o.p; q >= 0 && q > o.p-int32(maxLen); q-- {
				need := int(o.p) + l - int(q) // the least length that holds o
				if m := keptLens[q] >> max(need, l+1); m != 0 {
					if ln := max(need, l+1) + bits.TrailingZeros16(m); hq < 0 || ln < hl {
						hq, hl = q, ln
					}
				}
			}
			if hq < 0 {
				continue
			}
			host := gr.nodeAt(s.ids[hq : int(hq)+hl])
			inside[o.node]++
			k := gramKey(o.node, host)
			into.put(k, max(into.get(k), 0)+1)
		}
		type hostN struct {
			node int32
			n    int64
		}
		best := map[int32]hostN{} // the kept n-gram holding most occurrences (then the first in text order)
		for _, sl := range into.slots {
			if sl.key == 0 {
				continue
			}
			node, h, c := int32(sl.key>>32), int32(uint32(sl.key)), int64(sl.val)
			if b, ok := best[node]; !ok || c > b.n || c == b.n && gr.text(h) < gr.text(b.node) {
				best[node] = hostN{h, c}
			}
		}
		for _, o := range byLen[l] {
			node := o.node
			if kept[node] || !isNew[node] {
				continue
			}
			isNew[node] = false // decided
			if keep(node, gr.count[node]-inside[node]) && !bound[node] {
				kept[node] = true
				continue
			}
			if h, ok := best[node]; ok {
				folded[h.node] = append(folded[h.node], Folded{Item: gr.text(node), Freq: gr.count[node], Inside: inside[node]})
			}
		}
		for _, o := range byLen[l] {
			if kept[o.node] {
				keptLens[o.p] |= 1 << l
			}
		}
	}
	return kept, folded
}

// sortFolded orders folded n-grams most frequent first.
func sortFolded(fs []Folded) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Freq != fs[j].Freq {
			return fs[i].Freq > fs[j].Freq
		}
		return fs[i].Item < fs[j].Item
	})
}

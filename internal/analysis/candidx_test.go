package analysis

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

// The candidate index (candidx.go) against a map of n-gram texts: the
// candidates of one half of a real corpus counted in the other half, and
// walked in the first, with 32-bit and with 64-bit keys, and with
// stretches cut anywhere between fields.

// refGramCounts counts every n-gram (as text, refToks' joins) of the
// fields, up to maxLen tokens by kind.
func refGramCounts(fields []string, maxLen [2]int) map[string]int64 {
	out := map[string]int64{}
	for _, f := range fields {
		toks := refToks(f)
		strs := refFieldStrs(f)
		for p := range toks {
			for k := 1; p+k <= len(toks) && k <= maxLen[toks[p].kind]; k++ {
				if k > 1 && !toks[p+k-1].join {
					break
				}
				sep := " "
				if toks[p].kind == kindCJK {
					sep = ""
				}
				out[strings.Join(strs[p:p+k], sep)]++
			}
		}
	}
	return out
}

func refFieldStrs(f string) []string {
	var out []string
	for _, rt := range newRefDoc(corpus.Document{Text: f}).fields[1] {
		out = append(out, rt.text)
	}
	return out
}

func TestCandIndex_Exact(t *testing.T) {
	for _, name := range []string{"xi-speeches-zh", "peoplesdaily-online-en"} {
		docs := loadCorpus(t, name)
		var fields []string
		size := 0
		for _, d := range docs {
			if size > 600_000 { // bytes: a few hundred thousand tokens
				break
			}
			fields = append(fields, d.Title, d.Text)
			size += len(d.Title) + len(d.Text)
		}
		half := len(fields) / 2
		for _, wide := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/wide=%v", name, wide), func(t *testing.T) {
				defer func(w bool) { wideKeys = w }(wideKeys)
				wideKeys = wide
				checkCandIndex(t, fields[:half], fields[half:], [2]int{4, 6}, 3)
				checkCandIndex(t, fields[:half], fields[half:], [2]int{8, 8}, 2)
			})
		}
	}
}

func checkCandIndex(t *testing.T, target, ref []string, maxLen [2]int, min int64) {
	t.Helper()
	v := newVocab()
	sc := &scanner{v: v, add: true}
	s := &stream{}
	for _, f := range target {
		s.addDoc()
		s.addField(sc.field(f))
	}
	gr := newGrams(v, maxLen[0], maxLen[1])
	gr.countFrequent(s, min)
	if (gr.ci.t64 != nil) != wideKeys {
		t.Fatalf("64-bit keys: %v, want %v", gr.ci.t64 != nil, wideKeys)
	}
	byText := map[string]int32{}
	for c := int32(1); c < int32(gr.nodes()); c++ {
		if gr.candidate(c) {
			byText[gr.text(c)] = c
		}
	}
	if gr.ci.n < 1000 {
		t.Fatalf("only %d candidates of two tokens or more: too few to test", gr.ci.n)
	}

	// Counting the reference, in stretches of every size from one field
	// up, against the map.
	want := refGramCounts(ref, maxLen)
	rsc := &scanner{v: v}
	for _, per := range []int{1, 7, 1 << 30} {
		c := gr.ci.counter(maxLen)
		tc := reflect.ValueOf(c).Elem().FieldByName("stretch")
		reflect.NewAt(tc.Type(), tc.Addr().UnsafePointer()).Elem().SetInt(int64(per)) // count every per entries
		var wantPos [maxGramLen + 1]int64
		for _, f := range ref {
			c.field(rsc, f)
			addPositions(&wantPos, slices.Clone(rsc.field(f)), maxLen)
		}
		got := make([]int64, gr.nodes())
		if pos := c.total(got); pos != wantPos {
			t.Errorf("positions %v, want %v", pos, wantPos)
		}
		bad := 0
		for text, node := range byText {
			if got[node] != want[text] && bad < 10 {
				t.Errorf("%q: counted %d in the reference, want %d", text, got[node], want[text])
				bad++
			}
		}
		for node, n := range got {
			if n != 0 && !gr.candidate(int32(node)) {
				t.Errorf("node %d (%q) is no candidate but was counted %d times", node, gr.text(int32(node)), n)
			}
		}
	}

	// Walking the target: every candidate occurrence, each length in
	// order of its start.
	type occ struct {
		p    int
		node int32
	}
	var got []occ
	gr.walk(s.ids, s.join, func(p int, node int32) { got = append(got, occ{p, node}) })
	for l := 1; l <= maxGramLen; l++ {
		var ps []int
		for _, o := range got {
			if int(gr.length[o.node]) == l {
				ps = append(ps, o.p)
			}
		}
		if !slices.IsSorted(ps) {
			t.Errorf("walk: the occurrences of %d tokens are not in order", l)
		}
	}
	var wantOcc []occ
	for p := range s.ids {
		var parts []string
		for k := 1; p+k <= len(s.ids) && (k == 1 || s.join[p+k-1]); k++ {
			parts = append(parts, v.strs[s.ids[p+k-1]])
			sep := " "
			if v.kinds[s.ids[p]] == kindCJK {
				sep = ""
			}
			if node, ok := byText[strings.Join(parts, sep)]; ok {
				wantOcc = append(wantOcc, occ{p, node})
			}
		}
	}
	cmp := func(a, b occ) int {
		if a.p != b.p {
			return a.p - b.p
		}
		return int(a.node - b.node)
	}
	slices.SortFunc(got, cmp)
	slices.SortFunc(wantOcc, cmp)
	if !slices.Equal(got, wantOcc) {
		t.Errorf("walk: %d occurrences, want %d", len(got), len(wantOcc))
	}
	// Looking candidates up by their tokens.
	for text, node := range byText {
		ids := []int32{}
		for n := node; n > 0; n = gr.parent[n] {
			ids = append(ids, gr.last[n])
		}
		slices.Reverse(ids)
		if got := gr.nodeAt(ids); got != node {
			t.Errorf("nodeAt(%q) = %d, want %d", text, got, node)
		}
		if got := gr.nodeAt(append(ids, ids[0])); got >= 0 && !strings.HasPrefix(gr.text(got), text) {
			t.Errorf("nodeAt(%q + its first token) = %q", text, gr.text(got))
		}
	}
}

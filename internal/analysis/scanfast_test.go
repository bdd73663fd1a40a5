package analysis

import (
	"slices"
	"testing"
)

// TestSepJoins checks sepJoins against joiner on every fastSep character.
func TestSepJoins(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if fastSep(r) && sepJoins(r) != joiner(r) {
			t.Errorf("%U: sepJoins %v, joiner %v", r, sepJoins(r), joiner(r))
		}
	}
}

// TestCounter_Edges counts, with a counter (its own reading of the text,
// tableCounter.scanFast), fields that it reads and fields that it leaves
// to the scanner (other characters, invalid UTF-8), against a walk of the
// same fields read by the scanner.
func TestCounter_Edges(t *testing.T) {
	fields := []string{"", "碳达峰，碳中和", "Xi Jinping’s “dual-carbon”", "a\u0301b", "ＡＢＣ", "中\u3000国", "x…y",
		"abc中文def", "中文abc，def ghi", "2022年GDP增长3.0%", "\xe0\x82\xa0中", "中\xed\xa0\x80文", "ab\xff", "中\xe4\xb8", "a–b a—b a－b",
		"㐀䶿一鿿", "碳达峰碳中和碳达峰", "dual carbon dual-carbon dual\u00a0carbon", "中文\xe4\xb8\xad文", "碳达峰\U00020000碳中和"}
	for _, wide := range []bool{false, true} {
		defer func(w bool) { wideKeys = w }(wideKeys)
		wideKeys = wide
		for _, maxLen := range [][2]int{{4, 6}, {2, 8}} {
			v := newVocab()
			sc := &scanner{v: v, add: true}
			s := &stream{}
			for _, f := range fields {
				s.addDoc()
				s.addField(sc.field(f))
			}
			gr := newGrams(v, maxLen[0], maxLen[1])
			gr.countFrequent(s, 1)
			want := make([]int64, gr.nodes())
			gr.walk(s.ids, s.join, func(_ int, node int32) { want[node]++ })
			var wantPos [maxGramLen + 1]int64
			rsc := &scanner{v: v}
			for _, f := range fields {
				addPositions(&wantPos, slices.Clone(rsc.field(f)), maxLen)
			}
			c := gr.ci.counter(maxLen)
			for _, f := range fields {
				c.field(rsc, f)
			}
			got := make([]int64, gr.nodes())
			if pos := c.total(got); pos != wantPos {
				t.Errorf("wide %v, lengths %v: positions %v, want %v", wide, maxLen, pos, wantPos)
			}
			for node := range got {
				if got[node] != want[node] {
					t.Errorf("wide %v, lengths %v: %q counted %d times, want %d", wide, maxLen, gr.text(int32(node)), got[node], want[node])
				}
			}
		}
	}
}

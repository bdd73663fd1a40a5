package query

import (
	"math/rand"
	"slices"
	"testing"
)

// pairCountBits must count what pairCount counts whenever the two
// position lists cannot share a position (two different tokens).
func TestPairCountBits(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	var bits []uint64
	for i := 0; i < 20000; i++ {
		n := 1 + rng.Intn(300)
		var as, bs []uint32
		for p := 0; p < n; p++ {
			switch rng.Intn(4) {
			case 0:
				as = append(as, uint32(p))
			case 1:
				bs = append(bs, uint32(p))
			}
		}
		if rng.Intn(10) == 0 { // far positions: the bitmap grows
			bs = append(bs, uint32(n+rng.Intn(100000)))
		}
		want := pairCount(as, bs)
		var got uint32
		got, bits = pairCountBits(as, bs, bits)
		if got != want {
			t.Fatalf("as %v bs %v: %d, pairCount %d", as, bs, got, want)
		}
		if slices.ContainsFunc(bits, func(w uint64) bool { return w != 0 }) {
			t.Fatal("scratch bitmap not cleared")
		}
	}
}

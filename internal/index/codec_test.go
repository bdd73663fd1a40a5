package index

import (
	"math/rand"
	"testing"
)

func TestPacked_RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 127, 128, 129, 300, 1000} {
		for _, max := range []uint32{0, 1, 7, 1000, 1 << 31, 0xFFFFFFFF} {
			vals := make([]uint32, n)
			for i := range vals {
				if max > 0 {
					vals[i] = uint32(rng.Int63n(int64(max) + 1))
				}
			}
			enc := appendPacked(nil, vals)
			got, used, ok := decodePacked(nil, enc, n)
			if !ok || used != len(enc) {
				t.Fatalf("n=%d max=%d: ok=%v used %d of %d", n, max, ok, used, len(enc))
			}
			for i := range vals {
				if got[i] != vals[i] {
					t.Fatalf("n=%d max=%d: [%d] = %d, want %d", n, max, i, got[i], vals[i])
				}
			}
			var r packedReader
			r.init(enc, n)
			for i := 0; i < n; i += 1 + rng.Intn(200) {
				v, ok := r.get(i)
				if !ok || v != vals[i] {
					t.Fatalf("reader n=%d get(%d) = %d,%v want %d", n, i, v, ok, vals[i])
				}
			}
		}
	}
}

func TestPacked_Malformed(t *testing.T) {
	vals := make([]uint32, 300)
	for i := range vals {
		vals[i] = uint32(i * 7)
	}
	enc := appendPacked(nil, vals)
	for cut := 0; cut < len(enc); cut++ {
		if _, _, ok := decodePacked(nil, enc[:cut], len(vals)); ok {
			t.Fatalf("truncated at %d decoded without error", cut)
		}
	}
}

// appendRange reads small ranges from blocks it has not decoded (see
// extractBlock) and large ones by decoding blocks: both give the values.
func TestPacked_AppendRange(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{1, 128, 129, 1000, 5000} {
		for _, max := range []uint32{0, 1, 1000, 1 << 20, 0xFFFFFFFF} {
			vals := make([]uint32, n)
			for i := range vals {
				if max > 0 {
					vals[i] = uint32(rng.Int63n(int64(max) + 1))
				}
			}
			enc := appendPacked(nil, vals)
			var r packedReader
			r.init(enc, n)
			for i := 0; i < n; {
				m := 1 + rng.Intn(40)
				if rng.Intn(8) == 0 {
					m = 1 + rng.Intn(300)
				}
				m = min(m, n-i)
				got, ok := r.appendRange(nil, i, m)
				if !ok || len(got) != m {
					t.Fatalf("n=%d max=%d: appendRange(%d, %d) ok=%v len %d", n, max, i, m, ok, len(got))
				}
				for k := range got {
					if got[k] != vals[i+k] {
						t.Fatalf("n=%d max=%d: [%d] = %d, want %d", n, max, i+k, got[k], vals[i+k])
					}
				}
				i += m + rng.Intn(3)*rng.Intn(200)
			}
		}
	}
}

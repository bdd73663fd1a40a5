package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/vfs"
)

// memCopy returns a vfs.Mem holding the regular files of dir under
// crashDir, all durable.
func memCopy(t *testing.T, dir string) *vfs.Mem {
	t.Helper()
	m := vfs.NewMem()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.WriteFile(filepath.Join(crashDir, e.Name()), b); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// bitOffsets returns the byte offsets whose every bit TestCorrupt_FlipBits
// flips: all of a file of up to 1 KiB, or of any size with all set; else
// the first 128 and last 512 bytes (header, TOC, footer) and 400 evenly
// spaced offsets.
func bitOffsets(n int, all bool) []int {
	if n <= 1024 || all {
		return sampleOffsets(n, n, 0, 0)
	}
	return sampleOffsets(n, 128, 512, 400)
}

// sampleOffsets returns, sorted, the first head and last tail offsets of
// a file of n bytes and k offsets evenly spaced over all of it.
func sampleOffsets(n, head, tail, k int) []int {
	set := map[int]bool{}
	for i := 0; i < min(head, n); i++ {
		set[i] = true
	}
	for i := max(n-tail, 0); i < n; i++ {
		set[i] = true
	}
	for j := 0; j < k; j++ {
		set[j*(n-1)/max(k-1, 1)] = true
	}
	out := make([]int, 0, len(set))
	for o := range set {
		out = append(out, o)
	}
	slices.Sort(out)
	return out
}

// TestCorrupt_FlipBits flips single bits, one at a time, in every kind of
// index file: every bit of the manifest and the deletion file, and every
// bit of a dense sample of about 1,000 bytes of each segment
// (TIFA_CORRUPT_ALL=1: of every byte; a few minutes). Each flip must be reported by Check as ErrCorrupt (or
// ErrNewerVersion, for a bit of a version field) naming the file, and the
// reading commands (search, trend, kwic, stats) must fail naming the file
// or give exactly the undamaged counts; nothing may panic. It runs on
// vfs.Mem, copied from the fixture, so that a flip costs no disk I/O.
func TestCorrupt_FlipBits(t *testing.T) {
	src, seg1, seg2, del := corruptFixture(t)
	base, err := measure(src)
	if err != nil {
		t.Fatal(err)
	}
	pristine := memCopy(t, src)
	if _, err := store.CheckFS(pristine, crashDir); err != nil {
		t.Fatalf("Check of the undamaged copy: %v", err)
	}
	got, err := measureFS(pristine, crashDir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(base, got); diff != "" {
		t.Fatalf("the copy on vfs.Mem counts differently (-disk +mem):\n%s", diff)
	}
	for _, tc := range []struct{ kind, file string }{
		{"Manifest", "MANIFEST"},
		{"Deletions", del},
		{"SegmentWithDeletions", seg1},
		{"Segment", seg2},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(crashDir, tc.file)
			orig, err := pristine.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			offs := bitOffsets(len(orig), os.Getenv("TIFA_CORRUPT_ALL") != "")
			if testing.Short() { // -race in CI: every 16th offset
				offs = sparse(offs, 16)
			}
			flips := 0
			for _, off := range offs {
				for bit := 0; bit < 8; bit++ {
					m := pristine.Clone()
					b := slices.Clone(orig)
					b[off] ^= 1 << bit
					if err := m.WriteFile(path, b); err != nil {
						t.Fatal(err)
					}
					damagedFS(t, m, crashDir, base, fmt.Sprintf("%s byte %d of %d bit %d", tc.file, off, len(orig), bit), false, tc.file)
					flips++
				}
				if t.Failed() {
					t.Fatalf("stopping after %d flips", flips)
				}
			}
			t.Logf("%s (%s): %d bytes, %d offsets, %d single-bit flips, all detected", tc.kind, tc.file, len(orig), len(offs), flips)
		})
	}
}

// sparse returns every k-th element of xs, the first and the last.
func sparse(xs []int, k int) []int {
	var out []int
	for i, x := range xs {
		if i%k == 0 || i == len(xs)-1 {
			out = append(out, x)
		}
	}
	return out
}

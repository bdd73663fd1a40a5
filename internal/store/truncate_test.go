package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/vfs"
)

// TestTruncate_NewestFiles cuts the newest files of an index at every
// byte offset (uncommitted segments: every 32nd offset and the first and
// last 64, unless TIFA_CORRUPT_ALL is set), as a torn write or a full disk
// would leave them. A file the
// manifest names (the newest segment, its deletion file, the manifest
// itself) makes opening, Check and every reading command fail with an
// error naming it; a file no manifest names yet (the segment or temporary
// file of a commit that never happened) is ignored by readers — the index
// opens to its last commit with the same counts — and removed by the next
// writer.
func TestTruncate_NewestFiles(t *testing.T) {
	src, _, seg2, del := corruptFixture(t)
	base, err := measure(src)
	if err != nil {
		t.Fatal(err)
	}
	pristine := memCopy(t, src)
	seg2Data, err := pristine.ReadFile(filepath.Join(crashDir, seg2))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		file     string // cut in place, or written cut under the name
		content  []byte // nil: the file's own
		uncommit bool
	}{
		{"NewestSegment", seg2, nil, false},
		{"DeletionFile", del, nil, false},
		{"Manifest", "MANIFEST", nil, false},
		{"UncommittedSegment", "000003.seg", seg2Data, true},
		{"UncommittedSegmentTmp", "000003.seg.tmp", seg2Data, true},
		{"ManifestTmp", "MANIFEST.tmp", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(crashDir, tc.file)
			orig := tc.content
			if orig == nil {
				src := path
				if tc.file == "MANIFEST.tmp" {
					src = filepath.Join(crashDir, "MANIFEST")
				}
				var err error // not the test's: the subtests run in parallel
				if orig, err = pristine.ReadFile(src); err != nil {
					t.Fatal(err)
				}
			}
			lengths := make([]int, len(orig))
			for i := range lengths {
				lengths[i] = i
			}
			if tc.uncommit && os.Getenv("TIFA_CORRUPT_ALL") == "" && len(orig) > 1024 {
				// Each length opens, checks and queries the whole index:
				// every 32nd length and the first and last 64 (all with
				// TIFA_CORRUPT_ALL=1).
				lengths = lengths[:0]
				for n := 0; n < len(orig); n++ {
					if n < 64 || n >= len(orig)-64 || n%32 == 0 {
						lengths = append(lengths, n)
					}
				}
			}
			if testing.Short() { // -race in CI
				lengths = sparse(lengths, 16)
			}
			for _, n := range lengths {
				m := pristine.Clone()
				if err := m.WriteFile(path, orig[:n]); err != nil {
					t.Fatal(err)
				}
				what := fmt.Sprintf("%s cut to %d of %d bytes", tc.file, n, len(orig))
				if !tc.uncommit {
					damagedFS(t, m, crashDir, base, what, true, tc.file)
					if w, err := store.OpenWriter(crashDir, store.Options{FS: m}); err == nil {
						w.Close()
						t.Errorf("%s: OpenWriter succeeded", what)
					}
				} else {
					recovered(t, m, base, what, tc.file)
				}
				if t.Failed() {
					t.FailNow()
				}
			}
			t.Logf("%s (%d bytes): cut at %d offsets", tc.file, len(orig), len(lengths))
		})
	}
}

// recovered checks that the index on m opens to its last commit with the
// counts base and passes Check, and that a writer removes file.
func recovered(t *testing.T, m *vfs.Mem, base counts, what, file string) {
	t.Helper()
	if _, err := store.CheckFS(m, crashDir); err != nil {
		t.Errorf("%s: Check: %v", what, err)
		return
	}
	got, err := measureFS(m, crashDir)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if diff := cmp.Diff(base, got); diff != "" {
		t.Errorf("%s: counts changed (-last commit +now):\n%s", what, diff)
	}
	w, err := store.OpenWriter(crashDir, store.Options{FS: m})
	if err != nil {
		t.Errorf("%s: OpenWriter: %v", what, err)
		return
	}
	w.Close()
	if _, err := m.Stat(filepath.Join(crashDir, file)); err == nil {
		t.Errorf("%s: the writer left %s", what, file)
	}
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/store"
)

// big keeps every document of a test in one segment until Commit.
var big = store.Options{AutoCommit: true}

// tiny makes every document its own segment, committed as it is added.
var tiny = store.Options{AutoCommit: true, SegmentBytes: 1}

func TestWriter_SecondIngestAdds(t *testing.T) {
	dir := t.TempDir()
	a := doc("a", "2021-01-04", "common prosperity for all")
	b := doc("b", "2022-08-20", "扎实推动共同富裕")
	c := doc("c", "", "an undated note")
	if st := ingest(t, dir, big, a, b); st != (store.Stats{Added: 2}) {
		t.Errorf("first ingest stats = %+v, want Added 2", st)
	}
	if st := ingest(t, dir, big, c); st != (store.Stats{Added: 1}) {
		t.Errorf("second ingest stats = %+v, want Added 1", st)
	}
	wantDocs(t, dir, a, b, c)
	if s := openSnap(t, dir); len(s.Segments) != 2 {
		t.Errorf("%d segments, want 2 (one per commit)", len(s.Segments))
	}
}

// TestWriter_Replace covers an id seen before with different content: the
// old document is no longer found, Find gives the new one, the live count
// stays, and Stats says Replaced.
func TestWriter_Replace(t *testing.T) {
	old := doc("x", "2021-05-01", "dynamic clearing must continue")
	new := doc("x", "2022-11-11", "hidden hazards cleared dynamically")
	other := doc("y", "2021-06-01", "dual carbon goals")
	another := doc("z", "2021-07-01", "new quality productive forces")
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, dir string) store.Stats // returns the stats of the replacing run
		segs int                                        // segments afterwards
	}{
		{"NextIngest", func(t *testing.T, dir string) store.Stats {
			ingest(t, dir, big, old, other, another)
			return ingest(t, dir, big, new)
		}, 2},
		{"InsideOneBatch", func(t *testing.T, dir string) store.Stats {
			return ingest(t, dir, big, old, other, new, another)
		}, 1},
		{"OlderSegment", func(t *testing.T, dir string) store.Stats {
			// Each document its own segment; x lives in the oldest of three.
			ingest(t, dir, tiny, old, other, another)
			if s := openSnap(t, dir); len(s.Segments) != 3 {
				t.Fatalf("%d segments before the replacement, want 3", len(s.Segments))
			}
			return ingest(t, dir, tiny, new)
		}, 3},
		{"OlderSegmentSameWriter", func(t *testing.T, dir string) store.Stats {
			return ingest(t, dir, tiny, old, other, another, new)
		}, 3},
		{"PendingSegmentStrict", func(t *testing.T, dir string) store.Stats {
			// Without AutoCommit the old version sits in a written but
			// uncommitted segment when it is replaced.
			return ingest(t, dir, store.Options{SegmentBytes: 1}, old, other, another, new)
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st := tc.run(t, dir)
			if st.Replaced != 1 {
				t.Errorf("stats of the replacing run = %+v, want Replaced 1", st)
			}
			wantDocs(t, dir, new, other, another)
			s := openSnap(t, dir)
			if len(s.Segments) != tc.segs {
				t.Errorf("%d segments, want %d", len(s.Segments), tc.segs)
			}
			// The old version is gone from every segment, not just hidden
			// from Find: no live document has its content.
			for _, g := range s.Segments {
				for d := 0; d < g.N; d++ {
					if g.Deleted.Has(d) || g.ID(d) != "x" {
						continue
					}
					got, err := g.Doc(d)
					if err != nil {
						t.Fatal(err)
					}
					if got.Text != new.Text {
						t.Errorf("live x in %s has text %q", g.Path, got.Text)
					}
				}
			}
			if _, err := store.Check(dir); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestWriter_IdenticalIsNoop(t *testing.T) {
	dir := t.TempDir()
	a := doc("a", "2021-01-04", "common prosperity")
	b := doc("b", "2021-01-05", "共同富裕")
	ingest(t, dir, big, a, b)
	before := openSnap(t, dir).Manifest
	var commits int
	st := ingest(t, dir, store.Options{AutoCommit: true, SegmentBytes: 1, OnCommit: func(store.Commit) { commits++ }}, a, b)
	if st != (store.Stats{Unchanged: 2}) {
		t.Errorf("stats = %+v, want Unchanged 2", st)
	}
	if commits != 0 {
		t.Errorf("%d commits for unchanged documents, want 0", commits)
	}
	after := openSnap(t, dir).Manifest
	if after.Generation != before.Generation {
		t.Errorf("generation %d → %d, want no new commit", before.Generation, after.Generation)
	}
	if got := files(t, dir, ".seg", ".del"); len(got) != 1 {
		t.Errorf("files %v, want the one segment", got)
	}
	wantDocs(t, dir, a, b)
}

func TestWriter_AbortKeepsLastCommit(t *testing.T) {
	dir := t.TempDir()
	a := doc("a", "2021-01-04", "common prosperity")
	b := doc("b", "2021-01-05", "共同富裕")
	ingest(t, dir, big, a, b)
	gen := openSnap(t, dir).Manifest.Generation
	want := files(t, dir, ".seg", ".del")

	w := openWriter(t, dir, big)
	a2 := doc("a", "2024-01-01", "replaced, then aborted")
	c := doc("c", "2022-02-02", "added, then aborted")
	for _, d := range []corpus.Document{a2, c} {
		if _, err := w.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	if st := w.Stats(); st != (store.Stats{}) {
		t.Errorf("stats after Abort = %+v, want the committed (zero) stats", st)
	}
	wantDocs(t, dir, a, b)
	if g := openSnap(t, dir).Manifest.Generation; g != gen {
		t.Errorf("generation %d after Abort, want %d", g, gen)
	}

	// The writer goes on from the last commit: a is still the old a, so
	// adding it again is a no-op, and d is new.
	d := doc("d", "2023-03-03", "after the abort")
	for _, x := range []corpus.Document{a, d} {
		if _, err := w.Add(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st != (store.Stats{Added: 1, Unchanged: 1}) {
		t.Errorf("stats after Abort, Add, Commit = %+v, want Added 1 Unchanged 1", st)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wantDocs(t, dir, a, b, d)
	if got := files(t, dir, ".seg", ".del"); len(got) != len(want)+1 {
		t.Errorf("files %v, want %v and one new segment", got, want)
	}
}

func TestWriter_AbortDropsPendingSegments(t *testing.T) {
	dir := t.TempDir()
	a := doc("a", "2021-01-04", "common prosperity")
	ingest(t, dir, big, a)
	want := files(t, dir, ".seg", ".del")
	w := openWriter(t, dir, store.Options{SegmentBytes: 1})
	for i := 0; i < 5; i++ {
		if _, err := w.Add(doc(fmt.Sprint("p", i), "2022-01-01", "pending")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Add(doc("a", "2022-01-01", "pending replacement")); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if got := files(t, dir, ".seg", ".del", ".tmp"); !slices.Equal(got, want) {
		t.Errorf("files after Abort %v, want %v", got, want)
	}
	wantDocs(t, dir, a)
}

// TestWriter_StrictCommitsNothing: without AutoCommit nothing is visible
// until Commit, however many segments are written meanwhile.
func TestWriter_StrictCommitsNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first []corpus.Document // committed before
	}{
		{"NewIndex", nil},
		{"ExistingIndex", []corpus.Document{doc("old", "2020-01-01", "already there")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.first != nil {
				ingest(t, dir, big, tc.first...)
			}
			commits := 0
			w := openWriter(t, dir, store.Options{SegmentBytes: 1, OnCommit: func(store.Commit) { commits++ }})
			var docs []corpus.Document
			for i := 0; i < 10; i++ {
				d := doc(fmt.Sprintf("s%02d", i), "2022-01-01", fmt.Sprint("strict document ", i))
				docs = append(docs, d)
				if _, err := w.Add(d); err != nil {
					t.Fatal(err)
				}
			}
			if commits != 0 {
				t.Errorf("%d commits before Commit", commits)
			}
			if tc.first == nil {
				if _, err := store.Open(dir); !errors.Is(err, store.ErrNoIndex) {
					t.Errorf("store.Open before Commit: %v, want ErrNoIndex", err)
				}
			} else {
				wantDocs(t, dir, tc.first...)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			if commits != 1 {
				t.Errorf("%d commits, want 1", commits)
			}
			wantDocs(t, dir, append(tc.first, docs...)...)
		})
	}
}

func TestWriter_CompactMergesSmallSegments(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opt     store.Options
		replace int  // documents replaced before compacting
		merge   bool // false: every segment is full, nothing to merge
	}{
		{"ManySmall", big, 0, true},
		{"ManySmallWithDeletions", big, 4, true},
		// Segments already at their target size are not rewritten (they
		// would come out as many again).
		{"FullSegments", tiny, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w := openWriter(t, dir, tc.opt)
			live := map[string]corpus.Document{}
			// Twelve commits of two documents: twelve small segments.
			for i := 0; i < 12; i++ {
				for j := 0; j < 2; j++ {
					d := doc(fmt.Sprintf("d%02d-%d", i, j), fmt.Sprintf("2021-%02d-%02d", i+1, j+10),
						fmt.Sprintf("segment %d document %d, 共同富裕 %d, common prosperity", i, j, i*j))
					d.Meta = map[string]string{"province": "Heilongjiang", "n": fmt.Sprint(i)}
					live[d.ID] = d
					if _, err := w.Add(d); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < tc.replace; i++ {
				d := live[fmt.Sprintf("d%02d-0", i)]
				d.Text += " (revised)"
				live[d.ID] = d
				if _, err := w.Add(d); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			before := openSnap(t, dir)
			nBefore := len(before.Segments)
			if nBefore <= 8 {
				t.Fatalf("%d segments before Compact, want more than 8", nBefore)
			}
			oldFiles := files(t, dir, ".seg", ".del")
			merged, err := w.Compact(context.Background())
			if err != nil {
				t.Fatalf("Compact: %v", err)
			}
			after := openSnap(t, dir)
			if tc.merge {
				if merged < 2 {
					t.Errorf("Compact merged %d segments, want at least 2", merged)
				}
				if len(after.Segments) >= nBefore {
					t.Errorf("%d segments after Compact, %d before", len(after.Segments), nBefore)
				}
			} else {
				if merged != 0 || after.Manifest.Generation != before.Manifest.Generation {
					t.Errorf("Compact of full segments merged %d (generation %d → %d), want no merge",
						merged, before.Manifest.Generation, after.Manifest.Generation)
				}
			}
			var docs []corpus.Document
			for _, d := range live {
				docs = append(docs, d)
			}
			wantDocs(t, dir, docs...)
			if rep, err := store.Check(dir); err != nil {
				t.Errorf("Check after Compact: %v", err)
			} else if rep.Live != len(live) || rep.Docs != len(live) {
				t.Errorf("Check: %d docs, %d live; want %d, all live (deleted documents are dropped by the merge)", rep.Docs, rep.Live, len(live))
			}
			// The merged segments' files are gone; the files on disk are
			// exactly those the manifest names.
			var named []string
			for _, sm := range after.Manifest.Segments {
				named = append(named, sm.File)
				if sm.DeletedFile != "" {
					named = append(named, sm.DeletedFile)
				}
			}
			slices.Sort(named)
			if got := files(t, dir, ".seg", ".del", ".tmp"); !slices.Equal(got, named) {
				t.Errorf("files on disk %v, manifest names %v (before compaction: %v)", got, named, oldFiles)
			}
			// A snapshot opened before the merge still reads its documents.
			for _, d := range live {
				if g, i, ok := before.Find(d.ID); ok {
					if _, err := g.Doc(i); err != nil {
						t.Errorf("old snapshot, Doc(%s) after Compact: %v", d.ID, err)
					}
				}
			}
		})
	}
}

func TestWriter_FullyReplacedSegmentDisappears(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  store.Options
	}{
		{"OwnSegment", tiny},
		{"TwoDocsSegment", big},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a := doc("a", "2021-01-01", "first a")
			b := doc("b", "2021-01-02", "first b")
			c := doc("c", "2021-01-03", "c")
			ingest(t, dir, tc.opt, a, b)
			ingest(t, dir, tc.opt, c)
			s := openSnap(t, dir)
			first := s.Manifest.Segments[0].File
			if g, _, _ := s.Find("a"); filepath.Base(g.Path) != first {
				t.Fatalf("a is in %s, want the first segment %s", g.Path, first)
			}
			// Replace a, commit (a partly deleted segment in the tiny
			// case is not possible: a is alone), then b.
			a2 := doc("a", "2021-01-01", "second a")
			b2 := doc("b", "2021-01-02", "second b")
			ingest(t, dir, tc.opt, a2)
			st := ingest(t, dir, tc.opt, b2)
			if st.Replaced != 1 {
				t.Errorf("stats %+v, want Replaced 1", st)
			}
			after := openSnap(t, dir)
			for _, sm := range after.Manifest.Segments {
				if sm.File == first {
					t.Errorf("manifest still names %s, whose documents were all replaced: %+v", first, sm)
				}
				if strings.HasPrefix(sm.DeletedFile, strings.TrimSuffix(first, ".seg")+"-") {
					t.Errorf("manifest names deletion file %s of the dropped segment", sm.DeletedFile)
				}
			}
			for _, f := range files(t, dir, ".seg", ".del") {
				if strings.HasPrefix(f, strings.TrimSuffix(first, ".seg")) {
					t.Errorf("file %s of the dropped segment is still on disk", f)
				}
			}
			wantDocs(t, dir, a2, b2, c)
			if _, err := store.Check(dir); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestWriter_OpenRemovesStaleFiles(t *testing.T) {
	dir := t.TempDir()
	a := doc("a", "2021-01-01", "a")
	b := doc("b", "2021-01-02", "b")
	ingest(t, dir, big, a, b)
	ingest(t, dir, big, doc("a", "2021-01-01", "a revised"))
	s := openSnap(t, dir)
	var keep []string
	for _, sm := range s.Manifest.Segments {
		keep = append(keep, sm.File)
		if sm.DeletedFile != "" {
			keep = append(keep, sm.DeletedFile)
		}
	}
	if len(keep) != 3 {
		t.Fatalf("manifest names %v, want two segments and a deletion file", keep)
	}
	keep = append(keep, "LOCK", "MANIFEST")
	slices.Sort(keep)
	stale := []string{"000099.seg", "000001-77.del", "000099-3.del", "MANIFEST.tmp", "000100.seg.tmp", "000001-9.del.tmp"}
	for _, name := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("left over by a crash"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A reader does not clean up.
	if _, err := store.Check(dir); err != nil {
		t.Fatalf("Check with stale files: %v", err)
	}
	w := openWriter(t, dir, big)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, keep) {
		t.Errorf("files after OpenWriter %v, want %v", got, keep)
	}
	w.Close()
	wantDocs(t, dir, doc("a", "2021-01-01", "a revised"), b)
}

func TestWriter_SecondWriterLocked(t *testing.T) {
	dir := t.TempDir()
	ingest(t, dir, big, doc("a", "2021-01-01", "a"))
	w := openWriter(t, dir, big)
	if w2, err := store.OpenWriter(dir, big); !errors.Is(err, store.ErrLocked) {
		if err == nil {
			w2.Close()
		}
		t.Fatalf("second OpenWriter: %v, want ErrLocked", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w3, err := store.OpenWriter(dir, big)
	if err != nil {
		t.Fatalf("OpenWriter after the first closed: %v", err)
	}
	w3.Close()
}

func TestWriter_ReadersWhileWriterOpen(t *testing.T) {
	dir := t.TempDir()
	a := doc("a", "2021-01-01", "a")
	ingest(t, dir, big, a)
	w := openWriter(t, dir, big)
	b := doc("b", "2021-01-02", "b")
	if _, err := w.Add(b); err != nil {
		t.Fatal(err)
	}
	// A reader sees the last commit while the writer holds the lock.
	s1 := openSnap(t, dir)
	if got := liveIDs(s1); !slices.Equal(got, []string{"a"}) {
		t.Errorf("reader during the write sees %v, want [a]", got)
	}
	if _, err := store.Check(dir); err != nil {
		t.Errorf("Check while a writer is open: %v", err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	wantDocs(t, dir, a, b)
	// The older snapshot stays valid after the commit.
	if got := stored(t, s1, "a"); got.Text != "a" {
		t.Errorf("old snapshot reads a = %+v", got)
	}
	if _, _, ok := s1.Find("b"); ok {
		t.Error("old snapshot finds b, committed after it was opened")
	}
}

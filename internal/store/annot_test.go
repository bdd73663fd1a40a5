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
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/vfs"
)

// wordCount is an annotator whose records say how many times a document
// says "prosperity" (none when zero); version v prefixes them with v.
func wordCount(v int) store.Annotator {
	return store.Annotator{Kind: "pc", Version: v, Annotate: func(d *corpus.Document) []byte {
		n := strings.Count(d.Title+" "+d.Text, "prosperity")
		if n == 0 {
			return nil
		}
		return fmt.Appendf(nil, "v%d:%s:%d", v, d.ID, n)
	}}
}

func annotDocs(n int) []corpus.Document {
	var docs []corpus.Document
	for i := 0; i < n; i++ {
		text := strings.Repeat(fmt.Sprintf("Item %d of the invented readout. ", i), 1+i%5)
		if i%3 != 0 {
			text += strings.Repeat("common prosperity ", i%4)
		}
		docs = append(docs, doc(fmt.Sprintf("a-%03d", i), fmt.Sprintf("2021-%02d-%02d", 1+i%12, 1+i%28), text))
	}
	return docs
}

// annotRecords reads every live document's record of kind: id → record,
// and checks that each equals what a computes from the stored document.
func annotRecords(t *testing.T, s *store.Snapshot, a store.Annotator) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, g := range s.Segments {
		ann, err := g.Annotations(a.Kind)
		if err != nil {
			t.Fatal(err)
		}
		if ann == nil {
			t.Fatalf("segment %s: no %q records", g.Path, a.Kind)
		}
		if v := g.AnnotationVersion(a.Kind); v != a.Version {
			t.Errorf("segment %s: records of version %d, want %d", g.Path, v, a.Version)
		}
		err = ann.Each(func(i int, rec []byte) bool {
			if g.Deleted.Has(i) {
				return true
			}
			d, err := g.Doc(i)
			if err != nil {
				t.Fatal(err)
			}
			if want := a.Annotate(&d); string(rec) != string(want) {
				t.Errorf("%s: record %q, want %q", d.ID, rec, want)
			}
			if one, err := ann.Get(i); err != nil || string(one) != string(rec) {
				t.Errorf("%s: Get %q %v, Each %q", d.ID, one, err, rec)
			}
			got[d.ID] = string(rec)
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// TestAnnotations_IngestReplaceMerge: every segment written by ingest and
// by a merge gets its records; replaced documents' records follow them;
// files of dropped segments go; Check verifies the sidecars.
func TestAnnotations_IngestReplaceMerge(t *testing.T) {
	dir := t.TempDir()
	a := wordCount(1)
	opt := store.Options{AutoCommit: true, SegmentBytes: 2000, Annotators: []store.Annotator{a}}
	docs := annotDocs(300)
	ingest(t, dir, opt, docs...)
	s := openSnap(t, dir)
	if len(s.Segments) < 3 {
		t.Fatalf("%d segments, want several", len(s.Segments))
	}
	recs := annotRecords(t, s, a)
	if len(recs) != len(docs) {
		t.Fatalf("%d records read, want %d", len(recs), len(docs))
	}
	// Replace a third of the documents (some lose their records), then
	// merge.
	var repl []corpus.Document
	for i := 0; i < len(docs); i += 3 {
		d := docs[i]
		d.Text = "Revised: common prosperity and prosperity. " + d.Text
		if i%2 == 0 {
			d.Text = "Revised without it."
		}
		repl = append(repl, d)
	}
	ingest(t, dir, opt, repl...)
	w := openWriter(t, dir, store.Options{SegmentBytes: 1 << 20, Annotators: []store.Annotator{a}})
	n, err := w.Compact(context.Background())
	if err != nil || n < 2 {
		t.Fatalf("Compact merged %d segments, err %v", n, err)
	}
	w.Close()
	s = openSnap(t, dir)
	recs = annotRecords(t, s, a)
	if len(recs) != len(docs) {
		t.Fatalf("after replacing and merging: %d records, want %d", len(recs), len(docs))
	}
	if rep, err := store.Check(dir); err != nil {
		t.Fatalf("Check: %v (%+v)", err, rep)
	}
	named := map[string]bool{}
	for _, sm := range s.Manifest.Segments {
		for _, am := range sm.Annotations {
			named[am.File] = true
		}
	}
	for _, f := range files(t, dir, ".ann") {
		if !named[f] {
			t.Errorf("annotation file %s is named by no segment", f)
		}
	}
	if len(named) != len(s.Segments) {
		t.Errorf("%d annotation files for %d segments", len(named), len(s.Segments))
	}
}

// TestAnnotations_Reannotate: an index written without the annotator gets
// records from Reannotate, a new version replaces them, and the same
// version again writes nothing.
func TestAnnotations_Reannotate(t *testing.T) {
	dir := t.TempDir()
	docs := annotDocs(120)
	ingest(t, dir, store.Options{AutoCommit: true, SegmentBytes: 3000}, docs...)
	s := openSnap(t, dir)
	if ann, err := s.Segments[0].Annotations("pc"); ann != nil || err != nil {
		t.Fatalf("records before any annotator: %v %v", ann, err)
	}
	for _, v := range []int{1, 2} {
		a := wordCount(v)
		w := openWriter(t, dir, store.Options{Annotators: []store.Annotator{a}})
		var calls int
		n, err := w.Reannotate(false, func(done, total int) { calls++ })
		if err != nil || n != len(s.Segments) || calls != n {
			t.Fatalf("version %d: Reannotate wrote %d sidecars (%d progress calls), err %v; want %d", v, n, calls, err, len(s.Segments))
		}
		if n, err := w.Reannotate(false, nil); n != 0 || err != nil {
			t.Fatalf("version %d again: %d sidecars, %v", v, n, err)
		}
		w.Close()
		got := annotRecords(t, openSnap(t, dir), a)
		if len(got) != len(docs) {
			t.Fatalf("version %d: %d records", v, len(got))
		}
		if len(files(t, dir, ".ann")) != len(s.Segments) {
			t.Errorf("version %d: annotation files %v", v, files(t, dir, ".ann"))
		}
	}
	if _, err := store.Check(dir); err != nil {
		t.Fatal(err)
	}
}

// TestAnnotations_Corrupt flips every bit of a sidecar: Check reports
// each as corruption naming the file, and reading the records fails or
// gives the same records, never others.
func TestAnnotations_Corrupt(t *testing.T) {
	dir := t.TempDir()
	a := wordCount(1)
	ingest(t, dir, store.Options{AutoCommit: true, Annotators: []store.Annotator{a}}, annotDocs(40)...)
	want := annotRecords(t, openSnap(t, dir), a)
	anns := files(t, dir, ".ann")
	if len(anns) != 1 {
		t.Fatalf("annotation files %v", anns)
	}
	pristine := memCopy(t, dir)
	path := filepath.Join(crashDir, anns[0])
	orig, err := pristine.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	offs := bitOffsets(len(orig), os.Getenv("TIFA_CORRUPT_ALL") != "")
	if testing.Short() {
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
			flips++
			_, err := store.CheckFS(m, crashDir)
			if !errors.Is(err, index.ErrCorrupt) && !errors.Is(err, store.ErrNewerVersion) || !strings.Contains(err.Error(), anns[0]) {
				t.Fatalf("byte %d bit %d: Check says %v", off, bit, err)
			}
			if err := sameRecords(m, a, want); err != nil {
				t.Fatalf("byte %d bit %d: %v", off, bit, err)
			}
		}
	}
	t.Logf("%d flips of %s (%d bytes), each detected", flips, anns[0], len(orig))
	// A missing or zero-length sidecar is named too.
	for _, damage := range []string{"missing", "empty"} {
		m := pristine.Clone()
		if damage == "missing" {
			m.Remove(path)
		} else {
			m.WriteFile(path, nil)
		}
		if _, err := store.CheckFS(m, crashDir); err == nil || !strings.Contains(err.Error(), anns[0]) {
			t.Errorf("%s sidecar: Check says %v", damage, err)
		}
	}
}

// sameRecords reads the records of the index on m: an error, or exactly
// want.
func sameRecords(m vfs.FS, a store.Annotator, want map[string]string) error {
	s, err := store.OpenFS(m, crashDir)
	if err != nil {
		return nil
	}
	defer s.Close()
	for _, g := range s.Segments {
		ann, err := g.Annotations(a.Kind)
		if err != nil {
			return nil
		}
		var bad error
		if err := ann.Each(func(i int, rec []byte) bool {
			if id := g.ID(i); want[id] != string(rec) {
				bad = fmt.Errorf("%s: record %q read without an error, want %q", id, rec, want[id])
				return false
			}
			return true
		}); err != nil {
			return nil
		}
		if bad != nil {
			return bad
		}
	}
	return nil
}

// TestMasked: a masked view hides documents from every reader and leaves
// the snapshot it comes from as it was.
func TestMasked(t *testing.T) {
	dir := t.TempDir()
	docs := annotDocs(100)
	ingest(t, dir, store.Options{AutoCommit: true, SegmentBytes: 2500}, docs...)
	s := openSnap(t, dir)
	odd := s.Masked(func(seg, doc int) bool {
		id := s.Segments[seg].ID(doc)
		return id[len(id)-1]%2 == 1
	})
	if odd.Docs() != 50 || s.Docs() != 100 {
		t.Fatalf("masked view %d documents, snapshot %d", odd.Docs(), s.Docs())
	}
	if _, _, ok := odd.Find("a-001"); ok {
		t.Error("a hidden document is found in the view")
	}
	if _, _, ok := s.Find("a-001"); !ok {
		t.Error("the snapshot lost a document to its view")
	}
	if _, _, ok := odd.Find("a-002"); !ok {
		t.Error("a shown document is missing from the view")
	}
	if err := odd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Segments[0].Doc(0); err != nil {
		t.Fatalf("the snapshot after closing its view: %v", err)
	}
}

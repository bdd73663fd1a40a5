package store_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/store"
)

// doc returns an invented document; text is its body.
func doc(id, date, text string) corpus.Document {
	return corpus.Document{ID: id, Date: date, Source: "Test Daily (invented)", Title: "Title of " + id, Text: text, Lang: "en"}
}

// openWriter opens a writer on dir and closes it when the test ends.
func openWriter(t *testing.T, dir string, opt store.Options) *store.Writer {
	t.Helper()
	w, err := store.OpenWriter(dir, opt)
	if err != nil {
		t.Fatalf("OpenWriter(%s): %v", dir, err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// ingest adds docs with a fresh writer, commits, closes, and returns the
// writer's stats.
func ingest(t *testing.T, dir string, opt store.Options, docs ...corpus.Document) store.Stats {
	t.Helper()
	w, err := store.OpenWriter(dir, opt)
	if err != nil {
		t.Fatalf("OpenWriter(%s): %v", dir, err)
	}
	defer w.Close()
	for _, d := range docs {
		if _, err := w.Add(d); err != nil {
			t.Fatalf("Add(%s): %v", d.ID, err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return w.Stats()
}

// openSnap opens the committed index in dir, closed at the end of the test.
func openSnap(t *testing.T, dir string) *store.Snapshot {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatalf("store.Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// stored returns the stored document id of snapshot s, failing the test
// when it is not live.
func stored(t *testing.T, s *store.Snapshot, id string) corpus.Document {
	t.Helper()
	g, i, ok := s.Find(id)
	if !ok {
		t.Fatalf("Find(%q): not found", id)
	}
	d, err := g.Doc(i)
	if err != nil {
		t.Fatalf("Doc(%q): %v", id, err)
	}
	return d
}

// liveIDs returns the sorted ids of every live document of s.
func liveIDs(s *store.Snapshot) []string {
	var ids []string
	for _, g := range s.Segments {
		for d := 0; d < g.N; d++ {
			if !g.Deleted.Has(d) {
				ids = append(ids, g.ID(d))
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// wantDocs checks that the live documents of dir are exactly docs, with
// identical stored content, and that Docs counts them.
func wantDocs(t *testing.T, dir string, docs ...corpus.Document) {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatalf("store.Open(%s): %v", dir, err)
	}
	defer s.Close()
	var want []string
	for _, d := range docs {
		want = append(want, d.ID)
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, liveIDs(s), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("live ids (-want +got):\n%s", diff)
	}
	if s.Docs() != len(docs) {
		t.Errorf("Snapshot.Docs() = %d, want %d", s.Docs(), len(docs))
	}
	for _, d := range docs {
		if diff := cmp.Diff(d, stored(t, s, d.ID), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("stored %s (-want +got):\n%s", d.ID, diff)
		}
	}
}

// files returns the names in dir with one of the suffixes, sorted.
func files(t *testing.T, dir string, suffixes ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		for _, s := range suffixes {
			if strings.HasSuffix(e.Name(), s) {
				out = append(out, e.Name())
				break
			}
		}
	}
	return out
}

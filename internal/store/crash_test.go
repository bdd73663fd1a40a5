package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/vfs"
)

// The crash tests run an ingest on vfs.Mem, a file system that keeps only
// what was synced, and crash it at every operation that makes something
// durable (each file sync, directory sync and rename), one crash per run.
// After each crash the index must open to the last acknowledged commit
// (or the one being made, if its manifest got durable before the crash),
// with every one of its documents and their exact content, store.Check
// must pass, and a new writer must finish the ingest. Unlike kill -9,
// which leaves the kernel's page cache intact, this also drops writes the
// store forgot to sync, file or directory.

const crashDir = "/idx"

// crashDocs returns the documents of the crash ingest, in order: thirty
// new ones, then replacements of eight of them, two identical repeats and
// eight more new ones.
func crashDocs() []corpus.Document {
	words := []string{"common prosperity", "共同富裕", "dynamic clearing", "动态清零", "high-quality development", "高质量发展", "new quality productive forces"}
	var docs []corpus.Document
	for i := 0; i < 30; i++ {
		var b strings.Builder
		for k := 0; k < 8; k++ {
			fmt.Fprintf(&b, "Paragraph %d of item %d on %s. ", k, i, words[(i+k)%len(words)])
		}
		docs = append(docs, doc(fmt.Sprintf("c-%02d", i), fmt.Sprintf("20%02d-%02d-%02d", 18+i%7, 1+i%12, 1+i%28), b.String()))
	}
	for i := 0; i < 8; i++ {
		d := docs[3*i]
		d.Text += " Revised: " + words[i%len(words)]
		docs = append(docs, d)
	}
	docs = append(docs, docs[1], docs[2]) // identical: no-ops
	for i := 30; i < 38; i++ {
		docs = append(docs, doc(fmt.Sprintf("c-%02d", i), "", fmt.Sprintf("Undated note %d on %s.", i, words[i%len(words)])))
	}
	return docs
}

// crashRun is one ingest of docs on fsys, in three writer sessions: the
// first thirty documents in small auto-committed segments, then the rest
// (replacements make deletion files, and segments mostly replaced get
// merged), then a compaction with a large segment budget that merges the
// small segments. given counts the documents handed to Add; acked is set
// to given at each acknowledged commit. It returns the first error.
type crashRun struct {
	given, acked int
	merged       int
	// before, if set, is called before each session (0, 1, 2).
	before func(session int)
}

func (r *crashRun) run(fsys vfs.FS, docs []corpus.Document) error {
	small := store.Options{AutoCommit: true, SegmentBytes: 1500, FS: fsys, OnCommit: func(store.Commit) { r.acked = r.given }, Annotators: []store.Annotator{crashAnnotator}}
	large := small
	large.SegmentBytes = 1 << 20
	for i, s := range []struct {
		opt  store.Options
		docs []corpus.Document
	}{{small, docs[:30]}, {small, docs[30:]}, {large, nil}} {
		if r.before != nil {
			r.before(i)
		}
		w, err := store.OpenWriter(crashDir, s.opt)
		if err != nil {
			return err
		}
		// As tifa ingest: on an error, Abort and Close.
		for _, d := range s.docs {
			r.given++
			if _, err := w.Add(d); err != nil {
				w.Abort()
				w.Close()
				return err
			}
		}
		if err := w.Commit(); err != nil {
			w.Close()
			return err
		}
		n, err := w.Compact(context.Background())
		r.merged += n
		w.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// crashAnnotator gives the crash ingests a sidecar per segment: the
// length of the text of documents on 共同富裕.
var crashAnnotator = store.Annotator{Kind: "len", Version: 1, Annotate: func(d *corpus.Document) []byte {
	if !strings.Contains(d.Text, "共同富裕") {
		return nil
	}
	return fmt.Appendf(nil, "%d", len(d.Text))
}}

// expected returns id → content hash of the live documents after the
// first m of docs.
func expected(docs []corpus.Document, m int) map[string]uint64 {
	want := map[string]uint64{}
	for i := range docs[:m] {
		want[docs[i].ID] = index.ContentHash(&docs[i])
	}
	return want
}

// liveHashes returns id → content hash of the live documents of the index
// on fsys, after reading every stored document back.
func liveHashes(fsys vfs.FS) (map[string]uint64, error) {
	s, err := store.OpenFS(fsys, crashDir)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	got := map[string]uint64{}
	for _, g := range s.Segments {
		ann, err := g.Annotations(crashAnnotator.Kind)
		if err != nil {
			return nil, err
		}
		if ann == nil {
			return nil, fmt.Errorf("segment %s has no %q annotations", g.Path, crashAnnotator.Kind)
		}
		for i := 0; i < g.N; i++ {
			if g.Deleted.Has(i) {
				continue
			}
			d, err := g.Doc(i)
			if err != nil {
				return nil, err
			}
			rec, err := ann.Get(i)
			if err != nil {
				return nil, err
			}
			if want := crashAnnotator.Annotate(&d); string(rec) != string(want) {
				return nil, fmt.Errorf("document %s: annotation %q, want %q", d.ID, rec, want)
			}
			if h := index.ContentHash(&d); h != g.Hashes[i] {
				return nil, fmt.Errorf("document %s: stored content hashes to %x, DOCS says %x", d.ID, h, g.Hashes[i])
			}
			if _, dup := got[d.ID]; dup {
				return nil, fmt.Errorf("document %s live twice", d.ID)
			}
			got[d.ID] = g.Hashes[i]
		}
	}
	return got, nil
}

// verifyRecovered checks the index on fsys after a crash: it is the state
// after the first m documents for some m in ms, and Check passes.
func verifyRecovered(fsys vfs.FS, docs []corpus.Document, ms ...int) error {
	got, err := liveHashes(fsys)
	if errors.Is(err, store.ErrNoIndex) && slices.Contains(ms, 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open after the crash: %w", err)
	}
	if _, err := store.CheckFS(fsys, crashDir); err != nil {
		return fmt.Errorf("check after the crash: %w", err)
	}
	for _, m := range ms {
		if maps.Equal(got, expected(docs, m)) {
			return nil
		}
	}
	want := expected(docs, ms[0])
	var lost []string
	for id, h := range want {
		if got[id] != h {
			lost = append(lost, id)
		}
	}
	slices.Sort(lost)
	return fmt.Errorf("%d live documents, want the state after %v documents; acknowledged documents missing or different: %v", len(got), ms, lost)
}

// finish reopens the crashed index, ingests every document, and checks
// that the index then holds all of them and no file it does not name.
func finish(fsys vfs.FS, docs []corpus.Document) error {
	w, err := store.OpenWriter(crashDir, store.Options{AutoCommit: true, SegmentBytes: 1500, FS: fsys, Annotators: []store.Annotator{crashAnnotator}})
	if err != nil {
		return fmt.Errorf("reopen after the crash: %w", err)
	}
	defer w.Close()
	for _, d := range docs {
		if _, err := w.Add(d); err != nil {
			return err
		}
	}
	if err := w.Commit(); err != nil {
		return err
	}
	if err := verifyRecovered(fsys, docs, len(docs)); err != nil {
		return fmt.Errorf("after finishing the ingest: %w", err)
	}
	s, err := store.OpenFS(fsys, crashDir)
	if err != nil {
		return err
	}
	defer s.Close()
	named := map[string]bool{"MANIFEST": true, "LOCK": true}
	for _, sm := range s.Manifest.Segments {
		named[sm.File], named[sm.DeletedFile] = true, true
		for _, a := range sm.Annotations {
			named[a.File] = true
		}
	}
	ents, err := fsys.ReadDir(crashDir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !named[e.Name()] {
			return fmt.Errorf("stale file %s left after the recovered ingest", e.Name())
		}
	}
	return nil
}

func isDurable(op vfs.Op) bool {
	return op.Kind == vfs.OpSync || op.Kind == vfs.OpSyncDir || op.Kind == vfs.OpRename
}

// TestCrash_EverySyncAndRename crashes the ingest at its k-th sync or
// rename, for every k.
func TestCrash_EverySyncAndRename(t *testing.T) {
	testCrashAt(t, isDurable)
}

// TestCrash_EveryMutation crashes the ingest after every operation that
// changes the file system but a write (creations, removals, mkdir too).
func TestCrash_EveryMutation(t *testing.T) {
	if testing.Short() {
		t.Skip("every mutation: skipped in -short mode")
	}
	testCrashAt(t, func(op vfs.Op) bool { return op.Kind != vfs.OpWrite })
}

// TestCrash_PartialWriteback crashes at every sync or rename as above, but
// each crash keeps a random part of what was not synced (directory entries
// independently, file writes in full, in part or not at all), as a disk
// that wrote back some of its cache in its own order: this is what catches
// a missing directory sync between two renames.
func TestCrash_PartialWriteback(t *testing.T) {
	seeds := 4
	if testing.Short() {
		seeds = 1
	}
	for seed := range seeds {
		testCrashAt(t, isDurable, uint64(seed+1))
	}
}

func testCrashAt(t *testing.T, match func(vfs.Op) bool, seeds ...uint64) {
	docs := crashDocs()
	dry := vfs.NewMem()
	var r crashRun
	if err := r.run(dry, docs); err != nil {
		t.Fatalf("ingest without a crash: %v", err)
	}
	if err := verifyRecovered(dry, docs, len(docs)); err != nil {
		t.Fatalf("ingest without a crash: %v", err)
	}
	if r.merged < 3 {
		t.Fatalf("the ingest merged %d segments: the fixture must merge", r.merged)
	}
	total, dels := 0, 0
	for _, op := range dry.Log() {
		if match(op) {
			total++
		}
		if op.Kind == vfs.OpRename && strings.HasSuffix(op.Path, ".del") {
			dels++
		}
	}
	if dels == 0 {
		t.Fatal("the ingest wrote no deletion file")
	}
	for k := 1; k <= total; k++ {
		fsys := vfs.NewMem()
		fsys.CrashAfter(k, match)
		if len(seeds) > 0 {
			fsys.SetPartialCrash(rand.New(rand.NewPCG(seeds[0], uint64(k))))
		}
		var r crashRun
		err := r.run(fsys, docs)
		if !fsys.Crashed() {
			t.Fatalf("crash point %d of %d not reached (err %v)", k, total, err)
		}
		if err != nil && !errors.Is(err, vfs.ErrCrashed) {
			// nil: the crash came after the last operation whose error
			// the ingest checks (removing obsolete files).
			t.Fatalf("crash point %d: ingest error %v, want the crash", k, err)
		}
		log := fsys.Log()
		at := log[len(log)-1]
		fsys.Restart()
		if err := verifyRecovered(fsys, docs, r.acked, r.given); err != nil {
			t.Fatalf("crash after %v (point %d of %d, %d documents acknowledged, %d given): %v", at, k, total, r.acked, r.given, err)
		}
		if err := finish(fsys, docs); err != nil {
			t.Fatalf("crash after %v (point %d of %d): %v", at, k, total, err)
		}
	}
	t.Logf("%d crash points, %d segments merged by the ingest", total, r.merged)
}

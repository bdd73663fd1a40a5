package store_test

import (
	"errors"
	"path"
	"strings"
	"syscall"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/vfs"
)

// The out-of-disk tests fail one operation with ENOSPC, as a full disk
// does, and require that the ingest fails with an error that says so and
// names the file, that the index stays at its last commit (readable, Check
// passing, every acknowledged document there), that no temporary file is
// left, and that once there is space again a new writer finishes.

// TestENOSPC_Named fails the writes of one kind of file: a segment of the
// ingest, a segment written by a merge, a deletion file, the manifest.
func TestENOSPC_Named(t *testing.T) {
	docs := crashDocs()
	for _, tc := range []struct {
		name    string
		file    string // glob of the file whose writes fail
		session int    // of crashRun: 0 and 1 ingest, 2 merges only
		want    string // in the error
	}{
		{"SegmentWrite", "*.seg.tmp", 1, "write segment"},
		{"MergeSegmentWrite", "*.seg.tmp", 2, "write segment"},
		{"DeletionFileWrite", "*.del.tmp", 1, "write deletions"},
		{"ManifestWrite", "MANIFEST.tmp", 1, "commit"},
		{"FirstManifestWrite", "MANIFEST.tmp", 0, "commit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := vfs.NewMem()
			r := &crashRun{before: func(session int) {
				if session == tc.session {
					fsys.SetHook(func(op vfs.Op) error {
						if ok, _ := path.Match(tc.file, path.Base(op.Path)); ok && op.Kind == vfs.OpWrite {
							return syscall.ENOSPC
						}
						return nil
					})
				}
			}}
			err := r.run(fsys, docs)
			switch {
			case err == nil:
				t.Fatal("ingest succeeded on a full disk")
			case !errors.Is(err, syscall.ENOSPC):
				t.Fatalf("error %q is not ENOSPC", err)
			case !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), crashDir+"/") || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q does not say %q, name the file and say no space left", err, tc.want)
			}
			t.Logf("%s: %v", tc.name, err)
			fsys.SetHook(nil)
			afterFailure(t, fsys, docs, r)
		})
	}
}

// TestENOSPC_EveryOperation fails the k-th operation that writes (create,
// write, sync, rename, mkdir, directory sync) with ENOSPC, for every k.
func TestENOSPC_EveryOperation(t *testing.T) {
	docs := crashDocs()
	dry := vfs.NewMem()
	var r0 crashRun
	if err := r0.run(dry, docs); err != nil {
		t.Fatal(err)
	}
	writes := func(op vfs.Op) bool { return op.Kind != vfs.OpRemove }
	total := 0
	for _, op := range dry.Log() {
		if writes(op) {
			total++
		}
	}
	failed := 0
	for k := 1; k <= total; k++ {
		fsys := vfs.NewMem()
		n := 0
		var at vfs.Op
		fsys.SetHook(func(op vfs.Op) error {
			if writes(op) {
				if n++; n == k {
					at = op
					return syscall.ENOSPC
				}
			}
			return nil
		})
		r := &crashRun{}
		err := r.run(fsys, docs)
		fsys.SetHook(nil)
		if err == nil {
			t.Fatalf("ENOSPC at %v (operation %d of %d): the ingest succeeded", at, k, total)
		}
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device") {
			t.Fatalf("ENOSPC at %v: error %q does not say so", at, err)
		}
		failed++
		afterFailure(t, fsys, docs, r)
		if t.Failed() {
			t.Fatalf("ENOSPC at %v (operation %d of %d)", at, k, total)
		}
	}
	t.Logf("%d operations failed with ENOSPC, one per run", failed)
}

// afterFailure checks the index after an ingest failed without a crash:
// it holds the last acknowledged commit (or the one being made, if only
// its last directory sync failed), Check passes, no temporary file is
// left, and a new writer finishes the ingest.
func afterFailure(t *testing.T, fsys *vfs.Mem, docs []corpus.Document, r *crashRun) {
	t.Helper()
	if err := verifyRecovered(fsys, docs, r.acked, r.given); err != nil {
		t.Errorf("after the failure (%d documents acknowledged, %d given): %v", r.acked, r.given, err)
		return
	}
	ents, err := fsys.ReadDir(crashDir)
	if err != nil && r.acked > 0 {
		t.Error(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left after the failure", e.Name())
		}
	}
	if err := finish(fsys, docs); err != nil {
		t.Errorf("with space again: %v", err)
	}
}

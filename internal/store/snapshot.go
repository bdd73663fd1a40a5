package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// Snapshot is a read-only view of one committed state of an index: its
// segments and their deletions. It stays valid while later commits happen;
// Close releases it.
type Snapshot struct {
	Dir      string
	Manifest *Manifest
	Segments []*Seg

	view bool // a Masked view: its segments belong to another snapshot
}

// Seg is one segment of a snapshot with its deleted documents.
type Seg struct {
	*index.Segment
	Deleted Bitmap // nil when nothing is deleted
	Live    int

	ann *segAnnotations // nil when the segment has no sidecars
}

// Open opens the last committed state of the index in dir.
func Open(dir string) (*Snapshot, error) { return OpenFS(nil, dir) }

// OpenFS is Open on the file system fsys (nil: the operating system's).
func OpenFS(fsys vfs.FS, dir string) (*Snapshot, error) {
	fsys = vfs.Default(fsys)
	// A concurrent merge may delete files of the manifest just read; then
	// the next manifest names their replacement.
	var err error
	for try := 0; try < 5; try++ {
		var s *Snapshot
		s, err = openOnce(fsys, dir)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) { // still missing: not a concurrent merge
		return nil, &index.CorruptError{Path: pe.Path, Part: "index", Reason: "file named by the MANIFEST is missing"}
	}
	return nil, err
}

func openOnce(fsys vfs.FS, dir string) (*Snapshot, error) {
	m, err := readManifest(fsys, dir)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Dir: dir, Manifest: m}
	for _, sm := range m.Segments {
		seg, err := openSegment(fsys, filepath.Join(dir, sm.File))
		if err != nil {
			s.Close()
			return nil, err
		}
		v := &Seg{Segment: seg, Live: seg.N}
		if len(sm.Annotations) > 0 {
			v.ann = &segAnnotations{fsys: fsys, dir: dir, metas: sm.Annotations}
		}
		s.Segments = append(s.Segments, v)
		if seg.N != sm.Docs {
			s.Close()
			return nil, &index.CorruptError{Path: seg.Path, Part: "segment", Reason: fmt.Sprintf("%d documents, manifest says %d", seg.N, sm.Docs)}
		}
		// The size tells apart segments of equal document counts (files
		// renamed or copied over each other).
		if fi, err := fsys.Stat(seg.Path); err != nil || fi.Size() != sm.Bytes {
			s.Close()
			if err != nil {
				return nil, err
			}
			return nil, &index.CorruptError{Path: seg.Path, Part: "segment", Reason: fmt.Sprintf("%d bytes, manifest says %d", fi.Size(), sm.Bytes)}
		}
		if sm.DeletedFile != "" {
			v.Deleted, err = readDeletes(fsys, dir, sm.DeletedFile, seg.N)
			if err != nil {
				s.Close()
				return nil, err
			}
			if c := v.Deleted.Count(); c != sm.Deleted {
				s.Close()
				return nil, &index.CorruptError{Path: filepath.Join(dir, sm.DeletedFile), Part: "deletion file", Reason: fmt.Sprintf("%d deletions, manifest says %d", c, sm.Deleted)}
			}
			v.Live -= sm.Deleted
		}
	}
	return s, nil
}

// Masked returns a view of s in which the live documents for which hide
// returns true count as deleted: a subset of the corpus (the documents of
// one meeting's presider, one document per near-duplicate cluster) that
// every reader — search, trend totals, KWIC — sees as the whole index. The
// view shares s's segments: it stays valid while s is open, and its Close
// does nothing.
func (s *Snapshot) Masked(hide func(seg, doc int) bool) *Snapshot {
	v := &Snapshot{Dir: s.Dir, Manifest: s.Manifest, view: true}
	for si, g := range s.Segments {
		m := &Seg{Segment: g.Segment, Live: g.Live, ann: g.ann}
		for d := 0; d < g.N; d++ {
			if g.Deleted.Has(d) || !hide(si, d) {
				continue
			}
			if m.Deleted == nil {
				m.Deleted = NewBitmap(g.N)
				copy(m.Deleted, g.Deleted)
			}
			m.Deleted.Set(d)
			m.Live--
		}
		if m.Deleted == nil {
			m.Deleted = g.Deleted
		}
		v.Segments = append(v.Segments, m)
	}
	return v
}

// Close releases every segment.
func (s *Snapshot) Close() error {
	if s.view {
		return nil
	}
	var first error
	for _, g := range s.Segments {
		if err := g.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.Segments = nil
	return first
}

// Docs returns the number of live documents.
func (s *Snapshot) Docs() int {
	n := 0
	for _, g := range s.Segments {
		n += g.Live
	}
	return n
}

// Bytes returns the size of the index files.
func (s *Snapshot) Bytes() int64 {
	var n int64
	for _, sm := range s.Manifest.Segments {
		n += sm.Bytes
	}
	return n
}

// Find returns the segment and document number of a live document id.
func (s *Snapshot) Find(id string) (*Seg, int, bool) {
	for _, g := range s.Segments {
		if i := g.FindID(id); i >= 0 && !g.Deleted.Has(i) {
			return g, i, true
		}
	}
	return nil, 0, false
}

package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// DefaultSegmentBytes is how much document text a segment collects before
// it is written: it bounds ingest memory to a few times this.
const DefaultSegmentBytes = 64 << 20

// Options control a Writer.
type Options struct {
	// SegmentBytes is the text size at which the buffered documents are
	// written as a segment (DefaultSegmentBytes when 0).
	SegmentBytes int64
	// AutoCommit commits after each segment written; otherwise nothing is
	// committed until Commit (as for --strict).
	AutoCommit bool
	// OnCommit, if set, is called after each commit is durable.
	OnCommit func(Commit)
	// FS is the file system of the index; nil is the operating system's.
	// Tests pass a vfs.Mem to crash it at any operation.
	FS vfs.FS
	// Annotators compute per-document records stored beside each new
	// segment (annot.go), distinct kinds.
	Annotators []Annotator
}

// Commit reports one durable commit.
type Commit struct {
	Generation uint64
	Docs       int // live documents in the index
	Stats      Stats
}

// Stats counts what a Writer did with the documents it was given.
type Stats struct {
	Added, Replaced, Unchanged int
}

// Outcome says what Add did with one document.
type Outcome int

// Outcomes of Add.
const (
	Added Outcome = iota
	Replaced
	Unchanged
)

// Writer adds documents to an index. It holds the index's lock from
// OpenWriter to Close; readers are never blocked.
type Writer struct {
	dir  string
	fs   vfs.FS
	lock io.Closer
	opt  Options
	man  *Manifest
	segs []*wseg
	ids  map[string]loc
	b    *index.Builder

	committed Stats // stats as of the last commit
	stats     Stats
}

type wseg struct {
	meta    SegmentMeta
	seg     *index.Segment
	del     Bitmap
	dirty   bool // del changed since the last commit
	pending bool // written, not yet in a committed manifest
}

type loc struct {
	seg  int32 // index into segs; -1: in the builder
	doc  int32
	hash uint64
}

// OpenWriter opens (creating if needed) the index in dir for writing: it
// takes the lock, removes files a crashed writer left behind, and loads
// the ids of every live document.
func OpenWriter(dir string, opt Options) (*Writer, error) {
	if opt.SegmentBytes <= 0 {
		opt.SegmentBytes = DefaultSegmentBytes
	}
	fsys := vfs.Default(opt.FS)
	kinds := map[string]bool{}
	for _, a := range opt.Annotators {
		if err := validAnnotator(a); err != nil {
			return nil, err
		}
		if kinds[a.Kind] {
			return nil, fmt.Errorf("store: two annotators of kind %q", a.Kind)
		}
		kinds[a.Kind] = true
	}
	if err := mkdirDurable(fsys, dir); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	lock, err := fsys.Lock(filepath.Join(dir, "LOCK"))
	if errors.Is(err, vfs.ErrLocked) {
		return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	w := &Writer{dir: dir, fs: fsys, lock: lock, opt: opt, ids: map[string]loc{}, b: &index.Builder{}}
	w.man, err = readManifest(fsys, dir)
	if errors.Is(err, ErrNoIndex) {
		w.man = &Manifest{NextSegment: 1}
		err = nil
	}
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := w.removeStale(); err != nil {
		w.Close()
		return nil, err
	}
	for _, sm := range w.man.Segments {
		seg, err := openSegment(fsys, filepath.Join(dir, sm.File))
		if err != nil {
			w.Close()
			return nil, err
		}
		ws := &wseg{meta: sm, seg: seg}
		w.segs = append(w.segs, ws)
		if sm.DeletedFile != "" {
			if ws.del, err = readDeletes(fsys, dir, sm.DeletedFile, seg.N); err != nil {
				w.Close()
				return nil, err
			}
		}
		w.register(len(w.segs) - 1)
	}
	return w, nil
}

// register records the ids of segment si's live documents.
func (w *Writer) register(si int) {
	ws := w.segs[si]
	for i := 0; i < ws.seg.N; i++ {
		if !ws.del.Has(i) {
			w.ids[ws.seg.ID(i)] = loc{seg: int32(si), doc: int32(i), hash: ws.seg.Hashes[i]}
		}
	}
}

// removeStale deletes temporary files and segment or deletion files that
// the manifest does not name: leftovers of a writer that crashed.
func (w *Writer) removeStale() error {
	keep := map[string]bool{}
	for _, s := range w.man.Segments {
		keep[s.File] = true
		keep[s.DeletedFile] = true
		for _, a := range s.Annotations {
			keep[a.File] = true
		}
	}
	ents, err := w.fs.ReadDir(w.dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		stale := strings.HasSuffix(n, ".tmp") ||
			((validName(n, ".seg") || validName(n, ".del") || annNameRE.MatchString(n)) && !keep[n])
		if stale {
			if err := w.fs.Remove(filepath.Join(w.dir, n)); err != nil {
				return fmt.Errorf("remove stale file: %w", err)
			}
		}
	}
	return nil
}

// Stats returns what the writer has done so far.
func (w *Writer) Stats() Stats { return w.stats }

// Add adds or replaces one document. An id seen before is replaced; the
// same content again is a no-op. When the buffered documents reach
// SegmentBytes they are written as a segment (and committed with
// AutoCommit).
func (w *Writer) Add(d corpus.Document) (Outcome, error) {
	h := index.ContentHash(&d)
	out := Added
	if l, ok := w.ids[d.ID]; ok {
		if l.hash == h {
			w.stats.Unchanged++
			return Unchanged, nil
		}
		out = Replaced
		w.stats.Replaced++
		if l.seg < 0 {
			w.b.Replace(int(l.doc), d, h)
			w.ids[d.ID] = loc{seg: -1, doc: l.doc, hash: h}
			return out, nil
		}
		ws := w.segs[l.seg]
		if ws.del == nil {
			ws.del = NewBitmap(ws.seg.N)
		}
		ws.del.Set(int(l.doc))
		ws.dirty = true
	} else {
		w.stats.Added++
	}
	i := w.b.Add(d, h)
	w.ids[d.ID] = loc{seg: -1, doc: int32(i), hash: h}
	if w.b.Bytes() >= w.opt.SegmentBytes {
		if err := w.flush(); err != nil {
			return out, err
		}
		if w.opt.AutoCommit {
			return out, w.Commit()
		}
	}
	return out, nil
}

// flush writes the buffered documents as a new (uncommitted) segment.
func (w *Writer) flush() error {
	if w.b.Len() == 0 {
		return nil
	}
	ws, err := w.writeSegment(w.b)
	if err != nil {
		return err
	}
	w.segs = append(w.segs, ws)
	w.register(len(w.segs) - 1)
	w.b = &index.Builder{}
	return nil
}

// writeSegment writes b to a new segment file, fsynced, and opens it.
func (w *Writer) writeSegment(b *index.Builder) (*wseg, error) {
	name := fmt.Sprintf("%06d.seg", w.man.NextSegment)
	w.man.NextSegment++
	path := filepath.Join(w.dir, name)
	tmp := path + ".tmp"
	f, err := w.fs.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("create segment: %w", err)
	}
	info, err := b.Write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = w.fs.Rename(tmp, path)
	}
	if err != nil {
		w.fs.Remove(tmp)
		return nil, fmt.Errorf("write segment %s: %w", path, err)
	}
	seg, err := openSegment(w.fs, path)
	if err != nil {
		return nil, err
	}
	anns, err := w.writeAnnotations(w.opt.Annotators, name, seg.N, builderDocs(b), w.man.Generation+1)
	if err != nil {
		seg.Close()
		w.fs.Remove(path)
		return nil, err
	}
	return &wseg{seg: seg, pending: true, meta: SegmentMeta{File: name, Docs: info.Docs, Tokens: info.Tokens, Bytes: info.Bytes, Annotations: anns}}, nil
}

// Commit makes everything added so far durable: buffered documents are
// written as a segment, deletions written, and a new manifest installed
// atomically. Files no longer named are then removed.
func (w *Writer) Commit() error {
	if err := w.flush(); err != nil {
		return err
	}
	changed := false
	for _, ws := range w.segs {
		changed = changed || ws.pending || ws.dirty
	}
	if !changed {
		return nil
	}
	gen := w.man.Generation + 1
	next := &Manifest{Generation: gen, NextSegment: w.man.NextSegment}
	var obsolete []string
	var kept, dropped []*wseg
	for _, ws := range w.segs {
		m := ws.meta
		if ws.dirty {
			if m.DeletedFile != "" {
				obsolete = append(obsolete, m.DeletedFile)
			}
			m.DeletedFile = fmt.Sprintf("%s-%d.del", strings.TrimSuffix(m.File, ".seg"), gen)
			m.Deleted = ws.del.Count()
			if err := writeFileNoDirSync(w.fs, w.dir, m.DeletedFile, encodeDeletes(ws.del, ws.seg.N)); err != nil {
				return fmt.Errorf("write deletions: %w", err)
			}
		}
		if m.Deleted == m.Docs { // every document replaced: drop the segment
			obsolete = append(obsolete, m.File)
			for _, a := range m.Annotations {
				obsolete = append(obsolete, a.File)
			}
			if m.DeletedFile != "" {
				obsolete = append(obsolete, m.DeletedFile)
			}
			dropped = append(dropped, ws) // closed once the commit is in place
			continue
		}
		next.Segments = append(next.Segments, m)
		kept = append(kept, ws)
	}
	installed, err := w.install(next)
	if !installed {
		return err
	}
	for _, ws := range dropped {
		ws.seg.Close()
	}
	for _, ws := range kept {
		ws.pending, ws.dirty = false, false
	}
	for i, sm := range next.Segments {
		kept[i].meta = sm
	}
	w.segs = kept
	w.reindexIDs()
	w.committed = w.stats
	if err != nil {
		// In place but maybe not durable: keep the files the previous
		// manifest names, and acknowledge nothing.
		return err
	}
	for _, f := range obsolete {
		w.fs.Remove(filepath.Join(w.dir, f))
	}
	if w.opt.OnCommit != nil {
		w.opt.OnCommit(Commit{Generation: gen, Docs: w.liveDocs(), Stats: w.stats})
	}
	return nil
}

// install writes m as the new MANIFEST: the commit point. installed
// reports whether m replaced the MANIFEST, which it can have done also
// when err is not nil: when the directory sync after the rename fails,
// readers already see m, though a crash may still bring back the old
// manifest. Then the caller must treat m as the state of the index (never
// delete what it names) and keep the files of the old one.
func (w *Writer) install(m *Manifest) (installed bool, err error) {
	if err := w.fs.SyncDir(w.dir); err != nil { // segment and deletion renames
		return false, fmt.Errorf("commit: %w", err)
	}
	data, err := encodeManifest(m)
	if err != nil {
		return false, err
	}
	if err := writeFileNoDirSync(w.fs, w.dir, manifestName, data); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	w.man = m
	if err := w.fs.SyncDir(w.dir); err != nil {
		return true, fmt.Errorf("commit: the new manifest is in place but may not survive a crash: %w", err)
	}
	return true, nil
}

// reindexIDs rebuilds the id map after segments were dropped or merged.
func (w *Writer) reindexIDs() {
	clear(w.ids)
	for i := range w.segs {
		w.register(i)
	}
	// Documents still in the builder (none after a commit) keep their place.
}

func (w *Writer) liveDocs() int {
	n := 0
	for _, s := range w.man.Segments {
		n += s.Docs - s.Deleted
	}
	return n
}

// Abort forgets everything not committed: buffered documents, written but
// uncommitted segments, pending deletions. The index stays at its last
// commit.
func (w *Writer) Abort() {
	var kept []*wseg
	for _, ws := range w.segs {
		if ws.pending {
			ws.seg.Close()
			w.fs.Remove(filepath.Join(w.dir, ws.meta.File))
			w.removeFiles(ws.meta.Annotations)
			continue
		}
		if ws.dirty {
			ws.dirty = false
			ws.del = nil
			if ws.meta.DeletedFile != "" {
				ws.del, _ = readDeletes(w.fs, w.dir, ws.meta.DeletedFile, ws.seg.N)
			}
		}
		kept = append(kept, ws)
	}
	w.segs = kept
	w.b = &index.Builder{}
	w.reindexIDs()
	w.stats = w.committed
}

// Close releases the segments and the lock. Uncommitted work is dropped.
func (w *Writer) Close() error {
	for _, ws := range w.segs {
		if ws.pending {
			w.fs.Remove(filepath.Join(w.dir, ws.meta.File))
			w.removeFiles(ws.meta.Annotations)
		}
		ws.seg.Close()
	}
	w.segs = nil
	if w.lock != nil {
		w.lock.Close()
		w.lock = nil
	}
	return nil
}

// Compact merges small segments and segments with many deletions into
// larger ones, then commits. It reads the documents back from the store
// and re-indexes them, so its memory is bounded like ingest's. Progress is
// durable only at its final commit; a crash before leaves the last commit.
func (w *Writer) Compact(ctx context.Context) (merged int, err error) {
	if err := w.Commit(); err != nil {
		return 0, err
	}
	pick := w.mergePlan()
	if len(pick) < 2 && !(len(pick) == 1 && w.segs[pick[0]].del != nil) {
		return 0, nil
	}
	picked := map[int]bool{}
	for _, i := range pick {
		picked[i] = true
	}
	var out []*wseg
	b := &index.Builder{}
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		ws, err := w.writeSegment(b)
		if err != nil {
			return err
		}
		out = append(out, ws)
		b = &index.Builder{}
		return nil
	}
	fail := func(err error) (int, error) {
		for _, ws := range out {
			ws.seg.Close()
			w.fs.Remove(filepath.Join(w.dir, ws.meta.File))
			w.removeFiles(ws.meta.Annotations)
		}
		return 0, err
	}
	for _, si := range pick {
		ws := w.segs[si]
		var raw []byte
		lastBlock := -1
		for i := 0; i < ws.seg.N; i++ {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			if ws.del.Has(i) {
				continue
			}
			blk, off := ws.seg.DocBlock(i)
			if blk != lastBlock {
				if raw, err = ws.seg.Block(blk, raw); err != nil {
					return fail(err)
				}
				lastBlock = blk
			}
			d, err := ws.seg.DecodeDoc(raw, off, i)
			if err != nil {
				return fail(err)
			}
			b.Add(d, ws.seg.Hashes[i])
			if b.Bytes() >= w.opt.SegmentBytes {
				if err := flush(); err != nil {
					return fail(err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	next := &Manifest{Generation: w.man.Generation + 1, NextSegment: w.man.NextSegment}
	var kept []*wseg
	var obsolete []string
	for i, ws := range w.segs {
		if picked[i] {
			obsolete = append(obsolete, ws.meta.File)
			if ws.meta.DeletedFile != "" {
				obsolete = append(obsolete, ws.meta.DeletedFile)
			}
			for _, a := range ws.meta.Annotations {
				obsolete = append(obsolete, a.File)
			}
			continue
		}
		kept = append(kept, ws)
	}
	kept = append(kept, out...)
	for _, ws := range kept {
		next.Segments = append(next.Segments, ws.meta)
	}
	installed, err := w.install(next)
	if !installed {
		return fail(err)
	}
	for i, ws := range w.segs {
		if picked[i] {
			ws.seg.Close()
		}
	}
	for _, ws := range out {
		ws.pending = false
	}
	w.segs = kept
	w.reindexIDs()
	if err != nil { // in place, maybe not durable: keep the old files
		return len(pick), err
	}
	for _, f := range obsolete {
		w.fs.Remove(filepath.Join(w.dir, f))
	}
	return len(pick), nil
}

// mergePlan picks segments to merge: every segment with more than a third
// of its documents deleted, and, when there are more than maxSegments, the
// smallest segments whose text together fits one segment.
func (w *Writer) mergePlan() []int {
	const maxSegments = 8
	var pick []int
	chosen := map[int]bool{}
	for i, ws := range w.segs {
		if ws.meta.Deleted*3 > ws.meta.Docs {
			pick = append(pick, i)
			chosen[i] = true
		}
	}
	if len(w.segs) > maxSegments {
		order := make([]int, len(w.segs))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return w.segs[order[a]].meta.Bytes < w.segs[order[b]].meta.Bytes })
		var sum int64
		var group []int
		for _, i := range order {
			sum += w.segs[i].meta.Bytes
			if sum > w.opt.SegmentBytes { // the group must fit one segment
				break
			}
			group = append(group, i)
		}
		for _, i := range group {
			if len(group) >= 2 && !chosen[i] { // one segment alone is no merge
				pick = append(pick, i)
				chosen[i] = true
			}
		}
	}
	sort.Ints(pick)
	return pick
}

package store

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// Annotations are records computed from each document at ingest — a
// readout's meeting record, a near-duplicate signature — and stored beside
// its segment in a sidecar file that the manifest names. A segment stays
// immutable: records are recomputed (Writer.Reannotate, after the rules
// changed) by writing new sidecars and committing a new manifest.
//
// A sidecar (NNNNNN-G.KIND.ann: the segment's number, the generation that
// wrote it, the kind) is
//
//	"TIFAANN\x00" | u32 format version | u32 docs | u32 blocks
//	blocks: zstd(for each document: uvarint length | record bytes)
//	directory: per block u32 first document | u64 offset | u32 length | u32 crc32c(compressed block)
//	u32 crc32c(header and directory) | "TIFAANNE"
//
// The record of a document with nothing to say is empty. The manifest
// gives each sidecar's kind, record version and size; a sidecar whose
// header, directory or block does not verify is reported as corrupt,
// naming the file.
const (
	annMagic     = "TIFAANN\x00"
	annTail      = "TIFAANNE"
	annVersion   = 1
	annBlockRaw  = 64 << 10 // raw bytes per block, about
	annHeaderLen = 8 + 4 + 4 + 4
	annDirEntry  = 4 + 8 + 4 + 4
)

// An Annotator computes the record of one document. Annotate must be
// deterministic and safe for concurrent use; nil means no record.
type Annotator struct {
	// Kind names the records ([a-z][a-z0-9]{0,15}).
	Kind string
	// Version of the records: Reannotate replaces sidecars of another
	// version.
	Version int
	// Annotate returns the record of d (nil or empty: none).
	Annotate func(d *corpus.Document) []byte
}

// AnnotationMeta is a sidecar as the manifest names it.
type AnnotationMeta struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	File    string `json:"file"`
	Bytes   int64  `json:"bytes"`
	Records int    `json:"records"` // documents with a non-empty record
}

var (
	kindRE    = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)
	annNameRE = regexp.MustCompile(`^[0-9]+-[0-9]+\.[a-z][a-z0-9]{0,15}\.ann$`)
)

func validAnnotator(a Annotator) error {
	if !kindRE.MatchString(a.Kind) || a.Annotate == nil {
		return fmt.Errorf("store: invalid annotator %q", a.Kind)
	}
	return nil
}

// docSource gives each annotating worker a reader of documents by number
// (a worker's reader keeps its own buffers).
type docSource func() func(i int) (*corpus.Document, error)

// segmentDocs reads the documents back from a written segment (for
// Reannotate), a stored block at a time.
func segmentDocs(seg *index.Segment) docSource {
	return func() func(int) (*corpus.Document, error) {
		var raw []byte
		lastBlock := -1
		return func(i int) (*corpus.Document, error) {
			blk, off := seg.DocBlock(i)
			if blk != lastBlock {
				var err error
				if raw, err = seg.Block(blk, raw); err != nil {
					return nil, err
				}
				lastBlock = blk
			}
			d, err := seg.DecodeDoc(raw, off, i)
			return &d, err
		}
	}
}

// builderDocs gives the documents of a builder just written: in memory
// and in segment order, so that a new segment is annotated without
// reading it back.
func builderDocs(b *index.Builder) docSource {
	return func() func(int) (*corpus.Document, error) {
		return func(i int) (*corpus.Document, error) { return b.Doc(i), nil }
	}
}

// annotate computes the records of the n documents of src with a, on
// every core, and encodes them as a sidecar.
func annotate(n int, src docSource, a Annotator) (data []byte, records int, err error) {
	recs := make([][]byte, n)
	// Workers take runs of documents that share stored blocks.
	const run = 256
	var (
		mu   sync.Mutex
		next int
		werr error
		wg   sync.WaitGroup
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			get := src()
			for {
				mu.Lock()
				lo := next
				next += run
				stop := werr != nil
				mu.Unlock()
				if stop || lo >= n {
					return
				}
				for i := lo; i < min(lo+run, n); i++ {
					d, err := get(i)
					if err != nil {
						mu.Lock()
						werr = err
						mu.Unlock()
						return
					}
					recs[i] = a.Annotate(d)
				}
			}
		}()
	}
	wg.Wait()
	if werr != nil {
		return nil, 0, werr
	}
	for _, r := range recs {
		if len(r) > 0 {
			records++
		}
	}
	return encodeAnnotations(recs), records, nil
}

var (
	annEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	annDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
)

func encodeAnnotations(recs [][]byte) []byte {
	out := []byte(annMagic)
	out = binary.LittleEndian.AppendUint32(out, annVersion)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(recs)))
	out = binary.LittleEndian.AppendUint32(out, 0) // blocks, set below
	var dir, raw []byte
	blocks := 0
	first := 0
	flush := func(end int) {
		if end == first {
			return
		}
		comp := annEncoder.EncodeAll(raw, nil)
		dir = binary.LittleEndian.AppendUint32(dir, uint32(first))
		dir = binary.LittleEndian.AppendUint64(dir, uint64(len(out)))
		dir = binary.LittleEndian.AppendUint32(dir, uint32(len(comp)))
		dir = binary.LittleEndian.AppendUint32(dir, crc32.Checksum(comp, castagnoli))
		out = append(out, comp...)
		blocks++
		raw = raw[:0]
		first = end
	}
	for i, r := range recs {
		raw = binary.AppendUvarint(raw, uint64(len(r)))
		raw = append(raw, r...)
		if len(raw) >= annBlockRaw {
			flush(i + 1)
		}
	}
	flush(len(recs))
	binary.LittleEndian.PutUint32(out[16:], uint32(blocks))
	out = append(out, dir...)
	sum := crc32.Update(crc32.Checksum(out[:annHeaderLen], castagnoli), castagnoli, dir)
	out = binary.LittleEndian.AppendUint32(out, sum)
	return append(out, annTail...)
}

// Annotations are the records of one kind of one segment.
type Annotations struct {
	Path    string
	Version int
	data    []byte
	docs    int
	dir     []annBlock

	mu    sync.Mutex
	cache map[int][]byte // decoded blocks (a few: see block)
}

type annBlock struct {
	first    int
	off, len int
	crc      uint32
}

// decodeAnnotations verifies a sidecar's header and directory (blocks are
// verified when read, or all by Check).
func decodeAnnotations(path string, data []byte, docs int) (*Annotations, error) {
	bad := func(f string, a ...any) error {
		return &index.CorruptError{Path: path, Part: "annotations", Reason: fmt.Sprintf(f, a...)}
	}
	if len(data) < annHeaderLen+4+len(annTail) || string(data[:8]) != annMagic || string(data[len(data)-8:]) != annTail {
		return nil, bad("bad magic or truncated (%d bytes)", len(data))
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != annVersion {
		if v > annVersion {
			return nil, fmt.Errorf("%s: annotation format %d, this tifa reads %d: %w", path, v, annVersion, ErrNewerVersion)
		}
		return nil, bad("unknown format version %d", v)
	}
	n := int(binary.LittleEndian.Uint32(data[12:]))
	nb := int(binary.LittleEndian.Uint32(data[16:]))
	if n != docs {
		return nil, bad("%d documents, its segment has %d", n, docs)
	}
	dirEnd := len(data) - 4 - len(annTail)
	dirStart := dirEnd - nb*annDirEntry
	if nb < 0 || nb > n || dirStart < annHeaderLen {
		return nil, bad("%d blocks do not fit the file", nb)
	}
	dir := data[dirStart:dirEnd]
	sum := crc32.Update(crc32.Checksum(data[:annHeaderLen], castagnoli), castagnoli, dir)
	if sum != binary.LittleEndian.Uint32(data[dirEnd:]) {
		return nil, bad("checksum mismatch in the header or directory")
	}
	a := &Annotations{Path: path, data: data, docs: n, cache: map[int][]byte{}}
	pos := annHeaderLen
	for b := 0; b < nb; b++ {
		e := dir[b*annDirEntry:]
		blk := annBlock{
			first: int(binary.LittleEndian.Uint32(e)),
			off:   int(binary.LittleEndian.Uint64(e[4:])),
			len:   int(binary.LittleEndian.Uint32(e[12:])),
			crc:   binary.LittleEndian.Uint32(e[16:]),
		}
		if blk.off != pos || blk.len > dirStart-pos || (b > 0 && blk.first <= a.dir[b-1].first) || (b == 0 && blk.first != 0) || blk.first >= n {
			return nil, bad("block %d out of place", b)
		}
		pos += blk.len
		a.dir = append(a.dir, blk)
	}
	if pos != dirStart || (n > 0 && nb == 0) {
		return nil, bad("blocks do not cover the file")
	}
	return a, nil
}

// Docs returns the number of documents (that of the segment).
func (a *Annotations) Docs() int { return a.docs }

// block returns the decoded records of block b.
func (a *Annotations) block(b int) ([]byte, error) {
	a.mu.Lock()
	raw, ok := a.cache[b]
	a.mu.Unlock()
	if ok {
		return raw, nil
	}
	blk := a.dir[b]
	comp := a.data[blk.off : blk.off+blk.len]
	if crc32.Checksum(comp, castagnoli) != blk.crc {
		return nil, &index.CorruptError{Path: a.Path, Part: "annotations", Reason: fmt.Sprintf("block %d: checksum mismatch", b)}
	}
	raw, err := annDecoder.DecodeAll(comp, nil)
	if err != nil {
		return nil, &index.CorruptError{Path: a.Path, Part: "annotations", Reason: fmt.Sprintf("block %d: %v", b, err)}
	}
	a.mu.Lock()
	if len(a.cache) >= 8 {
		clear(a.cache)
	}
	a.cache[b] = raw
	a.mu.Unlock()
	return raw, nil
}

// Get returns the record of document doc (empty if it has none). The
// slice must not be modified.
func (a *Annotations) Get(doc int) ([]byte, error) {
	if doc < 0 || doc >= a.docs {
		return nil, fmt.Errorf("%s: document %d out of range", a.Path, doc)
	}
	b := len(a.dir) - 1
	for lo, hi := 0, len(a.dir)-1; lo <= hi; {
		m := (lo + hi) / 2
		if a.dir[m].first <= doc {
			b, lo = m, m+1
		} else {
			hi = m - 1
		}
	}
	var rec []byte
	err := a.eachIn(b, func(i int, r []byte) bool {
		if i == doc {
			rec = r
			return false
		}
		return true
	})
	return rec, err
}

// Each calls fn with every document's record in document order, until fn
// returns false.
func (a *Annotations) Each(fn func(doc int, rec []byte) bool) error {
	stop := false
	for b := range a.dir {
		if err := a.eachIn(b, func(i int, r []byte) bool {
			if !fn(i, r) {
				stop = true
			}
			return !stop
		}); err != nil || stop {
			return err
		}
	}
	return nil
}

func (a *Annotations) eachIn(b int, fn func(int, []byte) bool) error {
	raw, err := a.block(b)
	if err != nil {
		return err
	}
	end := a.docs
	if b+1 < len(a.dir) {
		end = a.dir[b+1].first
	}
	for i := a.dir[b].first; i < end; i++ {
		l, n := binary.Uvarint(raw)
		if n <= 0 || l > uint64(len(raw)-n) {
			return &index.CorruptError{Path: a.Path, Part: "annotations", Reason: fmt.Sprintf("block %d: record of document %d overruns the block", b, i)}
		}
		if !fn(i, raw[n:n+int(l)]) {
			return nil
		}
		raw = raw[n+int(l):]
	}
	if len(raw) != 0 {
		return &index.CorruptError{Path: a.Path, Part: "annotations", Reason: fmt.Sprintf("block %d: %d bytes after its last record", b, len(raw))}
	}
	return nil
}

// check reads every block.
func (a *Annotations) check() error {
	return a.Each(func(int, []byte) bool { return true })
}

// segAnnotations holds the sidecars of one segment of a snapshot, read
// when first asked for.
type segAnnotations struct {
	fsys  vfs.FS
	dir   string
	metas []AnnotationMeta

	mu     sync.Mutex
	loaded map[string]*Annotations
}

// Annotations returns the records of the given kind of the segment, nil
// when the index has none of that kind for it (written before the
// annotator existed: Writer.Reannotate fills them in).
func (g *Seg) Annotations(kind string) (*Annotations, error) {
	if g.ann == nil {
		return nil, nil
	}
	return g.ann.get(kind, g.N)
}

// AnnotationVersion returns the record version of the segment's sidecar of
// kind, 0 if it has none.
func (g *Seg) AnnotationVersion(kind string) int {
	if g.ann == nil {
		return 0
	}
	for _, m := range g.ann.metas {
		if m.Kind == kind {
			return m.Version
		}
	}
	return 0
}

func (s *segAnnotations) get(kind string, docs int) (*Annotations, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.loaded[kind]; ok {
		return a, nil
	}
	for _, m := range s.metas {
		if m.Kind != kind {
			continue
		}
		path := filepath.Join(s.dir, m.File)
		data, err := s.fsys.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read annotations: %w", err)
		}
		if int64(len(data)) != m.Bytes {
			return nil, &index.CorruptError{Path: path, Part: "annotations", Reason: fmt.Sprintf("%d bytes, manifest says %d", len(data), m.Bytes)}
		}
		a, err := decodeAnnotations(path, data, docs)
		if err != nil {
			return nil, err
		}
		a.Version = m.Version
		if s.loaded == nil {
			s.loaded = map[string]*Annotations{}
		}
		s.loaded[kind] = a
		return a, nil
	}
	return nil, nil
}

// writeAnnotations computes with annotators and writes (fsynced, not yet
// named by a manifest) the sidecars of segment file segFile, whose n
// documents src gives.
func (w *Writer) writeAnnotations(annotators []Annotator, segFile string, n int, src docSource, gen uint64) ([]AnnotationMeta, error) {
	var out []AnnotationMeta
	for _, a := range annotators {
		data, records, err := annotate(n, src, a)
		if err != nil {
			w.removeFiles(out)
			return nil, fmt.Errorf("annotate %s (%s): %w", segFile, a.Kind, err)
		}
		name := fmt.Sprintf("%s-%d.%s.ann", segFile[:len(segFile)-len(".seg")], gen, a.Kind)
		if err := writeFileNoDirSync(w.fs, w.dir, name, data); err != nil {
			w.removeFiles(out)
			return nil, fmt.Errorf("write annotations %s: %w", filepath.Join(w.dir, name), err)
		}
		out = append(out, AnnotationMeta{Kind: a.Kind, Version: a.Version, File: name, Bytes: int64(len(data)), Records: records})
	}
	return out, nil
}

func (w *Writer) removeFiles(ms []AnnotationMeta) {
	for _, m := range ms {
		w.fs.Remove(filepath.Join(w.dir, m.File))
	}
}

// Reannotate computes the records of every annotator for every committed
// segment whose sidecar of that kind is missing or of another version
// (all of them when force is set), and commits. It returns how many
// sidecars it wrote. progress, if set, is called after each one.
func (w *Writer) Reannotate(force bool, progress func(done, total int)) (int, error) {
	if err := w.Commit(); err != nil {
		return 0, err
	}
	type job struct {
		ws *wseg
		a  Annotator
	}
	var jobs []job
	for _, ws := range w.segs {
		for _, a := range w.opt.Annotators {
			have := -1
			for _, m := range ws.meta.Annotations {
				if m.Kind == a.Kind {
					have = m.Version
				}
			}
			if force || have != a.Version {
				jobs = append(jobs, job{ws, a})
			}
		}
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	gen := w.man.Generation + 1
	written := map[*wseg][]AnnotationMeta{}
	var all []AnnotationMeta
	fail := func(err error) (int, error) {
		w.removeFiles(all)
		return 0, err
	}
	for i, j := range jobs {
		ms, err := w.writeAnnotations([]Annotator{j.a}, j.ws.meta.File, j.ws.seg.N, segmentDocs(j.ws.seg), gen)
		if err != nil {
			return fail(err)
		}
		written[j.ws] = append(written[j.ws], ms...)
		all = append(all, ms...)
		if progress != nil {
			progress(i+1, len(jobs))
		}
	}
	next := &Manifest{Generation: gen, NextSegment: w.man.NextSegment}
	var obsolete []string
	for _, ws := range w.segs {
		m := ws.meta
		if news := written[ws]; len(news) > 0 {
			var keep []AnnotationMeta
			for _, old := range m.Annotations {
				replaced := false
				for _, n := range news {
					replaced = replaced || n.Kind == old.Kind
				}
				if replaced {
					obsolete = append(obsolete, old.File)
				} else {
					keep = append(keep, old)
				}
			}
			m.Annotations = append(keep, news...)
		}
		next.Segments = append(next.Segments, m)
	}
	installed, err := w.install(next)
	if !installed {
		return fail(err)
	}
	for i, ws := range w.segs {
		ws.meta = next.Segments[i]
	}
	if err != nil {
		return len(all), err
	}
	for _, f := range obsolete {
		w.fs.Remove(filepath.Join(w.dir, f))
	}
	return len(all), nil
}

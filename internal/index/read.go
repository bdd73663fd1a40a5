package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/klauspost/compress/zstd"

	"github.com/tifa-project/tifa/internal/corpus"
)

// Segment is an open, read-only segment file, memory-mapped. Opening
// verifies the header, footer, TOC and the small sections (DOCS, STRINGS,
// DICT, BLOCKS); each posting list and store block is verified against its
// own checksum the first time it is read. A Segment is safe for concurrent
// use; Close unmaps it.
type Segment struct {
	Path   string
	data   []byte
	mapped bool // data is mapped (Open), not a caller's slice (OpenBytes)
	toc    map[uint32]tocEntry

	// Document columns, indexed by document number.
	N         int
	Dates     []int32
	TitleToks []uint32
	TextToks  []uint32
	Sources   []uint32 // string index
	Langs     []uint32 // string index
	Hashes    []uint64
	block     []uint32
	blockOff  []uint32
	metaStart []uint32
	metaPairs []uint32
	idOffs    []uint32
	idBytes   []byte

	Strings []string

	termOffs  []uint32
	termBytes []byte
	dict      []dictEntry
	verified  []atomic.Bool // per term

	blocks        []blockEntry
	blockVerified []atomic.Bool
	postings      []byte
	store         []byte
}

type dictEntry struct {
	off uint64
	len uint32
	crc uint32
	df  uint32
	cf  uint64
}

// Open maps and verifies the segment at path. Close unmaps it.
func Open(path string) (*Segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open segment: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open segment: %w", err)
	}
	size := st.Size()
	if err := checkSize(path, size); err != nil {
		return nil, err
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map segment %s: %w", path, err)
	}
	s := &Segment{Path: path, data: data, mapped: true}
	if err := s.load(); err != nil {
		syscall.Munmap(data)
		return nil, err
	}
	return s, nil
}

// OpenBytes verifies and opens the segment whose file content is data, as
// Open does for a mapped file; path names it in errors. The Segment reads
// data in place: the caller must not change it while the segment is in
// use. It serves file systems that cannot be mapped (vfs.Mem in tests).
func OpenBytes(path string, data []byte) (*Segment, error) {
	if err := checkSize(path, int64(len(data))); err != nil {
		return nil, err
	}
	s := &Segment{Path: path, data: data}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

func checkSize(path string, size int64) error {
	if size < headerLen+footerLen {
		return corrupt(path, "file", "only %d bytes (truncated)", size)
	}
	if size > 1<<40 {
		return corrupt(path, "file", "implausible size %d", size)
	}
	return nil
}

// Close unmaps the file. The Segment must not be used afterwards.
func (s *Segment) Close() error {
	if s.data == nil {
		return nil
	}
	cacheDrop(s)
	var err error
	if s.mapped {
		err = syscall.Munmap(s.data)
	}
	s.data = nil
	return err
}

func (s *Segment) load() error {
	d := s.data
	if string(d[:8]) != segMagic {
		return corrupt(s.Path, "header", "bad magic %q (not a tifa segment)", d[:8])
	}
	if v := binary.LittleEndian.Uint32(d[8:]); v != Version {
		if v > Version {
			return fmt.Errorf("%s: format version %d, this tifa reads %d: %w", s.Path, v, Version, ErrNewerVersion)
		}
		return corrupt(s.Path, "header", "unknown format version %d", v)
	}
	if f := binary.LittleEndian.Uint32(d[12:]); f != 0 {
		return corrupt(s.Path, "header", "unknown flags %#x", f)
	}
	foot := d[len(d)-footerLen:]
	if string(foot[16:]) != endMagic {
		return corrupt(s.Path, "footer", "bad end magic (file truncated or overwritten)")
	}
	tocOff := binary.LittleEndian.Uint64(foot)
	tocLen := uint64(binary.LittleEndian.Uint32(foot[8:]))
	if tocOff < headerLen || tocOff+tocLen != uint64(len(d)-footerLen) {
		return corrupt(s.Path, "footer", "TOC at %d+%d does not end at the footer", tocOff, tocLen)
	}
	toc := d[tocOff : tocOff+tocLen]
	if crc32.Checksum(toc, castagnoli) != binary.LittleEndian.Uint32(foot[12:]) {
		return corrupt(s.Path, "TOC", "checksum mismatch")
	}
	r := reader{b: toc}
	n := r.u32()
	if uint64(n)*24+4 != tocLen {
		return corrupt(s.Path, "TOC", "%d entries in %d bytes", n, tocLen)
	}
	s.toc = map[uint32]tocEntry{}
	for i := uint32(0); i < n; i++ {
		e := tocEntry{kind: r.u32(), off: r.u64(), len: r.u64(), crc: r.u32()}
		if e.off < headerLen || e.off+e.len > tocOff || e.off+e.len < e.off {
			return corrupt(s.Path, "TOC", "section %d out of bounds", e.kind)
		}
		s.toc[e.kind] = e
	}
	for kind := range sectionNames {
		if _, ok := s.toc[kind]; !ok {
			return corrupt(s.Path, "TOC", "section %s missing", sectionNames[kind])
		}
	}
	for _, kind := range []uint32{secDocs, secStrings, secDict, secBlocks} {
		if err := s.verifySection(kind); err != nil {
			return err
		}
	}
	s.postings = s.section(secPostings)
	s.store = s.section(secStore)
	if err := s.loadStrings(); err != nil {
		return err
	}
	if err := s.loadDocs(); err != nil {
		return err
	}
	if err := s.loadDict(); err != nil {
		return err
	}
	return s.loadBlocks()
}

func (s *Segment) section(kind uint32) []byte {
	e := s.toc[kind]
	return s.data[e.off : e.off+e.len]
}

func (s *Segment) verifySection(kind uint32) error {
	e := s.toc[kind]
	if crc32.Checksum(s.section(kind), castagnoli) != e.crc {
		return corrupt(s.Path, sectionNames[kind]+" section", "checksum mismatch")
	}
	return nil
}

func (s *Segment) loadStrings() error {
	r := reader{b: s.section(secStrings)}
	offs, blob := r.stringTable(-1)
	if r.bad || r.left() != 0 {
		return corrupt(s.Path, "STRINGS section", "malformed")
	}
	s.Strings = make([]string, len(offs)-1)
	for i := range s.Strings {
		s.Strings[i] = string(blob[offs[i]:offs[i+1]])
	}
	return nil
}

func (s *Segment) loadDocs() error {
	r := reader{b: s.section(secDocs)}
	n := int(r.u32())
	if n < 0 || uint64(n)*44 > uint64(r.left()) {
		return corrupt(s.Path, "DOCS section", "document count %d does not fit", n)
	}
	s.N = n
	s.Dates = make([]int32, n)
	for i := range s.Dates {
		s.Dates[i] = int32(r.u32())
	}
	s.TitleToks = r.u32s(n)
	s.TextToks = r.u32s(n)
	s.Sources = r.u32s(n)
	s.Langs = r.u32s(n)
	s.Hashes = make([]uint64, n)
	for i := range s.Hashes {
		s.Hashes[i] = r.u64()
	}
	s.block = r.u32s(n)
	s.blockOff = r.u32s(n)
	s.metaStart = r.u32s(n + 1)
	m := int(r.u32())
	s.metaPairs = r.u32s(2 * m)
	offs, blob := r.stringTable(n)
	if r.bad || r.left() != 0 {
		return corrupt(s.Path, "DOCS section", "malformed")
	}
	s.idOffs, s.idBytes = offs, blob
	ns := uint32(len(s.Strings))
	for i := 0; i < n; i++ {
		if s.Sources[i] >= ns || s.Langs[i] >= ns {
			return corrupt(s.Path, "DOCS section", "document %d names string %d of %d", i, max(s.Sources[i], s.Langs[i]), ns)
		}
		if s.metaStart[i] > s.metaStart[i+1] || int(s.metaStart[i+1]) > m {
			return corrupt(s.Path, "DOCS section", "meta range of document %d", i)
		}
		if i > 0 && s.Dates[i] < s.Dates[i-1] {
			return corrupt(s.Path, "DOCS section", "documents out of date order at %d", i)
		}
	}
	for _, v := range s.metaPairs {
		if v >= ns {
			return corrupt(s.Path, "DOCS section", "meta names string %d of %d", v, ns)
		}
	}
	return nil
}

func (s *Segment) loadDict() error {
	r := reader{b: s.section(secDict)}
	offs, blob := r.stringTable(-1)
	nt := len(offs) - 1
	if r.bad || uint64(r.left()) != uint64(nt)*28 {
		return corrupt(s.Path, "DICT section", "malformed")
	}
	s.termOffs, s.termBytes = offs, blob
	s.dict = make([]dictEntry, nt)
	plen := uint64(len(s.postings))
	for i := range s.dict {
		e := dictEntry{off: r.u64(), len: r.u32(), crc: r.u32(), df: r.u32(), cf: r.u64()}
		if e.off+uint64(e.len) > plen || e.df == 0 || uint64(e.df) > uint64(s.N) || e.cf < uint64(e.df) {
			return corrupt(s.Path, "DICT section", "entry %d out of range", i)
		}
		if i > 0 && bytes.Compare(s.term(i-1), s.term(i)) >= 0 {
			return corrupt(s.Path, "DICT section", "terms out of order at %d", i)
		}
		s.dict[i] = e
	}
	s.verified = make([]atomic.Bool, nt)
	return nil
}

func (s *Segment) loadBlocks() error {
	r := reader{b: s.section(secBlocks)}
	n := int(r.u32())
	if n < 0 || uint64(n)*20 != uint64(r.left()) {
		return corrupt(s.Path, "BLOCKS section", "malformed")
	}
	s.blocks = make([]blockEntry, n)
	for i := range s.blocks {
		e := blockEntry{off: r.u64(), clen: r.u32(), rawLen: r.u32(), crc: r.u32()}
		if e.off+uint64(e.clen) > uint64(len(s.store)) {
			return corrupt(s.Path, "BLOCKS section", "block %d out of range", i)
		}
		s.blocks[i] = e
	}
	for i := 0; i < s.N; i++ {
		if int(s.block[i]) >= n || s.blockOff[i] >= s.blocks[s.block[i]].rawLen {
			return corrupt(s.Path, "DOCS section", "document %d stored at block %d offset %d out of range", i, s.block[i], s.blockOff[i])
		}
	}
	s.blockVerified = make([]atomic.Bool, n)
	return nil
}

// IDBytes returns the id of document i without copying; the bytes are
// read-only and valid while the segment is open.
func (s *Segment) IDBytes(i int) []byte { return s.idBytes[s.idOffs[i]:s.idOffs[i+1]] }

// ID returns the id of document i.
func (s *Segment) ID(i int) string {
	return string(s.idBytes[s.idOffs[i]:s.idOffs[i+1]])
}

// Meta returns the meta value of key for document i ("" and false if absent).
func (s *Segment) Meta(i int, key string) (string, bool) {
	for j := s.metaStart[i]; j < s.metaStart[i+1]; j++ {
		if s.Strings[s.metaPairs[2*j]] == key {
			return s.Strings[s.metaPairs[2*j+1]], true
		}
	}
	return "", false
}

// StringIndex returns the index of str in the string table, or -1.
func (s *Segment) StringIndex(str string) int {
	for i, x := range s.Strings {
		if x == str {
			return i
		}
	}
	return -1
}

// NumTerms returns the number of distinct terms.
func (s *Segment) NumTerms() int { return len(s.dict) }

func (s *Segment) term(i int) []byte { return s.termBytes[s.termOffs[i]:s.termOffs[i+1]] }

// Term returns term i.
func (s *Segment) Term(i int) string { return string(s.term(i)) }

// Lookup returns the index of term t, or -1.
func (s *Segment) Lookup(t string) int {
	i := sort.Search(len(s.dict), func(i int) bool { return string(s.term(i)) >= t })
	if i < len(s.dict) && string(s.term(i)) == t {
		return i
	}
	return -1
}

// PrefixRange returns the range [lo, hi) of terms starting with p.
func (s *Segment) PrefixRange(p string) (int, int) {
	lo := sort.Search(len(s.dict), func(i int) bool { return string(s.term(i)) >= p })
	hi := lo
	for hi < len(s.dict) && bytes.HasPrefix(s.term(hi), []byte(p)) {
		hi++
	}
	return lo, hi
}

// DF returns the number of documents holding term i; CF its occurrences.
func (s *Segment) DF(i int) int    { return int(s.dict[i].df) }
func (s *Segment) CF(i int) uint64 { return s.dict[i].cf }

// Postings decodes the document list and frequencies of term i into p,
// reusing its buffers, and readies its positions. The list's checksum is
// verified the first time it is read.
func (s *Segment) Postings(i int, p *Postings) error { return s.decodePostings(i, p, true) }

// decodePostings is Postings; with useCache false it neither reads nor
// fills the posting cache (Check decodes every list itself).
func (s *Segment) decodePostings(i int, p *Postings, useCache bool) error {
	e := s.dict[i]
	raw := s.postings[e.off : e.off+uint64(e.len)]
	if !s.verified[i].Load() {
		if crc32.Checksum(raw, castagnoli) != e.crc {
			return corrupt(s.Path, fmt.Sprintf("postings of term %q", s.term(i)), "checksum mismatch")
		}
		s.verified[i].Store(true)
	}
	bad := func(what string) error {
		return corrupt(s.Path, fmt.Sprintf("postings of term %q", s.term(i)), "%s", what)
	}
	ld, k1 := binary.Uvarint(raw)
	if k1 <= 0 {
		return bad("bad length")
	}
	lf, k2 := binary.Uvarint(raw[k1:])
	if rest := uint64(len(raw) - k1 - k2); k2 <= 0 || ld > rest || lf > rest-ld {
		return bad("bad length")
	}
	hdr := k1 + k2
	docsRaw := raw[hdr : hdr+int(ld)]
	freqRaw := raw[hdr+int(ld) : hdr+int(ld)+int(lf)]
	posRaw := raw[hdr+int(ld)+int(lf):]
	df := int(e.df)
	p.seg, p.term = s, i
	if p.shared { // never decode into slices the cache holds
		p.Docs, p.Freqs, p.Cum, p.shared = nil, nil, nil, false
	}
	p.entry = nil
	if useCache && df >= cacheMinDF {
		if c := cacheGet(s, i); c != nil {
			p.Docs, p.Freqs, p.Cum, p.shared, p.entry = c.docs, c.freqs, c.cum, true, c
			p.pos.init(posRaw, int(e.cf))
			return nil
		}
	}
	var ok bool
	var used int
	p.Docs, used, ok = decodePacked(p.Docs[:0], docsRaw, df)
	if !ok || used != len(docsRaw) {
		return bad("bad document list")
	}
	p.Freqs, used, ok = decodePacked(p.Freqs[:0], freqRaw, df)
	if !ok || used != len(freqRaw) {
		return bad("bad frequency list")
	}
	acc := uint64(0)
	if cap(p.Cum) < df+1 {
		p.Cum = make([]uint32, df+1)
	}
	p.Cum = p.Cum[:df+1]
	prev := uint32(0)
	for j := 0; j < df; j++ {
		d := p.Docs[j]
		if j > 0 {
			d += prev
			if d <= prev {
				return bad("document numbers not increasing")
			}
		}
		if int(d) >= s.N {
			return bad("document number out of range")
		}
		p.Docs[j] = d
		prev = d
		p.Cum[j] = uint32(acc)
		p.Freqs[j]++
		acc += uint64(p.Freqs[j])
	}
	p.Cum[df] = uint32(acc)
	if acc != e.cf {
		return bad("frequencies do not add up to the occurrence count")
	}
	p.pos.init(posRaw, int(e.cf))
	if useCache && df >= cacheMinDF {
		p.entry = &cacheEntry{key: cacheKey{s, i}, docs: p.Docs, freqs: p.Freqs, cum: p.Cum}
		cachePut(p.entry)
		// p now shares its slices with the cache; its next use must not
		// append into them.
		p.shared = true
	}
	return nil
}

// Postings is one term's decoded postings in one segment.
type Postings struct {
	Docs  []uint32 // ascending document numbers
	Freqs []uint32 // occurrences in each document
	Cum   []uint32 // Cum[j] = occurrences before Docs[j]
	pos   packedReader
	seg   *Segment
	term  int
	// shared: Docs, Freqs and Cum belong to the posting cache.
	shared bool
	entry  *cacheEntry // the cache entry of the list, if cached
}

// TermIndex returns the index of the list's term in its segment.
func (p *Postings) TermIndex() int { return p.term }

// AllPositions returns the positions of every document of the list,
// absolute: those of the j-th document are all[Cum[j]:Cum[j+1]]. It
// decodes the whole position stream at once (about a nanosecond a
// position), which beats Positions when most documents are needed; for a
// cached list the result is kept with it. The slice is read-only.
func (p *Postings) AllPositions() ([]uint32, error) {
	if p.entry != nil {
		if all := p.entry.pos.Load(); all != nil {
			return *all, nil
		}
	}
	bad := func(what string) error {
		return corrupt(p.seg.Path, fmt.Sprintf("postings of term %q", p.seg.term(p.term)), "%s", what)
	}
	all, used, ok := decodePacked(make([]uint32, 0, p.pos.n), p.pos.src, p.pos.n)
	if !ok || used != len(p.pos.src) {
		return nil, bad("bad positions")
	}
	for j, d := range p.Docs {
		limit := p.seg.TitleToks[d] + FieldGap + p.seg.TextToks[d]
		ps := all[p.Cum[j]:p.Cum[j+1]]
		var cur uint32
		for k, v := range ps {
			if k == 0 {
				cur = v
			} else {
				if v == 0 || cur+v < cur {
					return nil, bad("positions not increasing")
				}
				cur += v
			}
			if cur >= limit {
				return nil, bad("position past the end of its document")
			}
			ps[k] = cur
		}
	}
	if p.entry != nil && p.entry.pos.CompareAndSwap(nil, &all) {
		cacheGrow(p.entry, int64(len(all))*4)
	}
	return all, nil
}

// Positions appends the positions of the j-th document of the list to dst.
// Calls are fastest with non-decreasing j.
func (p *Postings) Positions(j int, dst []uint32) ([]uint32, error) {
	start, n := int(p.Cum[j]), int(p.Freqs[j])
	limit := p.seg.TitleToks[p.Docs[j]] + FieldGap + p.seg.TextToks[p.Docs[j]]
	base := len(dst)
	dst, ok := p.pos.appendRange(dst, start, n)
	if !ok {
		return dst, corrupt(p.seg.Path, fmt.Sprintf("postings of term %q", p.seg.term(p.term)), "bad positions")
	}
	// Deltas to absolute positions, checking order and bounds.
	ps := dst[base:]
	var cur uint32
	for k, v := range ps {
		if k == 0 {
			cur = v
		} else {
			if v == 0 || cur+v < cur {
				return dst, corrupt(p.seg.Path, fmt.Sprintf("postings of term %q", p.seg.term(p.term)), "positions not increasing")
			}
			cur += v
		}
		if cur >= limit {
			return dst, corrupt(p.seg.Path, fmt.Sprintf("postings of term %q", p.seg.term(p.term)), "position past the end of its document")
		}
		ps[k] = cur
	}
	return dst, nil
}

var decoderPool = sync.Pool{New: func() any {
	d, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(64<<20))
	return d
}}

// Block returns the decompressed store block b, verifying its checksum.
func (s *Segment) Block(b int, dst []byte) ([]byte, error) {
	if b < 0 || b >= len(s.blocks) {
		return nil, fmt.Errorf("%s: no store block %d", s.Path, b)
	}
	e := s.blocks[b]
	comp := s.store[e.off : e.off+uint64(e.clen)]
	if !s.blockVerified[b].Load() {
		if crc32.Checksum(comp, castagnoli) != e.crc {
			return nil, corrupt(s.Path, fmt.Sprintf("store block %d", b), "checksum mismatch")
		}
		s.blockVerified[b].Store(true)
	}
	dec := decoderPool.Get().(*zstd.Decoder)
	defer decoderPool.Put(dec)
	out, err := dec.DecodeAll(comp, dst[:0])
	if err != nil || len(out) != int(e.rawLen) {
		return nil, corrupt(s.Path, fmt.Sprintf("store block %d", b), "cannot decompress: %v", err)
	}
	return out, nil
}

// CachedBlock is Block through the shared cache: the result is read-only
// and may be shared with other callers. Sequential scans should use Block,
// so as not to push out what interactive queries reuse.
func (s *Segment) CachedBlock(b int) ([]byte, error) {
	if c := cacheGet(s, -1-b); c != nil {
		return c.block, nil
	}
	raw, err := s.Block(b, nil)
	if err != nil {
		return nil, err
	}
	cachePut(&cacheEntry{key: cacheKey{s, -1 - b}, block: raw})
	return raw, nil
}

// DocBlock returns the store block and offset of document i.
func (s *Segment) DocBlock(i int) (int, int) { return int(s.block[i]), int(s.blockOff[i]) }

// Doc reads document i from the store.
func (s *Segment) Doc(i int) (corpus.Document, error) {
	b, off := s.DocBlock(i)
	raw, err := s.CachedBlock(b)
	if err != nil {
		return corpus.Document{}, err
	}
	return s.DecodeDoc(raw, off, i)
}

// Head returns document i's id, date, source and title only: a listing
// that shows no text need not copy it.
func (s *Segment) Head(i int) (corpus.Document, error) {
	b, off := s.DocBlock(i)
	raw, err := s.CachedBlock(b)
	if err != nil {
		return corpus.Document{}, err
	}
	r, err := s.record(raw, off, i)
	if err != nil {
		return corpus.Document{}, err
	}
	d := corpus.Document{ID: r.str(), Date: r.str(), Source: r.str(), Title: r.str()}
	if r.bad || d.ID != s.ID(i) {
		return corpus.Document{}, s.badRecord(i)
	}
	return d, nil
}

// record returns a reader over the record of document i at off in a
// decompressed block.
func (s *Segment) record(raw []byte, off, i int) (*reader, error) {
	if off >= len(raw) {
		return nil, s.badRecord(i)
	}
	n, k := binary.Uvarint(raw[off:])
	if k <= 0 || n > uint64(len(raw)-off-k) {
		return nil, s.badRecord(i)
	}
	return &reader{b: raw[off+k : off+k+int(n)]}, nil
}

// DecodeDoc decodes the record at off in a decompressed block of document i.
func (s *Segment) DecodeDoc(raw []byte, off, i int) (corpus.Document, error) {
	r, err := s.record(raw, off, i)
	if err != nil {
		return corpus.Document{}, err
	}
	var d corpus.Document
	d.ID = r.str()
	d.Date = r.str()
	d.Source = r.str()
	d.Title = r.str()
	d.Text = r.str()
	d.Lang = r.str()
	d.URL = r.str()
	m := r.uvarint()
	if m > uint64(r.left()) {
		return corpus.Document{}, s.badRecord(i)
	}
	if m > 0 {
		d.Meta = make(map[string]string, m)
		for j := uint64(0); j < m; j++ {
			k := r.str()
			d.Meta[k] = r.str()
		}
	}
	if r.bad || r.left() != 0 || d.ID != s.ID(i) {
		return corpus.Document{}, s.badRecord(i)
	}
	return d, nil
}

// badRecord is the error of a stored record that does not decode.
func (s *Segment) badRecord(i int) error {
	return corrupt(s.Path, fmt.Sprintf("stored document %d", i), "malformed record")
}

// reader decodes little-endian values, remembering the first overrun.
type reader struct {
	b   []byte
	p   int
	bad bool
}

func (r *reader) left() int { return len(r.b) - r.p }

func (r *reader) take(n int) []byte {
	if r.bad || n < 0 || n > r.left() {
		r.bad = true
		return nil
	}
	v := r.b[r.p : r.p+n]
	r.p += n
	return v
}

func (r *reader) u32() uint32 {
	v := r.take(4)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(v)
}

func (r *reader) u64() uint64 {
	v := r.take(8)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(v)
}

func (r *reader) u32s(n int) []uint32 {
	raw := r.take(4 * n)
	if raw == nil {
		// r.bad is set; callers check it before use. Allocating n
		// here would let a corrupt count ask for gigabytes.
		return nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return out
}

func (r *reader) uvarint() uint64 {
	if r.bad {
		return 0
	}
	v, k := binary.Uvarint(r.b[r.p:])
	if k <= 0 {
		r.bad = true
		return 0
	}
	r.p += k
	return v
}

func (r *reader) str() string {
	n := r.uvarint()
	if n > uint64(r.left()) {
		r.bad = true
		return ""
	}
	return string(r.take(int(n)))
}

// stringTable reads [u32 count] (count+1)×u32 offsets | bytes; count is
// read from the data when n < 0. Offsets are checked to be monotone and in
// range.
func (r *reader) stringTable(n int) ([]uint32, []byte) {
	if n < 0 {
		n = int(r.u32())
	}
	if r.bad || n < 0 || uint64(n+1)*4 > uint64(r.left()) {
		r.bad = true
		return []uint32{0}, nil
	}
	offs := r.u32s(n + 1)
	for i := 1; i <= n; i++ {
		if offs[i] < offs[i-1] {
			r.bad = true
			return []uint32{0}, nil
		}
	}
	if offs[0] != 0 {
		r.bad = true
		return []uint32{0}, nil
	}
	blob := r.take(int(offs[n]))
	if r.bad {
		return []uint32{0}, nil
	}
	return offs, blob
}

// FindID returns the number of the document with this id, or -1. It scans
// the ids (documents are ordered by date, not id).
func (s *Segment) FindID(id string) int {
	for i := 0; i < s.N; i++ {
		if string(s.idBytes[s.idOffs[i]:s.idOffs[i+1]]) == id {
			return i
		}
	}
	return -1
}

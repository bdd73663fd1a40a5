package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/textnorm"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Builder collects documents for one segment and writes it. Its memory is
// about the text it holds plus 8 bytes per token; callers bound it by
// flushing when Bytes passes a limit. A Builder is used once.
type Builder struct {
	docs  []builtDoc
	bytes int64
}

type builtDoc struct {
	doc  corpus.Document
	day  int32
	hash uint64
}

// Add buffers d and returns its place in the builder; it is indexed when
// the segment is written.
func (b *Builder) Add(d corpus.Document, hash uint64) int {
	b.docs = append(b.docs, builtDoc{doc: d, day: Day(d.Date), hash: hash})
	b.bytes += docBytes(&d)
	return len(b.docs) - 1
}

// Replace puts d in place i, instead of the document added there.
func (b *Builder) Replace(i int, d corpus.Document, hash uint64) {
	b.bytes += docBytes(&d) - docBytes(&b.docs[i].doc)
	b.docs[i] = builtDoc{doc: d, day: Day(d.Date), hash: hash}
}

func docBytes(d *corpus.Document) int64 {
	return int64(len(d.Title) + len(d.Text) + len(d.ID) + len(d.Source) + len(d.URL) + 64)
}

// Len returns the number of documents buffered.
func (b *Builder) Len() int { return len(b.docs) }

// Doc returns buffered document i. After Write, i is its number in the
// written segment (Write puts the documents in (date, id) order).
func (b *Builder) Doc(i int) *corpus.Document { return &b.docs[i].doc }

// Bytes returns the approximate size of the buffered documents.
func (b *Builder) Bytes() int64 { return b.bytes }

// Info summarises a written segment.
type Info struct {
	Docs   int
	Tokens int64
	Bytes  int64 // file size
	MinDay int32
	MaxDay int32 // NoDate if all undated
}

// termAcc accumulates one term's postings in memory.
type termAcc struct {
	docs    []uint32
	freqs   []uint32 // freq of the last doc is counted in place
	pos     []uint32 // deltas, first of each doc absolute
	lastPos uint32
}

// Write sorts the documents by (date, id), indexes them and writes the
// segment to w. It reads each document once and compresses stored text on
// a second goroutine while tokenizing, itself split over up to GOMAXPROCS
// goroutines for large segments; the bytes written do not depend on the
// split.
func (b *Builder) Write(w io.Writer) (Info, error) {
	slices.SortStableFunc(b.docs, func(x, y builtDoc) int {
		if x.day != y.day {
			if x.day < y.day {
				return -1
			}
			return 1
		}
		return strings.Compare(x.doc.ID, y.doc.ID)
	})
	for i := 1; i < len(b.docs); i++ {
		if b.docs[i].doc.ID == b.docs[i-1].doc.ID {
			return Info{}, fmt.Errorf("build segment: duplicate id %q", b.docs[i].doc.ID)
		}
	}
	if len(b.docs) > math.MaxInt32 {
		return Info{}, errors.New("build segment: too many documents")
	}
	sw := &secWriter{w: bufio.NewWriterSize(w, 1<<20)}
	sw.raw([]byte(segMagic))
	sw.u32(Version)
	sw.u32(0)

	// STORE is written by a second goroutine while this one tokenizes.
	var (
		blocks   []blockEntry
		docBlock = make([]uint32, len(b.docs))
		docOff   = make([]uint32, len(b.docs))
		storeErr error
		wg       sync.WaitGroup
	)
	sw.begin(secStore)
	wg.Add(1)
	go func() {
		defer wg.Done()
		blocks, storeErr = b.writeStore(sw, docBlock, docOff)
	}()

	// Tokenizing, the bulk of the work, runs on one goroutine per shard,
	// the first on this one.
	titleToks := make([]uint32, len(b.docs))
	textToks := make([]uint32, len(b.docs))
	shards := b.shards()
	var twg sync.WaitGroup
	for s := 1; s < len(shards); s++ {
		twg.Add(1)
		go func() {
			defer twg.Done()
			b.tokenize(&shards[s], titleToks, textToks)
		}()
	}
	b.tokenize(&shards[0], titleToks, textToks)
	twg.Wait()
	wg.Wait()
	var total int64
	for s := range shards {
		if shards[s].err != nil {
			return Info{}, shards[s].err // the first in document order
		}
		total += shards[s].total
	}
	if storeErr != nil {
		return Info{}, storeErr
	}
	sw.end()

	sw.begin(secBlocks)
	sw.u32(uint32(len(blocks)))
	for _, be := range blocks {
		sw.u64(be.off)
		sw.u32(be.clen)
		sw.u32(be.rawLen)
		sw.u32(be.crc)
	}
	sw.end()

	// POSTINGS and DICT, terms in bytewise order.
	keys := termKeys(shards)
	type dictEntry struct {
		off uint64
		len uint32
		crc uint32
		df  uint32
		cf  uint64
	}
	dict := make([]dictEntry, len(keys))
	sw.begin(secPostings)
	var buf, docsBuf, freqBuf []byte
	var m termMerge
	for i, k := range keys {
		m.gather(shards, k)
		docsBuf = appendPacked(docsBuf[:0], m.deltas)
		freqBuf = appendPackedParts(freqBuf[:0], m.freqs)
		buf = binary.AppendUvarint(buf[:0], uint64(len(docsBuf)))
		buf = binary.AppendUvarint(buf, uint64(len(freqBuf)))
		buf = append(buf, docsBuf...)
		buf = append(buf, freqBuf...)
		buf = appendPackedParts(buf, m.pos)
		dict[i] = dictEntry{off: uint64(sw.secLen()), len: uint32(len(buf)), crc: crc32.Checksum(buf, castagnoli),
			df: uint32(len(m.deltas)), cf: uint64(m.cf)}
		sw.raw(buf)
	}
	sw.end()

	sw.begin(secDict)
	sw.strings(keys)
	for _, e := range dict {
		sw.u64(e.off)
		sw.u32(e.len)
		sw.u32(e.crc)
		sw.u32(e.df)
		sw.u64(e.cf)
	}
	sw.end()

	// STRINGS and DOCS.
	st := stringTable{index: map[string]uint32{}}
	sources := make([]uint32, len(b.docs))
	langs := make([]uint32, len(b.docs))
	metaStart := make([]uint32, len(b.docs)+1)
	var metaPairs []uint32
	for i := range b.docs {
		d := &b.docs[i].doc
		sources[i] = st.id(d.Source)
		langs[i] = st.id(d.Lang)
		metaStart[i] = uint32(len(metaPairs) / 2)
		mk := make([]string, 0, len(d.Meta))
		for k := range d.Meta {
			mk = append(mk, k)
		}
		sort.Strings(mk)
		for _, k := range mk {
			metaPairs = append(metaPairs, st.id(k), st.id(d.Meta[k]))
		}
	}
	metaStart[len(b.docs)] = uint32(len(metaPairs) / 2)
	sw.begin(secStrings)
	sw.strings(st.list)
	sw.end()

	info := Info{Docs: len(b.docs), Tokens: total, MinDay: NoDate, MaxDay: NoDate}
	sw.begin(secDocs)
	n := len(b.docs)
	sw.u32(uint32(n))
	for i := range b.docs {
		sw.u32(uint32(b.docs[i].day))
		if d := b.docs[i].day; d != NoDate {
			if info.MinDay == NoDate || d < info.MinDay {
				info.MinDay = d
			}
			if info.MaxDay == NoDate || d > info.MaxDay {
				info.MaxDay = d
			}
		}
	}
	for _, v := range titleToks {
		sw.u32(v)
	}
	for _, v := range textToks {
		sw.u32(v)
	}
	for _, v := range sources {
		sw.u32(v)
	}
	for _, v := range langs {
		sw.u32(v)
	}
	for i := range b.docs {
		sw.u64(b.docs[i].hash)
	}
	for _, v := range docBlock {
		sw.u32(v)
	}
	for _, v := range docOff {
		sw.u32(v)
	}
	for _, v := range metaStart {
		sw.u32(v)
	}
	sw.u32(uint32(len(metaPairs) / 2))
	for _, v := range metaPairs {
		sw.u32(v)
	}
	ids := make([]string, n)
	for i := range b.docs {
		ids[i] = b.docs[i].doc.ID
	}
	sw.stringsNoCount(ids)
	sw.end()

	// TOC and footer.
	tocOff := sw.off
	var toc []byte
	toc = binary.LittleEndian.AppendUint32(toc, uint32(len(sw.toc)))
	for _, e := range sw.toc {
		toc = binary.LittleEndian.AppendUint32(toc, e.kind)
		toc = binary.LittleEndian.AppendUint64(toc, e.off)
		toc = binary.LittleEndian.AppendUint64(toc, e.len)
		toc = binary.LittleEndian.AppendUint32(toc, e.crc)
	}
	sw.raw(toc)
	sw.u64(uint64(tocOff))
	sw.u32(uint32(len(toc)))
	sw.u32(crc32.Checksum(toc, castagnoli))
	sw.raw([]byte(endMagic))
	if err := sw.flush(); err != nil {
		return Info{}, err
	}
	info.Bytes = sw.off
	return info, nil
}

// A shard is a contiguous range of the sorted documents, tokenized on its
// own goroutine into its own accumulators. Shards cover increasing document
// ranges, so a term's postings are its shards' lists concatenated in shard
// order.
type shard struct {
	lo, hi int                 // documents [lo, hi)
	terms  map[string]*termAcc // each set to nil once written
	total  int64               // tokens
	err    error               // the shard's first document with too many tokens
}

// A shard gets at least minShardDocs documents and minShardBytes of text:
// below that, a goroutine and merging its terms cost more than they save.
const (
	minShardDocs  = 256
	minShardBytes = 1 << 20
)

// testShards, if positive, overrides the shard count (for tests).
var testShards int

// shards splits the sorted documents into at most GOMAXPROCS shards of about
// equal text size.
func (b *Builder) shards() []shard {
	var text int64
	for i := range b.docs {
		text += int64(len(b.docs[i].doc.Title) + len(b.docs[i].doc.Text))
	}
	n := min(runtime.GOMAXPROCS(0), len(b.docs)/minShardDocs, int(text/minShardBytes))
	if testShards > 0 {
		n = testShards
	}
	n = max(n, 1)
	shards := make([]shard, n)
	// Shard s ends at the first document where the text so far reaches
	// (s+1)/n of the whole; the last ends at the last document. Shards may be
	// empty when forced to more than there are documents.
	i, sofar := 0, int64(0)
	for s := range shards {
		shards[s].lo = i
		for ; i < len(b.docs) && (s == n-1 || sofar*int64(n) < text*int64(s+1)); i++ {
			sofar += int64(len(b.docs[i].doc.Title) + len(b.docs[i].doc.Text))
		}
		shards[s].hi = i
	}
	return shards
}

// tokenize indexes the documents of sh into its accumulators and fills
// their titleToks and textToks entries (each shard writes only its own).
func (b *Builder) tokenize(sh *shard, titleToks, textToks []uint32) {
	terms := map[string]*termAcc{}
	cjk := make([]*termAcc, cjkHi-cjkLo+1)
	sh.terms = terms
	var tk textnorm.Tokenizer
	for i := sh.lo; i < sh.hi; i++ {
		d := &b.docs[i].doc
		doc := uint32(i)
		pos := uint32(0)
		add := func(tok []byte, _, _ int) {
			var acc *termAcc
			// Most tokens of Chinese text are one CJK character: look
			// those up in an array instead of the map.
			if len(tok) == 3 && tok[0] >= 0xE3 && tok[0] <= 0xE9 {
				r, _ := utf8.DecodeRune(tok)
				if r >= cjkLo && r <= cjkHi {
					if acc = cjk[r-cjkLo]; acc == nil {
						acc = &termAcc{}
						cjk[r-cjkLo] = acc
						terms[string(tok)] = acc
					}
				}
			}
			if acc == nil {
				if acc = terms[string(tok)]; acc == nil {
					acc = &termAcc{}
					terms[string(tok)] = acc
				}
			}
			if n := len(acc.docs); n == 0 || acc.docs[n-1] != doc {
				acc.docs = append(acc.docs, doc)
				acc.freqs = append(acc.freqs, 0)
				acc.pos = append(acc.pos, pos)
			} else {
				acc.freqs[n-1]++
				acc.pos = append(acc.pos, pos-acc.lastPos)
			}
			acc.lastPos = pos
			pos++
		}
		tk.Each(d.Title, add)
		titleToks[i] = pos
		pos += FieldGap
		tk.Each(d.Text, add)
		textToks[i] = pos - FieldGap - titleToks[i]
		sh.total += int64(titleToks[i]) + int64(textToks[i])
		if pos > math.MaxUint32-FieldGap {
			sh.err = fmt.Errorf("build segment: document %q has too many tokens", d.ID)
			return
		}
	}
}

// termKeys returns the terms of all shards in bytewise order, each once.
func termKeys(shards []shard) []string {
	keys := make([]string, 0, len(shards[0].terms))
	for s := range shards {
	next:
		for k := range shards[s].terms {
			for _, prev := range shards[:s] {
				if _, ok := prev.terms[k]; ok {
					continue next // listed with an earlier shard
				}
			}
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// termMerge holds one term's postings gathered from the shards: its doc
// deltas in a buffer reused from term to term, and its freqs and positions
// as the shards' own lists, packed without concatenating them.
type termMerge struct {
	deltas []uint32   // doc-number deltas, the first absolute
	freqs  [][]uint32 // per shard holding the term, in shard order
	pos    [][]uint32
	cf     int // positions in all
}

// gather collects term k from the shards in shard order and lets the
// shards' accumulators for k go. Positions restart with each document and
// documents do not straddle shards, so freqs and positions concatenate
// as they are; only doc deltas are recomputed across shard boundaries.
func (m *termMerge) gather(shards []shard, k string) {
	clear(m.freqs) // let the previous term's lists go
	clear(m.pos)
	m.deltas, m.freqs, m.pos, m.cf = m.deltas[:0], m.freqs[:0], m.pos[:0], 0
	prev := uint32(0)
	for s := range shards {
		acc := shards[s].terms[k]
		if acc == nil {
			continue
		}
		for _, d := range acc.docs {
			if len(m.deltas) == 0 {
				m.deltas = append(m.deltas, d)
			} else {
				m.deltas = append(m.deltas, d-prev)
			}
			prev = d
		}
		m.freqs = append(m.freqs, acc.freqs)
		m.pos = append(m.pos, acc.pos)
		m.cf += len(acc.pos)
		shards[s].terms[k] = nil // let the accumulator go
	}
}

// appendPackedParts appends what appendPacked appends for the
// concatenation of parts, without building it.
func appendPackedParts(dst []byte, parts [][]uint32) []byte {
	if len(parts) == 1 {
		return appendPacked(dst, parts[0])
	}
	var blk [blockLen]uint32
	n := 0 // values in blk
	for _, p := range parts {
		for len(p) > 0 {
			if n == 0 && len(p) >= blockLen { // a whole block in place
				dst = appendBlock(dst, p[:blockLen])
				p = p[blockLen:]
				continue
			}
			c := copy(blk[n:], p)
			n += c
			p = p[c:]
			if n == blockLen {
				dst = appendBlock(dst, blk[:])
				n = 0
			}
		}
	}
	for _, v := range blk[:n] {
		dst = binary.AppendUvarint(dst, uint64(v))
	}
	return dst
}

// The CJK range whose one-character terms the builder keeps in an array.
const cjkLo, cjkHi = 0x3400, 0x9FFF

type blockEntry struct {
	off    uint64
	clen   uint32
	rawLen uint32
	crc    uint32
}

var encoderPool = sync.Pool{New: func() any {
	e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	return e
}}

// writeStore writes the STORE section: documents in order, in blocks of
// about storeBlockSize raw bytes.
func (b *Builder) writeStore(sw *secWriter, docBlock, docOff []uint32) ([]blockEntry, error) {
	enc := encoderPool.Get().(*zstd.Encoder)
	defer encoderPool.Put(enc)
	var blocks []blockEntry
	var raw, rec, comp []byte
	flush := func() {
		if len(raw) == 0 {
			return
		}
		comp = enc.EncodeAll(raw, comp[:0])
		blocks = append(blocks, blockEntry{off: uint64(sw.secLen()), clen: uint32(len(comp)), rawLen: uint32(len(raw)),
			crc: crc32.Checksum(comp, castagnoli)})
		sw.raw(comp)
		raw = raw[:0]
	}
	for i := range b.docs {
		rec = appendRecord(rec[:0], &b.docs[i].doc)
		if len(raw) > 0 && len(raw)+len(rec) > storeBlockSize {
			flush()
		}
		if len(rec) > math.MaxUint32/2 {
			return nil, fmt.Errorf("build segment: document %q too large to store", b.docs[i].doc.ID)
		}
		docBlock[i] = uint32(len(blocks))
		docOff[i] = uint32(len(raw))
		raw = binary.AppendUvarint(raw, uint64(len(rec)))
		raw = append(raw, rec...)
	}
	flush()
	return blocks, nil
}

func appendRecord(dst []byte, d *corpus.Document) []byte {
	str := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	str(d.ID)
	str(d.Date)
	str(d.Source)
	str(d.Title)
	str(d.Text)
	str(d.Lang)
	str(d.URL)
	keys := make([]string, 0, len(d.Meta))
	for k := range d.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		str(k)
		str(d.Meta[k])
	}
	return dst
}

type stringTable struct {
	index map[string]uint32
	list  []string
}

func (t *stringTable) id(s string) uint32 {
	if i, ok := t.index[s]; ok {
		return i
	}
	i := uint32(len(t.list))
	t.index[s] = i
	t.list = append(t.list, s)
	return i
}

type tocEntry struct {
	kind     uint32
	off, len uint64
	crc      uint32
}

// secWriter writes sections sequentially, tracking offsets and CRCs. It is
// safe for one goroutine at a time; the store goroutine writes while the
// tokenizer only reads its own data.
type secWriter struct {
	w       *bufio.Writer
	off     int64
	start   int64
	crc     uint32
	cur     uint32
	toc     []tocEntry
	err     error
	scratch [8]byte
}

func (s *secWriter) begin(kind uint32) { s.cur, s.start, s.crc = kind, s.off, 0 }
func (s *secWriter) end() {
	s.toc = append(s.toc, tocEntry{kind: s.cur, off: uint64(s.start), len: uint64(s.off - s.start), crc: s.crc})
	s.cur = 0
}
func (s *secWriter) secLen() int64 { return s.off - s.start }

func (s *secWriter) raw(p []byte) {
	if s.err != nil {
		return
	}
	if s.cur != 0 {
		s.crc = crc32.Update(s.crc, castagnoli, p)
	}
	_, s.err = s.w.Write(p)
	s.off += int64(len(p))
}

func (s *secWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(s.scratch[:4], v)
	s.raw(s.scratch[:4])
}

func (s *secWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(s.scratch[:8], v)
	s.raw(s.scratch[:8])
}

// strings writes u32 count | (count+1)×u32 offsets | bytes.
func (s *secWriter) strings(list []string) {
	s.u32(uint32(len(list)))
	s.stringsNoCount(list)
}

func (s *secWriter) stringsNoCount(list []string) {
	off := uint32(0)
	for _, x := range list {
		s.u32(off)
		off += uint32(len(x))
	}
	s.u32(off)
	var b bytes.Buffer
	for _, x := range list {
		b.WriteString(x)
		if b.Len() > 1<<20 {
			s.raw(b.Bytes())
			b.Reset()
		}
	}
	s.raw(b.Bytes())
}

func (s *secWriter) flush() error {
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

var writeSeed = flag.Bool("write-seed", false, "write testdata/fuzz/FuzzSegmentOpen seeds from segments built here")

// seedDocs are invented documents in the genre, for seed segments.
var seedDocs = [][]corpus.Document{
	{
		{ID: "b", Date: "2022-08-20", Source: "Longjiang Daily", Title: "Dynamic clearing", Text: "We must adhere to dynamic clearing. 动态清零！", Lang: "en", Meta: map[string]string{"province": "Heilongjiang"}},
		{ID: "a", Date: "2021-01-04", Source: "Xinwen Lianbo", Title: "共同富裕", Text: "扎实推动共同富裕。共同富裕", Lang: "zh"},
		{ID: "c", Source: "X", Title: "", Text: "undated text"},
	},
	{
		{ID: "xwlb-20210304", Date: "2021-03-04", Source: "新闻联播", Lang: "zh", Title: "碳达峰碳中和", Text: "实现碳达峰、碳中和是一场广泛而深刻的经济社会系统性变革。\n\n要坚持“双碳”目标。"},
	},
	{ // enough occurrences of one term for full packed blocks
		{ID: "long", Date: "2020-02-02", Source: "Heilongjiang Daily", Lang: "en", Title: "Prosperity", Text: repeatWords("common prosperity ", 300)},
		{ID: "short", Date: "2020-02-02", Source: "Heilongjiang Daily", Lang: "en", Title: "", Text: "Common prosperity.", Meta: map[string]string{"page": "1", "author": "Staff"}},
	},
}

func repeatWords(s string, n int) string { return string(bytes.Repeat([]byte(s), n)) }

// segmentBytes builds a segment of docs and returns its bytes.
func segmentBytes(tb testing.TB, docs []corpus.Document) []byte {
	tb.Helper()
	var b Builder
	for _, d := range docs {
		b.Add(d, ContentHash(&d))
	}
	var buf bytes.Buffer
	if _, err := b.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriteFuzzSeed writes the seed segments to testdata/fuzz when run
// with -write-seed:
//
//	go test ./internal/index -run TestWriteFuzzSeed -args -write-seed
func TestWriteFuzzSeed(t *testing.T) {
	if !*writeSeed {
		t.Skip("run with -args -write-seed to rewrite the seeds")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzSegmentOpen")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, docs := range seedDocs {
		for _, fix := range []bool{false, true} {
			data := segmentBytes(t, docs)
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nbool(%v)\n", data, fix)
			name := filepath.Join(dir, fmt.Sprintf("segment%d-fix%v", i, fix))
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nbool(false)\n", hugePostingLengths(t))
	if err := os.WriteFile(filepath.Join(dir, "huge-posting-lengths"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzSegmentOpen opens arbitrary bytes as a segment and, when that
// works, reads everything in it. Nothing may panic; errors are fine. With
// fix set, the checksums are first recomputed over the mutated bytes, so
// that the decoders behind them are exercised too.
func FuzzSegmentOpen(f *testing.F) {
	for _, docs := range seedDocs {
		f.Add(segmentBytes(f, docs), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = fixChecksums(data)
		}
		// OpenBytes is Open without the file and the mapping: the same
		// loader, many times faster per input.
		s, err := OpenBytes("f.seg", data)
		if err != nil {
			return
		}
		defer s.Close()
		checkErr := s.Check()
		var p Postings
		var pos []uint32
		bad := false
		for i := 0; i < s.NumTerms(); i++ {
			if err := s.Postings(i, &p); err != nil {
				bad = true
				continue
			}
			for j := range p.Docs {
				if pos, err = p.Positions(j, pos[:0]); err != nil {
					bad = true
				}
			}
			lo, hi := s.PrefixRange(s.Term(i))
			if s.Lookup(s.Term(i)) != i || lo != i || hi <= lo {
				t.Fatalf("term %d %q: Lookup %d, PrefixRange %d…%d", i, s.Term(i), s.Lookup(s.Term(i)), lo, hi)
			}
		}
		for i := 0; i < s.N; i++ {
			if _, err := s.Doc(i); err != nil {
				bad = true
			}
			s.ID(i)
			s.Meta(i, "province")
		}
		if bad && checkErr == nil {
			t.Fatalf("reading failed but Check passed")
		}
	})
}

// fixChecksums returns a copy of data with every checksum it can find
// recomputed: posting lists, store blocks, sections, TOC. It reads the
// structure leniently and leaves what it cannot locate.
func fixChecksums(data []byte) []byte {
	d := bytes.Clone(data)
	le := binary.LittleEndian
	if len(d) < headerLen+footerLen {
		return d
	}
	foot := d[len(d)-footerLen:]
	tocOff, tocLen := le.Uint64(foot), uint64(le.Uint32(foot[8:]))
	if tocOff > uint64(len(d)) || tocLen > uint64(len(d))-tocOff || tocLen < 4 {
		return d
	}
	toc := d[tocOff : tocOff+tocLen]
	n := uint64(le.Uint32(toc))
	if n > (tocLen-4)/24 {
		n = (tocLen - 4) / 24
	}
	section := func(i uint64) (uint32, []byte, []byte) { // kind, bytes, crc field
		e := toc[4+24*i:]
		off, l := le.Uint64(e[4:]), le.Uint64(e[12:])
		if off > uint64(len(d)) || l > uint64(len(d))-off {
			return 0, nil, nil
		}
		return le.Uint32(e), d[off : off+l], e[20:24]
	}
	var postings, store []byte
	for i := uint64(0); i < n; i++ {
		switch kind, b, _ := section(i); kind {
		case secPostings:
			postings = b
		case secStore:
			store = b
		}
	}
	for i := uint64(0); i < n; i++ {
		kind, b, _ := section(i)
		switch kind {
		case secDict:
			if len(b) < 4 {
				break
			}
			nt := uint64(le.Uint32(b))
			if (nt+1)*4+4 > uint64(len(b)) {
				break
			}
			end := le.Uint32(b[4+4*nt:])
			ents := 4 + (nt+1)*4 + uint64(end)
			for t := uint64(0); t < nt && ents+28*(t+1) <= uint64(len(b)); t++ {
				e := b[ents+28*t:]
				off, l := le.Uint64(e), uint64(le.Uint32(e[8:]))
				if off <= uint64(len(postings)) && l <= uint64(len(postings))-off {
					le.PutUint32(e[12:], crc32.Checksum(postings[off:off+l], castagnoli))
				}
			}
		case secBlocks:
			if len(b) < 4 {
				break
			}
			nb := uint64(le.Uint32(b))
			for k := uint64(0); k < nb && 4+20*(k+1) <= uint64(len(b)); k++ {
				e := b[4+20*k:]
				off, l := le.Uint64(e), uint64(le.Uint32(e[8:]))
				if off <= uint64(len(store)) && l <= uint64(len(store))-off {
					le.PutUint32(e[16:], crc32.Checksum(store[off:off+l], castagnoli))
				}
			}
		}
	}
	for i := uint64(0); i < n; i++ {
		if _, b, crc := section(i); crc != nil {
			le.PutUint32(crc, crc32.Checksum(b, castagnoli))
		}
	}
	le.PutUint32(foot[12:], crc32.Checksum(toc, castagnoli))
	return d
}

// FuzzPacked decodes arbitrary bytes as packed streams (decodePacked,
// packedReader.get and appendRange must agree), and round-trips values
// made from them.
func FuzzPacked(f *testing.F) {
	f.Add([]byte{}, uint16(0), uint8(0), int64(0))
	f.Add(appendPacked(nil, []uint32{5, 0, 7, 1 << 20, 3}), uint16(5), uint8(1), int64(1))
	vals := make([]uint32, 300)
	for i := range vals {
		vals[i] = uint32(i * 7)
	}
	f.Add(appendPacked(nil, vals), uint16(300), uint8(3), int64(2))
	f.Add(appendPacked(nil, vals[:128]), uint16(129), uint8(32), int64(3))
	f.Fuzz(func(t *testing.T, src []byte, n16 uint16, width uint8, seed int64) {
		n := int(n16)
		// Decoding random bytes: no panic, and the two decoders agree.
		got, used, ok := decodePacked(nil, src, n)
		if ok && (len(got) != n || used > len(src)) {
			t.Fatalf("decodePacked: %d values, %d of %d bytes used", len(got), used, len(src))
		}
		var r packedReader
		r.init(src[:min(used, len(src))], n)
		rng := rand.New(rand.NewSource(seed))
		for k := 0; k < 64 && n > 0; k++ {
			i := rng.Intn(n)
			v, vok := r.get(i)
			if ok && (!vok || v != got[i]) {
				t.Fatalf("packedReader.get(%d) = %d,%v; decodePacked %d", i, v, vok, got[i])
			}
		}
		r.get(-1)
		r.get(n)
		if n > 0 {
			i := rng.Intn(n)
			k := rng.Intn(n - i + 1)
			part, rok := r.appendRange(nil, i, k)
			if ok && (!rok || !slices.Equal(part, got[i:i+k])) {
				t.Fatalf("packedReader.appendRange(%d, %d) = %v,%v; decodePacked %v", i, k, part, rok, got[i:i+k])
			}
		}
		if _, rok := r.appendRange(nil, n, 1); rok {
			t.Fatalf("packedReader.appendRange past the end succeeded")
		}

		// Round trip of values of at most width bits made from src.
		vals := make([]uint32, n)
		w := uint(width % 33)
		for i := range vals {
			var v uint32
			if len(src) > 0 {
				v = binary.LittleEndian.Uint32(append(bytes.Clone(src[(4*i)%len(src):]), 0, 0, 0, 0))
			}
			v ^= rng.Uint32()
			if w < 32 {
				v &= 1<<w - 1
			}
			vals[i] = v
		}
		enc := appendPacked(nil, vals)
		dec, used, ok := decodePacked(nil, enc, n)
		if !ok || used != len(enc) {
			t.Fatalf("round trip of %d values: ok=%v, %d of %d bytes used", n, ok, used, len(enc))
		}
		for i := range vals {
			if dec[i] != vals[i] {
				t.Fatalf("round trip: [%d] = %d, want %d", i, dec[i], vals[i])
			}
		}
		r.init(enc, n)
		for k := 0; k < 64 && n > 0; k++ {
			i := rng.Intn(n)
			if v, ok := r.get(i); !ok || v != vals[i] {
				t.Fatalf("packedReader.get(%d) = %d,%v, want %d", i, v, ok, vals[i])
			}
			j := i + rng.Intn(n-i+1)
			if got, ok := r.appendRange(nil, i, j-i); !ok || !slices.Equal(got, vals[i:j]) {
				t.Fatalf("packedReader.appendRange(%d, %d) = %v,%v, want %v", i, j-i, got, ok, vals[i:j])
			}
		}
	})
}

// TestSegment_HugePostingLengths gives a posting list document and
// frequency lengths whose sum overflows, behind valid checksums: reading
// it must fail with ErrCorrupt, not panic.
func TestSegment_HugePostingLengths(t *testing.T) {
	data := hugePostingLengths(t)
	path := filepath.Join(t.TempDir(), "a.seg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Check() = %v, want ErrCorrupt", err)
	}
}

// hugePostingLengths returns a segment whose longest posting list starts
// with the lengths 2⁶⁴-1 and 1, checksums fixed.
func hugePostingLengths(tb testing.TB) []byte {
	data := segmentBytes(tb, seedDocs[2])
	s := openBytes(tb, data)
	best, bestLen := -1, uint32(0)
	for i := range s.dict {
		if s.dict[i].len > bestLen {
			best, bestLen = i, s.dict[i].len
		}
	}
	e := s.dict[best]
	off := s.toc[secPostings].off + e.off
	s.Close()
	hdr := binary.AppendUvarint(nil, 1<<64-1)
	hdr = binary.AppendUvarint(hdr, 1)
	if uint32(len(hdr)) > bestLen {
		tb.Fatalf("longest posting list has only %d bytes", bestLen)
	}
	copy(data[off:], hdr)
	return fixChecksums(data)
}

func openBytes(tb testing.TB, data []byte) *Segment {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "s.seg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

package store

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/bits"
	"path/filepath"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// A deletion file marks the documents of one segment that were replaced
// by a later ingest. It is immutable; a commit that deletes more writes a
// new one under a new generation and the manifest names it.
//
//	"TIFADEL\x00" | u32 version (1) | u32 documents | bitmap ⌈documents/8⌉ bytes | u32 crc32c(all before)
const (
	delMagic   = "TIFADEL\x00"
	delVersion = 1
)

// Bitmap is a set of document numbers.
type Bitmap []uint64

// NewBitmap returns an empty set for n documents.
func NewBitmap(n int) Bitmap { return make(Bitmap, (n+63)/64) }

// Has reports whether i is in the set.
func (b Bitmap) Has(i int) bool { return b != nil && b[i>>6]&(1<<(uint(i)&63)) != 0 }

// Set adds i.
func (b Bitmap) Set(i int) { b[i>>6] |= 1 << (uint(i) & 63) }

// Count returns the number of members.
func (b Bitmap) Count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

func encodeDeletes(b Bitmap, n int) []byte {
	out := []byte(delMagic)
	out = binary.LittleEndian.AppendUint32(out, delVersion)
	out = binary.LittleEndian.AppendUint32(out, uint32(n))
	for i := 0; i < (n+7)/8; i++ {
		out = append(out, byte(b[i/8]>>(8*(uint(i)%8))))
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

func readDeletes(fsys vfs.FS, dir, name string, n int) (Bitmap, error) {
	path := filepath.Join(dir, name)
	raw, err := fsys.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read deletions: %w", err)
	}
	bad := func(f string, a ...any) error {
		return &index.CorruptError{Path: path, Part: "deletion file", Reason: fmt.Sprintf(f, a...)}
	}
	if len(raw) < 20 || string(raw[:8]) != delMagic {
		return nil, bad("bad magic or truncated")
	}
	if v := binary.LittleEndian.Uint32(raw[8:]); v != delVersion {
		if v > delVersion {
			return nil, fmt.Errorf("%s: deletion file version %d: %w", path, v, ErrNewerVersion)
		}
		return nil, bad("unknown version %d", v)
	}
	if got := int(binary.LittleEndian.Uint32(raw[12:])); got != n {
		return nil, bad("covers %d documents, segment has %d", got, n)
	}
	body := raw[:len(raw)-4]
	if len(body) != 16+(n+7)/8 {
		return nil, bad("size %d, want %d", len(raw), 20+(n+7)/8)
	}
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(raw[len(raw)-4:]) {
		return nil, bad("checksum mismatch")
	}
	b := NewBitmap(n)
	for i, c := range body[16:] {
		b[i/8] |= uint64(c) << (8 * (uint(i) % 8))
	}
	if n%8 != 0 && body[len(body)-1]>>(uint(n)%8) != 0 {
		return nil, bad("bits set past the last document")
	}
	return b, nil
}

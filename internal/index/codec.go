package index

import (
	"encoding/binary"
	"math/bits"
)

// Packed integer streams. A stream of n uint32 values is stored as
// ⌊n/128⌋ full blocks followed by n mod 128 uvarints. A full block is one
// byte w (0..32, the bit width of its largest value) followed by 16·w bytes
// holding the 128 values, w bits each, little-endian bit order. A block's
// size is known from its first byte, so a reader can skip blocks without
// decoding them.

const blockLen = 128

// appendPacked appends the packed form of vals to dst.
func appendPacked(dst []byte, vals []uint32) []byte {
	i := 0
	for ; i+blockLen <= len(vals); i += blockLen {
		dst = appendBlock(dst, vals[i:i+blockLen])
	}
	for _, v := range vals[i:] {
		dst = binary.AppendUvarint(dst, uint64(v))
	}
	return dst
}

func appendBlock(dst []byte, blk []uint32) []byte {
	var or uint32
	for _, v := range blk {
		or |= v
	}
	w := bits.Len32(or)
	dst = append(dst, byte(w))
	if w == 0 {
		return dst
	}
	var acc uint64
	nacc := 0
	for _, v := range blk {
		acc |= uint64(v) << nacc
		nacc += w
		for nacc >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			nacc -= 8
		}
	}
	// 128·w bits is a whole number of bytes: nothing remains.
	return dst
}

// decodeBlock decodes one full block from src into out (len 128) and returns
// the bytes consumed, or -1 if src is malformed.
func decodeBlock(src []byte, out []uint32) int {
	if len(src) < 1 {
		return -1
	}
	w := int(src[0])
	if w > 32 {
		return -1
	}
	n := 1 + 16*w
	if len(src) < n {
		return -1
	}
	if w == 0 {
		clear(out[:blockLen])
		return 1
	}
	data := src[1:n]
	mask := uint64(1)<<w - 1
	var acc uint64
	nacc := 0
	j := 0
	for i := 0; i < blockLen; i++ {
		for nacc < w {
			acc |= uint64(data[j]) << nacc
			j++
			nacc += 8
		}
		out[i] = uint32(acc & mask)
		acc >>= w
		nacc -= w
	}
	return n
}

// extractBlock appends values [k, k+m) of the full block at src to dst
// without decoding the rest of the block; ok is false if src is malformed.
func extractBlock(dst []uint32, src []byte, k, m int) ([]uint32, bool) {
	n := blockSize(src)
	if n < 0 || k < 0 || m < 0 || k+m > blockLen {
		return dst, false
	}
	w := int(src[0])
	if w == 0 {
		for ; m > 0; m-- {
			dst = append(dst, 0)
		}
		return dst, true
	}
	data := src[1:n]
	mask := uint64(1)<<w - 1
	for i := k; i < k+m; i++ {
		bit := i * w
		at, shift := bit>>3, uint(bit&7)
		var v uint64
		if at+8 <= len(data) {
			v = binary.LittleEndian.Uint64(data[at:])
		} else {
			for j := len(data) - 1; j >= at; j-- {
				v = v<<8 | uint64(data[j])
			}
		}
		dst = append(dst, uint32(v>>shift&mask))
	}
	return dst, true
}

// blockSize returns the encoded size of the full block at src, or -1.
func blockSize(src []byte) int {
	if len(src) < 1 || src[0] > 32 {
		return -1
	}
	n := 1 + 16*int(src[0])
	if n > len(src) {
		return -1
	}
	return n
}

// decodePacked decodes n values from src into dst (appending) and returns
// the result and the bytes consumed; ok is false if src is malformed.
func decodePacked(dst []uint32, src []byte, n int) ([]uint32, int, bool) {
	pos := 0
	for n >= blockLen {
		start := len(dst)
		dst = append(dst, make([]uint32, blockLen)...)
		k := decodeBlock(src[pos:], dst[start:])
		if k < 0 {
			return dst, pos, false
		}
		pos += k
		n -= blockLen
	}
	for ; n > 0; n-- {
		v, k := binary.Uvarint(src[pos:])
		if k <= 0 || v > 0xFFFFFFFF {
			return dst, pos, false
		}
		dst = append(dst, uint32(v))
		pos += k
	}
	return dst, pos, true
}

// packedReader reads values i, i+1, … of a packed stream of n values,
// decoding one block at a time and skipping blocks it does not need.
type packedReader struct {
	src     []byte
	n       int // values in the stream
	blk     [blockLen]uint32
	blkIdx  int // index of the block in blk, -1 none
	nextIdx int // index of the block starting at nextOff
	nextOff int
	tail    []uint32 // decoded uvarint tail
	tailOK  bool
	bad     bool
}

func (r *packedReader) init(src []byte, n int) {
	*r = packedReader{src: src, n: n, blkIdx: -1}
}

// get returns value i (i must be non-decreasing across calls for speed;
// going back restarts from the first block). ok is false if the stream is
// malformed.
func (r *packedReader) get(i int) (uint32, bool) {
	if i < 0 || i >= r.n || r.bad {
		return 0, false
	}
	b := i / blockLen
	full := r.n / blockLen
	if b >= full {
		if !r.tailOK {
			off, ok := r.skipTo(full)
			if !ok {
				return 0, false
			}
			var consumed int
			r.tail, consumed, ok = decodePacked(r.tail[:0], r.src[off:], r.n-full*blockLen)
			if !ok || off+consumed != len(r.src) {
				r.bad = true
				return 0, false
			}
			r.tailOK = true
		}
		return r.tail[i-full*blockLen], true
	}
	if b != r.blkIdx {
		off, ok := r.skipTo(b)
		if !ok {
			return 0, false
		}
		k := decodeBlock(r.src[off:], r.blk[:])
		if k < 0 {
			r.bad = true
			return 0, false
		}
		r.blkIdx = b
		r.nextIdx, r.nextOff = b+1, off+k
	}
	return r.blk[i%blockLen], true
}

// appendRange appends values [i, i+n) to dst; ok is false if the stream
// is malformed or the range is outside it.
func (r *packedReader) appendRange(dst []uint32, i, n int) ([]uint32, bool) {
	if i < 0 || n < 0 || i+n > r.n {
		return dst, false
	}
	for n > 0 {
		full := r.n / blockLen
		if b := i / blockLen; b < full && b != r.blkIdx {
			// A few values of a block not decoded yet: read them where
			// they lie instead of decoding all 128.
			k := i % blockLen
			if m := min(n, blockLen-k); m <= blockLen/4 {
				off, ok := r.skipTo(b)
				if !ok {
					return dst, false
				}
				if dst, ok = extractBlock(dst, r.src[off:], k, m); !ok {
					r.bad = true
					return dst, false
				}
				i += m
				n -= m
				continue
			}
		}
		if _, ok := r.get(i); !ok { // loads the block (or tail) holding i
			return dst, false
		}
		var src []uint32
		if b := i / blockLen; b >= full {
			src = r.tail[i-full*blockLen:]
		} else {
			src = r.blk[i%blockLen:]
		}
		k := min(n, len(src))
		dst = append(dst, src[:k]...)
		i += k
		n -= k
	}
	return dst, true
}

// skipTo returns the byte offset of block b.
func (r *packedReader) skipTo(b int) (int, bool) {
	if b < r.nextIdx {
		r.nextIdx, r.nextOff = 0, 0
	}
	for r.nextIdx < b {
		k := blockSize(r.src[r.nextOff:])
		if k < 0 {
			r.bad = true
			return 0, false
		}
		r.nextOff += k
		r.nextIdx++
	}
	return r.nextOff, true
}

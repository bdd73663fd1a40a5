// Package dups finds the exact and near-duplicate documents of an index:
// a syndicated story printed by many outlets, a programme's story repeated
// on another day. Each document gets a signature at ingest (a
// store.Annotator: Annotator), and the documents of a snapshot are grouped
// into clusters from the signatures when first asked for (Of), so that
// readers can count each cluster once (Clusters.Collapsed).
//
// # Signatures
//
// A document's *content* is the tokens of its text (SPEC §2, textnorm),
// or of its title when the text has none. Its *shingles* are the runs of
// Shingle (5) consecutive tokens of the content — five words in English,
// five characters in Chinese — or, for a shorter content, the content
// itself. The similarity of two documents is the Jaccard coefficient of
// their shingle sets, |A∩B| / |A∪B|.
//
// The signature is one-permutation MinHash with optimal densification
// (Li, Owen & Zhang 2012; Shrivastava 2017): each shingle is hashed once
// to 64 bits (a polynomial of its tokens' FNV-1a hashes, rolled along the
// text, then mixed); the top 7 bits choose one of K = 128 bins, and each bin
// keeps its least hash; an empty bin (a short document) takes the value
// of the first non-empty bin of a probe sequence that depends only on the
// bin, so that two documents probe alike. Two documents' bins agree with
// probability their Jaccard coefficient. Each bin is stored as b = 8 bits
// of a remix of its hash (b-bit MinHash, Li & König 2010), where unrelated
// bins agree with probability 1/256 besides.
//
// The record (Kind "dups", Version 2; version 1 hashed shingles otherwise)
// is 136 bytes:
//
//	u64 little-endian hash of the content (FNV-1a over the tokens, each followed by 0xFF)
//	128 × u8 b-bit MinHash values, bin 0 first
//
// A document without a token in its text or title has no record.
package dups

import (
	"encoding/binary"
	"math"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// The parameters of signatures and clusters (doc/analytics.md).
const (
	Kind    = "dups"
	Version = 2

	Shingle = 5   // tokens per shingle
	K       = 128 // MinHash bins
	Bands   = 32  // LSH bands of Rows bins
	Rows    = K / Bands

	// Threshold is the least estimated Jaccard coefficient that joins two
	// documents.
	Threshold = 0.8
	// MaxDays is the most days between two near-duplicates (not between
	// documents of equal content): a story reprinted, not next year's
	// notice written from the same template.
	MaxDays = 30

	binBits = 7 // log2 K
	recLen  = 8 + K
)

// Annotator returns the store annotator that computes signatures at
// ingest.
func Annotator() store.Annotator {
	return store.Annotator{Kind: Kind, Version: Version, Annotate: func(d *corpus.Document) []byte {
		s, ok := Signature(d.Title, d.Text)
		if !ok {
			return nil
		}
		return s.record()
	}}
}

// Sig is a document's signature.
type Sig struct {
	Exact uint64   // hash of the content's tokens
	Min   [K]uint8 // b-bit MinHash per bin
}

func (s *Sig) record() []byte {
	out := binary.LittleEndian.AppendUint64(make([]byte, 0, recLen), s.Exact)
	return append(out, s.Min[:]...)
}

// Content returns the tokens signatures read: the text's, or the title's
// when the text has none.
func Content(title, text string) []string {
	if toks := textnorm.Tokens(text); len(toks) > 0 {
		return toks
	}
	return textnorm.Tokens(title)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211

	shinglePrime = 0x9E3779B97F4A7C15 // odd: multiplying by it is a bijection
)

// mix is the finaliser of SplitMix64: a bijection of 64 bits whose every
// output bit depends on every input bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Signature computes the signature of a document; false when its content
// has no token.
func Signature(title, text string) (Sig, bool) {
	var th []uint64 // token hashes
	exact := uint64(fnvOffset)
	var tz textnorm.Tokenizer
	each := func(s string) {
		tz.Each(s, func(tok []byte, _, _ int) {
			h := uint64(fnvOffset)
			for _, c := range tok {
				h = (h ^ uint64(c)) * fnvPrime
				exact = (exact ^ uint64(c)) * fnvPrime
			}
			exact = (exact ^ 0xFF) * fnvPrime
			th = append(th, h)
		})
	}
	each(text)
	if len(th) == 0 {
		each(title)
	}
	if len(th) == 0 {
		return Sig{}, false
	}
	var mins [K]uint64
	var full [K]bool
	add := func(h uint64) {
		h = mix(h)
		bin := h >> (64 - binBits)
		if v := h << binBits; !full[bin] || v < mins[bin]<<binBits {
			mins[bin], full[bin] = h, true
		}
	}
	if len(th) < Shingle {
		var h uint64
		for _, t := range th {
			h = h*shinglePrime + t
		}
		add(h ^ uint64(len(th)))
	} else {
		// The shingle at i is Σ th[i+j]·P^(Shingle−1−j) (mod 2⁶⁴), rolled
		// along, then mixed.
		var h, top uint64 = 0, 1
		for j := 0; j < Shingle; j++ {
			h = h*shinglePrime + th[j]
			if j > 0 {
				top *= shinglePrime
			}
		}
		add(h ^ Shingle)
		for i := Shingle; i < len(th); i++ {
			h = (h-th[i-Shingle]*top)*shinglePrime + th[i]
			add(h ^ Shingle)
		}
	}
	s := Sig{Exact: exact}
	for j := range mins {
		h := mins[j]
		// Optimal densification: probe bins by a sequence that depends on
		// j alone until a non-empty one.
		for a := uint64(1); !full[j]; a++ {
			if p := mix(uint64(j)<<32|a) >> (64 - binBits); full[p] {
				h = mins[p]
				break
			}
		}
		s.Min[j] = uint8(mix(h ^ 0x5bd1e9955bd1e995))
	}
	return s, true
}

// Estimate returns the Jaccard coefficient two signatures estimate: the
// share m of agreeing bins, less the 1/256 of chance agreements of b-bit
// values, (m − 2⁻⁸)/(1 − 2⁻⁸), at least 0.
func Estimate(a, b *[K]uint8) float64 { return estimate(agree(a, b)) }

func estimate(m int) float64 {
	const c = 1.0 / 256
	return math.Max(0, (float64(m)/K-c)/(1-c))
}

// minAgree is the least number of agreeing bins whose estimate reaches
// Threshold.
var minAgree = func() int {
	for m := 0; m <= K; m++ {
		if estimate(m) >= Threshold {
			return m
		}
	}
	return K + 1
}()

// decode reads a record; false when it is not one of this version.
func decode(rec []byte, s *Sig) bool {
	if len(rec) != recLen {
		return false
	}
	s.Exact = binary.LittleEndian.Uint64(rec)
	copy(s.Min[:], rec[8:])
	return true
}

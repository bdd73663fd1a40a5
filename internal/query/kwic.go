package query

import (
	"context"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/store"
)

// kwicPhrase finds the hits of a one-phrase query in a listed document
// from the index — the positions of its matches — instead of tokenizing
// the document, and maps those token positions to byte spans with a
// scanner that knows the characters that make up nearly all news text
// (see scanSpans). A document with any other character before its last
// hit goes through the Matcher as before.
// kwicViaIndex turns the index path off in tests, to compare with the
// Matcher's lines.
var kwicViaIndex = true

type kwicPhrase struct {
	ctx  context.Context
	l    *Local
	p    *Phrase
	f    Filter
	segs map[int]*kwicSeg
	buf  []uint32
	tbuf []uint32
	sp   []Span
}

type kwicSeg struct {
	e     *segEval
	slots []*slotLists // nil: no candidates
}

// starts returns the token positions where the phrase's hits start in
// document doc of segment si (title positions first, then text ones,
// past TitleToks[doc]). Calls for one segment must come in document order.
func (k *kwicPhrase) starts(si int, g *store.Seg, doc uint32) ([]uint32, error) {
	ks := k.segs[si]
	if ks == nil {
		e, err := newSegEval(k.ctx, g, k.f)
		if err != nil {
			return nil, err
		}
		var slots []*slotLists
		if len(k.p.Slots) == 1 { // its positions are the starts
			sl, err := e.loadSlot(k.p.Slots[0])
			if err != nil {
				return nil, err
			}
			slots = []*slotLists{sl}
		} else if _, slots, err = e.phraseDocs(k.p); err != nil {
			return nil, err
		}
		ks = &kwicSeg{e: e, slots: slots}
		k.segs[si] = ks
	}
	if ks.slots == nil {
		return nil, nil
	}
	if len(ks.slots) == 1 && !k.p.TitleOnly {
		return ks.slots[0].positions(doc)
	}
	var err error
	k.buf, err = ks.e.matchStarts(k.p, ks.slots, doc, k.buf[:0])
	return k.buf, err
}

// spans returns the spans of the hits in the title and the text of the
// document, as the Matcher would find them; ok is false when scanSpans
// cannot read a field.
func (k *kwicPhrase) spans(si int, g *store.Seg, doc uint32, title, text string) (ts, xs []Span, ok bool, err error) {
	starts, err := k.starts(si, g, doc)
	if err != nil {
		return nil, nil, false, err
	}
	titleEnd := g.TitleToks[doc]
	n := len(k.p.Slots)
	i := 0
	for i < len(starts) && starts[i] < titleEnd {
		i++
	}
	k.sp = k.sp[:0]
	if k.sp, ok = scanSpans(title, starts[:i], n, k.sp); !ok {
		return nil, nil, false, nil
	}
	nt := len(k.sp)
	k.tbuf = k.tbuf[:0]
	for _, s := range starts[i:] {
		k.tbuf = append(k.tbuf, s-titleEnd-1) // text tokens start after the gap
	}
	if k.sp, ok = scanSpans(text, k.tbuf, n, k.sp); !ok {
		return nil, nil, false, nil
	}
	// One character can be several tokens (㍿): touching hits then
	// share a span, which the Matcher merges.
	return mergeSpans(k.sp[:nt:nt]), mergeSpans(k.sp[nt:]), true, nil
}

// scanSpans appends the byte spans of the phrase occurrences (n tokens
// each) starting at the token indexes starts (ascending, at least n
// apart) of field. It reads field only up to the last of them, and only
// characters whose tokens it knows without the normaliser: ASCII, the
// CJK unified ideographs, fullwidth letters and digits and common
// punctuation (scanClass); ok is false if it meets another character.
func scanSpans(field string, starts []uint32, n int, dst []Span) ([]Span, bool) {
	if len(starts) == 0 {
		return dst, true
	}
	h, want, last := 0, starts[0], uint32(n-1)
	tok := uint32(0) // index of the next token
	start := 0       // of the occurrence being read
	wordStart := -1
	for i := 0; i < len(field); {
		c := field[i]
		if c >= 0xE5 && c <= 0xE9 && i+2 < len(field) && field[i+1]&0xC0 == 0x80 && field[i+2]&0xC0 == 0x80 && wordStart < 0 {
			// U+5000–9FFF, an ideograph, after no word: the common case,
			// in short.
			if tok >= want {
				if tok == want {
					start = i
				}
				if tok == want+last {
					dst = append(dst, Span{start, i + 3})
					if h++; h == len(starts) {
						return dst, true
					}
					want = starts[h]
				}
			}
			tok++
			i += 3
			continue
		}
		class, size := classUnknown, 1
		switch {
		case c < utf8.RuneSelf:
			class = asciiClass[c]
		case c >= 0xE0 && c < 0xF0 && i+2 < len(field):
			// Three bytes, the CJK and punctuation blocks: decoded here.
			b1, b2 := field[i+1], field[i+2]
			if b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
				class = scanClass(rune(c&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F))
			}
			size = 3
		default:
			var r rune
			r, size = utf8.DecodeRuneInString(field[i:])
			class = scanClass(r)
		}
		if class == classWord {
			if wordStart < 0 {
				wordStart = i
			}
			i += size
			continue
		}
		sepWord := class == classSepWord // ℃: a separator, then a word character
		if class == classUnknown {
			return dst, false
		}
		if wordStart >= 0 { // the word token [wordStart, i) ends
			if tok >= want {
				if tok == want {
					start = wordStart
				}
				if tok == want+last {
					dst = append(dst, Span{start, i})
					if h++; h == len(starts) {
						return dst, true
					}
					want = starts[h]
				}
			}
			tok++
			wordStart = -1
		}
		if sepWord {
			wordStart = i
		} else if class == classIdeo { // the token [i, i+size)
			if tok >= want {
				if tok == want {
					start = i
				}
				if tok == want+last {
					dst = append(dst, Span{start, i + size})
					if h++; h == len(starts) {
						return dst, true
					}
					want = starts[h]
				}
			}
			tok++
		}
		i += size
	}
	if wordStart >= 0 && tok == want+last {
		if tok == want {
			start = wordStart
		}
		dst = append(dst, Span{start, len(field)})
		if h++; h == len(starts) {
			return dst, true
		}
	}
	return dst, false // fewer tokens than the index says: let the Matcher decide
}

const (
	classUnknown int8 = iota
	classSep
	classWord
	classIdeo
	classSepWord
)

var asciiClass = func() (t [utf8.RuneSelf]int8) {
	for c := range t {
		t[c] = classSep
		if asciiWord(byte(c)) {
			t[c] = classWord
		}
	}
	return t
}()

// scanClass classifies the non-ASCII characters scanSpans knows: each is
// left as it is by NFKC and case folding, or mapped to characters of the
// same class, and none combines with a neighbour (TestScanClass checks
// each against the tokenizer).
func scanClass(r rune) int8 {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF, r == 0x3005, r == 0x3007, r == 0x30FB:
		return classIdeo
	case r >= 0x2160 && r <= 0x217F, r >= 0x2460 && r <= 0x2473:
		return classWord // Roman numerals, circled numbers: ASCII letters and digits under NFKC
	case r == 0x2103, r == 0x2109:
		return classSepWord // ℃ ℉: "°C", "°F" under NFKC
	case r >= 0xFF10 && r <= 0xFF19, r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A:
		return classWord // fullwidth digits and letters: ASCII under NFKC
	case r >= 0x3000 && r <= 0x3004, r >= 0x3008 && r <= 0x3011, r >= 0x3014 && r <= 0x301F,
		r >= 0x2010 && r <= 0x2016, r >= 0x2018 && r <= 0x2027, r >= 0x2030 && r <= 0x203B, r >= 0x25A0 && r <= 0x25FF,
		r >= 0xFF01 && r <= 0xFF0F, r >= 0xFF1A && r <= 0xFF20, r >= 0xFF3B && r <= 0xFF40, r >= 0xFF5B && r <= 0xFF64,
		r >= 0x2500 && r <= 0x257F, r >= 0x2200 && r <= 0x22FF,
		r == 0xA0, r == 0xB0, r == 0xB1, r == 0xB7, r == 0xD7, r == 0xF7:
		return classSep
	}
	return classUnknown
}

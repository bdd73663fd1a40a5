package textnorm

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// IsIdeo reports whether r is a character that is a token by itself: the
// Han, Hiragana and Katakana blocks (CJK Unified Ideographs and extensions,
// compatibility ideographs, 々 and 〇), exactly as the reference oracle reads
// SPEC §2.
func IsIdeo(r rune) bool {
	switch {
	case r < 0x3005:
		return false
	case r == 0x3005 || r == 0x3007:
		return true
	case r >= 0x3040 && r <= 0x30FF:
		return true
	case r >= 0x31F0 && r <= 0x31FF:
		return true
	case r >= 0x3400 && r <= 0x4DBF:
		return true
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	case r >= 0xF900 && r <= 0xFAFF:
		return true
	case r >= 0x20000 && r <= 0x3134F:
		return true
	}
	return false
}

// isWord reports whether r belongs to Unicode categories L, M or N.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	return t
}()

// Tokenizer splits text into normalised tokens. The zero value is ready to
// use; a Tokenizer reuses its buffers and must not be shared between
// goroutines.
type Tokenizer struct {
	word      []byte // current word token, normalised
	wordStart int    // original start offset of the current word
	wordEnd   int
	nbuf      []byte            // one normalised segment
	one       [utf8.UTFMax]byte // a one-character token
	fn        func(tok []byte, start, end int)
}

// Each calls fn for every token of s in order, with the normalised token and
// its byte span [start, end) in s. tok is valid only during the call. Each
// costs one pass over s and allocates nothing in the steady state.
//
// ASCII and CJK unified ideographs, the bulk of the corpora, take a fast
// path: NFKC leaves them as they are and they never compose with a
// neighbour, so only the runs of other characters between them go through
// the normaliser (and those runs start and end at normalisation
// boundaries).
func (t *Tokenizer) Each(s string, fn func(tok []byte, start, end int)) {
	t.fn = fn
	t.word = t.word[:0]
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if i+1 == len(s) || s[i+1] < utf8.RuneSelf || cjkAt(s, i+1) > 0 {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				t.rune(rune(c), i, i+1)
				i++
				continue
			}
		} else if size := cjkAt(s, i); size > 0 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			t.rune(r, i, i+size)
			i += size
			continue
		}
		k := i
		for {
			_, size := utf8.DecodeRuneInString(s[k:])
			k += size
			if k >= len(s) || fastAt(s, k) {
				break
			}
		}
		t.slow(s, i, k)
		i = k
	}
	t.flush()
	t.fn = nil
}

// cjkAt returns the byte length of the CJK unified ideograph (U+3400–4DBF,
// U+4E00–9FFF) starting at s[i], or 0.
func cjkAt(s string, i int) int {
	if c := s[i]; c < 0xE3 || c > 0xE9 || i+2 >= len(s) {
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF {
		return size
	}
	return 0
}

// fastAt reports whether the character at s[k] takes the fast path.
func fastAt(s string, k int) bool {
	if s[k] < utf8.RuneSelf {
		return k+1 == len(s) || s[k+1] < utf8.RuneSelf || cjkAt(s, k+1) > 0
	}
	return cjkAt(s, k) > 0
}

// slow normalises and tokenizes s[a:b], a run that starts and ends at
// normalisation boundaries.
func (t *Tokenizer) slow(s string, a, b int) {
	base := a
	for base < b {
		rest := s[base:b]
		n := norm.NFKC.QuickSpanString(rest)
		// The prefix rest[:n] is already NFKC: each rune maps to itself.
		for i := 0; i < n; {
			c := rest[i]
			if c < utf8.RuneSelf {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				t.rune(rune(c), base+i, base+i+1)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(rest[i:])
			t.foldRune(r, base+i, base+i+size)
			i += size
		}
		base += n
		if base >= b {
			break
		}
		// Normalise one segment that is not NFKC; every rune it produces
		// maps to the segment's whole original span.
		k := norm.NFKC.NextBoundaryInString(s[base:b], true)
		if k <= 0 { // cannot happen, but never loop forever
			_, k = utf8.DecodeRuneInString(s[base:b])
		}
		end := base + k
		t.nbuf = norm.NFKC.AppendString(t.nbuf[:0], s[base:end])
		for j := 0; j < len(t.nbuf); {
			r, size := utf8.DecodeRune(t.nbuf[j:])
			t.foldRune(r, base, end)
			j += size
		}
		base = end
	}
}

// foldRune applies full case folding to r and classifies the result.
func (t *Tokenizer) foldRune(r rune, start, end int) {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		t.rune(r, start, end)
		return
	}
	if !IsIdeo(r) {
		if f, ok := foldTable[r]; ok {
			for _, fr := range f {
				t.rune(fr, start, end)
			}
			return
		}
	}
	t.rune(r, start, end)
}

// rune classifies one normalised, folded rune.
func (t *Tokenizer) rune(r rune, start, end int) {
	switch {
	case IsIdeo(r):
		t.flush()
		n := utf8.EncodeRune(t.one[:], r)
		t.fn(t.one[:n], start, end)
	case isWord(r):
		if len(t.word) == 0 {
			t.wordStart = start
		}
		t.word = utf8.AppendRune(t.word, r)
		t.wordEnd = end
	default:
		t.flush()
	}
}

func (t *Tokenizer) flush() {
	if len(t.word) > 0 {
		t.fn(t.word, t.wordStart, t.wordEnd)
		t.word = t.word[:0]
	}
}

// Tokens returns the normalised tokens of s. It allocates; use a Tokenizer
// on hot paths.
func Tokens(s string) []string {
	var t Tokenizer
	var out []string
	t.Each(s, func(tok []byte, _, _ int) { out = append(out, string(tok)) })
	return out
}

// Span is one token's byte range in the original text.
type Span struct{ Start, End int }

// Spans returns the tokens of s with their spans in s.
func Spans(s string) ([]string, []Span) {
	var t Tokenizer
	var toks []string
	var spans []Span
	t.Each(s, func(tok []byte, a, b int) {
		toks = append(toks, string(tok))
		spans = append(spans, Span{a, b})
	})
	return toks, spans
}

// Normalize returns s as regular expressions see it (SPEC §3): NFKC, full
// case folding, each run of separators between tokens replaced by one
// space, no space between adjacent ideographic tokens, and no leading or
// trailing space. The second result maps each byte of the normalised text
// to the start of its token's span in s, and the third to its end.
func Normalize(s string) (string, []int32, []int32) {
	var t Tokenizer
	var out []byte
	var starts, ends []int32
	lastEnd := -1
	t.Each(s, func(tok []byte, a, b int) {
		if lastEnd >= 0 && hasGap(s, lastEnd, a) {
			out = append(out, ' ')
			starts = append(starts, int32(lastEnd))
			ends = append(ends, int32(a))
		}
		out = append(out, tok...)
		for range tok {
			starts = append(starts, int32(a))
			ends = append(ends, int32(b))
		}
		lastEnd = b
	})
	return string(out), starts, ends
}

// hasGap reports whether a separator stands between two adjacent tokens
// whose spans end and start at a and b. Two word tokens are never adjacent
// without a separator; a span shared by both (a > b) has none.
func hasGap(s string, a, b int) bool {
	return b > a
}

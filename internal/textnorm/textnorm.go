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
func (t *Tokenizer) Each(s string, fn func(tok []byte, start, end int)) {
	t.fn = fn
	t.word = t.word[:0]
	base := 0
	for base < len(s) {
		rest := s[base:]
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
		if n == len(rest) {
			break
		}
		// Normalise one segment that is not NFKC; every rune it produces
		// maps to the segment's whole original span.
		k := norm.NFKC.NextBoundaryInString(s[base:], true)
		if k <= 0 { // cannot happen, but never loop forever
			_, k = utf8.DecodeRuneInString(s[base:])
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
	t.flush()
	t.fn = nil
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

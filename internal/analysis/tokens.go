package analysis

import (
	"unicode"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/textnorm"
)

// Tokens for n-grams. The analyses read documents as the tokens of SPEC §2
// (textnorm) and add one thing the index does not keep: whether two
// neighbouring tokens are *joined*, so that an n-gram never spans a
// separator that breaks the text.
//
//   - Two CJK-character tokens (one Han, Hiragana or Katakana character
//     each) are joined when nothing at all stands between them: 碳达峰 is a
//     3-gram, 碳，达峰 holds none.
//   - Two other tokens (words, numbers) are joined when only white space,
//     hyphens and apostrophes stand between them: "dual-carbon" and
//     "Xi Jinping's" are n-grams; "growth. The" is not.
//   - A CJK-character token and a word are never joined: an n-gram is all
//     Chinese characters or all words.

// kindCJK and kindWord are the two kinds of token.
const (
	kindWord = 0
	kindCJK  = 1
)

// vocab numbers the distinct tokens of one analysis from 1; 0 is a token
// the vocabulary does not hold. CJK characters of the Basic Multilingual
// Plane are looked up in a table indexed by the character, other tokens in
// a map.
type vocab struct {
	cjk   []int32 // rune → id, for runes < 0x10000
	words map[string]int32
	strs  []string // id → token
	kinds []uint8  // id → kindWord or kindCJK
}

func newVocab() *vocab {
	return &vocab{cjk: make([]int32, 0x10000), words: map[string]int32{}, strs: []string{""}, kinds: []uint8{0}}
}

// size returns the number of ids, the unknown id 0 included.
func (v *vocab) size() int { return len(v.strs) }

func (v *vocab) addRune(r rune) int32 {
	if r < 0x10000 {
		if id := v.cjk[r]; id != 0 {
			return id
		}
		id := v.newID(string(r), kindCJK)
		v.cjk[r] = id
		return id
	}
	if id, ok := v.words[string(r)]; ok {
		return id
	}
	id := v.newID(string(r), kindCJK)
	v.words[v.strs[id]] = id
	return id
}

func (v *vocab) addWord(tok []byte) int32 {
	if id, ok := v.words[string(tok)]; ok {
		return id
	}
	id := v.newID(string(tok), kindWord)
	v.words[v.strs[id]] = id
	return id
}

func (v *vocab) newID(s string, kind uint8) int32 {
	v.strs = append(v.strs, s)
	v.kinds = append(v.kinds, kind)
	return int32(len(v.strs) - 1)
}

// tok is one token of a field: its id, its kind, and whether it is
// joined to the token before it. (8 bytes: a scan writes one per token.)
type tok struct {
	id   int32
	join bool
	kind uint8
}

// span is a token's byte range in the field as written.
type span struct{ start, end int32 }

// scanner turns fields into tokens with ids. With add set it adds unknown
// tokens to the vocabulary; without, they get id 0 and the vocabulary is
// only read, so that scanners of several goroutines may share it. A
// scanner serves one goroutine.
type scanner struct {
	v     *vocab
	add   bool
	tk    textnorm.Tokenizer
	toks  []tok
	spans []span // toks' spans, kept when withSpans is set
	low   []byte
	s     string // the field being read by the slow path
	kind  int    // kind of the last token (slow path), -1 at the start
	end   int    // end of the last token (slow path)

	withSpans bool
}

// field returns the tokens of s; the slice is reused by the next call. It
// costs one pass over s: ASCII, CJK unified ideographs and common CJK
// punctuation (fastSep) are read directly, and a field holding any other
// character is read by textnorm's tokenizer instead, so the tokens are
// always exactly textnorm's.
func (sc *scanner) field(s string) []tok {
	sc.toks, sc.spans = sc.toks[:0], sc.spans[:0]
	if !sc.fast(s) {
		sc.toks, sc.spans = sc.toks[:0], sc.spans[:0]
		sc.slow(s)
	}
	return sc.toks
}

// fast reads s when it holds only ASCII, CJK unified ideographs and
// fastSep characters, and reports whether it could.
// asciiWordEnd returns the end of the ASCII word that starts at i (a
// byte with asciiWord set), and false when a character the fast scanners
// do not handle (a non-ASCII letter, a combining mark, …) follows it.
func asciiWordEnd(s string, i int) (int, bool) {
	j := i + 1
	for j < len(s) && s[j] < utf8.RuneSelf && asciiWord[s[j]] {
		j++
	}
	return j, j == len(s) || s[j] < utf8.RuneSelf || cjk3(s, j) >= 0 || fastSepAt(s, j)
}

// appendLowerASCII appends w, an ASCII word, lower-cased.
func appendLowerASCII(dst []byte, w string) []byte {
	for k := 0; k < len(w); k++ {
		b := w[k]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}

func (sc *scanner) fast(s string) bool {
	kind := -1               // kind of the previous token
	gap, brk := false, false // since it: any separator; a separator that breaks words
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiWord[c] {
				gap = true
				if !asciiJoiner[c] {
					brk = true
				}
				i++
				continue
			}
			j, ok := asciiWordEnd(s, i)
			if !ok {
				return false
			}
			sc.low = appendLowerASCII(sc.low[:0], s[i:j])
			sc.emit(sc.wordID(sc.low), i, j, kind == kindWord && !brk, kindWord)
			kind, gap, brk = kindWord, false, false
			i = j
			continue
		}
		if r := cjk3(s, i); r >= 0 {
			sc.emit(sc.runeID(r), i, i+3, kind == kindCJK && !gap, kindCJK)
			kind, gap, brk = kindCJK, false, false
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !fastSep(r) {
			return false
		}
		gap = true
		if !joiner(r) {
			brk = true
		}
		i += size
	}
	return true
}

// slow reads s with textnorm's tokenizer.
func (sc *scanner) slow(s string) {
	sc.s, sc.kind, sc.end = s, -1, 0
	sc.tk.Each(s, sc.slowTok)
	sc.s = ""
}

func (sc *scanner) slowTok(t []byte, a, b int) {
	kind := kindWord
	r, size := utf8.DecodeRune(t)
	if size == len(t) && textnorm.IsIdeo(r) {
		kind = kindCJK
	}
	join := false
	if n := len(sc.toks); n > 0 && kind == sc.kind {
		prev := sc.end
		if kind == kindCJK {
			join = a <= prev
		} else {
			join = a <= prev || joinerRun(sc.s[prev:a])
		}
	}
	var id int32
	if kind == kindCJK {
		id = sc.runeID(r)
	} else {
		id = sc.wordID(t)
	}
	sc.emit(id, a, b, join, uint8(kind))
	sc.kind, sc.end = kind, b
}

func (sc *scanner) emit(id int32, a, b int, join bool, kind uint8) {
	sc.toks = append(sc.toks, tok{id: id, join: join, kind: kind})
	if sc.withSpans {
		sc.spans = append(sc.spans, span{int32(a), int32(b)})
	}
}

func (sc *scanner) runeID(r rune) int32 {
	if sc.add {
		return sc.v.addRune(r)
	}
	if r < 0x10000 {
		return sc.v.cjk[r]
	}
	return sc.v.words[string(r)]
}

func (sc *scanner) wordID(t []byte) int32 {
	if sc.add {
		return sc.v.addWord(t)
	}
	return sc.v.words[string(t)]
}

// joiner reports whether r, standing between two words, leaves them
// joined: white space, hyphens and apostrophes.
func joiner(r rune) bool {
	switch r {
	case '-', '\'', '\u2010', '\u2011', '\u2019', '\uff0d':
		return true
	}
	return unicode.IsSpace(r)
}

func joinerRun(s string) bool {
	for _, r := range s {
		if !joiner(r) {
			return false
		}
	}
	return true
}

var asciiWord, asciiJoiner = func() (w, j [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		r := rune(c)
		w[c] = r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		j[c] = joiner(r)
	}
	return
}()

// cjk3 returns the CJK unified ideograph (U+3400–4DBF, U+4E00–9FFF) at
// s[i], three bytes long, or −1. These are the characters textnorm reads
// without normalising: NFKC leaves them as they are and they never compose
// with a neighbour.
func cjk3(s string, i int) rune {
	c := s[i]
	if c < 0xE3 || c > 0xE9 || i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
		return -1
	}
	r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
	if r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF {
		return r
	}
	return -1
}

// fastSep reports whether r is punctuation of Chinese text that is only a
// separator under SPEC §2 whatever stands around it: NFKC maps each to
// punctuation or white space (，→ , and …→ ...) and none composes with a
// neighbour. TestFastSep_Separators checks each against textnorm. (℃ is
// not one: NFKC makes it °C, a token c.)
func fastSep(r rune) bool {
	switch r {
	case '，', '。', '、', '“', '”', '‘', '’', '：', '；', '（', '）', '《', '》', '〈', '〉',
		'【', '】', '「', '」', '『', '』', '？', '！', '—', '–', '―', '…', '·', '•', '－', '％',
		'～', '＋', '／', '．', '×', '°', '±', '′', '″', '\u3000', '\u00a0':
		return true
	}
	return false
}

// fastSepAt reports whether a fastSep character stands at s[i].
func fastSepAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return fastSep(r)
}

// sepJoins is joiner for the fastSep characters, without unicode.IsSpace.
func sepJoins(r rune) bool { return r == '’' || r == '－' || r == '\u3000' || r == '\u00a0' }

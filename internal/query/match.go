package query

import (
	"sort"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/textnorm"
)

// Matcher finds where a query's positive parts (phrases, NEAR pairs,
// regular expressions, not under NOT) match inside one field of one
// document, as byte spans of the text as written. It works on the field's
// own tokens, for snippets, KWIC lines and highlighting; counts come from
// the index.
type Matcher struct {
	leaves []Node

	// Buffers reused from call to call: a Matcher serves one goroutine.
	tk    textnorm.Tokenizer
	buf   []byte
	offs  []int
	spans []textnorm.Span
	toks  []string
}

// NewMatcher collects the positive leaves of n.
func NewMatcher(n Node) *Matcher {
	m := &Matcher{}
	m.collect(n, false)
	return m
}

func (m *Matcher) collect(n Node, neg bool) {
	switch n := n.(type) {
	case *Phrase, *Near, *Regex:
		if !neg {
			m.leaves = append(m.leaves, n)
		}
	case *Not:
		m.collect(n.Kid, !neg)
	case *And:
		for _, k := range n.Kids {
			m.collect(k, neg)
		}
	case *Or:
		for _, k := range n.Kids {
			m.collect(k, neg)
		}
	}
}

// Spans returns the match spans in field (title when isTitle), sorted by
// start and non-overlapping.
func (m *Matcher) Spans(field string, isTitle bool) []Span {
	if field == "" || len(m.leaves) == 0 {
		return nil
	}
	toks, spans := m.tokens(field)
	var out []Span
	for _, l := range m.leaves {
		switch l := l.(type) {
		case *Phrase:
			if l.TitleOnly && !isTitle {
				continue
			}
			for _, s := range phraseStarts(l, toks) {
				out = append(out, Span{spans[s].Start, spans[s+len(l.Slots)-1].End})
			}
		case *Near:
			as := phraseStarts(l.A, toks)
			bs := phraseStarts(l.B, toks)
			ka, kb := len(l.A.Slots), len(l.B.Slots)
			for _, a := range as {
				for _, b := range bs {
					if b+kb+l.N-1 >= a && b <= a+ka+l.N-1 {
						out = append(out, Span{spans[a].Start, spans[a+ka-1].End})
						out = append(out, Span{spans[b].Start, spans[b+kb-1].End})
					}
				}
			}
		case *Regex:
			norm, starts, ends := textnorm.Normalize(field)
			for _, ix := range l.Re.FindAllStringIndex(norm, -1) {
				if ix[1] > ix[0] {
					out = append(out, Span{int(starts[ix[0]]), int(ends[ix[1]-1])})
				}
			}
		}
	}
	return mergeSpans(out)
}

// tokens returns the tokens of field and their spans.
func (m *Matcher) tokens(field string) ([]string, []textnorm.Span) {
	m.buf, m.offs, m.spans = m.buf[:0], m.offs[:0], m.spans[:0]
	m.tokenize(field, 0, len(field))
	return m.tokStrings(), m.spans
}

// tokenize appends the tokens of field[a:b] (a and b clean cuts, see
// cleanCut) to the buffers, with their spans in field.
func (m *Matcher) tokenize(field string, a, b int) {
	m.tk.Each(field[a:b], func(tok []byte, s, e int) {
		m.offs = append(m.offs, len(m.buf))
		m.buf = append(m.buf, tok...)
		m.spans = append(m.spans, textnorm.Span{Start: a + s, End: a + e})
	})
}

// tokStrings returns the tokens in the buffers as strings, with one
// allocation for all their text.
func (m *Matcher) tokStrings() []string {
	all := string(m.buf)
	m.toks = m.toks[:0]
	for i, o := range m.offs {
		end := len(all)
		if i+1 < len(m.offs) {
			end = m.offs[i+1]
		}
		m.toks = append(m.toks, all[o:end])
	}
	return m.toks
}

// SpansN returns the first n spans that Spans returns (all of them when
// n <= 0). For a query whose positive parts are all phrases it tokenizes
// field only as far as those n spans need: a KWIC page or a snippet then
// costs a part of a long document, not the whole of it.
func (m *Matcher) SpansN(field string, isTitle bool, n int) []Span {
	maxK := 0
	for _, l := range m.leaves {
		p, ok := l.(*Phrase)
		if !ok {
			maxK = -1
			break
		}
		maxK = max(maxK, len(p.Slots))
	}
	if n <= 0 || maxK <= 0 || field == "" {
		sp := m.Spans(field, isTitle)
		if n > 0 && len(sp) > n {
			sp = sp[:n]
		}
		return sp
	}
	m.buf, m.offs, m.spans = m.buf[:0], m.offs[:0], m.spans[:0]
	cut := 0
	want := 64 + 16*n*maxK // bytes to read next: a guess, doubled as needed
	for {
		end := cleanCut(field, cut+want)
		m.tokenize(field, cut, end)
		cut = end
		toks := m.tokStrings()
		// phraseStarts decides the starts s with s+k <= len(toks)
		// exactly as on the whole field: it reads no further.
		var out []Span
		for _, l := range m.leaves {
			p := l.(*Phrase)
			if p.TitleOnly && !isTitle {
				continue
			}
			for _, s := range phraseStarts(p, toks) {
				out = append(out, Span{m.spans[s].Start, m.spans[s+len(p.Slots)-1].End})
			}
		}
		out = mergeSpans(out)
		if cut == len(field) {
			return out[:min(n, len(out))]
		}
		// A start not decided yet is past token len(toks)-maxK, so the
		// spans ending by that token's start are final, and come first.
		if b := len(toks) - maxK; b >= 0 {
			limit := m.spans[b].Start
			final := 0
			for final < len(out) && out[final].End <= limit {
				final++
			}
			if final >= n {
				return out[:n]
			}
		}
		want *= 2
	}
}

// cleanCut returns the first offset at or after c where the tokenizer
// can stop and start again with the same tokens as in one pass over s:
// just after a CJK ideograph, or just after an ASCII separator that is
// followed by ASCII or an ideograph (the tokenizer's fast path, which
// looks no further back than that character); len(s) if there is none.
func cleanCut(s string, c int) int {
	for j := max(c, 1); j < len(s); j++ {
		if j >= 3 && cjkAt(s, j-3) {
			return j
		}
		if b := s[j-1]; b < utf8.RuneSelf && !asciiWord(b) && (s[j] < utf8.RuneSelf || cjkAt(s, j)) {
			return j
		}
	}
	return len(s)
}

// cjkAt reports whether a CJK unified ideograph (U+3400–4DBF,
// U+4E00–9FFF) starts at s[i], as the tokenizer's fast path sees one.
func cjkAt(s string, i int) bool {
	if c := s[i]; c < 0xE3 || c > 0xE9 || i+2 >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF
}

func asciiWord(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// phraseStarts returns the token indexes where p's non-overlapping
// occurrences start, leftmost first.
func phraseStarts(p *Phrase, toks []string) []int {
	var out []int
	k := len(p.Slots)
	for i := 0; i+k <= len(toks); {
		if slotsMatch(p.Slots, toks[i:i+k]) {
			out = append(out, i)
			i += k
		} else {
			i++
		}
	}
	return out
}

func slotsMatch(slots []Slot, toks []string) bool {
	for j, s := range slots {
		t := toks[j]
		if s.Prefix {
			if len(t) < len(s.Tok) || t[:len(s.Tok)] != s.Tok {
				return false
			}
		} else if t != s.Tok {
			return false
		}
	}
	return true
}

func mergeSpans(s []Span) []Span {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(a, b int) bool { return s[a].Start < s[b].Start || s[a].Start == s[b].Start && s[a].End > s[b].End })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.Start < last.End {
			if x.End > last.End {
				last.End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

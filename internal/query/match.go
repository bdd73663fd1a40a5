package query

import (
	"sort"

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

// tokens returns the tokens of field and their spans, with one allocation
// for all the token text.
func (m *Matcher) tokens(field string) ([]string, []textnorm.Span) {
	m.buf, m.offs, m.spans = m.buf[:0], m.offs[:0], m.spans[:0]
	m.tk.Each(field, func(tok []byte, a, b int) {
		m.offs = append(m.offs, len(m.buf))
		m.buf = append(m.buf, tok...)
		m.spans = append(m.spans, textnorm.Span{Start: a, End: b})
	})
	m.offs = append(m.offs, len(m.buf))
	all := string(m.buf)
	m.toks = m.toks[:0]
	for i := range m.spans {
		m.toks = append(m.toks, all[m.offs[i]:m.offs[i+1]])
	}
	return m.toks, m.spans
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

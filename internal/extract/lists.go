package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A marker is the start of a numbered item: its family, number and byte
// offset in the text.
type marker struct {
	fam  int
	n    int
	pos  int
	para int // paragraph index
}

// Families of numbered items, the higher levels first: the main list is
// the longest run of the highest family that has a run of two or more.
const (
	famHead   = iota // 一、 二、 at the start of a paragraph
	famParen         // （一） （二） at the start of a paragraph
	famDi            // 第一， 第二， / First, Second,
	famShi           // 一是 二是 / 一要 二要 / 一方面…
	famArabic        // 1. 2. / （1） at the start of a paragraph
	famCount
)

var zhDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}

// zhNumber reads a Chinese numeral of 1–99 at the start of s.
func zhNumber(s string) (n, size int) {
	c1, w1 := utf8.DecodeRuneInString(s)
	d1, ok := zhDigits[c1]
	if !ok {
		return 0, 0
	}
	c2, w2 := utf8.DecodeRuneInString(s[w1:])
	d2, ok2 := zhDigits[c2]
	switch {
	case d1 == 10 && ok2 && d2 < 10: // 十一
		return 10 + d2, w1 + w2
	case d1 < 10 && d2 == 10: // 二十, 二十一
		c3, w3 := utf8.DecodeRuneInString(s[w1+w2:])
		if d3, ok3 := zhDigits[c3]; ok3 && d3 < 10 {
			return d1*10 + d3, w1 + w2 + w3
		}
		return d1 * 10, w1 + w2
	case ok2:
		return 0, 0 // 一二, a run of digits: not a number
	}
	return d1, w1
}

// boundaryBefore tells whether the text before i ends a clause (or is a
// paragraph start), so that a marker may begin at i.
func boundaryBefore(text string, i, paraStart int) bool {
	if i == paraStart {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return strings.ContainsRune("，。；：、！？,.;:!? \u3000（(“\"摄", r)
}

type span struct{ start, end int }

// paraSpans returns the byte spans of the non-empty lines of text.
func paraSpans(text string) []span {
	var out []span
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '\n')
		end := len(text)
		if j >= 0 {
			end = i + j
		}
		s, e := i, end
		for s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r') {
			s++
		}
		if strings.HasPrefix(text[s:e], "\u3000") {
			for strings.HasPrefix(text[s:e], "\u3000") {
				s += len("\u3000")
			}
		}
		for e > s && (text[e-1] == ' ' || text[e-1] == '\r' || text[e-1] == '\t') {
			e--
		}
		if e > s {
			out = append(out, span{s, e})
		}
		i = end + 1
	}
	return out
}

// zhMarkers finds the numbered-item markers of Chinese text.
func zhMarkers(text string, paras []span) []marker {
	var ms []marker
	for pi, p := range paras {
		s := text[p.start:p.end]
		// Paragraph-initial families.
		if n, w := zhNumber(s); n > 0 && strings.HasPrefix(s[w:], "、") {
			ms = append(ms, marker{famHead, n, p.start, pi})
		}
		if strings.HasPrefix(s, "（") || strings.HasPrefix(s, "(") {
			_, w0 := utf8.DecodeRuneInString(s)
			if n, w := zhNumber(s[w0:]); n > 0 && (strings.HasPrefix(s[w0+w:], "）") || strings.HasPrefix(s[w0+w:], ")")) {
				ms = append(ms, marker{famParen, n, p.start, pi})
			} else if n, w := arabic(s[w0:]); n > 0 && (strings.HasPrefix(s[w0+w:], "）") || strings.HasPrefix(s[w0+w:], ")")) {
				ms = append(ms, marker{famArabic, n, p.start, pi})
			}
		}
		if n, w := arabic(s); n > 0 && (strings.HasPrefix(s[w:], ".") || strings.HasPrefix(s[w:], "、") || strings.HasPrefix(s[w:], "．")) {
			ms = append(ms, marker{famArabic, n, p.start, pi})
		}
		// Inline families.
		for i := 0; i < len(s); {
			c, w := utf8.DecodeRuneInString(s[i:])
			if c == '第' && boundaryBefore(text, p.start+i, p.start) {
				if n, nw := zhNumber(s[i+w:]); n > 0 {
					next, _ := utf8.DecodeRuneInString(s[i+w+nw:])
					if strings.ContainsRune("，,、是要", next) {
						ms = append(ms, marker{famDi, n, p.start + i, pi})
					}
				}
			} else if _, ok := zhDigits[c]; ok && boundaryBefore(text, p.start+i, p.start) {
				if n, nw := zhNumber(s[i:]); n > 0 {
					next, _ := utf8.DecodeRuneInString(s[i+nw:])
					if next == '是' || next == '要' {
						ms = append(ms, marker{famShi, n, p.start + i, pi})
					} else if next == '、' && i > 0 && sentenceEndBefore(s, i) {
						// A heading run into the text (sources without paragraph breaks).
						ms = append(ms, marker{famHead, n, p.start + i, pi})
					}
				}
			}
			i += w
		}
	}
	return ms
}

// sentenceEndBefore: s[:i] ends a sentence (。！？：).
func sentenceEndBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return strings.ContainsRune("。！？：", r)
}

func arabic(s string) (n, size int) {
	for size < len(s) && size < 3 && s[size] >= '0' && s[size] <= '9' {
		n = n*10 + int(s[size]-'0')
		size++
	}
	if size == 0 || size == 3 {
		return 0, 0
	}
	return n, size
}

var enOrdinals = []string{"First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth"}

// enMarkers finds "First, … Second, …" (also "Firstly,") at sentence
// starts, and 1. 2. at paragraph starts.
func enMarkers(text string, paras []span) []marker {
	var ms []marker
	for pi, p := range paras {
		s := text[p.start:p.end]
		if n, w := arabic(s); n > 0 && (strings.HasPrefix(s[w:], ". ") || strings.HasPrefix(s[w:], ") ")) {
			ms = append(ms, marker{famArabic, n, p.start, pi})
		}
		for i := 0; i < len(s); {
			j := strings.IndexAny(s[i:], "FSTEN")
			if j < 0 {
				break
			}
			i += j
			if !enSentenceStart(s, i) {
				i++
				continue
			}
			for k, o := range enOrdinals {
				if !strings.HasPrefix(s[i:], o) {
					continue
				}
				rest := s[i+len(o):]
				rest = strings.TrimPrefix(rest, "ly")
				if strings.HasPrefix(rest, ",") || strings.HasPrefix(rest, " of all,") {
					ms = append(ms, marker{famDi, k + 1, p.start + i, pi})
				}
				break
			}
			i++
		}
	}
	return ms
}

// enSentenceStart tells whether a sentence may start at s[i]: the
// paragraph start, or after ". ", ": ", "; ".
func enSentenceStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	j := i
	for j > 0 && s[j-1] == ' ' {
		j--
	}
	if j == i || j == 0 {
		return j == 0
	}
	c := s[j-1]
	if c == '"' && j >= 2 {
		c = s[j-2]
	}
	return c == '.' || c == ':' || c == ';' || strings.HasSuffix(s[:j], "”")
}

// mainList returns the top-level items of the main numbered list.
func mainList(text string, paras []span, ms []marker) []Directive {
	var best []marker
	for fam := 0; fam < famCount && best == nil; fam++ {
		var cur []marker
		consider := func() {
			if len(cur) >= 2 && len(cur) > len(best) {
				best = cur
			}
		}
		for _, m := range ms {
			if m.fam != fam {
				continue
			}
			switch {
			case m.n == 1:
				consider()
				cur = []marker{m}
			case len(cur) > 0 && m.n == cur[len(cur)-1].n+1:
				cur = append(cur, m)
			default:
				consider()
				cur = nil
			}
		}
		consider()
	}
	if best == nil {
		return nil
	}
	block := best[0].fam == famHead || best[0].fam == famParen || best[0].fam == famArabic
	out := make([]Directive, len(best))
	for k, m := range best {
		var end int
		switch {
		case k+1 < len(best) && (block || best[k+1].para == m.para):
			end = best[k+1].pos
		case block && k+1 == len(best):
			end = paras[m.para].end
			// A heading's item runs on over the paragraphs of its body
			// until a closing paragraph; keep its own paragraph only.
		default:
			end = paras[m.para].end
		}
		t := text[m.pos:end]
		if block {
			// The item of a heading family is its heading paragraph.
			if e := strings.IndexByte(t, '\n'); e >= 0 {
				t = t[:e]
			}
		}
		out[k] = Directive{N: k + 1, Text: cut(strings.TrimRightFunc(t, unicode.IsSpace), maxDirectiveRunes)}
	}
	return out
}

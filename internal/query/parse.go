package query

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// Limits on queries.
const (
	MaxQueryBytes = 4096 // longer queries are rejected
	MaxRegexBytes = 1000
	maxDepth      = 64
	maxNear       = index.MaxNear
)

// ParseError is a query that cannot be parsed. Col is the 1-based column
// (in characters) of the offending input.
type ParseError struct {
	Query string
	Col   int
	Msg   string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("query error at column %d: %s", e.Col, e.Msg)
}

// Parse parses a query of SPEC §3:
//
//	common prosperity            phrase (a bare run of words is one phrase)
//	"dynamic clearing"           phrase
//	a AND b, a OR b, NOT a, -a   boolean; AND binds tighter than OR; ( )
//	a NEAR/5 b                   both within 5 tokens, either order
//	prosper*                     token prefix
//	/dynamic (zero|clearing)/    RE2 over the normalised text
//	title:"…" source:"…" lang:zh meta.province:Heilongjiang
//
// Two operands side by side without an operator are ANDed.
func Parse(s string) (Node, error) {
	if len(s) > MaxQueryBytes {
		// Point at the character holding the first byte past the limit.
		i := MaxQueryBytes
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return nil, &ParseError{Query: s, Col: utf8.RuneCountInString(s[:i]) + 1, Msg: fmt.Sprintf("query longer than %d bytes", MaxQueryBytes)}
	}
	if !utf8.ValidString(s) {
		i := 0
		for {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, &ParseError{Query: s, Col: utf8.RuneCountInString(s[:i]) + 1, Msg: "query is not valid UTF-8"}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{src: s, toks: toks}
	if len(toks) == 1 { // only EOF
		return nil, p.errAt(0, "empty query: expected a phrase")
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, p.errAt(t.pos, "unmatched ')'")
		}
		return nil, p.errAt(t.pos, fmt.Sprintf("unexpected %s", t.describe()))
	}
	return n, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tQuoted
	tRegex
	tAnd
	tOr
	tNot // NOT or leading -
	tNear
	tLParen
	tRParen
	tField // name: (value follows as the next token)
)

type token struct {
	kind tokKind
	text string // word / quoted content / regex / field name
	n    int    // NEAR distance
	pos  int    // byte offset
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tNear:
		return "NEAR"
	case tLParen:
		return "'('"
	case tRParen:
		return "')'"
	case tField:
		return fmt.Sprintf("field %s:", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

var nearRe = regexp.MustCompile(`^NEAR/(\d+)$`)

func lex(s string) ([]token, error) {
	var out []token
	errAt := func(pos int, msg string) error {
		return &ParseError{Query: s, Col: utf8.RuneCountInString(s[:pos]) + 1, Msg: msg}
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '(' || r == '（': // full-width too, as Chinese input methods type them
			out = append(out, token{kind: tLParen, pos: i})
			i += size
		case r == ')' || r == '）':
			out = append(out, token{kind: tRParen, pos: i})
			i += size
		case r == '"' || r == '“' || r == '”':
			j := i + size
			end := -1
			for k := j; k < len(s); {
				c, cs := utf8.DecodeRuneInString(s[k:])
				if c == '"' || c == '”' || c == '“' {
					end = k
					break
				}
				k += cs
			}
			if end < 0 {
				return nil, errAt(i, "unterminated quote: expected a closing \"")
			}
			out = append(out, token{kind: tQuoted, text: s[j:end], pos: i})
			_, cs := utf8.DecodeRuneInString(s[end:])
			i = end + cs
		case r == '/':
			j := i + 1
			var b strings.Builder
			end := -1
			for k := j; k < len(s); k++ {
				if s[k] == '\\' && k+1 < len(s) {
					// \/ is a slash; any other escape, \\ too, is
					// the regular expression's.
					if s[k+1] != '/' {
						b.WriteByte('\\')
					}
					b.WriteByte(s[k+1])
					k++
					continue
				}
				if s[k] == '/' {
					end = k
					break
				}
				b.WriteByte(s[k])
			}
			if end < 0 {
				return nil, errAt(i, "unterminated regular expression: expected a closing /")
			}
			out = append(out, token{kind: tRegex, text: b.String(), pos: i})
			i = end + 1
		case r == '-' && (i == 0 || isBoundary(s, i)):
			out = append(out, token{kind: tNot, pos: i})
			i++
		default:
			j := i
			for j < len(s) {
				c, cs := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(c) || c == '(' || c == ')' || c == '（' || c == '）' || c == '"' || c == '“' || c == '”' {
					break
				}
				if c == ':' {
					name := s[i:j]
					if isFieldName(name) {
						break
					}
				}
				j += cs
			}
			w := s[i:j]
			if j < len(s) && s[j] == ':' && isFieldName(w) {
				out = append(out, token{kind: tField, text: w, pos: i})
				i = j + 1
				if r, _ := utf8.DecodeRuneInString(s[i:]); i >= len(s) || unicode.IsSpace(r) {
					return nil, errAt(i, fmt.Sprintf("expected a value after %s:", w))
				}
				continue
			}
			switch {
			case w == "AND":
				out = append(out, token{kind: tAnd, pos: i})
			case w == "OR":
				out = append(out, token{kind: tOr, pos: i})
			case w == "NOT":
				out = append(out, token{kind: tNot, pos: i})
			case strings.HasPrefix(w, "NEAR/") || w == "NEAR":
				m := nearRe.FindStringSubmatch(w)
				if m == nil {
					return nil, errAt(i, "expected NEAR/n with a number, e.g. NEAR/5")
				}
				n, err := strconv.Atoi(m[1])
				if err != nil || n < 1 || n > maxNear {
					return nil, errAt(i, fmt.Sprintf("NEAR distance must be 1…%d", maxNear))
				}
				out = append(out, token{kind: tNear, n: n, pos: i})
			default:
				out = append(out, token{kind: tWord, text: w, pos: i})
			}
			i = j
		}
	}
	return append(out, token{kind: tEOF, pos: len(s)}), nil
}

// isBoundary reports whether position i starts a new word (after space or '(').
func isBoundary(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r) || r == '(' || r == '（'
}

func isFieldName(w string) bool {
	switch w {
	case "title", "source", "lang":
		return true
	}
	return strings.HasPrefix(w, "meta.") && len(w) > 5
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) errAt(pos int, msg string) error {
	return &ParseError{Query: p.src, Col: utf8.RuneCountInString(p.src[:pos]) + 1, Msg: msg}
}

func (p *parser) or(depth int) (Node, error) {
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	kids := []Node{first}
	for p.peek().kind == tOr {
		p.next()
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &Or{Kids: kids}, nil
}

func startsOperand(k tokKind) bool {
	switch k {
	case tWord, tQuoted, tRegex, tNot, tLParen, tField:
		return true
	}
	return false
}

func (p *parser) and(depth int) (Node, error) {
	first, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	kids := []Node{first}
	for {
		t := p.peek()
		if t.kind == tAnd {
			p.next()
		} else if !startsOperand(t.kind) {
			break
		}
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &And{Kids: kids}, nil
}

func (p *parser) unary(depth int) (Node, error) {
	if t := p.peek(); t.kind == tNot {
		if depth >= maxDepth {
			return nil, p.errAt(t.pos, "query nested too deeply")
		}
		p.next()
		n, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Not{Kid: n}, nil
	}
	return p.near(depth)
}

func (p *parser) near(depth int) (Node, error) {
	start := p.peek().pos
	a, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tNear {
		return a, nil
	}
	t := p.next()
	bpos := p.peek().pos
	b, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	pa, ok := a.(*Phrase)
	if !ok {
		return nil, p.errAt(start, "NEAR needs a phrase on its left")
	}
	pb, ok := b.(*Phrase)
	if !ok {
		return nil, p.errAt(bpos, "NEAR needs a phrase on its right")
	}
	if p.peek().kind == tNear {
		return nil, p.errAt(p.peek().pos, "NEAR cannot be chained; use (a NEAR/n b) AND (b NEAR/n c)")
	}
	return &Near{A: pa, B: pb, N: t.n}, nil
}

func (p *parser) primary(depth int) (Node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		if depth >= maxDepth {
			return nil, p.errAt(t.pos, "query nested too deeply")
		}
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, p.errAt(c.pos, fmt.Sprintf("expected ')' to close the '(' at column %d, found %s", utf8.RuneCountInString(p.src[:t.pos])+1, c.describe()))
		}
		return n, nil
	case tWord:
		// A bare run of words is one phrase; only white space stands
		// between the words.
		end := t.pos + len(t.text)
		for p.peek().kind == tWord {
			w := p.next()
			end = w.pos + len(w.text)
		}
		return p.phrase(p.src[t.pos:end], t.pos, t.pos, false)
	case tQuoted:
		return p.phrase(t.text, t.pos, t.pos+quoteLen(p.src[t.pos:]), false)
	case tRegex:
		return p.regex(t)
	case tField:
		v := p.next()
		if v.kind != tWord && v.kind != tQuoted {
			return nil, p.errAt(v.pos, fmt.Sprintf("expected a value after %s:, found %s", t.text, v.describe()))
		}
		if t.text == "title" {
			off := v.pos
			if v.kind == tQuoted {
				off += quoteLen(p.src[v.pos:])
			}
			return p.phrase(v.text, v.pos, off, true)
		}
		return &Field{Name: t.text, Value: v.text}, nil
	case tEOF:
		return nil, p.errAt(t.pos, "unexpected end of query: expected a phrase")
	default:
		return nil, p.errAt(t.pos, fmt.Sprintf("expected a phrase, found %s", t.describe()))
	}
}

// quoteLen returns the length of the quote character opening s.
func quoteLen(s string) int {
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// phrase makes the phrase of text, which stands at byte offset off of the
// query; pos is where the phrase (or its opening quote) starts.
func (p *parser) phrase(text string, pos, off int, titleOnly bool) (Node, error) {
	ph := &Phrase{Raw: text, TitleOnly: titleOnly}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += size
		}
		w := text[i:j]
		prefix := strings.HasSuffix(w, "*")
		toks := textnorm.Tokens(strings.TrimRight(w, "*"))
		for i, tk := range toks {
			ph.Slots = append(ph.Slots, Slot{Tok: tk, Prefix: prefix && i == len(toks)-1})
		}
		if prefix && len(toks) == 0 {
			return nil, p.errAt(off+i, fmt.Sprintf("prefix %q has no letters or digits before *", w))
		}
		i = j
	}
	if len(ph.Slots) == 0 {
		return nil, p.errAt(pos, fmt.Sprintf("phrase %q has no letters or digits to search for", text))
	}
	return ph, nil
}

func (p *parser) regex(t token) (Node, error) {
	if t.text == "" {
		return nil, p.errAt(t.pos, "empty regular expression")
	}
	if len(t.text) > MaxRegexBytes {
		return nil, p.errAt(t.pos, fmt.Sprintf("regular expression longer than %d bytes", MaxRegexBytes))
	}
	tree, err := syntax.Parse(t.text, syntax.Perl)
	if err != nil {
		return nil, p.errAt(t.pos, "bad regular expression: "+err.Error())
	}
	re, err := regexp.Compile("(?i)" + t.text)
	if err != nil {
		return nil, p.errAt(t.pos, "bad regular expression: "+err.Error())
	}
	if matchesEmpty(tree) {
		return nil, p.errAt(t.pos, "regular expression matches the empty string")
	}
	return &Regex{Re: re, Raw: t.text, Need: requiredTokens(t.text)}, nil
}

// matchesEmpty reports whether re can match the empty string somewhere
// (x?, \b, ^ and the like): such matches would be hits without text.
func matchesEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpNoMatch:
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return matchesEmpty(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || matchesEmpty(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !matchesEmpty(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if matchesEmpty(s) {
				return true
			}
		}
		return false
	}
	return true // empty match, anchors, word boundaries, x*, x?
}

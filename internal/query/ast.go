package query

import (
	"fmt"
	"regexp"
	"strings"
)

// Node is a parsed query expression.
type Node interface {
	String() string
}

// Phrase matches its tokens at consecutive positions of one field. A slot
// with Prefix set matches any token starting with Tok.
type Phrase struct {
	Slots     []Slot
	TitleOnly bool   // title:"…"
	Raw       string // as written
}

// Slot is one token of a phrase.
type Slot struct {
	Tok    string
	Prefix bool
}

// Regex matches a regular expression over a field's normalised text.
type Regex struct {
	Re   *regexp.Regexp
	Raw  string
	Need []string // tokens every match contains (see requiredTokens)
}

// Near matches where its two phrases stand within N tokens.
type Near struct {
	A, B *Phrase
	N    int
}

// And, Or and Not are the boolean operators.
type And struct{ Kids []Node }
type Or struct{ Kids []Node }
type Not struct{ Kid Node }

// Field filters a document attribute by exact value (case-insensitive).
type Field struct {
	Name  string // "source", "lang" or "meta.KEY"
	Value string
}

func (p *Phrase) String() string {
	var b strings.Builder
	if p.TitleOnly {
		b.WriteString("title:")
	}
	b.WriteByte('"')
	for i, s := range p.Slots {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.Tok)
		if s.Prefix {
			b.WriteByte('*')
		}
	}
	b.WriteByte('"')
	return b.String()
}
func (r *Regex) String() string { return "/" + strings.ReplaceAll(r.Raw, "/", `\/`) + "/" }
func (n *Near) String() string  { return fmt.Sprintf("(%s NEAR/%d %s)", n.A, n.N, n.B) }
func (a *And) String() string   { return join(a.Kids, " AND ") }
func (o *Or) String() string    { return join(o.Kids, " OR ") }
func (n *Not) String() string   { return "NOT " + n.Kid.String() }
func (f *Field) String() string { return f.Name + `:"` + f.Value + `"` }

func join(kids []Node, sep string) string {
	parts := make([]string, len(kids))
	for i, k := range kids {
		parts[i] = k.String()
	}
	return "(" + strings.Join(parts, sep) + ")"
}

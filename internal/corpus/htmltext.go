package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipTags are elements whose content is never text: code, styling,
// navigation and page furniture.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Iframe: true, atom.Head: true, atom.Svg: true,
	atom.Math: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Audio: true,
	atom.Video: true, atom.Map: true, atom.Dialog: true,
}

// blockTags are elements that start and end a paragraph.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Blockquote: true, atom.Body: true,
	atom.Br: true, atom.Caption: true, atom.Center: true, atom.Dd: true,
	atom.Details: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Hgroup: true, atom.Hr: true, atom.Html: true,
	atom.Legend: true, atom.Li: true, atom.Main: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tbody: true, atom.Tfoot: true, atom.Thead: true,
	atom.Title: true, atom.Tr: true, atom.Ul: true,
}

// skipped reports whether n is an element whose content is not text:
// one of skipTags, or hidden.
func skipped(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return n.Type == html.CommentNode || n.Type == html.DoctypeNode
	}
	if skipTags[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			if strings.Contains(strings.ReplaceAll(strings.ToLower(a.Val), " ", ""), "display:none") {
				return true
			}
		}
	}
	return false
}

// htmlText returns the visible text under n: block elements become
// paragraph breaks (a blank line), table cells are separated by a space,
// white space (Unicode, so also NBSP and U+3000) collapses to one space,
// and paragraphs are trimmed; entities were decoded by the parser. Cost:
// one walk of the subtree.
func htmlText(n *html.Node) string {
	var t textBuilder
	t.walk(n)
	t.breakPara()
	return t.out.String()
}

// textBuilder collects paragraphs of collapsed text.
type textBuilder struct {
	out   strings.Builder
	cur   strings.Builder
	space bool // a space is due before the next character
}

func (t *textBuilder) walk(n *html.Node) {
	if skipped(n) {
		return
	}
	if n.Type == html.TextNode {
		t.addText(n.Data)
		return
	}
	block := n.Type == html.ElementNode && blockTags[n.DataAtom]
	if block {
		t.breakPara()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.walk(c)
	}
	switch {
	case block:
		t.breakPara()
	case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
		t.space = t.cur.Len() > 0
	}
}

func (t *textBuilder) addText(s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) {
			t.space = t.cur.Len() > 0
			continue
		}
		if t.space {
			t.cur.WriteByte(' ')
			t.space = false
		}
		t.cur.WriteRune(r)
	}
}

// breakPara ends the current paragraph, if it has any text.
func (t *textBuilder) breakPara() {
	t.space = false
	if t.cur.Len() == 0 {
		return
	}
	if t.out.Len() > 0 {
		t.out.WriteString("\n\n")
	}
	t.out.WriteString(t.cur.String())
	t.cur.Reset()
}

// textLen counts the non-space characters htmlText would give for n and
// records the count of every element in lens. Cost: one walk.
func textLen(n *html.Node, lens map[*html.Node]int) int {
	if skipped(n) {
		return 0
	}
	if n.Type == html.TextNode {
		k := 0
		for _, r := range n.Data {
			if !unicode.IsSpace(r) {
				k++
			}
		}
		return k
	}
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		k += textLen(c, lens)
	}
	if n.Type == html.ElementNode {
		lens[n] = k
	}
	return k
}

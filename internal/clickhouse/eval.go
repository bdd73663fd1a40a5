package clickhouse

import (
	"strings"

	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// doc is a document as the Go evaluation needs it.
type doc struct {
	id, date, source, lang, url string
	title, text                 string
	meta                        map[string]string // first value of each key
	day                         int32
	toks                        int64
}

// docEval evaluates queries on one document's fields, the way the
// embedded index does (internal/query/eval.go): hits per field, leftmost
// first without overlap, a title:"…" phrase in the title only, NEAR per
// field, regular expressions on the normalised text.
type docEval struct {
	d           *doc
	title, text []string
}

func newDocEval(d *doc) *docEval {
	return &docEval{d: d, title: textnorm.Tokens(d.title), text: textnorm.Tokens(d.text)}
}

// eval returns whether the document matches n and n's hits in it (0
// when it does not match).
func (e *docEval) eval(n query.Node) (bool, uint64) {
	switch n := n.(type) {
	case *query.Phrase:
		h := uint64(len(starts(n, e.title)))
		if !n.TitleOnly {
			h += uint64(len(starts(n, e.text)))
		}
		return h > 0, h
	case *query.Near:
		h := uint64(query.NearHits(starts(n.A, e.title), len(n.A.Slots), starts(n.B, e.title), len(n.B.Slots), n.N))
		if !n.A.TitleOnly && !n.B.TitleOnly {
			h += uint64(query.NearHits(starts(n.A, e.text), len(n.A.Slots), starts(n.B, e.text), len(n.B.Slots), n.N))
		}
		return h > 0, h
	case *query.Regex:
		h := uint64(query.RegexHits(n, e.d.title) + query.RegexHits(n, e.d.text))
		return h > 0, h
	case *query.Field:
		var v string
		switch {
		case n.Name == "source":
			v = e.d.source
		case n.Name == "lang":
			v = e.d.lang
		default:
			var ok bool
			if v, ok = e.d.meta[strings.TrimPrefix(n.Name, "meta.")]; !ok {
				return false, 0
			}
		}
		return strings.EqualFold(v, n.Value), 0
	case *query.Not:
		m, _ := e.eval(n.Kid)
		return !m, 0
	case *query.And:
		var h uint64
		for _, k := range n.Kids {
			m, kh := e.eval(k)
			if !m {
				return false, 0
			}
			h += kh
		}
		return true, h
	case *query.Or:
		var h uint64
		any := false
		for _, k := range n.Kids {
			m, kh := e.eval(k)
			if m {
				any = true
				h += kh
			}
		}
		return any, h
	}
	return false, 0
}

// starts returns the token indexes where p's non-overlapping occurrences
// start in toks, leftmost first (the embedded index's rule).
func starts(p *query.Phrase, toks []string) []int {
	if len(p.Slots) == 0 {
		return nil
	}
	return query.PhraseStarts(p, toks)
}

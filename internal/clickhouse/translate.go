package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
)

// A query becomes SQL in one of two ways.
//
// Exact: every leaf is a phrase whose prefix slot, if any, is the last
// one, or a field filter. Each node then gets two columns, its hits _hN and
// whether it matches _mN, computed per document by the server, and the
// server returns the matching documents with their hits.
//
// Finished in Go: a query with NEAR, a regular expression or a prefix
// slot before the last gets a prefilter instead, a condition every
// matching document meets (each token it needs stands in the field); the
// server returns the documents meeting it and docEval evaluates the query
// on their text exactly as the embedded index does.
//
// Either way the WHERE clause holds the prefilter, made of position()
// tests: the server evaluates the SELECT list (replaceAll, the costly
// part) only on the rows that pass it.

// plan is a translated query.
type plan struct {
	exact  bool
	cols   []string // "expr AS _hN" and "expr AS _mN", in order (exact)
	root   int      // N of the root's columns (exact)
	pre    string   // a condition every match meets: the match itself when exact
	fields fieldValues
}

// fieldValues holds, per field name (source, lang, meta.KEY), the stored
// values that equal the query's value case-insensitively (as
// strings.EqualFold, like the embedded index).
type fieldValues map[string][]string

type translator struct {
	c      *Client
	ctx    context.Context
	p      *plan
	values map[string][]string // distinct stored values per field, fetched once
}

func (s *Searcher) translate(ctx context.Context, n query.Node) (*plan, error) {
	t := &translator{c: s.c, ctx: ctx, p: &plan{exact: exactNode(n), fields: fieldValues{}}, values: map[string][]string{}}
	if err := t.resolveFields(n); err != nil {
		return nil, err
	}
	if t.p.exact {
		t.p.root = t.node(n)
	}
	t.p.pre = t.superset(n)
	return t.p, nil
}

// exactNode reports whether SQL can count n exactly.
func exactNode(n query.Node) bool {
	switch n := n.(type) {
	case *query.Phrase:
		for i, s := range n.Slots {
			if s.Prefix && i != len(n.Slots)-1 {
				return false
			}
		}
		return true
	case *query.Field:
		return true
	case *query.Not:
		return exactNode(n.Kid)
	case *query.And:
		for _, k := range n.Kids {
			if !exactNode(k) {
				return false
			}
		}
		return true
	case *query.Or:
		for _, k := range n.Kids {
			if !exactNode(k) {
				return false
			}
		}
		return true
	}
	return false
}

// resolveFields finds, for every field filter of n, the stored values it
// matches.
func (t *translator) resolveFields(n query.Node) error {
	switch n := n.(type) {
	case *query.Field:
		all, err := t.distinct(n.Name)
		if err != nil {
			return err
		}
		var hit []string
		for _, v := range all {
			if strings.EqualFold(v, n.Value) {
				hit = append(hit, v)
			}
		}
		t.p.fields[fieldKey(n)] = hit
	case *query.Not:
		return t.resolveFields(n.Kid)
	case *query.And:
		for _, k := range n.Kids {
			if err := t.resolveFields(k); err != nil {
				return err
			}
		}
	case *query.Or:
		for _, k := range n.Kids {
			if err := t.resolveFields(k); err != nil {
				return err
			}
		}
	}
	return nil
}

func fieldKey(f *query.Field) string { return f.Name + "\x00" + f.Value }

// distinct returns the distinct stored values of a field (source, lang or
// meta.KEY). Rows replaced but not yet merged may add values no live row
// has; that only lengthens an IN list.
func (t *translator) distinct(name string) ([]string, error) {
	if v, ok := t.values[name]; ok {
		return v, nil
	}
	var sql string
	switch {
	case name == "source" || name == "lang":
		sql = "SELECT DISTINCT " + name + " FROM " + t.c.table()
	case strings.HasPrefix(name, "meta."):
		k := quote(strings.TrimPrefix(name, "meta."))
		sql = "SELECT DISTINCT meta_values[indexOf(meta_keys, " + k + ")] FROM " + t.c.table() + " WHERE has(meta_keys, " + k + ")"
	default:
		return nil, fmt.Errorf("clickhouse: unknown field %q", name)
	}
	var out []string
	err := t.c.query(t.ctx, sql, func(r driver.Rows) error {
		var v string
		err := r.Scan(&v)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	t.values[name] = out
	return out, nil
}

// inList is "expr IN ('a', 'b')", or 0 for no values.
func inList(expr string, vals []string) string {
	if len(vals) == 0 {
		return "0"
	}
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = quote(v)
	}
	return expr + " IN (" + strings.Join(q, ", ") + ")"
}

// fieldExpr is the SQL condition of a field filter.
func (t *translator) fieldExpr(f *query.Field) string {
	vals := t.p.fields[fieldKey(f)]
	switch {
	case f.Name == "source" || f.Name == "lang":
		return inList(f.Name, vals)
	default:
		k := quote(strings.TrimPrefix(f.Name, "meta."))
		return "(has(meta_keys, " + k + ") AND " + inList("meta_values[indexOf(meta_keys, "+k+")]", vals) + ")"
	}
}

// needle is the substring of the token streams that a phrase is: each
// token in spaces; a last prefix slot has no closing space.
func needle(p *query.Phrase) string {
	var b strings.Builder
	for _, s := range p.Slots {
		b.WriteByte(' ')
		b.WriteString(s.Tok)
		if !s.Prefix {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// hitsExpr counts the non-overlapping occurrences of needle in col,
// leftmost first.
//
// They are SPEC §2's hits: in a stream each token stands as " tok ", so an
// occurrence of " a  b " (or of " a  b" for "a b*") starts only at a
// token's opening space (a closing space is followed by another space or
// by nothing) and covers whole tokens but for a last prefix slot, whose
// token it covers from its start. Two occurrences overlap as substrings
// exactly when they share a token, so the leftmost non-overlapping
// occurrences of the substring are the leftmost non-overlapping
// occurrences of the phrase. ("a a" in "a a a": " a  a " occurs at bytes 0
// and 3 of " a  a  a ", overlapping; counted once, as strings.Count does on
// tokens.) The test of the engine compares this with the embedded index
// on such cases.
//
// countSubstrings (ClickHouse 21.1 and later, when system.functions lists
// it) counts leftmost non-overlapping occurrences: its implementation
// resumes the search after each match ("countSubstrings('aaaa', 'aa') ==
// 2"). Older servers (Debian's 18.16) get the same number from
// replaceAll, which replaces leftmost non-overlapping occurrences; the
// test runs the latter, the only one 18.16 has.
func (c *Client) hitsExpr(col, needle string) string {
	if c.Has("countSubstrings") {
		return "countSubstrings(" + col + ", " + quote(needle) + ")"
	}
	return "intDiv(length(" + col + ") - length(replaceAll(" + col + ", " + quote(needle) + ", '')), " + strconv.Itoa(len(needle)) + ")"
}

// node adds the columns _hN and _mN of n, after those of its kids, and
// returns N.
func (t *translator) node(n query.Node) int {
	var h, m string
	self := func() int { return len(t.p.cols) / 2 } // N, once the kids are in
	switch n := n.(type) {
	case *query.Phrase:
		h = "toUInt64(0)"
		if len(n.Slots) > 0 {
			nd := needle(n)
			h = t.c.hitsExpr("title_toks", nd)
			if !n.TitleOnly {
				h += " + " + t.c.hitsExpr("text_toks", nd)
			}
			h = "toUInt64(" + h + ")"
		}
		m = fmt.Sprintf("_h%d > 0", self())
	case *query.Field:
		h, m = "toUInt64(0)", t.fieldExpr(n)
	case *query.Not:
		k := t.node(n.Kid)
		h, m = "toUInt64(0)", fmt.Sprintf("NOT _m%d", k)
	case *query.And, *query.Or:
		kids, op := []query.Node(nil), " AND "
		if a, ok := n.(*query.And); ok {
			kids = a.Kids
		} else {
			kids, op = n.(*query.Or).Kids, " OR "
		}
		var ms, hs []string
		for _, k := range kids {
			i := t.node(k)
			ms = append(ms, fmt.Sprintf("_m%d", i))
			// A kid's hits count where it matches (an OR's kid that does
			// not match adds nothing; a NOT adds nothing).
			hs = append(hs, fmt.Sprintf("if(_m%d, _h%d, toUInt64(0))", i, i))
		}
		m = "(" + strings.Join(ms, op) + ")"
		h = fmt.Sprintf("if(_m%d, ", self()) + strings.Join(hs, " + ") + ", toUInt64(0))"
	default:
		panic(fmt.Sprintf("clickhouse: node %T is not exact", n))
	}
	id := self()
	t.p.cols = append(t.p.cols, h+" AS _h"+strconv.Itoa(id), "toUInt8("+m+") AS _m"+strconv.Itoa(id))
	return id
}

// superset returns a condition that every document matching n meets.
func (t *translator) superset(n query.Node) string {
	has := func(tok string, prefix, titleOnly bool) string {
		nd := " " + tok
		if !prefix {
			nd += " "
		}
		c := "position(title_toks, " + quote(nd) + ") > 0"
		if !titleOnly {
			c = "(" + c + " OR position(text_toks, " + quote(nd) + ") > 0)"
		}
		return c
	}
	phrase := func(p *query.Phrase) []string {
		var cs []string
		for _, s := range p.Slots {
			cs = append(cs, has(s.Tok, s.Prefix, p.TitleOnly))
		}
		return cs
	}
	and := func(cs []string) string {
		if len(cs) == 0 {
			return "1"
		}
		return "(" + strings.Join(cs, " AND ") + ")"
	}
	switch n := n.(type) {
	case *query.Phrase:
		if exactNode(n) {
			return t.exactCond(n)
		}
		return and(phrase(n))
	case *query.Near:
		return and(append(phrase(n.A), phrase(n.B)...))
	case *query.Regex:
		var cs []string
		for _, tok := range n.Need {
			cs = append(cs, has(tok, false, false))
		}
		return and(cs)
	case *query.Field:
		return t.fieldExpr(n)
	case *query.Not:
		if exactNode(n.Kid) {
			// Exact kid: its own columns are not in this query, so say it
			// again as a plain condition.
			return "NOT " + t.exactCond(n.Kid)
		}
		return "1"
	case *query.And:
		var cs []string
		for _, k := range n.Kids {
			cs = append(cs, t.superset(k))
		}
		return and(cs)
	case *query.Or:
		var cs []string
		for _, k := range n.Kids {
			cs = append(cs, t.superset(k))
		}
		return "(" + strings.Join(cs, " OR ") + ")"
	}
	return "1"
}

// exactCond is the match condition of an exact node, without columns.
func (t *translator) exactCond(n query.Node) string {
	switch n := n.(type) {
	case *query.Phrase:
		if len(n.Slots) == 0 {
			return "0"
		}
		nd := quote(needle(n))
		c := "position(title_toks, " + nd + ") > 0"
		if !n.TitleOnly {
			c = "(" + c + " OR position(text_toks, " + nd + ") > 0)"
		}
		return c
	case *query.Field:
		return t.fieldExpr(n)
	case *query.Not:
		return "NOT " + t.exactCond(n.Kid)
	case *query.And:
		var cs []string
		for _, k := range n.Kids {
			cs = append(cs, t.exactCond(k))
		}
		return "(" + strings.Join(cs, " AND ") + ")"
	case *query.Or:
		var cs []string
		for _, k := range n.Kids {
			cs = append(cs, t.exactCond(k))
		}
		return "(" + strings.Join(cs, " OR ") + ")"
	}
	return "1"
}

// filterSQL is the condition of a Filter: the date range (undated
// documents out when either end is set) and the sources, matched like the
// embedded index (strings.EqualFold) against the stored source names.
func (s *Searcher) filterSQL(ctx context.Context, f query.Filter) (string, error) {
	var cs []string
	if f.From != "" || f.To != "" {
		cs = append(cs, "date != ''")
		if f.From != "" {
			d := index.Day(f.From)
			if d == index.NoDate {
				return "", fmt.Errorf("--from %q is not a date (want YYYY-MM-DD)", f.From)
			}
			cs = append(cs, fmt.Sprintf("day >= %d", d))
		}
		if f.To != "" {
			d := index.Day(f.To)
			if d == index.NoDate {
				return "", fmt.Errorf("--to %q is not a date (want YYYY-MM-DD)", f.To)
			}
			cs = append(cs, fmt.Sprintf("day <= %d", d))
		}
	}
	if len(f.Sources) > 0 {
		t := &translator{c: s.c, ctx: ctx, values: map[string][]string{}}
		all, err := t.distinct("source")
		if err != nil {
			return "", err
		}
		var hit []string
		for _, v := range all {
			for _, want := range f.Sources {
				if strings.EqualFold(v, want) {
					hit = append(hit, v)
					break
				}
			}
		}
		cs = append(cs, inList("source", hit))
	}
	if len(cs) == 0 {
		return "1", nil
	}
	return strings.Join(cs, " AND "), nil
}

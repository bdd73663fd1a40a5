package analysis

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// The brute-force references of this file compute what each analysis
// reports the slow, obvious way: every document is read as refToks
// tokens, every n-gram of every document is put in a map, windows are
// marked token by token, and the measures are written out from
// doc/analytics.md. They share no code with the analyses but textnorm's
// tokens.

// refDoc is one document as the references read it.
type refDoc struct {
	date, source string
	fields       [2][]refTok // title, text
	tokens       int
}

type refTok struct {
	text string
	kind uint8
	join bool
}

func newRefDoc(d corpus.Document) refDoc {
	rd := refDoc{date: d.Date, source: d.Source}
	for fi, f := range []string{d.Title, d.Text} {
		strs := textnorm.Tokens(f)
		for i, t := range refToks(f) {
			rd.fields[fi] = append(rd.fields[fi], refTok{text: strs[i], kind: t.kind, join: t.join})
		}
		rd.tokens += len(strs)
	}
	return rd
}

// gram returns the n-gram of toks[p:p+k] as text, or false when its
// tokens are not joined.
func gram(toks []refTok, p, k int) (string, bool) {
	if p+k > len(toks) {
		return "", false
	}
	parts := []string{toks[p].text}
	for i := p + 1; i < p+k; i++ {
		if !toks[i].join {
			return "", false
		}
		parts = append(parts, toks[i].text)
	}
	if toks[p].kind == kindCJK {
		return strings.Join(parts, ""), true
	}
	return strings.Join(parts, " "), true
}

// phraseHits returns the starts of the leftmost non-overlapping
// occurrences of phrase in toks.
func refPhraseHits(toks []refTok, phrase []string) []int {
	var out []int
	for i := 0; i+len(phrase) <= len(toks); {
		ok := true
		for j, w := range phrase {
			if toks[i+j].text != w {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
			i += len(phrase)
		} else {
			i++
		}
	}
	return out
}

// inFilter reports whether d passes f (dates inclusive, sources exact but
// for case).
func inFilter(d refDoc, f query.Filter) bool {
	if (f.From != "" || f.To != "") && d.date == "" {
		return false
	}
	if f.From != "" && d.date < f.From || f.To != "" && d.date > f.To {
		return false
	}
	if len(f.Sources) == 0 {
		return true
	}
	for _, s := range f.Sources {
		if strings.EqualFold(s, d.source) {
			return true
		}
	}
	return false
}

// fixture is a corpus both as an index and as reference documents.
type fixture struct {
	a    *Analyzer
	docs []refDoc
}

// newFixture indexes docs in small segments (so that every analysis
// crosses segments: a segment per 2 KB of text for a few documents, per
// 64 KB for a corpus) under t.TempDir().
func newFixture(t testing.TB, docs []corpus.Document) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	size := int64(64 << 10)
	if len(docs) < 100 {
		size = 2 << 10
	}
	if err := store.WriteDocs(dir, store.Options{SegmentBytes: size, AutoCommit: true}, docs); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{}
	for _, d := range docs {
		fx.docs = append(fx.docs, newRefDoc(d))
	}
	snap, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	if len(snap.Segments) < 2 {
		t.Fatalf("%d documents in %d segment: the fixture should cross segments", len(docs), len(snap.Segments))
	}
	fx.a = New(&query.Local{Snap: snap})
	return fx
}

// loadCorpus returns the documents of a shared corpus, or skips.
func loadCorpus(t testing.TB, name string) []corpus.Document {
	t.Helper()
	path := filepath.Join(sharedCorpora, name, "docs.jsonl.gz")
	docs, err := corpus.ReadAll(context.Background(), []string{path}, corpus.Options{})
	if err != nil {
		t.Skipf("corpus %s: %v", name, err)
	}
	return docs
}

// fixtureDocs is a small invented corpus in English and Chinese with the
// cases the analyses must get right: separators, hyphens and
// apostrophes, title and text, repeated and overlapping phrases, months
// without documents, two sources.
func fixtureDocs() []corpus.Document {
	type d struct{ date, source, title, text string }
	raw := []d{
		{"2020-01-05", "Daily", "动态清零总方针", "会议指出，要坚持动态清零总方针，坚持外防输入、内防反弹。扎实推动共同富裕。"},
		{"2020-01-20", "Daily", "Common prosperity", "We must promote common prosperity. Common prosperity is the goal; the people's common prosperity."},
		{"2020-02-11", "Evening", "疫情防控", "坚持动态清零不动摇，动态清零是总方针。好好好，好好。"},
		{"2020-03-02", "Daily", "Dual-carbon goals", "China's dual-carbon goals: peak carbon by 2030 and carbon neutrality by 2060. Dual carbon, dual - carbon."},
		{"2020-04-15", "Evening", "扎实推动共同富裕", "扎实推动共同富裕，促进全体人民共同富裕。在高质量发展中促进共同富裕。"},
		{"2020-06-30", "Daily", "", "碳达峰碳中和，碳达峰、碳中和。实现碳中和。"},
		{"2020-09-09", "Daily", "Summer", "Nothing about it here. Just growth. The economy grew."},
		{"2020-10-01", "Evening", "国庆", "庆祝中华人民共和国成立。全体人民共同富裕。"},
		{"2020-11-11", "Daily", "碳中和", "实现碳达峰碳中和目标，推动碳达峰碳中和。碳中和愿景。"},
		{"2020-12-24", "Daily", "Year end", "Common prosperity and dual carbon, common prosperity again. The common people."},
		{"2021-02-02", "Evening", "春节", "春节期间，各地推动隐患动态清零。"},
		{"2021-05-05", "Daily", "", "扎实推动共同富裕取得更为明显的实质性进展。共同富裕是社会主义的本质要求。"},
		{"2021-08-17", "Evening", "共同富裕", "在高质量发展中促进共同富裕，扎实推动共同富裕，推动共同富裕。"},
		{"2021-08-18", "Daily", "Common prosperity for all", "Common prosperity for all people; promote common prosperity in high-quality development."},
		{"2021-11-30", "Daily", "碳达峰", "碳达峰碳中和工作，做好碳达峰碳中和工作。碳达峰行动方案。"},
		{"2022-03-03", "Evening", "动态清零", "坚持动态清零总方针不动摇，动态清零，动态清零。"},
		{"2022-04-04", "Daily", "动态清零", "动态清零总方针，坚持动态清零。"},
		{"2022-04-20", "Daily", "Dynamic clearing", "Dynamic clearing, dynamic-clearing; the dynamic clearing policy."},
		{"2022-07-07", "Evening", "夏", "推动隐患动态清零。安全生产。"},
		{"2022-09-09", "Daily", "", "扎实推动共同富裕。碳达峰碳中和。"},
		{"2022-12-31", "Evening", "年终", "全体人民共同富裕的现代化。中国式现代化。中国式现代化是共同富裕的现代化。"},
		{"", "Daily", "Undated", "common prosperity undated 共同富裕"},
	}
	var out []corpus.Document
	for i, r := range raw {
		out = append(out, corpus.Document{ID: fmt.Sprintf("fx-%02d", i), Date: r.date, Source: r.source, Title: r.title, Text: r.text})
	}
	return out
}

// close reports whether a and b agree within 1e-9 (relative to their
// size when larger than 1).
func closeTo(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// ---------------------------------------------------------------- lifecycle

// refLifecycle computes a lifecycle by month or year from the documents.
func refLifecycle(docs []refDoc, q string, by string, f query.Filter, gapN int) Lifecycle {
	key := func(date string) string {
		if by == "year" {
			return date[:4] + "-01-01"
		}
		return date[:7] + "-01"
	}
	phrase := textnorm.Tokens(q)
	hits, mdocs, total := map[string]int64{}, map[string]int64{}, map[string]int64{}
	var first, last string
	var lc Lifecycle
	for _, d := range docs {
		if d.date == "" || !inFilter(d, f) {
			continue
		}
		total[key(d.date)]++
		n := len(refPhraseHits(d.fields[0], phrase)) + len(refPhraseHits(d.fields[1], phrase))
		if n == 0 {
			continue
		}
		hits[key(d.date)] += int64(n)
		mdocs[key(d.date)]++
		lc.Hits += int64(n)
		lc.Docs++
		if first == "" || d.date < first {
			first = d.date
		}
		if d.date > last {
			last = d.date
		}
	}
	lc.Query, lc.Gaps = q, []Gap{}
	if first == "" {
		return lc
	}
	lc.FirstSeen, lc.LastSeen = &first, &last
	// Every bucket from the first to the last with documents.
	var keys []string
	for k := range total {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var axis []string
	for t, _ := time.Parse(time.DateOnly, keys[0]); t.Format(time.DateOnly) <= keys[len(keys)-1]; {
		axis = append(axis, t.Format(time.DateOnly))
		if by == "year" {
			t = t.AddDate(1, 0, 0)
		} else {
			t = t.AddDate(0, 1, 0)
		}
	}
	end := func(k string) string {
		t, _ := time.Parse(time.DateOnly, k)
		if by == "year" {
			return t.AddDate(1, 0, -1).Format(time.DateOnly)
		}
		return t.AddDate(0, 1, -1).Format(time.DateOnly)
	}
	for _, k := range axis {
		if lc.Peak == nil && hits[k] > 0 || lc.Peak != nil && hits[k] > lc.Peak.Hits {
			lc.Peak = &Peak{Start: k, Hits: hits[k], Docs: mdocs[k]}
		}
	}
	// From the first bucket with hits: the buckets with documents, each
	// with or without hits; a gap is a maximal run without hits.
	started := false
	var live []string
	for _, k := range axis {
		started = started || hits[k] > 0
		if started && total[k] > 0 {
			live = append(live, k)
		}
	}
	lc.Live = len(live)
	for i := 0; i < len(live); i++ {
		if hits[live[i]] > 0 {
			lc.Present++
			continue
		}
		j := i
		for j+1 < len(live) && hits[live[j+1]] == 0 {
			j++
		}
		if j-i+1 >= gapN {
			lc.Gaps = append(lc.Gaps, Gap{From: live[i], To: end(live[j]), Buckets: j - i + 1})
			if j == len(live)-1 {
				lc.AbsentSince = &lc.Gaps[len(lc.Gaps)-1].From
			}
		}
		i = j
	}
	lc.Presence = float64(lc.Present) / float64(lc.Live)
	return lc
}

func checkLifecycle(t *testing.T, fx *fixture, qs []string, by string, f query.Filter, gap int) {
	t.Helper()
	res, err := fx.a.Lifecycle(context.Background(), LifecycleRequest{Queries: qs, By: by, Filter: f, Gap: gap})
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		want := refLifecycle(fx.docs, q, by, f, gap)
		got := res.Series[i]
		if g, w := fmt.Sprintf("%+v", printable(got)), fmt.Sprintf("%+v", printable(want)); g != w {
			t.Errorf("lifecycle of %q by %s, gap %d, %+v:\n got %s\nwant %s", q, by, gap, f, g, w)
		}
	}
}

// printable shows a lifecycle with its pointers followed.
func printable(lc Lifecycle) string {
	s := func(p *string) string {
		if p == nil {
			return "nil"
		}
		return *p
	}
	pk := "nil"
	if lc.Peak != nil {
		pk = fmt.Sprintf("%+v", *lc.Peak)
	}
	return fmt.Sprintf("%s first %s last %s hits %d docs %d peak %s gaps %+v absent %s present %d/%d %.12f",
		lc.Query, s(lc.FirstSeen), s(lc.LastSeen), lc.Hits, lc.Docs, pk, lc.Gaps, s(lc.AbsentSince), lc.Present, lc.Live, lc.Presence)
}

func TestLifecycle_BruteForce(t *testing.T) {
	fx := newFixture(t, fixtureDocs())
	qs := []string{"动态清零", "共同富裕", "common prosperity", "碳中和", "dual carbon", "nothing at all"}
	for _, by := range []string{"month", "year"} {
		for _, gap := range []int{1, 2, 3, 6} {
			checkLifecycle(t, fx, qs, by, query.Filter{}, gap)
		}
	}
	checkLifecycle(t, fx, qs, "month", query.Filter{Sources: []string{"Daily"}}, 2)
	checkLifecycle(t, fx, qs, "month", query.Filter{From: "2020-03-01", To: "2022-06-30"}, 2)
}

func TestLifecycle_RealCorpora(t *testing.T) {
	for _, c := range []struct {
		name string
		qs   []string
	}{
		{"xi-speeches-zh", []string{"共同富裕", "中国式现代化", "动态清零", "新发展格局", "人类命运共同体"}},
		{"peoplesdaily-online-en", []string{"common prosperity", "covid", "dual circulation", "xi jinping"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, loadCorpus(t, c.name))
			for _, gap := range []int{1, 3, 6} {
				checkLifecycle(t, fx, c.qs, "month", query.Filter{}, gap)
				checkLifecycle(t, fx, c.qs, "year", query.Filter{}, gap)
			}
		})
	}
}

// TestLifecycle_Gaps pins how buckets without documents inside a run are
// treated: they neither count nor break it, and a gap starts and ends at
// buckets with documents.
func TestLifecycle_Gaps(t *testing.T) {
	b := func(start string, hits, total int64) query.Bucket {
		return query.Bucket{Start: start, Hits: hits, Docs: min(hits, 1), TotalDocs: total}
	}
	s := query.Series{Query: "x", Buckets: []query.Bucket{
		b("2020-01-01", 0, 5), b("2020-02-01", 2, 5), b("2020-03-01", 0, 0), b("2020-04-01", 0, 4),
		b("2020-05-01", 0, 0), b("2020-06-01", 0, 0), b("2020-07-01", 0, 3), b("2020-08-01", 1, 3),
		b("2020-09-01", 0, 2), b("2020-10-01", 0, 0), b("2020-11-01", 0, 1),
	}}
	for _, c := range []struct {
		gap    int
		want   string
		absent string
	}{
		{1, "[{2020-04-01 2020-07-31 2} {2020-09-01 2020-11-30 2}]", "2020-09-01"},
		{2, "[{2020-04-01 2020-07-31 2} {2020-09-01 2020-11-30 2}]", "2020-09-01"},
		{3, "[]", ""},
	} {
		lc := lifecycleOf(s, "month", c.gap)
		var got []string
		for _, g := range lc.Gaps {
			got = append(got, fmt.Sprintf("{%s %s %d}", g.From, g.To, g.Buckets))
		}
		if g := "[" + strings.Join(got, " ") + "]"; g != c.want {
			t.Errorf("gap %d: gaps %s, want %s", c.gap, g, c.want)
		}
		absent := ""
		if lc.AbsentSince != nil {
			absent = *lc.AbsentSince
		}
		if absent != c.absent {
			t.Errorf("gap %d: absent since %q, want %q", c.gap, absent, c.absent)
		}
		if lc.Present != 2 || lc.Live != 6 || lc.Peak.Start != "2020-02-01" {
			t.Errorf("gap %d: present %d/%d, peak %+v", c.gap, lc.Present, lc.Live, lc.Peak)
		}
	}
}

// ---------------------------------------------------------------- comparing

// sameResult reports the first difference between got and want, compared
// field by field, floats within closeTo.
func sameResult(got, want any) string {
	return diffValues(reflect.ValueOf(got), reflect.ValueOf(want), "")
}

func diffValues(a, b reflect.Value, path string) string {
	if a.Kind() != b.Kind() {
		return fmt.Sprintf("%s: kind %v, want %v", path, a.Kind(), b.Kind())
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: nil %v, want nil %v", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		return diffValues(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if d := diffValues(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d elements, want %d", path, a.Len(), b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := diffValues(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Float64:
		if !closeTo(a.Float(), b.Float()) {
			return fmt.Sprintf("%s: %v, want %v", path, a.Float(), b.Float())
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: %v, want %v", path, a.Interface(), b.Interface())
	}
	return ""
}

// ---------------------------------------------------------------- measures

// ll4 is G² of a 2×2 table, written out.
func ll4(o11, r1, c1, n float64) float64 {
	obs := []float64{o11, r1 - o11, c1 - o11, n - r1 - c1 + o11}
	exp := []float64{r1 * c1 / n, r1 * (n - c1) / n, (n - r1) * c1 / n, (n - r1) * (n - c1) / n}
	sum := 0.0
	for i := range obs {
		if obs[i] > 0 {
			sum += obs[i] * math.Log(obs[i]/exp[i])
		}
	}
	return 2 * sum
}

// rayson is the keyness log-likelihood, written out.
func rayson(a, b, c, d float64) float64 {
	e1, e2 := c*(a+b)/(c+d), d*(a+b)/(c+d)
	sum := 0.0
	if a > 0 {
		sum += a * math.Log(a/e1)
	}
	if b > 0 {
		sum += b * math.Log(b/e2)
	}
	return 2 * sum
}

// hardie is the log ratio with zeros counted as 0.5.
func hardie(a, b, c, d float64) float64 {
	return math.Log2((math.Max(a, 0.5) / c) / (math.Max(b, 0.5) / d))
}

// ---------------------------------------------------------------- collocates

// refCollocates computes the collocates of the phrase q; r.Query is a
// query with the same hits.
func refCollocates(docs []refDoc, q string, r CollocRequest) *CollocResult {
	if err := r.defaults(); err != nil {
		panic(err)
	}
	maxLen := map[uint8]int{kindWord: r.MaxWords, kindCJK: r.MaxChars}
	phrase := textnorm.Tokens(q)
	m := len(phrase)
	O, C, left, right := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
	size := map[string]int{}
	in := map[string]map[int]bool{}
	var R, N [maxGramLen + 1]int64
	var runs [][]refTok // the region's runs of tokens
	res := &CollocResult{Query: r.Query, Window: r.Window, Measure: r.Measure, Collocates: []Collocate{}}
	for di, d := range docs {
		if !inFilter(d, r.Filter) {
			continue
		}
		docHit := false
		for _, toks := range d.fields {
			hits := refPhraseHits(toks, phrase)
			node := make([]bool, len(toks))
			region := make([]bool, len(toks))
			before := make([]bool, len(toks))
			after := make([]bool, len(toks))
			for _, h := range hits {
				for x := h; x < h+m; x++ {
					node[x] = true
				}
			}
			for _, h := range hits {
				for x := h - r.Window; x < h+m+r.Window; x++ {
					if x >= 0 && x < len(toks) && !node[x] {
						region[x] = true
					}
				}
				if h > 0 {
					before[h-1] = true
				}
				if h+m < len(toks) {
					after[h+m] = true
				}
			}
			res.Nodes += int64(len(hits))
			docHit = docHit || len(hits) > 0
			for x := 0; x < len(toks); x++ {
				if !region[x] {
					continue
				}
				var run []refTok
				for ; x < len(toks) && region[x]; x++ {
					t := toks[x]
					t.join = t.join && len(run) > 0
					run = append(run, t)
				}
				runs = append(runs, run)
			}
			for p := range toks {
				for k := 1; k <= maxLen[toks[p].kind]; k++ {
					g, ok := gram(toks, p, k)
					if !ok {
						break
					}
					C[g]++
					N[k]++
					size[g] = k
					inside := true
					for x := p; x < p+k; x++ {
						inside = inside && region[x]
					}
					if !inside {
						continue
					}
					O[g]++
					R[k]++
					if in[g] == nil {
						in[g] = map[int]bool{}
					}
					in[g][di] = true
					if before[p+k-1] {
						left[g]++
					}
					if after[p] {
						right[g]++
					}
				}
			}
		}
		if docHit {
			res.Docs++
		}
	}
	res.Region, res.Corpus = R[1], N[1]
	exp := func(g string) float64 { return float64(R[size[g]]) * float64(C[g]) / float64(N[size[g]]) }
	coll := func(g string, o int64) bool {
		k := size[g]
		return o >= int64(r.MinFreq) && float64(o) > exp(g) && ll4(float64(o), float64(R[k]), float64(C[g]), float64(N[k])) >= r.MinLL
	}
	isColl := map[string]bool{}
	for g, o := range O {
		isColl[g] = coll(g, o)
	}
	kept, folded := isColl, map[string][]Folded{}
	if !r.Raw {
		kept, folded = refFold(runs, isColl, O, size, coll, int64(r.MinFreq), 1, maxLen)
	}
	var out []Collocate
	for g, ok := range kept {
		if !ok {
			continue
		}
		o, k, e := O[g], size[g], exp(g)
		fs := folded[g]
		sortFolded(fs)
		out = append(out, Collocate{Item: g, N: k, Freq: o, Left: left[g], Right: right[g], Docs: int64(len(in[g])), CorpusFreq: C[g],
			Expected: e, LL: ll4(float64(o), float64(R[k]), float64(C[g]), float64(N[k])),
			MI: math.Log2(float64(o) / e), T: (float64(o) - e) / math.Sqrt(float64(o)), Folded: fs})
	}
	key := func(c Collocate) float64 {
		switch r.Measure {
		case "mi":
			return c.MI
		case "t":
			return c.T
		}
		return c.LL
	}
	sort.Slice(out, func(i, j int) bool {
		if key(out[i]) != key(out[j]) {
			return key(out[i]) > key(out[j])
		}
		if out[i].Freq != out[j].Freq {
			return out[i].Freq > out[j].Freq
		}
		return out[i].Item < out[j].Item
	})
	res.Total = len(out)
	res.Collocates = append(res.Collocates, out[:min(len(out), r.Limit)]...)
	return res
}

func checkCollocates(t *testing.T, fx *fixture, r CollocRequest) {
	t.Helper()
	got, err := fx.a.Collocates(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	// A query made of one phrase twice has that phrase's hits, found by
	// the query's matcher rather than on the tokens.
	phrase, _, _ := strings.Cut(r.Query, " AND ")
	want := refCollocates(fx.docs, phrase, r)
	if d := sameResult(*got, *want); d != "" {
		t.Errorf("collocates %+v: %s", r, d)
	}
	t.Logf("collocates of %q: %d nodes, %d collocates (first: %+v)", r.Query, want.Nodes, want.Total, first(want.Collocates))
}

func TestCollocates_BruteForce(t *testing.T) {
	fx := newFixture(t, fixtureDocs())
	for _, r := range []CollocRequest{
		{MinLL: 10.83, Query: "共同富裕", MinFreq: 1, Limit: 1000},
		{Query: "共同富裕", MinFreq: 1, MinLL: 0, Limit: 1000},
		{Query: "共同富裕", MinFreq: 2, Window: 3, Measure: "mi", MinLL: 3, Limit: 1000},
		{MinLL: 10.83, Query: "动态清零", MinFreq: 1, Window: 8, Measure: "t", Limit: 5},
		{MinLL: 10.83, Query: "common prosperity", MinFreq: 1, Limit: 1000},
		{MinLL: 10.83, Query: "common prosperity", MinFreq: 1, Window: 2, MaxWords: 2, Filter: query.Filter{Sources: []string{"daily"}}, Limit: 1000},
		{MinLL: 10.83, Query: "碳中和", MinFreq: 1, MaxChars: 6, Filter: query.Filter{From: "2020-06-01", To: "2021-12-31"}, Limit: 1000},
		{MinLL: 10.83, Query: "好", MinFreq: 1, Window: 1, Limit: 1000},
		{MinLL: 10.83, Query: "共同富裕", MinFreq: 1, Raw: true, Limit: 1000},
		{Query: "common prosperity", MinFreq: 1, Raw: true, Measure: "t", MinLL: 0, Limit: 1000},
		{MinLL: 10.83, Query: "nothing at all", MinFreq: 1},
		{MinLL: 10.83, Query: "共同富裕 AND 共同富裕", MinFreq: 1, Limit: 1000},
		{MinLL: 0, Query: "common prosperity AND common prosperity", MinFreq: 1, Window: 3, Limit: 1000},
	} {
		checkCollocates(t, fx, r)
	}
}

func TestCollocates_RealCorpora(t *testing.T) {
	for _, c := range []struct {
		name string
		rs   []CollocRequest
	}{
		{"xi-speeches-zh", []CollocRequest{
			{MinLL: 10.83, Query: "共同富裕", Limit: 1000},
			{MinLL: 10.83, Query: "共同富裕 AND 共同富裕", Raw: true, Limit: 1000},
			{MinLL: 10.83, Query: "中国式现代化", MinFreq: 5, Window: 3, Measure: "mi", Limit: 1000},
			{MinLL: 10.83, Query: "人民", MinFreq: 10, Limit: 200, Filter: query.Filter{From: "2022-01-01"}},
		}},
		{"peoplesdaily-online-en", []CollocRequest{
			{MinLL: 10.83, Query: "china", Limit: 1000},
			{MinLL: 10.83, Query: "covid 19 AND covid 19", MinFreq: 2, Measure: "t", Limit: 1000},
			{MinLL: 10.83, Query: "development", MinFreq: 2, Window: 4, Filter: query.Filter{Sources: []string{"People's Daily Online (Xinhua)"}}, Limit: 1000},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, loadCorpus(t, c.name))
			for _, r := range c.rs {
				checkCollocates(t, fx, r)
			}
		})
	}
}

func first[T any](s []T) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// ---------------------------------------------------------------- keyness

// refCounts counts every n-gram (up to maxLen by kind) of the documents
// keep selects, with the documents holding it and their tokens.
func refCounts(docs []refDoc, keep func(refDoc) bool, maxLen map[uint8]int) (counts map[string]int64, ndocs map[string]int64, size map[string]int, tokens int64) {
	counts, ndocs, size = map[string]int64{}, map[string]int64{}, map[string]int{}
	for _, d := range docs {
		if !keep(d) {
			continue
		}
		tokens += int64(d.tokens)
		seen := map[string]bool{}
		for _, toks := range d.fields {
			for p := range toks {
				for k := 1; k <= maxLen[toks[p].kind]; k++ {
					g, ok := gram(toks, p, k)
					if !ok {
						break
					}
					counts[g]++
					size[g] = k
					if !seen[g] {
						seen[g] = true
						ndocs[g]++
					}
				}
			}
		}
	}
	return
}

func inPeriod(d refDoc, p Period) bool { return d.date != "" && d.date >= p.From && d.date <= p.To }

func refSide(base query.Filter, s Side) func(refDoc) bool {
	var p Period
	if s.Period != "" {
		var err error
		if p, err = ParsePeriod(s.Period); err != nil {
			panic(err)
		}
	}
	return func(d refDoc) bool {
		if !inFilter(d, base) || s.Period != "" && !inPeriod(d, p) {
			return false
		}
		return len(s.Sources) == 0 || inFilter(d, query.Filter{Sources: s.Sources})
	}
}

func refKeyness(docs []refDoc, r KeynessRequest) *KeynessResult {
	if err := r.defaults(); err != nil {
		panic(err)
	}
	maxLen := map[uint8]int{kindWord: r.MaxWords, kindCJK: r.MaxChars}
	target := refSide(r.Filter, r.Target)
	ref := func(d refDoc) bool { return inFilter(d, r.Filter) && !target(d) }
	if r.Ref != nil {
		ref = refSide(r.Filter, *r.Ref)
	}
	ta, _, size, c := refCounts(docs, target, maxLen)
	rb, _, _, d := refCounts(docs, ref, maxLen)
	res := &KeynessResult{Sort: r.Sort, Items: []Keyword{}}
	for _, x := range docs {
		if target(x) {
			res.Target.Docs++
		}
		if ref(x) {
			res.Ref.Docs++
		}
	}
	res.Target.Tokens, res.Ref.Tokens = c, d
	key := func(g string, a int64) bool {
		return a >= int64(r.MinFreq) && float64(a)/float64(c) > float64(rb[g])/float64(d)
	}
	isKey := map[string]bool{}
	for g, a := range ta {
		isKey[g] = size[g] >= r.MinN && key(g, a)
	}
	kept, folded := isKey, map[string][]Folded{}
	if !r.Raw {
		var fields [][]refTok
		for _, x := range docs {
			if target(x) {
				fields = append(fields, x.fields[0], x.fields[1])
			}
		}
		kept, folded = refFold(fields, isKey, ta, size, key, int64(r.MinFreq), r.MinN, maxLen)
	}
	var out []Keyword
	for g, ok := range kept {
		if !ok {
			continue
		}
		a, b := ta[g], rb[g]
		fs := folded[g]
		sortFolded(fs)
		out = append(out, Keyword{Item: g, N: size[g], Freq: a, RefFreq: b,
			PerMillion: float64(a) * 1e6 / float64(c), RefPerMillion: float64(b) * 1e6 / float64(d),
			LL: rayson(float64(a), float64(b), float64(c), float64(d)), LogRatio: hardie(float64(a), float64(b), float64(c), float64(d)), Folded: fs})
	}
	sort.Slice(out, func(i, j int) bool {
		ki, kj := out[i].LL, out[j].LL
		if r.Sort == "ratio" {
			ki, kj = out[i].LogRatio, out[j].LogRatio
		}
		if ki != kj {
			return ki > kj
		}
		if out[i].Freq != out[j].Freq {
			return out[i].Freq > out[j].Freq
		}
		return out[i].Item < out[j].Item
	})
	res.Total = len(out)
	res.Items = append(res.Items, out[:min(len(out), r.Limit)]...)
	return res
}

func checkKeyness(t *testing.T, fx *fixture, r KeynessRequest) {
	t.Helper()
	got, err := fx.a.Keyness(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	want := refKeyness(fx.docs, r)
	// The sides' descriptions are the request's; compare the counts.
	want.Target.From, want.Target.To, want.Target.Sources = got.Target.From, got.Target.To, got.Target.Sources
	want.Ref.From, want.Ref.To, want.Ref.Sources, want.Ref.Rest = got.Ref.From, got.Ref.To, got.Ref.Sources, got.Ref.Rest
	if d := sameResult(*got, *want); d != "" {
		t.Errorf("keyness %+v: %s", r, d)
	}
	t.Logf("keyness %+v: %d items (first: %+v)", r.Target, want.Total, first(want.Items))
}

func TestKeyness_BruteForce(t *testing.T) {
	fx := newFixture(t, fixtureDocs())
	for _, r := range []KeynessRequest{
		{Target: Side{Period: "2022"}, MinFreq: 1, Limit: 1000},
		{Target: Side{Period: "2022"}, MinFreq: 1, Raw: true, Limit: 1000},
		{Target: Side{Period: "2020"}, Ref: &Side{Period: "2021..2022"}, MinFreq: 2, Sort: "ratio", Limit: 1000},
		{Target: Side{Sources: []string{"Evening"}}, MinFreq: 1, MinN: 2, Limit: 1000},
		{Target: Side{Sources: []string{"Evening"}}, Ref: &Side{Sources: []string{"Daily"}}, MinFreq: 2, MaxChars: 3, MaxWords: 2, Limit: 1000},
		{Target: Side{Period: "2021-Q3"}, Filter: query.Filter{From: "2021-01-01"}, MinFreq: 1, Limit: 10},
	} {
		checkKeyness(t, fx, r)
	}
}

func TestKeyness_RealCorpora(t *testing.T) {
	for _, c := range []struct {
		name string
		rs   []KeynessRequest
	}{
		{"xi-speeches-zh", []KeynessRequest{
			{Target: Side{Period: "2022"}, MinN: 2, Limit: 1000},
			{Target: Side{Period: "2020"}, Ref: &Side{Period: "2024..2025"}, MinFreq: 10, Sort: "ratio", Raw: true, Limit: 1000},
		}},
		{"peoplesdaily-online-en", []KeynessRequest{
			{Target: Side{Sources: []string{"People's Daily Online (Xinhua)"}}, MinFreq: 3, Limit: 1000},
			{Target: Side{Period: "2020-10"}, Ref: &Side{Period: "2020-11"}, MinFreq: 2, Limit: 1000},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, loadCorpus(t, c.name))
			for _, r := range c.rs {
				checkKeyness(t, fx, r)
			}
		})
	}
}

// ---------------------------------------------------------------- emerging

func refEmerging(docs []refDoc, r EmergingRequest) *EmergingResult {
	if err := r.defaults(); err != nil {
		panic(err)
	}
	maxLen := map[uint8]int{kindWord: r.MaxWords, kindCJK: r.MaxChars}
	period, _ := ParsePeriod(r.Period)
	refp, _ := period.Before(r.Ref)
	src := query.Filter{Sources: r.Filter.Sources}
	inP := func(d refDoc) bool { return inFilter(d, src) && inPeriod(d, period) }
	inR := func(d refDoc) bool { return inFilter(d, src) && inPeriod(d, refp) }
	fa, fdocs, size, c := refCounts(docs, inP, maxLen)
	fb, _, _, d := refCounts(docs, inR, maxLen)
	res := &EmergingResult{Items: []Emerging{}}
	// The periods after: from the day after the period to the end of the
	// After-th period of its unit after it.
	var fafter map[string]int64
	var e float64
	if r.After > 0 {
		start, _ := time.Parse(time.DateOnly, period.From)
		next := func(n int) time.Time {
			switch period.Unit {
			case "year":
				return start.AddDate(n, 0, 0)
			case "quarter":
				return start.AddDate(0, 3*n, 0)
			case "month":
				return start.AddDate(0, n, 0)
			}
			return start.AddDate(0, 0, n)
		}
		ap := Period{From: next(1).Format(time.DateOnly), To: next(1+r.After).AddDate(0, 0, -1).Format(time.DateOnly)}
		inA := func(d refDoc) bool { return inFilter(d, src) && inPeriod(d, ap) }
		var et int64
		fafter, _, _, et = refCounts(docs, inA, maxLen)
		res.After = &SideInfo{From: ap.From, To: ap.To, Sources: r.Filter.Sources, Tokens: et}
		for _, x := range docs {
			if inA(x) {
				res.After.Docs++
			}
		}
		e = float64(et)
	}
	for _, x := range docs {
		if inP(x) {
			res.Period.Docs++
		}
		if inR(x) {
			res.Ref.Docs++
		}
	}
	res.Period.Tokens, res.Ref.Tokens = c, d
	if c == 0 {
		return res
	}
	fd := math.Max(float64(d), 1)
	emerges := func(g string, f int64) bool {
		a, b := float64(f), float64(fb[g])
		return f >= int64(r.MinFreq) && a/float64(c) > b/fd && hardie(a, b, float64(c), fd) >= r.MinLogRatio
	}
	// The tokens of an n-gram, and its kind.
	split := func(g string) ([]string, bool) {
		if strings.Contains(g, " ") || size[g] == 1 {
			return strings.Split(g, " "), false
		}
		var out []string
		for _, r := range g {
			out = append(out, string(r))
		}
		return out, true
	}
	isStop := func(g string) bool {
		toks, cjk := split(g)
		f, l := toks[0], toks[len(toks)-1]
		if !cjk {
			return stopWord(f) || stopWord(l)
		}
		rest := func(x string) bool { return fa[x]-fa[g] >= int64(r.MinFreq) }
		return stopFirst[f] && rest(strings.Join(toks[1:], "")) || stopLast[l] && rest(strings.Join(toks[:len(toks)-1], ""))
	}
	isNew := map[string]bool{}
	for g, f := range fa {
		if size[g] >= 2 && fdocs[g] >= int64(r.MinDocs) && emerges(g, f) && !isStop(g) {
			isNew[g] = true
		}
	}
	var fields [][]refTok
	for _, x := range docs {
		if inP(x) {
			fields = append(fields, x.fields[0], x.fields[1])
		}
	}
	kept, folded := refFold(fields, isNew, fa, size, emerges, int64(r.MinFreq), 2, maxLen)
	var out []Emerging
	for g := range kept {
		a, b := float64(fa[g]), float64(fb[g])
		x := Emerging{Item: g, N: size[g], Freq: fa[g], Docs: fdocs[g], RefFreq: fb[g], AfterFreq: fafter[g],
			PerMillion: a * 1e6 / float64(c), RefPerMillion: b * 1e6 / fd,
			LL: rayson(a, b, float64(c), fd), LogRatio: hardie(a, b, float64(c), fd), Folded: folded[g]}
		// New: at most NewMaxRef (negative: 0) occurrences in the
		// reference; scored by the LL of the period and the periods after
		// against the reference. The others by the LL of the period.
		x.New = fb[g] <= int64(max(r.NewMaxRef, 0))
		x.Score = x.LL
		if x.New {
			res.New++
			x.Score = rayson(a+float64(fafter[g]), b, float64(c)+e, fd)
		}
		sortFolded(x.Folded)
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].New != out[j].New {
			return out[i].New
		}
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].Freq != out[j].Freq {
			return out[i].Freq > out[j].Freq
		}
		return out[i].Item < out[j].Item
	})
	res.Total = len(out)
	res.Items = append(res.Items, out[:min(len(out), r.Limit)]...)
	return res
}

func checkEmerging(t *testing.T, fx *fixture, r EmergingRequest) *EmergingResult {
	t.Helper()
	got, err := fx.a.Emerging(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	want := refEmerging(fx.docs, r)
	want.Period.From, want.Period.To, want.Period.Sources = got.Period.From, got.Period.To, got.Period.Sources
	want.Ref.From, want.Ref.To, want.Ref.Sources = got.Ref.From, got.Ref.To, got.Ref.Sources
	if d := sameResult(*got, *want); d != "" {
		t.Errorf("emerging %+v: %s", r, d)
	}
	if want.New > 0 && want.New < want.Total && want.Items[want.New-1].LL < want.Items[want.New].LL && r.Limit >= want.Total {
		rankedAbove++ // a new n-gram of lower LL ranks above one that rose
	}
	t.Logf("emerging %s: %d items (first: %+v)", r.Period, want.Total, first(want.Items))
	return got
}

// rankedAbove counts the checks in which the ranking put a new n-gram
// above one that rose by more log-likelihood: the tests must cover it.
var rankedAbove int

func TestEmerging_BruteForce(t *testing.T) {
	fx := newFixture(t, fixtureDocs())
	for _, r := range []EmergingRequest{
		{MinLogRatio: 3, Period: "2022", Ref: 2, MinFreq: 2, MinDocs: 1, Limit: 1000},
		{Period: "2021", Ref: 1, MinFreq: 1, MinDocs: 1, MinLogRatio: 0, Limit: 1000},
		{Period: "2021", Ref: 1, MinFreq: 1, MinDocs: 1, MinLogRatio: 0, Limit: 1000, After: -1, NewMaxRef: -1},
		{MinLogRatio: 3, Period: "2020-Q4", Ref: 3, MinFreq: 2, MinDocs: 1, Limit: 1000, After: 2},
		{MinLogRatio: 3, Period: "2022-04", Ref: 24, MinFreq: 1, MinDocs: 1, MaxWords: 3, MaxChars: 4, Filter: query.Filter{Sources: []string{"Daily"}}, Limit: 1000},
		{Period: "2020-06", Ref: 5, MinFreq: 1, MinDocs: 1, Limit: 1000, NewMaxRef: 1, After: 6},
	} {
		checkEmerging(t, fx, r)
	}
}

func TestEmerging_RealCorpora(t *testing.T) {
	rankedAbove = 0
	ran := false
	defer func() {
		if rankedAbove == 0 && ran {
			t.Error("no new n-gram ranked above one that rose by more LL: the ranking is not covered")
		}
	}()
	for _, c := range []struct {
		name string
		rs   []EmergingRequest
	}{
		{"xi-speeches-zh", []EmergingRequest{
			{MinLogRatio: 3, Period: "2022", Ref: 2, Limit: 1000},
			{MinLogRatio: 3, Period: "2021", Ref: 1, Limit: 1000, After: 2, NewMaxRef: 1},
			{Period: "2023", Ref: 1, MinFreq: 3, MinLogRatio: 2, Limit: 1000},
			{MinLogRatio: 3, Period: "2024", Ref: 1, MinFreq: 8, MaxChars: 4, Limit: 1000},
		}},
		{"peoplesdaily-online-en", []EmergingRequest{
			{MinLogRatio: 3, Period: "2020-11", Ref: 1, MinFreq: 3, Limit: 1000},
			{Period: "2020-11", Ref: 1, MinFreq: 2, MinDocs: 1, MinLogRatio: 0, Limit: 1000},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, loadCorpus(t, c.name))
			ran = true
			folds := 0
			for _, r := range c.rs {
				for _, e := range checkEmerging(t, fx, r).Items {
					folds += len(e.Folded)
				}
			}
			if folds == 0 {
				t.Error("no n-gram was folded: the test does not cover folding")
			}
		})
	}
}

// refFold is fold, the obvious way: every occurrence of a marked n-gram in
// fields, the kept n-grams around each found by looking at every other
// occurrence.
func refFold(fields [][]refTok, isNew map[string]bool, count map[string]int64, size map[string]int,
	keep func(g string, f int64) bool, min int64, minLen int, maxLen map[uint8]int) (map[string]bool, map[string][]Folded) {
	type occ struct {
		field, p, k int
		g           string
	}
	var occs []occ
	for fi, toks := range fields {
		for p := range toks {
			for k := minLen; k <= maxLen[toks[p].kind]; k++ {
				if g, ok := gram(toks, p, k); ok && isNew[g] {
					occs = append(occs, occ{fi, p, k, g})
				}
			}
		}
	}
	at := map[[2]int][]occ{} // by field and start
	for _, o := range occs {
		at[[2]int{o.field, o.p}] = append(at[[2]int{o.field, o.p}], o)
	}
	kept := map[string]bool{}
	folded := map[string][]Folded{}
	for l := max(maxLen[kindWord], maxLen[kindCJK]); l >= minLen; l-- {
		inside := map[string]int64{}
		into := map[string]map[string]int64{}
		left, right := map[string]map[string]int64{}, map[string]map[string]int64{}
		for _, o := range occs {
			if o.k != l {
				continue
			}
			toks := fields[o.field]
			if left[o.g] == nil {
				left[o.g], right[o.g] = map[string]int64{}, map[string]int64{}
			}
			if o.p > 0 && toks[o.p].join {
				left[o.g][toks[o.p-1].text]++
			}
			if o.p+l < len(toks) && toks[o.p+l].join {
				right[o.g][toks[o.p+l].text]++
			}
			// The shortest kept n-gram around it, starting nearest.
			host, hk, hp := "", 0, -1
			for q := o.p; q >= 0 && q > o.p-16; q-- {
				for _, h := range at[[2]int{o.field, q}] {
					if kept[h.g] && h.k > l && h.p+h.k >= o.p+l && (host == "" || h.k < hk || h.k == hk && h.p > hp) {
						host, hk, hp = h.g, h.k, h.p
					}
				}
			}
			if host != "" {
				inside[o.g]++
				if into[o.g] == nil {
					into[o.g] = map[string]int64{}
				}
				into[o.g][host]++
			}
		}
		for g := range isNew {
			if size[g] != l {
				continue
			}
			closed := true
			for _, side := range []map[string]int64{left[g], right[g]} {
				var top int64
				for _, n := range side {
					top = max(top, n)
				}
				if n := count[g]; n-top < min && 10*top >= 9*n {
					closed = false
				}
			}
			if keep(g, count[g]-inside[g]) && closed {
				kept[g] = true
				continue
			}
			best, bn := "", int64(0)
			for h, n := range into[g] {
				if n > bn || n == bn && h < best {
					best, bn = h, n
				}
			}
			if best != "" {
				folded[best] = append(folded[best], Folded{Item: g, Freq: count[g], Inside: inside[g]})
			}
		}
	}
	return kept, folded
}

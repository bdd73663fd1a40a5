package query

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/reftest"
	"github.com/tifa-project/tifa/internal/store"
)

// Invented documents in the genre.
var testDocs = []corpus.Document{
	{ID: "d1", Date: "2021-01-04", Source: "Longjiang Daily", Lang: "en", Title: "Common prosperity for all",
		Text: "The meeting stressed common prosperity. Common  prosperity, common prosperity!\n\nDual-carbon goals."},
	{ID: "d2", Date: "2021-02-10", Source: "Xinwen Lianbo", Lang: "zh", Title: "扎实推动共同富裕",
		Text: "会议指出，要坚持“动态清零”总方针。好好好。共同富裕是社会主义的本质要求。"},
	{ID: "d3", Date: "2022-08-20", Source: "Longjiang Daily", Lang: "en", Title: "Dynamic clearing",
		Text: "Adhere to the general policy of “dynamic clearing”. Xi Jinping’s “dual-carbon” push. PROSPERITY prospers.",
		Meta: map[string]string{"province": "Heilongjiang"}},
	{ID: "d4", Date: "2022-08-22", Source: "Xinwen Lianbo", Lang: "zh", Title: "隐患动态清零",
		Text: "推动隐患动态清零。动态清零动态清零。"},
	{ID: "d5", Source: "Longjiang Daily", Lang: "en", Title: "Undated note", Text: "common prosperity without a date"},
	{ID: "d6", Date: "2023-03-01", Source: "Straße News", Lang: "de", Title: "STRASSE", Text: "Die Straße ist ＡＢＣ１２３ breit."},
}

func openTestIndex(t *testing.T, docs []corpus.Document, segBytes int64) *Local {
	t.Helper()
	dir := t.TempDir()
	if err := store.WriteDocs(dir, store.Options{SegmentBytes: segBytes, AutoCommit: true}, docs); err != nil {
		t.Fatal(err)
	}
	snap, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return &Local{Snap: snap}
}

// refCount counts hits and matching docs of a plain phrase by brute force.
func refCount(docs []corpus.Document, phrase string, f Filter) (hits, ndocs int) {
	needle := reftest.Tokens(phrase)
	for _, d := range docs {
		if f.From != "" && (d.Date == "" || d.Date < f.From) || f.To != "" && (d.Date == "" || d.Date > f.To) {
			continue
		}
		n := reftest.Count(reftest.Tokens(d.Title), needle) + reftest.Count(reftest.Tokens(d.Text), needle)
		if n > 0 {
			hits += n
			ndocs++
		}
	}
	return
}

func TestSearch_PhrasesMatchReference(t *testing.T) {
	for _, segBytes := range []int64{1, 1 << 20} { // one segment per doc, and one for all
		l := openTestIndex(t, testDocs, segBytes)
		for _, q := range []string{"common prosperity", "共同富裕", "动态清零", "好好", "dual carbon", "dynamic clearing",
			"strasse", "straße", "abc123", "ＡＢＣ１２３", "xi jinping s", "的", "prosperity", "不存在"} {
			res, err := l.Search(context.Background(), SearchRequest{Query: fmt.Sprintf("%q", q), Limit: 100})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			hits := 0
			for _, h := range res.Hits {
				hits += h.Hits
			}
			wantHits, wantDocs := refCount(testDocs, q, Filter{})
			if res.Total != wantDocs || hits != wantHits {
				t.Errorf("seg %d: %q: total %d hits %d, want %d %d", segBytes, q, res.Total, hits, wantDocs, wantHits)
			}
		}
	}
}

func TestBoolean_Cases(t *testing.T) {
	l := openTestIndex(t, testDocs, 1<<20)
	for _, tc := range []struct {
		q    string
		want string // ids, newest first
	}{
		{"common prosperity AND dual carbon", "d1"},
		{"common prosperity OR 动态清零", "d4 d2 d1 d5"},
		{"动态清零 -隐患", "d2"},
		{"动态清零 NOT 隐患", "d2"},
		{"NOT 动态清零", "d6 d3 d1 d5"},
		{"(共同富裕 OR strasse) AND NOT lang:zh", "d6"},
		{"prosper*", "d3 d1 d5"},
		{"title:prosperity", "d1"},
		{`title:"动态清零"`, "d4"},
		{"source:\"Longjiang Daily\" prosperity", "d3 d1 d5"},
		{"meta.province:heilongjiang", "d3"},
		{"dynamic NEAR/3 clearing", "d3"},
		{"clearing NEAR/1 dynamic", "d3"},
		{"policy NEAR/2 clearing", ""},
		{"policy NEAR/4 clearing", "d3"},
		{"/dynamic (zero|clearing)/", "d3"},
		{"/动态清零/", "d4 d2"},
		{"/prosper\\w+/", "d3 d1 d5"},
	} {
		res, err := l.Search(context.Background(), SearchRequest{Query: tc.q, Limit: 100})
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if got := strings.Join(ids, " "); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestTrend_BucketsAndTotals(t *testing.T) {
	l := openTestIndex(t, testDocs, 1<<20)
	res, err := l.Trend(context.Background(), TrendRequest{Queries: []string{"动态清零", "common prosperity"}, By: "year"})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Series[0]
	if len(s.Buckets) != 3 || s.Buckets[0].Start != "2021-01-01" || s.Buckets[2].Start != "2023-01-01" {
		t.Fatalf("buckets %+v", s.Buckets)
	}
	if s.Buckets[1].Hits != 4 || s.Buckets[1].Docs != 1 || s.Buckets[0].Hits != 1 || s.Hits != 5 {
		t.Errorf("动态清零 series %+v", s)
	}
	if *s.FirstSeen != "2021-02-10" || *s.LastSeen != "2022-08-22" {
		t.Errorf("first/last %s %s", *s.FirstSeen, *s.LastSeen)
	}
	if s.Buckets[0].TotalDocs != 2 || s.Buckets[2].TotalDocs != 1 {
		t.Errorf("totals %+v", s.Buckets)
	}
	cp := res.Series[1]
	if cp.Hits != 4 || cp.Docs != 1 { // the undated doc is not in a bucket
		t.Errorf("common prosperity %+v", cp)
	}
	res, err = l.Trend(context.Background(), TrendRequest{Queries: []string{"x"}, By: "month", Filter: Filter{From: "2021-01-15", To: "2022-08-21"}})
	if err != nil {
		t.Fatal(err)
	}
	if b := res.Series[0].Buckets; len(b) != 19 || b[0].Start != "2021-02-01" || b[18].Start != "2022-08-01" || b[18].TotalDocs != 1 {
		t.Errorf("filtered month axis: %d buckets, %+v … %+v", len(b), b[0], b[len(b)-1])
	}
	wk, _ := Bucketer("week")
	for _, tc := range []struct{ day, want string }{
		{"2024-01-01", "2024-01-01"}, {"2024-01-07", "2024-01-01"}, {"2024-01-08", "2024-01-08"}, {"1970-01-01", "1969-12-29"},
	} {
		if got := index.DayString(wk(index.Day(tc.day))); got != tc.want {
			t.Errorf("week of %s = %s, want %s", tc.day, got, tc.want)
		}
	}
}

func TestKWIC_Lines(t *testing.T) {
	l := openTestIndex(t, testDocs, 1<<20)
	res, err := l.KWIC(context.Background(), KWICRequest{Query: "动态清零", Width: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 5 || len(res.Lines) != 5 {
		t.Fatalf("total %d lines %d", res.Total, len(res.Lines))
	}
	l0 := res.Lines[0]
	if l0.ID != "d2" || l0.Match != "动态清零" || l0.Left != "要坚持“" || l0.Right != "”总方针" {
		t.Errorf("line 0 = %+v", l0)
	}
	res, err = l.KWIC(context.Background(), KWICRequest{Query: "dual carbon", Width: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lines) != 2 || res.Lines[0].Match != "Dual-carbon" || res.Lines[1].Match != "dual-carbon" {
		t.Errorf("dual carbon lines %+v", res.Lines)
	}
}

// TestRandomPhrases_Reference draws random token windows from the test
// documents and compares search totals and hits with the reference.
func TestRandomPhrases_Reference(t *testing.T) {
	l := openTestIndex(t, testDocs, 200)
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 300; i++ {
		d := testDocs[rng.Intn(len(testDocs))]
		toks := reftest.Tokens(d.Text)
		if len(toks) == 0 {
			continue
		}
		k := 1 + rng.Intn(4)
		s := rng.Intn(len(toks))
		if s+k > len(toks) {
			k = len(toks) - s
		}
		q := strings.Join(toks[s:s+k], " ")
		res, err := l.Search(context.Background(), SearchRequest{Query: fmt.Sprintf("%q", q), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		hits := 0
		for _, h := range res.Hits {
			hits += h.Hits
		}
		wh, wd := refCount(testDocs, q, Filter{})
		if res.Total != wd || hits != wh {
			t.Errorf("%q: %d docs %d hits, want %d %d", q, res.Total, hits, wd, wh)
		}
	}
}

func TestRequiredTokens_Cases(t *testing.T) {
	for _, tc := range []struct {
		re   string
		want string
	}{
		{"动态清零", "动 态 清 零"},
		{"dynamic (zero|clearing)", ""},
		{"amic clear", ""},
		{" dynamic clearing ", "dynamic clearing"},
		{"the dynamic clearing policy", "dynamic clearing"},
		{"covid 19疫情", "疫 19 情"},
		{"共同.*富裕", "共 同 富 裕"},
		{"a|b", ""},
		{"(动态)清零", "动 态 清 零"},
		{"[动静]态", "态"},
	} {
		if got := strings.Join(requiredTokens(tc.re), " "); got != tc.want {
			t.Errorf("requiredTokens(%q) = %q, want %q", tc.re, got, tc.want)
		}
	}
}

func TestSearch_TotalCountsBeyondThePage(t *testing.T) {
	l := openTestIndex(t, testDocs, 1) // one segment per document
	for _, sort := range []string{"newest", "oldest", "relevance"} {
		res, err := l.Search(context.Background(), SearchRequest{Query: "common prosperity OR 动态清零", Limit: 1, Offset: 1, Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 4 || len(res.Hits) != 1 {
			t.Errorf("%s: total %d, %d hits on the page; want 4 and 1", sort, res.Total, len(res.Hits))
		}
	}
	res, _ := l.Search(context.Background(), SearchRequest{Query: "common prosperity OR 动态清零", Limit: 2, Offset: 1, Sort: "newest"})
	if len(res.Hits) != 2 || res.Hits[0].ID != "d2" || res.Hits[1].ID != "d1" {
		t.Errorf("page 2 of newest: %+v", res.Hits)
	}
}

// KWIC stops reading once its page is full: every limit must give the
// first lines of the whole answer, over one segment and over several.
func TestKWIC_LimitIsPrefix(t *testing.T) {
	for _, segBytes := range []int64{1 << 20, 200} {
		l := openTestIndex(t, testDocs, segBytes)
		for _, q := range []string{"动态清零", "common prosperity", "动态清零 OR common", "prosper* NEAR/3 common", "/dual.carbon/", "好好"} {
			all, err := l.KWIC(context.Background(), KWICRequest{Query: q, Width: 6, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for k := 1; k <= len(all.Lines)+1; k++ {
				res, err := l.KWIC(context.Background(), KWICRequest{Query: q, Width: 6, Limit: k})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != all.Total || len(res.Lines) != min(k, len(all.Lines)) {
					t.Fatalf("%q limit %d: total %d lines %d, want %d and %d", q, k, res.Total, len(res.Lines), all.Total, min(k, len(all.Lines)))
				}
				for i, ln := range res.Lines {
					if ln != all.Lines[i] {
						t.Fatalf("%q limit %d: line %d = %+v, want %+v", q, k, i, ln, all.Lines[i])
					}
				}
			}
		}
	}
}

// AND reads its later parts only inside the documents of the earlier
// ones: random boolean queries give the same answers either way.
func TestAnd_Restricted(t *testing.T) {
	l := openTestIndex(t, testDocs, 200)
	atoms := []string{"动态清零", "common prosperity", "common", "好好", "prosper*", "dual carbon", "共同富裕", "的", "title:\"dynamic clearing\"",
		"source:\"Xinwen Lianbo\"", "/dual.carbon/", "动态清零 NEAR/3 推动", "straße", "zzz"}
	rng := rand.New(rand.NewSource(9))
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || rng.Intn(3) == 0 {
			return atoms[rng.Intn(len(atoms))]
		}
		switch rng.Intn(4) {
		case 0:
			return "(" + gen(depth-1) + " OR " + gen(depth-1) + ")"
		case 1:
			return "(" + gen(depth-1) + " AND NOT " + gen(depth-1) + ")"
		default:
			return "(" + gen(depth-1) + " AND " + gen(depth-1) + " AND " + gen(depth-1) + ")"
		}
	}
	for i := 0; i < 400; i++ {
		q := gen(3)
		r := SearchRequest{Query: q, Limit: 100, NoSnippets: true}
		got, err := l.Search(context.Background(), r)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		andRestricts = false
		want, err := l.Search(context.Background(), r)
		andRestricts = true
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s:\n got %+v\nwant %+v", q, got, want)
		}
	}
}

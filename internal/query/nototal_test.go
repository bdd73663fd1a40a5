package query

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

// noTotalDocs invents n short documents over a small vocabulary, with many
// documents on the same day, some undated, and a rare word whose documents
// cluster at the start of the corpus (so that the newest-first windows
// must reach far back).
func noTotalDocs(n int, seed int64) []corpus.Document {
	rng := rand.New(rand.NewSource(seed))
	words := []string{"共同", "富裕", "动态", "清零", "的", "common", "prosperity", "dual", "carbon", "meeting", "first", "second"}
	sources := []string{"Xinwen Lianbo", "Longjiang Daily", "Hebei Daily"}
	docs := make([]corpus.Document, n)
	for i := range docs {
		var text []string
		for k := 0; k < 3+rng.Intn(12); k++ {
			text = append(text, words[rng.Intn(len(words))])
		}
		if i < n/10 && rng.Intn(3) == 0 {
			text = append(text, "zhuanxiang")
		}
		date := fmt.Sprintf("20%02d-%02d-%02d", 16+rng.Intn(8), 1+rng.Intn(12), 1+rng.Intn(3))
		if i < n/10 { // the rare word's documents are old
			date = fmt.Sprintf("2015-01-%02d", 1+rng.Intn(3))
		}
		if rng.Intn(15) == 0 {
			date = ""
		}
		docs[i] = corpus.Document{ID: fmt.Sprintf("n%04d", rng.Intn(10*n)), Date: date, Source: sources[rng.Intn(len(sources))],
			Lang: "zh", Title: words[rng.Intn(len(words))], Text: strings.Join(text, " ")}
	}
	return docs
}

// A NoTotal search or KWIC stops early but must give exactly the page the
// counting one gives, in every order, filter and segment layout, with any
// first window (so that windows end on every kind of boundary), and with
// replaced documents hidden.
func TestNoTotal_SamePage(t *testing.T) {
	defer func(w int) { maxFirstWindow = w }(maxFirstWindow)
	docs := noTotalDocs(400, 3)
	docs = append(docs, noTotalDocs(60, 4)...) // later ids replace earlier ones: deletions
	queries := []string{`"共同 富裕"`, `"的"`, `"common prosperity"`, `zhuanxiang`, `"动态" AND "清零"`, `common OR 清零`,
		`NOT 的`, `dual NEAR/2 carbon`, `/prosper.ty/`, `title:common`, `source:"Hebei Daily" AND 的`, `nothing-at-all`}
	filters := []Filter{{}, {From: "2018-01-01", To: "2021-12-31"}, {Sources: []string{"Longjiang Daily"}}, {To: "2016-12-31"}}
	stopped := map[string]int{}
	for _, segBytes := range []int64{1 << 20, 3000, 200} {
		l := openTestIndex(t, docs, segBytes)
		for _, fw := range []int{1, 2, 7, math.MaxInt} {
			maxFirstWindow = fw
			for _, q := range queries {
				for fi, f := range filters {
					for _, sort := range []string{"newest", "oldest", ""} {
						for _, page := range [][2]int{{1, 0}, {5, 0}, {20, 3}, {1000, 0}} {
							got, want := searchBoth(t, l, SearchRequest{Query: q, Filter: f, Sort: sort, Limit: page[0], Offset: page[1], NoSnippets: true})
							where := fmt.Sprintf("seg %d window %d %s filter %d %q page %v", segBytes, fw, q, fi, sort, page)
							sameSearchPage(t, where, got, want)
							if got.TotalAtLeast {
								stopped["search"]++
							}
						}
					}
					for _, limit := range []int{1, 3, 17, 1000} {
						got, want := kwicBoth(t, l, KWICRequest{Query: q, Filter: f, Width: 8, Limit: limit})
						sameKWICPage(t, fmt.Sprintf("seg %d window %d kwic %s filter %d limit %d", segBytes, fw, q, fi, limit), got, want)
						if got.TotalAtLeast {
							stopped["kwic"]++
						}
					}
				}
			}
		}
	}
	// The test means something only if answers did stop early.
	if stopped["search"] < 1000 || stopped["kwic"] < 100 {
		t.Errorf("too few answers stopped early to test anything: %v", stopped)
	}
	t.Logf("answers that stopped early: %v", stopped)
}

// searchBoth returns r's NoTotal answer and its counting one.
func searchBoth(t *testing.T, l *Local, r SearchRequest) (got, want *SearchResult) {
	t.Helper()
	want, err := l.Search(context.Background(), r)
	if err == nil {
		r.NoTotal = true
		got, err = l.Search(context.Background(), r)
	}
	if err != nil {
		t.Fatal(err)
	}
	return got, want
}

// kwicBoth is searchBoth for KWIC.
func kwicBoth(t *testing.T, l *Local, r KWICRequest) (got, want *KWICResult) {
	t.Helper()
	want, err := l.KWIC(context.Background(), r)
	if err == nil {
		r.NoTotal = true
		got, err = l.KWIC(context.Background(), r)
	}
	if err != nil {
		t.Fatal(err)
	}
	return got, want
}

// sameSearchPage checks a NoTotal answer against the counting one: the
// same hits, and a total that is exact or a lower bound as it says.
func sameSearchPage(t *testing.T, where string, got, want *SearchResult) {
	t.Helper()
	samePage(t, where, got.Hits, want.Hits, got.Total, want.Total, got.TotalAtLeast, want.TotalAtLeast)
}

func sameKWICPage(t *testing.T, where string, got, want *KWICResult) {
	t.Helper()
	samePage(t, where, got.Lines, want.Lines, got.Total, want.Total, got.TotalAtLeast, want.TotalAtLeast)
}

func samePage[T comparable](t *testing.T, where string, got, want []T, gotTotal, wantTotal int, gotAtLeast, wantAtLeast bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d on the page, counting answer %d", where, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: item %d = %+v, counting answer %+v", where, i, got[i], want[i])
		}
	}
	switch {
	case wantAtLeast:
		t.Fatalf("%s: the counting answer says its total is a lower bound", where)
	case !gotAtLeast && gotTotal != wantTotal:
		t.Fatalf("%s: exact total %d, counting answer %d", where, gotTotal, wantTotal)
	case gotAtLeast && (gotTotal > wantTotal || gotTotal < len(got)):
		t.Fatalf("%s: lower bound %d, counting answer %d, %d on the page", where, gotTotal, wantTotal, len(got))
	}
}

// noTotalSame runs the check above on a real corpus's phrases, with the
// default window, newest and oldest first, over the whole range and a
// middle one.
func noTotalSame(t *testing.T, l *Local, phrases []string) {
	stopped := 0
	for _, p := range phrases {
		q := `"` + strings.ReplaceAll(p, `"`, " ") + `"`
		for _, f := range []Filter{{}, {From: "2019-01-01", To: "2021-06-30"}} {
			for _, sort := range []string{"newest", "oldest"} {
				got, want := searchBoth(t, l, SearchRequest{Query: q, Filter: f, Sort: sort, Limit: 20, NoSnippets: true})
				sameSearchPage(t, fmt.Sprintf("search %q %v %s", p, f, sort), got, want)
				if got.TotalAtLeast {
					stopped++
				}
			}
			got, want := kwicBoth(t, l, KWICRequest{Query: q, Filter: f, Width: 20, Limit: 300})
			sameKWICPage(t, fmt.Sprintf("kwic %q %v", p, f), got, want)
			if got.TotalAtLeast {
				stopped++
			}
		}
	}
	t.Logf("no-total pages of %d phrases agree; %d answers stopped early", len(phrases), stopped)
}

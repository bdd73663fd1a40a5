package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/analysis"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
)

// TestAnalysisAPI_SameAsLibrary: each analysis endpoint answers what the
// Analyzer returns for the same arguments, defaults included.
func TestAnalysisAPI_SameAsLibrary(t *testing.T) {
	dir := example(t)
	ts := servertest.Start(t, dir, server.Config{})
	a := analysis.New(&query.Local{Snap: servertest.Open(t, dir)})
	ctx := context.Background()
	must := func(v any, err error) any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	q := url.QueryEscape
	for _, c := range []struct {
		path string
		want any
	}{
		{"/api/lifecycle?q=" + q("动态清零") + "&q=" + q("common prosperity") + "&gap=3",
			must(a.Lifecycle(ctx, analysis.LifecycleRequest{Queries: []string{"动态清零", "common prosperity"}, By: "month", Gap: 3}))},
		{"/api/lifecycle?q=" + q("动态清零") + "&by=quarter&gap=1&context=2&source=" + q("龙江日报（虚构）"),
			must(a.Lifecycle(ctx, analysis.LifecycleRequest{Queries: []string{"动态清零"}, By: "quarter", Gap: 1, Context: 2, Filter: query.Filter{Sources: []string{"龙江日报（虚构）"}}}))},
		{"/api/collocates?q=" + q("共同富裕"),
			must(a.Collocates(ctx, analysis.CollocRequest{Query: "共同富裕", MinLL: analysis.DefaultCollocMinLL}))},
		{"/api/collocates?q=" + q("common prosperity") + "&window=3&min_freq=1&measure=mi&min_ll=0&raw=true&limit=7&from=2021-01-01",
			must(a.Collocates(ctx, analysis.CollocRequest{Query: "common prosperity", Window: 3, MinFreq: 1, Measure: "mi", Raw: true, Limit: 7, Filter: query.Filter{From: "2021-01-01"}}))},
		{"/api/keyness?target=2021",
			must(a.Keyness(ctx, analysis.KeynessRequest{Target: analysis.Side{Period: "2021"}}))},
		{"/api/keyness?target=2021&ref=2022..2023&min_freq=2&min_n=2&sort=ratio&max_chars=4",
			must(a.Keyness(ctx, analysis.KeynessRequest{Target: analysis.Side{Period: "2021"}, Ref: &analysis.Side{Period: "2022..2023"}, MinFreq: 2, MinN: 2, Sort: "ratio", MaxChars: 4}))},
		{"/api/emerging?period=2021&ref=1&min_freq=2&min_docs=1",
			must(a.Emerging(ctx, analysis.EmergingRequest{Period: "2021", Ref: 1, MinFreq: 2, MinDocs: 1, MinLogRatio: analysis.DefaultMinLogRatio}))},
		{"/api/emerging?period=2022-Q1&ref=4&min_log_ratio=0&min_freq=1&min_docs=1",
			must(a.Emerging(ctx, analysis.EmergingRequest{Period: "2022-Q1", Ref: 4, MinFreq: 1, MinDocs: 1}))},
	} {
		code, _, got := get(t, ts.URL, c.path)
		want, _ := json.Marshal(c.want)
		if code != 200 || !jsonEqual(t, got, want) {
			t.Errorf("%s: %d\n got %s\nwant %s", c.path, code, got, want)
		}
	}
}

// TestAnalysisAPI_Lifecycle checks the SPEC §9 shape.
func TestAnalysisAPI_Lifecycle(t *testing.T) {
	ts := servertest.Start(t, example(t), server.Config{})
	code, _, b := get(t, ts.URL, "/api/lifecycle?q="+url.QueryEscape("动态清零")+"&by=year&gap=1")
	if code != 200 {
		t.Fatalf("%d %s", code, b)
	}
	var v struct {
		By     string `json:"by"`
		Series []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &v); err != nil || v.By != "year" || len(v.Series) != 1 {
		t.Fatalf("%v: %s", err, b)
	}
	for _, k := range []string{"query", "first_seen", "last_seen", "peak", "gaps", "absent_since"} {
		if _, ok := v.Series[0][k]; !ok {
			t.Errorf("series has no %q: %s", k, b)
		}
	}
}

func TestAnalysisAPI_Errors(t *testing.T) {
	ts := servertest.Start(t, example(t), server.Config{})
	for _, c := range []struct {
		path string
		code int
		msg  string
	}{
		{"/api/lifecycle", 400, "missing parameter q"},
		{"/api/lifecycle?q=a&gap=0", 400, "gap="},
		{"/api/lifecycle?q=(a", 400, "expected ')'"},
		{"/api/lifecycle?q=a&by=decade", 400, "unknown bucket"},
		{"/api/collocates", 400, "missing parameter q"},
		{"/api/collocates?q=a&window=0", 400, "window="},
		{"/api/collocates?q=a&measure=dice", 400, "measure"},
		{"/api/collocates?q=a&raw=maybe", 400, "raw="},
		{"/api/collocates?q=a&min_ll=x", 400, "min_ll="},
		{"/api/keyness", 400, "missing parameter target"},
		{"/api/keyness?target=20x1", 400, "period"},
		{"/api/keyness?target=2021&ref=2021-06", 400, "share"},
		{"/api/emerging", 400, "missing parameter period"},
		{"/api/emerging?period=2021..2022", 400, "not a range"},
		{"/api/emerging?period=2021&from=2020-01-01", 400, "unknown parameter"},
	} {
		code, _, b := get(t, ts.URL, c.path)
		if code != c.code || !strings.Contains(string(b), c.msg) {
			t.Errorf("%s: %d %s, want %d with %q", c.path, code, b, c.code, c.msg)
		}
	}
}

// notLocal is a Searcher that is not the embedded index.
type notLocal struct{ query.Searcher }

func TestAnalysisAPI_OtherEngine(t *testing.T) {
	dir := example(t)
	ts := servertest.Start(t, dir, server.Config{Searcher: notLocal{&query.Local{Snap: servertest.Open(t, dir)}}})
	if code, _, b := get(t, ts.URL, "/api/lifecycle?q=a"); code != 501 {
		t.Errorf("lifecycle over another engine: %d %s", code, b)
	}
	if code, _, _ := get(t, ts.URL, "/api/trend?q=a"); code != 200 {
		t.Errorf("trend over another engine: %d", code)
	}
}

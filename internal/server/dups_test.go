package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
	"github.com/tifa-project/tifa/internal/store"
)

// dupsIndex ingests examples/corpus with duplicate signatures, and three
// reprints of one of its documents a few days later under other sources.
func dupsIndex(t *testing.T) (string, string) {
	t.Helper()
	docs, err := corpus.ReadAll(context.Background(), []string{servertest.ExamplesDir()}, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var orig corpus.Document
	for _, d := range docs {
		if d.Date != "" && len([]rune(d.Text)) > len([]rune(orig.Text)) && d.Date[8:] < "25" {
			orig = d
		}
	}
	for i := 1; i <= 3; i++ {
		c := orig
		c.ID = fmt.Sprintf("%s-reprint-%d", orig.ID, i)
		c.Source = fmt.Sprintf("Reprinter %d", i)
		c.Date = orig.Date[:8] + fmt.Sprintf("%02d", mustAtoi(orig.Date[8:])+i)
		docs = append(docs, c)
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := store.WriteDocs(dir, store.Options{Annotators: []store.Annotator{dups.Annotator()}}, docs); err != nil {
		t.Fatal(err)
	}
	return dir, orig.Title
}

func mustAtoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// TestDupsAPI: collapse=1 answers what the library answers over the
// collapsed view, /api/dups what the cluster listing gives, and an index
// without signatures answers 409.
func TestDupsAPI(t *testing.T) {
	dir, title := dupsIndex(t)
	ts := servertest.Start(t, dir, server.Config{})
	snap := servertest.Open(t, dir)
	c, err := dups.Compute(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if c.Duplicates < 3 {
		t.Fatalf("%d duplicates: the reprints are not clustered", c.Duplicates)
	}
	full, collapsed := &query.Local{Snap: snap}, &query.Local{Snap: c.Collapsed()}
	ctx := context.Background()
	q := url.QueryEscape
	phrase := `"` + title + `"`
	trendReq := query.TrendRequest{Queries: []string{phrase}, By: "month"}
	wantTrend, err := collapsed.Trend(ctx, trendReq)
	if err != nil {
		t.Fatal(err)
	}
	fullTrend, _ := full.Trend(ctx, trendReq)
	if wantTrend.Series[0].Docs != fullTrend.Series[0].Docs-3 {
		t.Fatalf("collapsed trend %d documents, full %d: want 3 fewer", wantTrend.Series[0].Docs, fullTrend.Series[0].Docs)
	}
	wantSearch, _ := collapsed.Search(ctx, query.SearchRequest{Query: phrase, Limit: 20})
	wantKWIC, _ := collapsed.KWIC(ctx, query.KWICRequest{Query: phrase, Width: 60, Limit: 100})
	wantFirst, _ := collapsed.Search(ctx, query.SearchRequest{Query: phrase, Limit: 1, Sort: "oldest", NoTotal: true})
	wantFirstLine, _ := collapsed.KWIC(ctx, query.KWICRequest{Query: phrase, Width: 60, Limit: 1, NoTotal: true})
	wantDups, _ := c.Select(dups.ListRequest{})
	wantDupsDate, _ := c.Select(dups.ListRequest{Sort: "date", Limit: 1, Filter: query.Filter{Sources: []string{"Reprinter 2"}}})
	for _, tc := range []struct {
		path string
		want any
	}{
		{"/api/trend?by=month&collapse=1&q=" + q(phrase), wantTrend},
		{"/api/trend?by=month&collapse=0&q=" + q(phrase), fullTrend},
		{"/api/search?collapse=true&q=" + q(phrase), wantSearch},
		{"/api/kwic?collapse=1&q=" + q(phrase), wantKWIC},
		{"/api/search?collapse=1&total=0&limit=1&sort=oldest&q=" + q(phrase), wantFirst},
		{"/api/kwic?collapse=1&total=false&limit=1&q=" + q(phrase), wantFirstLine},
		{"/api/kwic?collapse=1&total=1&q=" + q(phrase), wantKWIC},
		{"/api/dups", wantDups},
		{"/api/dups?sort=date&limit=1&source=" + q("Reprinter 2"), wantDupsDate},
	} {
		code, _, got := get(t, ts.URL, tc.path)
		want, _ := json.Marshal(tc.want)
		if code != 200 || !jsonEqual(t, got, want) {
			t.Errorf("%s: %d\n got %s\nwant %s", tc.path, code, got, want)
		}
	}
	for _, path := range []string{"/api/trend?collapse=maybe&q=x", "/api/search?total=some&q=x", "/api/dups?min_size=1", "/api/dups?sort=title"} {
		if code, _, body := get(t, ts.URL, path); code != 400 {
			t.Errorf("%s: %d %s, want 400", path, code, body)
		}
	}

	// Without signatures.
	plain := servertest.Start(t, servertest.Index(t), server.Config{})
	for _, path := range []string{"/api/trend?collapse=1&q=x", "/api/dups"} {
		if code, _, body := get(t, plain.URL, path); code != 409 {
			t.Errorf("no signatures, %s: %d %s, want 409", path, code, body)
		}
	}
}

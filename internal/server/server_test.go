package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
	"github.com/tifa-project/tifa/internal/web"
)

// xssDoc is a document whose fields are HTML: the API returns it as data,
// and the page (internal/web's browser test) shows it as text.
var xssDoc = corpus.Document{ID: "xss-1", Date: "2023-03-03", Source: `<b>Src</b>`, Lang: "en",
	Title: `<img src=x onerror="window.__pwned=1">`, Text: `<script>window.__pwned=2</script> xsscheck & done`}

// example returns a new index of examples/corpus and xssDoc.
func example(t *testing.T) string {
	t.Helper()
	return servertest.Index(t, xssDoc)
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// get fetches path from ts and returns the status, headers and body.
func get(t *testing.T, ts string, path string) (int, http.Header, []byte) {
	t.Helper()
	return servertest.Get(t, ts+path)
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

func TestAPI_Endpoints(t *testing.T) {
	ts := servertest.Start(t, example(t), server.Config{})
	q := url.QueryEscape

	t.Run("search", func(t *testing.T) {
		code, h, b := get(t, ts.URL, "/api/search?q="+q("动态清零")+"&limit=3")
		if code != 200 || h.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%d %s: %s", code, h.Get("Content-Type"), b)
		}
		r := decode[query.SearchResult](t, b)
		if r.Total != 15 || len(r.Hits) != 3 || r.Hits[0].Date != "2024-06-11" || !strings.Contains(r.Hits[0].Snippet, "«动态清零»") {
			t.Errorf("search: %+v", r)
		}
	})
	t.Run("search filters", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/search?q="+q(`"dynamic clearing" OR 动态清零`)+"&from=2022-01-01&to=2022-12-31&source="+q("龙江日报（虚构）")+"&sort=oldest&limit=100")
		r := decode[query.SearchResult](t, b)
		if r.Total == 0 {
			t.Fatalf("no hits: %s", b)
		}
		for _, h := range r.Hits {
			if h.Source != "龙江日报（虚构）" || h.Date < "2022-01-01" || h.Date > "2022-12-31" {
				t.Errorf("outside the filter: %+v", h)
			}
		}
	})
	t.Run("trend", func(t *testing.T) {
		code, _, b := get(t, ts.URL, "/api/trend?q="+q("共同富裕")+"&q="+q("common prosperity")+"&by=year")
		r := decode[query.TrendResult](t, b)
		if code != 200 || r.By != "year" || len(r.Series) != 2 || r.Series[0].Hits != 24 || r.Series[1].Hits != 27 || len(r.Series[0].Buckets) != 5 {
			t.Fatalf("%d %+v", code, r)
		}
		if *r.Series[0].FirstSeen != "2021-02-25" || *r.Series[1].LastSeen != "2024-05-14" {
			t.Errorf("first/last seen: %s %s", *r.Series[0].FirstSeen, *r.Series[1].LastSeen)
		}
	})
	t.Run("trend default bucket", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/trend?q="+q("动态清零"))
		if r := decode[query.TrendResult](t, b); r.By != "month" || len(r.Series[0].Buckets) != 49 {
			t.Errorf("by %q, %d buckets", r.By, len(r.Series[0].Buckets))
		}
	})
	t.Run("kwic", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/kwic?q="+q("动态清零")+"&width=14&from=2024-01-01")
		r := decode[query.KWICResult](t, b)
		if r.Total != 6 || len(r.Lines) != 6 || r.Lines[0].Left != "Ｃ三类实行分级管理，推动隐患" || r.Lines[0].Match != "动态清零" {
			t.Errorf("kwic: %+v", r)
		}
	})
	t.Run("doc", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/doc/ex-zh-2024-06-11?q="+q("动态清零"))
		d := decode[query.DocResult](t, b)
		if d.ID != "ex-zh-2024-06-11" || len(d.TextHits) != 1 {
			t.Fatalf("doc: %s", b)
		}
		if s := d.TextHits[0]; d.Text[s.Start:s.End] != "动态清零" {
			t.Errorf("marked %q", d.Text[s.Start:s.End])
		}
	})
	t.Run("doc without query", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/doc/hl-001")
		if d := decode[query.DocResult](t, b); d.ID != "hl-001" || len(d.TextHits)+len(d.TitleHits) != 0 {
			t.Errorf("doc: %s", b)
		}
	})
	t.Run("stats", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/stats")
		st := decode[query.Stats](t, b)
		if st.Docs != 75 || st.Undated != 2 || *st.FirstDate != "2020-06-12" {
			t.Errorf("stats: %s", b)
		}
		_, _, b = get(t, ts.URL, "/api/stats?source="+q("Xinwen Lianbo (invented)"))
		if st := decode[query.Stats](t, b); st.Docs != 11 || len(st.Sources) != 1 {
			t.Errorf("filtered stats: %s", b)
		}
	})
	t.Run("sources", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/sources")
		r := decode[server.SourcesResult](t, b)
		if len(r.Sources) != 9 || r.Sources[0] != (server.SourceCount{Name: "龙江日报（虚构）", Docs: 14}) {
			t.Errorf("sources: %s", b)
		}
		total := 0
		for i, s := range r.Sources {
			total += s.Docs
			if i > 0 && s.Docs > r.Sources[i-1].Docs {
				t.Errorf("not most documents first: %s", b)
			}
		}
		if total != 75 {
			t.Errorf("sources add up to %d documents", total)
		}
	})
	t.Run("validate", func(t *testing.T) {
		for _, c := range []struct {
			q    string
			want server.Validation
		}{
			{`"dynamic clearing" OR 动态清零`, server.Validation{OK: true}},
			{"(共同富裕 OR", server.Validation{Error: "unexpected end of query: expected a phrase", Column: 9}},
			{"a NEAR/x b", server.Validation{Error: "", Column: 0}}, // filled below
			{"/[/", server.Validation{}},
			{"", server.Validation{Error: "empty query: expected a phrase", Column: 1}},
		} {
			code, _, b := get(t, ts.URL, "/api/validate?q="+q(c.q))
			got := decode[server.Validation](t, b)
			if code != 200 {
				t.Errorf("%q: status %d", c.q, code)
			}
			if c.want.OK || c.want.Column != 0 {
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("validate %q (-want +got):\n%s", c.q, diff)
				}
				continue
			}
			// The engine's own message; the API must give its column.
			_, err := query.Parse(c.q)
			var pe *query.ParseError
			if !errors.As(err, &pe) || got.OK || got.Column != pe.Col || got.Error != pe.Msg {
				t.Errorf("validate %q: %+v, parser says %v", c.q, got, err)
			}
		}
	})
}

// TestAPI_SameAsLibrary checks that every endpoint answers exactly the
// bytes the CLI's --json printing makes of the same library call.
func TestAPI_SameAsLibrary(t *testing.T) {
	dir := example(t)
	ts := servertest.Start(t, dir, server.Config{})
	l := &query.Local{Snap: servertest.Open(t, dir)}
	ctx := context.Background()
	must := func(v any, err error) any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		path string
		want any
	}{
		{"/api/search?q=%E5%85%B1%E5%90%8C%E5%AF%8C%E8%A3%95&sort=relevance&limit=5&offset=2",
			must(l.Search(ctx, query.SearchRequest{Query: "共同富裕", Sort: "relevance", Limit: 5, Offset: 2}))},
		{"/api/trend?q=prosper*&q=%2Fdynamic+%28zero%7Cclearing%29%2F&by=quarter&from=2021-01-01",
			must(l.Trend(ctx, query.TrendRequest{Queries: []string{"prosper*", "/dynamic (zero|clearing)/"}, By: "quarter", Filter: query.Filter{From: "2021-01-01"}}))},
		{"/api/kwic?q=common+NEAR%2F3+prosperity&width=20&limit=7",
			must(l.KWIC(ctx, query.KWICRequest{Query: "common NEAR/3 prosperity", Width: 20, Limit: 7}))},
		{"/api/doc/ex-en-2020-06-12?q=flood", must(l.Doc(ctx, "ex-en-2020-06-12", "flood"))},
		{"/api/stats?to=2021-12-31", must(l.Stats(ctx, query.Filter{To: "2021-12-31"}))},
	} {
		code, _, got := get(t, ts.URL, c.path)
		want, _ := json.Marshal(c.want)
		if code != 200 || !jsonEqual(t, got, want) {
			t.Errorf("%s: %d\n got %s\nwant %s", c.path, code, got, want)
		}
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}

// blockingSearcher holds every call until release is closed, telling
// entered when a call starts; with a nil release it waits for the
// context's end and then asks the real engine, which must see it ended.
type blockingSearcher struct {
	query.Searcher
	entered chan struct{}
	release chan struct{}
}

func (b *blockingSearcher) Search(ctx context.Context, r query.SearchRequest) (*query.SearchResult, error) {
	b.entered <- struct{}{}
	if b.release != nil {
		<-b.release
	} else {
		<-ctx.Done()
	}
	return b.Searcher.Search(ctx, r)
}

// brokenSearcher fails every call with err.
type brokenSearcher struct {
	query.Searcher
	err error
}

func (b brokenSearcher) Stats(context.Context, query.Filter) (*query.Stats, error) { return nil, b.err }

func TestAPI_Errors(t *testing.T) {
	dir := example(t)
	ts := servertest.Start(t, dir, server.Config{})
	long := "/api/search?q=" + strings.Repeat("a", server.DefaultMaxURIBytes)
	for _, c := range []struct {
		name, method, path string
		body               string
		code               int
		want               string // in the error message
	}{
		{"bad query", "GET", "/api/search?q=%28%E5%85%B1%E5%90%8C%E5%AF%8C%E8%A3%95+OR", "", 400, "query error at column 9"},
		{"bad query in trend", "GET", "/api/trend?q=a&q=NEAR%2F3", "", 400, "query error at column 1"},
		{"bad query in kwic", "GET", "/api/kwic?q=%2F%5B%2F", "", 400, "query error"},
		{"bad query in doc", "GET", "/api/doc/hl-001?q=%29", "", 400, "query error"},
		{"empty query", "GET", "/api/search?q=", "", 400, "empty query"},
		{"missing q", "GET", "/api/search", "", 400, "missing parameter q"},
		{"missing q trend", "GET", "/api/trend?by=year", "", 400, "missing parameter q"},
		{"missing q validate", "GET", "/api/validate", "", 400, "missing parameter q"},
		{"unknown parameter", "GET", "/api/search?q=a&limt=5", "", 400, `unknown parameter "limt"`},
		{"bad limit", "GET", "/api/search?q=a&limit=-1", "", 400, "limit="},
		{"limit too high", "GET", "/api/kwic?q=a&limit=10001", "", 400, "limit="},
		{"bad width", "GET", "/api/kwic?q=a&width=x", "", 400, "width="},
		{"bad offset", "GET", "/api/search?q=a&offset=1e3", "", 400, "offset="},
		{"bad date", "GET", "/api/trend?q=a&from=2022-13-01", "", 400, "not a date"},
		{"bad bucket", "GET", "/api/trend?q=a&by=decade", "", 400, "unknown bucket"},
		{"bad sort", "GET", "/api/search?q=a&sort=best", "", 400, "unknown sort"},
		{"repeated parameter", "GET", "/api/search?q=a&q=b", "", 400, "given 2 times"},
		{"too many series", "GET", "/api/trend?q=a" + strings.Repeat("&q=a", 16), "", 400, "at most 16 series"},
		{"bad escape", "GET", "/api/search?q=%zz", "", 400, "query string"},
		{"prefix too short", "GET", "/api/search?q=" + url.QueryEscape("a*"), "", 0, ""}, // any status but 5xx
		{"unknown document", "GET", "/api/doc/no-such-id", "", 404, "no such document"},
		{"unknown document with query", "GET", "/api/doc/no-such-id?q=a", "", 404, "no such document"},
		{"unknown endpoint", "GET", "/api/nothing", "", 404, "no such endpoint"},
		{"POST", "POST", "/api/search?q=a", "", 405, "read-only"},
		{"PUT", "PUT", "/api/doc/hl-001", "x", 405, "read-only"},
		{"DELETE", "DELETE", "/api/doc/hl-001", "", 405, "read-only"},
		{"OPTIONS", "OPTIONS", "/api/stats", "", 405, "read-only"},
		{"POST page", "POST", "/", "", 405, "read-only"},
		{"long query string", "GET", long, "", 413, "longer than"},
		{"body", "GET", "/api/stats", "{}", 413, "has a body"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req, err := http.NewRequest(c.method, ts.URL+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if c.code == 0 {
				if res.StatusCode >= 500 {
					t.Fatalf("status %d: %s", res.StatusCode, b)
				}
				return
			}
			e := decode[server.ErrorBody](t, b)
			if res.StatusCode != c.code || !strings.Contains(e.Error, c.want) || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("status %d, want %d; body %s (want %q)", res.StatusCode, c.code, b, c.want)
			}
			if c.code == 405 && res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow: %q", res.Header.Get("Allow"))
			}
		})
	}

	t.Run("parse error column", func(t *testing.T) {
		_, _, b := get(t, ts.URL, "/api/search?q="+url.QueryEscape("(共同富裕 OR"))
		if e := decode[server.ErrorBody](t, b); e.Column != 9 {
			t.Errorf("column %d: %s", e.Column, b)
		}
	})

	t.Run("saturated", func(t *testing.T) {
		bs := &blockingSearcher{Searcher: &query.Local{Snap: servertest.Open(t, dir)}, entered: make(chan struct{}, 2), release: make(chan struct{})}
		ts := servertest.Start(t, dir, server.Config{Searcher: bs, MaxConcurrent: 1, MaxQueued: -1})
		first := make(chan int, 1)
		go func() {
			res, err := http.Get(ts.URL + "/api/search?q=a")
			if err != nil {
				first <- 0
				return
			}
			res.Body.Close()
			first <- res.StatusCode
		}()
		<-bs.entered // the one slot is taken
		code, h, b := get(t, ts.URL, "/api/search?q=a")
		if code != 503 || h.Get("Retry-After") == "" || !strings.Contains(string(b), "busy") {
			t.Errorf("second query: %d %q %s", code, h.Get("Retry-After"), b)
		}
		// Validation takes no slot.
		if code, _, b := get(t, ts.URL, "/api/validate?q=a"); code != 200 {
			t.Errorf("validate while saturated: %d %s", code, b)
		}
		close(bs.release)
		if code := <-first; code != 200 {
			t.Errorf("first query: %d", code)
		}
		if code, _, b := get(t, ts.URL, "/api/search?q=a"); code != 200 {
			t.Errorf("after release: %d %s", code, b)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		// The Searcher waits for the request's deadline, then runs the real
		// engine on the ended context: the engine stops, the answer is 503.
		bs := &blockingSearcher{Searcher: &query.Local{Snap: servertest.Open(t, dir)}, entered: make(chan struct{}, 1)}
		ts := servertest.Start(t, dir, server.Config{Searcher: bs, QueryTimeout: 1})
		code, _, b := get(t, ts.URL, "/api/search?q="+url.QueryEscape("/dynamic (zero|clearing)/"))
		if code != 503 || !strings.Contains(string(b), "limit") {
			t.Errorf("%d %s", code, b)
		}
	})

	t.Run("damaged index", func(t *testing.T) {
		err := fmt.Errorf("read: %w", &index.CorruptError{Path: "seg-1", Part: "postings", Reason: "checksum"})
		ts := servertest.Start(t, dir, server.Config{Searcher: brokenSearcher{err: err}, ErrorLog: discardLog()})
		if code, _, b := get(t, ts.URL, "/api/stats"); code != 500 || !strings.Contains(string(b), "checksum") {
			t.Errorf("%d %s", code, b)
		}
		if code, _, _ := get(t, ts.URL, "/api/sources"); code != 500 {
			t.Errorf("sources: %d", code)
		}
	})
}

// TestAPI_XSSIsData checks that a document made of HTML comes back as JSON
// strings, marked not to be sniffed as anything else.
func TestAPI_XSSIsData(t *testing.T) {
	ts := servertest.Start(t, example(t), server.Config{})
	code, h, b := get(t, ts.URL, "/api/doc/xss-1?q=xsscheck")
	d := decode[query.DocResult](t, b)
	if code != 200 || d.Title != xssDoc.Title || h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Errorf("%d %v %s", code, h, b)
	}
}

func TestAPI_HEAD(t *testing.T) {
	ts := servertest.Start(t, example(t), server.Config{})
	for _, p := range []string{"/api/stats", "/", "/app.js"} {
		res, err := http.Head(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(b) != 0 || res.Header.Get("Content-Type") == "" {
			t.Errorf("HEAD %s: %d, %d bytes", p, res.StatusCode, len(b))
		}
	}
}

// TestAPI_ReadOnly runs every endpoint and checks that no file of the index
// changed.
func TestAPI_ReadOnly(t *testing.T) {
	dir := servertest.Index(t)
	before := listing(t, dir)
	ts := servertest.Start(t, dir, server.Config{})
	for _, p := range []string{"/api/search?q=a", "/api/trend?q=a&q=b", "/api/kwic?q=a", "/api/doc/hl-001?q=a",
		"/api/stats", "/api/sources", "/api/validate?q=a", "/", "/app.js"} {
		if code, _, b := get(t, ts.URL, p); code != 200 {
			t.Fatalf("%s: %d %s", p, code, b)
		}
	}
	if diff := cmp.Diff(before, listing(t, dir)); diff != "" {
		t.Errorf("the index changed (-before +after):\n%s", diff)
	}
}

func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		m[p] = fmt.Sprintf("%d %s %v", fi.Size(), fi.ModTime(), fi.Mode())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestStatic_Assets(t *testing.T) {
	ts := servertest.Start(t, example(t), server.Config{})
	for _, c := range []struct{ path, ctype, has string }{
		{"/", "text/html; charset=utf-8", `<script src="app.js"`},
		{"/index.html", "text/html; charset=utf-8", "<title>tifa</title>"},
		{"/app.js", "text/javascript; charset=utf-8", "textContent"},
		{"/app.css", "text/css; charset=utf-8", ".kwic"},
		{"/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8", "uPlot"},
		{"/vendor/uPlot.LICENSE", "text/plain; charset=utf-8", "MIT License"},
	} {
		code, h, b := get(t, ts.URL, c.path)
		if code != 200 || h.Get("Content-Type") != c.ctype || !strings.Contains(string(b), c.has) {
			t.Errorf("%s: %d %q, %d bytes", c.path, code, h.Get("Content-Type"), len(b))
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", c.path, h)
		}
	}
	// Revalidation by ETag.
	_, h, _ := get(t, ts.URL, "/app.js")
	req, _ := http.NewRequest("GET", ts.URL+"/app.js", nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
}

// TestStatic_NoInlineScript checks the page against its own policy: no
// inline script, handler or style attribute, which the CSP would block.
func TestStatic_NoInlineScript(t *testing.T) {
	b, err := fs.ReadFile(web.Assets(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script>", " onclick=", " onload=", " onerror=", " style=", "javascript:", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html has %q", bad)
		}
	}
}

// TestStatic_PathTraversal sends raw requests, as an attacker would rather
// than as a client library would clean them, and checks that nothing but
// the embedded assets is ever served.
func TestStatic_PathTraversal(t *testing.T) {
	// A file system with a secret beside the assets: nothing may reach it.
	assets := fstest.MapFS{
		"index.html":       {Data: []byte("<!doctype html><title>tifa</title>")},
		"app.js":           {Data: []byte("// app")},
		".secret":          {Data: []byte("SECRET-DOTFILE")},
		"vendor/x.js":      {Data: []byte("// vendor")},
		"vendor/.hidden":   {Data: []byte("SECRET-HIDDEN")},
		"a b/c.js":         {Data: []byte("SECRET-SPACE")},
		"vendor/..%2f.txt": {Data: []byte("SECRET-ODD")},
	}
	public := map[string]bool{}
	for _, f := range assets {
		if !strings.Contains(string(f.Data), "SECRET") {
			public[string(f.Data)] = true
		}
	}
	ts := servertest.Start(t, example(t), server.Config{Assets: assets})
	addr := strings.TrimPrefix(ts.URL, "http://")
	for _, target := range []string{
		"/../../../../etc/passwd",
		"/..%2f..%2f..%2fetc%2fpasswd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/%252e%252e/%252e%252e/etc/passwd",
		"/..%252f..%252fetc%252fpasswd",
		"/vendor/../../server.go",
		"/vendor/..%2f..%2fserver.go",
		"/vendor/%2e%2e/%2e%2e/server.go",
		"/.secret",
		"/%2esecret",
		"/vendor/.hidden",
		"/a%20b/c.js",
		"/vendor/..%252f.txt",
		"/vendor/..%2f.txt",
		"/..\\..\\etc\\passwd",
		"/%5c..%5c..%5cetc%5cpasswd",
		"/vendor\\..\\.secret",
		"//etc/passwd",
		"/./app.js/",
		"/app.js/.",
		"/app.js%00.html",
		"/%c0%ae%c0%ae/etc/passwd",
		"/etc/passwd",
		"/static/index.html",
		"/api/../../etc/passwd",
		"/api/doc/../../../etc/passwd",
		"http://" + addr + "/../../etc/passwd",
		"../../etc/passwd",
		"*",
	} {
		t.Run(target, func(t *testing.T) {
			code, loc, body := rawGet(t, addr, target)
			for hops := 0; code/100 == 3 && hops < 3; hops++ {
				// The router redirects a path with "." or ".." segments or
				// "//" to its clean form, on this host; follow it.
				u, err := url.Parse(loc)
				if err != nil || (u.Host != "" && u.Host != addr) || strings.Contains(u.Path, "..") {
					t.Fatalf("redirect %d to %q", code, loc)
				}
				code, loc, body = rawGet(t, addr, u.EscapedPath())
			}
			if code == 200 && !public[body] || code >= 300 && code < 400 || code >= 500 {
				t.Errorf("status %d: %.200s", code, body)
			}
			for _, leak := range []string{"SECRET", "root:", "package server"} {
				if strings.Contains(body, leak) {
					t.Errorf("served %q: %.200s", leak, body)
				}
			}
		})
	}
	// The legitimate names still work.
	for _, p := range []string{"/", "/app.js", "/vendor/x.js"} {
		if code, _, _ := rawGet(t, addr, p); code != 200 {
			t.Errorf("%s: %d", p, code)
		}
	}
}

// rawGet sends "GET target HTTP/1.1" as written and returns the status,
// the Location header and the body.
func rawGet(t *testing.T, addr, target string) (int, string, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:0": true,
		"0.0.0.0:8080": false, ":8080": false, "192.168.1.2:80": false, "[::]:80": false, "example.org:80": false, "junk": false,
	} {
		if got := server.IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

func TestHTTPServer_Timeouts(t *testing.T) {
	s, err := server.New(server.Config{Searcher: brokenSearcher{}})
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer("127.0.0.1:0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= server.DefaultQueryTimeout || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("timeouts not all set: %+v", hs)
	}
	if _, err := server.New(server.Config{}); err == nil {
		t.Error("New without a Searcher: no error")
	}
	if _, err := server.New(server.Config{Searcher: brokenSearcher{}, Assets: fstest.MapFS{}}); err == nil {
		t.Error("New with assets lacking index.html: no error")
	}
}

// TestServe_Shutdown serves on a listener and stops when the context ends.
func TestServe_Shutdown(t *testing.T) {
	dir := example(t)
	s, err := server.New(server.Config{Searcher: &query.Local{Snap: servertest.Open(t, dir)}, Assets: web.Assets()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	if code, _, b := get(t, "http://"+l.Addr().String(), "/api/stats"); code != 200 {
		t.Fatalf("%d %s", code, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/go-cmp/cmp"

	"github.com/tifa-project/tifa/internal/clickhouse/chtest"
	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// sharedCorpora is ../shared/corpora seen from this package.
const sharedCorpora = "../../../shared/corpora"

// testCorpora are the real corpora the engine test ingests: small, one
// Chinese and one English.
var testCorpora = []string{"xi-speeches-zh", "peoplesdaily-online-en"}

// synthetic documents the corpora lack: self-overlapping phrases, hostile
// bytes in every field, an undated document, and a replaced id.
func syntheticDocs() (first, second []corpus.Document) {
	first = []corpus.Document{
		{ID: "syn-overlap", Date: "2021-03-04", Source: "Synthetic", Lang: "en", Title: "好好好 a a a",
			Text: "a a a a a. 好好好好好 a a, 'a' \"a\" a-a-a"},
		{ID: "syn-hostile", Date: "2021-03-05", Source: `O'Brien\'; DROP TABLE docs; --`, Lang: "en",
			Title: "it's 100% _x_ \\ back\\slash", Text: "quote ' backslash \\ percent % underscore _ nul \x00 here\nnewline\r\ntab\tend it's",
			Meta: map[string]string{"pro'v": `x\`, "page": "1"}},
		{ID: "syn-undated", Source: "Synthetic", Lang: "en", Title: "common prosperity", Text: "xi jinping spoke of common prosperity, common prosperity"},
		{ID: "syn-replace", Date: "2020-02-02", Source: "Synthetic", Lang: "en", Title: "old", Text: "zzreplaced old marker common prosperity"},
	}
	second = []corpus.Document{
		{ID: "syn-replace", Date: "2022-02-02", Source: "Synthetic", Lang: "en", Title: "new", Text: "only the new text, xi jinping"},
	}
	return first, second
}

// TestEngine_SameAnswers starts two ClickHouse servers as a two-shard
// cluster, ingests real corpora into them through the engine and into the
// embedded index, and compares trend, search, kwic, stats and doc for a
// few hundred queries: every answer must be identical.
func TestEngine_SameAnswers(t *testing.T) {
	var paths []string
	for _, c := range testCorpora {
		p := filepath.Join(sharedCorpora, c, "docs.jsonl.gz")
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no corpus at %s (the engine test needs ../shared beside the repository)", p)
		}
		paths = append(paths, p)
	}
	servers := chtest.Start(t, 2)
	ctx := context.Background()
	cfg := Config{Hosts: []string{servers[0].TCPAddr, servers[1].TCPAddr}, HTTPPort: servers[0].HTTPPort, User: chtest.User, Password: chtest.Password,
		Database: "tifa_test", Cluster: chtest.Cluster, BatchRows: 100}

	// Ingest: the corpora, the synthetic documents, then replacements
	// (a changed document, and a real one again unchanged).
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t.Logf("ClickHouse %s, countSubstrings: %v", c.Version(), c.Has("countSubstrings"))
	cw, err := NewWriter(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lw, err := store.OpenWriter(dir, store.Options{AutoCommit: true})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := corpus.ReadAll(ctx, paths, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, second := syntheticDocs()
	all := append(append(append([]corpus.Document{}, docs...), first...), second...)
	all = append(all, docs[0]) // same content again
	start := time.Now()
	var textBytes int
	for _, d := range all {
		textBytes += len(d.Title) + len(d.Text)
		if err := cw.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	chIngest := time.Since(start)
	start = time.Now()
	for _, d := range all {
		if _, err := lw.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := lw.Commit(); err != nil {
		t.Fatal(err)
	}
	lw.Close()
	t.Logf("ingest of %d documents (%.1f MB of text): ClickHouse %v in batches of %d, embedded %v",
		len(all), float64(textBytes)/1e6, chIngest.Round(time.Millisecond), cfg.BatchRows, time.Since(start).Round(time.Millisecond))
	snap, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	local := &query.Local{Snap: snap}
	ch, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()

	// Rows landed on both shards, and FINAL counts each id once.
	var shardRows []uint64
	for _, s := range servers {
		one := Config{Hosts: []string{s.TCPAddr}, HTTPPort: s.HTTPPort, User: "default", Database: cfg.Database}
		sc, err := Dial(ctx, one)
		if err != nil {
			t.Fatal(err)
		}
		var n uint64
		if err := sc.query(ctx, "SELECT count() FROM tifa_test.docs_local", func(r driver.Rows) error { return r.Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		sc.Close()
		shardRows = append(shardRows, n)
	}
	if shardRows[0] == 0 || shardRows[1] == 0 || shardRows[0]+shardRows[1] != uint64(len(all)) {
		t.Fatalf("rows per shard %v, want both > 0 and %d in all", shardRows, len(all))
	}
	t.Logf("rows per shard: %v", shardRows)

	compare := func(what string, want, got any, werr, gerr error) bool {
		t.Helper()
		if werr != nil || gerr != nil {
			if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
				t.Errorf("%s: error\nembedded:   %v\nclickhouse: %v", what, werr, gerr)
				return false
			}
			return true
		}
		wj, _ := json.Marshal(want)
		gj, _ := json.Marshal(got)
		if string(wj) != string(gj) {
			var w, g any
			json.Unmarshal(wj, &w)
			json.Unmarshal(gj, &g)
			t.Errorf("%s: answers differ (-embedded +clickhouse):\n%s", what, cmp.Diff(w, g))
			return false
		}
		return true
	}

	// Stats, whole and filtered (index bytes and segments are the
	// engines' own).
	for _, f := range []query.Filter{{}, {From: "2020-06-01", To: "2021-12-31"}, {Sources: []string{"synthetic", `o'brien\'; drop table docs; --`}}, {From: "2021-01-01"}} {
		ws, werr := local.Stats(ctx, f)
		gs, gerr := ch.Stats(ctx, f)
		if werr == nil && gerr == nil {
			if gs.IndexBytes <= 0 || gs.Segments <= 0 {
				t.Errorf("stats %+v: index_bytes %d, segments %d", f, gs.IndexBytes, gs.Segments)
			}
			ws.IndexBytes, ws.Segments, gs.IndexBytes, gs.Segments = 0, 0, 0, 0
		}
		compare(fmt.Sprintf("stats %+v", f), ws, gs, werr, gerr)
	}

	queries := testQueries(docs)
	filters := []query.Filter{
		{From: "2020-06-01", To: "2021-12-31"},
		{Sources: []string{"xinhua (news.cn)", "People's Daily Online (Xinhua)", "SYNTHETIC"}},
		{To: "2020-12-31"},
	}
	start = time.Now()
	var nTrend, nSearch, nKWIC, same int
	// Trends, twenty queries a request, monthly, unfiltered and filtered.
	for i := 0; i < len(queries); i += 20 {
		qs := queries[i:min(i+20, len(queries))]
		for fi, f := range append([]query.Filter{{}}, filters[i/20%len(filters)]) {
			by := "month"
			if fi > 0 {
				by = []string{"week", "quarter", "year", "day"}[i/20%4]
			}
			req := query.TrendRequest{Queries: qs, By: by, Filter: f}
			w, werr := local.Trend(ctx, req)
			g, gerr := ch.Trend(ctx, req)
			if werr != nil && strings.Contains(werr.Error(), "query error") { // one bad query spoils the batch: one by one
				for _, q := range qs {
					req.Queries = []string{q}
					w, werr := local.Trend(ctx, req)
					g, gerr := ch.Trend(ctx, req)
					compare(fmt.Sprintf("trend %q by %s %+v", q, by, f), w, g, werr, gerr)
					nTrend++
				}
				continue
			}
			compare(fmt.Sprintf("trend %q by %s %+v", qs, by, f), w, g, werr, gerr)
			nTrend += len(qs)
		}
	}
	trendTime := time.Since(start)
	start = time.Now()
	for i, q := range queries {
		var f query.Filter
		if i%5 == 4 {
			f = filters[i%len(filters)]
		}
		sort := []string{"newest", "newest", "oldest", "relevance"}[i%4]
		sr := query.SearchRequest{Query: q, Filter: f, Sort: sort, Limit: 10}
		w, werr := local.Search(ctx, sr)
		g, gerr := ch.Search(ctx, sr)
		ok := compare(fmt.Sprintf("search %q sort %s %+v", q, sort, f), w, g, werr, gerr)
		nSearch++
		kr := query.KWICRequest{Query: q, Filter: f, Width: 30 + i%40, Limit: 15}
		wk, werr := local.KWIC(ctx, kr)
		gk, gerr := ch.KWIC(ctx, kr)
		if compare(fmt.Sprintf("kwic %q %+v", q, f), wk, gk, werr, gerr) && ok {
			same++
		}
		nKWIC++
		if werr == nil && len(wk.Lines) > 0 && i%10 == 0 {
			id := wk.Lines[0].ID
			wd, werr := local.Doc(ctx, id, q)
			gd, gerr := ch.Doc(ctx, id, q)
			compare(fmt.Sprintf("doc %q %q", id, q), wd, gd, werr, gerr)
		}
	}
	t.Logf("%d queries (%d exact in SQL, the rest finished in Go): %d trends in %v, %d searches and %d kwic in %v; %d with search and kwic identical",
		len(queries), countExact(queries), nTrend, trendTime.Round(time.Millisecond), nSearch, nKWIC, time.Since(start).Round(time.Millisecond), same)
	if len(queries) < 250 {
		t.Errorf("only %d queries", len(queries))
	}

	// The replaced document counts once, with its new text.
	for _, q := range []string{"zzreplaced", "only the new text"} {
		w, _ := local.Search(ctx, query.SearchRequest{Query: q})
		g, err := ch.Search(ctx, query.SearchRequest{Query: q})
		if err != nil || g.Total != w.Total {
			t.Errorf("replaced document: %q: clickhouse %v (%v), embedded %d", q, g, err, w.Total)
		}
	}
	for _, id := range []string{"syn-replace", "nosuch'id"} {
		wd, werr := local.Doc(ctx, id, "")
		gd, gerr := ch.Doc(ctx, id, "")
		compare("doc "+id, wd, gd, werr, gerr)
		if id == "nosuch'id" && !errors.Is(gerr, query.ErrNotFound) {
			t.Errorf("doc %q: %v, want ErrNotFound", id, gerr)
		}
	}

	// Errors users meet.
	t.Run("Errors", func(t *testing.T) {
		bad := cfg
		bad.Password = "wrong"
		if _, err := Open(ctx, bad); !errors.Is(err, ErrAuth) {
			t.Errorf("wrong password: %v, want ErrAuth", err)
		}
		bad = cfg
		bad.Database = "nosuch"
		if _, err := Open(ctx, bad); !errors.Is(err, ErrNoTable) || !strings.Contains(err.Error(), "tifa ingest --engine") {
			t.Errorf("missing table: %v, want ErrNoTable naming tifa ingest --engine", err)
		}
		bad = cfg
		bad.Hosts = []string{fmt.Sprintf("127.0.0.1:%d", chtest.FreePorts(t, 1)[0])}
		if _, err := Open(ctx, bad); !errors.Is(err, ErrUnreachable) {
			t.Errorf("no server: %v, want ErrUnreachable", err)
		}
		// The HTTP port where the native one belongs (an address of
		// the HTTP-only versions).
		bad = cfg
		bad.Hosts = []string{servers[0].HTTPAddr}
		if _, err := Open(ctx, bad); !errors.Is(err, ErrBadURL) || !strings.Contains(err.Error(), "http_port") {
			t.Errorf("HTTP port as the native one: %v, want ErrBadURL naming http_port", err)
		}
		// Reads fine, but nothing answers on http_port: the insert says so.
		bad = cfg
		bad.Database = "tifa_test_nohttp"
		bad.HTTPPort = chtest.FreePorts(t, 1)[0]
		bc, err := Dial(ctx, bad)
		if err != nil {
			t.Fatal(err)
		}
		defer bc.Close()
		bw, err := NewWriter(ctx, bc)
		if err != nil {
			t.Fatal(err)
		}
		if err := bw.Add(docs[0]); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "http_port") {
			t.Errorf("insert with no HTTP server: %v, want ErrUnreachable naming http_port", err)
		}
		// A deadline already past: the context's error, not a server's.
		dctx, cancel := context.WithTimeout(ctx, -time.Second)
		defer cancel()
		if _, err := ch.Search(dctx, query.SearchRequest{Query: "的"}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("search past its deadline: %v, want context.DeadlineExceeded", err)
		}
	})
}

// countExact counts the queries SQL answers without the Go finish.
func countExact(qs []string) int {
	n := 0
	for _, q := range qs {
		if nd, err := query.Parse(q); err == nil && exactNode(nd) {
			n++
		}
	}
	return n
}

// testQueries returns fixed phrases, random token windows of the
// documents (one to four tokens), NEAR, prefix, regex, boolean and field
// queries, and hostile ones.
func testQueries(docs []corpus.Document) []string {
	qs := []string{"的", "the", "中国", "of the", "共同富裕", "common prosperity", "xi jinping", "习近平", "zzqx never seen",
		"一是", "人民", "a", "a a", "a a a", "好好", "好好好", "a a a a a a", "it s", "new text"}
	rng := rand.New(rand.NewSource(8))
	var samples [][]string
	for _, d := range docs {
		if rng.Intn(3) == 0 {
			if toks := textnorm.Tokens(d.Text); len(toks) > 0 && rng.Intn(4) > 0 {
				samples = append(samples, toks)
			} else if toks := textnorm.Tokens(d.Title); len(toks) > 0 {
				samples = append(samples, toks)
			}
		}
	}
	for len(qs) < 260 {
		toks := samples[rng.Intn(len(samples))]
		k := 1 + rng.Intn(4)
		s := rng.Intn(len(toks))
		if s+k > len(toks) {
			k = len(toks) - s
		}
		qs = append(qs, `"`+strings.Join(toks[s:s+k], " ")+`"`)
	}
	qs = append(qs,
		// prefix (last slot: exact in SQL; earlier: finished in Go)
		"prosper*", "develop*", "中*", "xi jin*", "common prosper*", "the develop* of", "co* prosperity", "a*",
		// NEAR
		"xi NEAR/3 jinping", "common NEAR/5 prosperity", "人民 NEAR/2 群众", "a NEAR/1 a", "xi* NEAR/3 中国", "中国 NEAR/10 发展",
		// regular expressions
		"/人民(群众|币)/", "/develop(ment|ed)/", "/xi jinping/", `/\d{4}年/`, "/a a/", "/好好/",
		// boolean and fields
		"中国 AND 人民", "中国 OR china", "中国 AND NOT 人民", "NOT 中国", "-人民 中国", "(xi OR 习近平) AND NOT source:\"Xinhua (news.cn)\"",
		"lang:zh", "lang:EN AND development", `source:"people's daily online (xinhua)"`, "NOT lang:zh", "title:习近平", `title:"xi jinping"`,
		"xi NEAR/3 jinping OR 共同富裕", "NOT (xi NEAR/3 jinping)", "中国 AND NOT /人民/", "(common prosperity OR 共同富裕) AND lang:en",
		"title:好好 OR a a", `meta.page:1`, `meta.pro'v:"X\"`, "prosper* AND NOT lang:zh", "(中国 OR 人民) AND (发展 OR 改革)",
		// hostile
		`"it's"`, `"a\b"`, `source:"O'Brien\'; DROP TABLE docs; --"`, `"100% _x_"`, "%", "_", "\x00abc", "line1\nline2",
		`source:"`+"\x00"+`"`, `lang:"z'h"`, `"back\slash"`, `/it's/`, `/\\/`, `/%/`, "'; DROP TABLE tifa_test.docs; --", `"\'"`, `title:"100%"`,
	)
	return qs
}

package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/clickhouse"
	"github.com/tifa-project/tifa/internal/clickhouse/chtest"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
	"github.com/tifa-project/tifa/internal/web"
)

// TestCLI_Engine runs the reading commands and the API with --engine on a
// two-shard ClickHouse cluster and on the embedded index, both ingested
// from examples/ by tifa ingest: the outputs must be identical. It also
// checks the errors users meet. (internal/clickhouse compares a few
// hundred queries on real corpora; this test covers the command line.)
func TestCLI_Engine(t *testing.T) {
	servers := chtest.Start(t, 2)
	eng := fmt.Sprintf("clickhouse://%s:%s@%s,%s/cli?cluster=%s&batch=30&http_port=%d", chtest.User, chtest.Password,
		servers[0].TCPAddr, servers[1].TCPAddr, chtest.Cluster, servers[0].HTTPPort)
	idx := filepath.Join(t.TempDir(), "idx")
	run(t, exitRejected, "ingest", "-q", "--engine", eng, examples) // examples/bad.jsonl: exit 3 on either engine
	run(t, exitRejected, "ingest", "-q", "--index", idx, examples)
	run(t, exitRejected, "ingest", "-q", "--engine", eng, examples) // again: every id replaced by itself

	same := func(args ...string) {
		t.Helper()
		want := run(t, 0, append(args, "--index", idx)...)
		got := run(t, 0, append(args, "--engine", eng)...)
		w, g := want.stdout, got.stdout
		if args[0] == "stats" {
			w, g = dropSize(t, w), dropSize(t, g)
		}
		if w != g {
			t.Errorf("tifa %s: outputs differ\nembedded:\n%s\nclickhouse:\n%s", strings.Join(args, " "), clipText(w), clipText(g))
		}
	}
	for _, q := range []string{"共同富裕", `"common prosperity"`, "动态清零 OR dynamic clearing", "prosper*", "双 NEAR/3 碳", "/动态(清零|管理)/", "common AND NOT title:prosperity"} {
		same("trend", q, "--json", "--by", "quarter")
		same("search", q, "--json", "--limit", "5")
		same("search", q, "--sort", "relevance", "--from", "2021-01-01", "--json")
		same("kwic", q, "--json", "--limit", "10", "--width", "20")
		same("kwic", q) // the table people read
	}
	same("trend", "共同富裕", "common prosperity", "--csv")
	same("stats", "--json")
	same("stats", "--json", "--from", "2022-01-01", "--to", "2022-12-31")

	// The API and page, served from the engine.
	cfg, err := clickhouse.ParseURL(eng)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := clickhouse.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	local := servertest.Start(t, idx, server.Config{})
	remote := servertest.Start(t, "", server.Config{Searcher: ch, Assets: web.Assets()})
	for _, path := range []string{
		"/api/trend?q=" + url.QueryEscape("共同富裕") + "&q=" + url.QueryEscape("common prosperity") + "&by=year",
		"/api/search?q=" + url.QueryEscape("动态清零") + "&limit=3&sort=oldest",
		"/api/kwic?q=" + url.QueryEscape("dual carbon") + "&width=30",
		"/api/doc/ex-zh-2024-06-11?q=" + url.QueryEscape("动态清零"),
		"/api/search?q=" + url.QueryEscape("(共同富裕"),
	} {
		ws, _, wb := servertest.Get(t, local.URL+path)
		gs, _, gb := servertest.Get(t, remote.URL+path)
		if ws != gs || string(wb) != string(gb) {
			t.Errorf("GET %s: embedded %d %s\nclickhouse %d %s", path, ws, clipText(string(wb)), gs, clipText(string(gb)))
		}
	}
	if st, _, b := servertest.Get(t, remote.URL+"/api/lifecycle?q=x"); st != 501 || !strings.Contains(string(b), "embedded index") {
		t.Errorf("GET /api/lifecycle on the engine: %d %s, want 501 saying the analyses need the embedded index", st, b)
	}
	if st, _, b := servertest.Get(t, remote.URL+"/"); st != 200 || !strings.Contains(string(b), "<html") {
		t.Errorf("GET / on the engine: %d %s", st, clipText(string(b)))
	}

	// --strict: a bad record after good ones stores nothing of the run.
	strict := strings.Replace(eng, "/cli?", "/cli_strict?", 1)
	run(t, exitRejected, "ingest", "-q", "--strict", "--engine", strict, filepath.Join(examples, "corpus"), filepath.Join(examples, "bad.jsonl"))
	var st struct{ Docs int }
	decodeJSON(t, run(t, 0, "stats", "--json", "--engine", strict).stdout, &st)
	if st.Docs != 0 {
		t.Errorf("ingest --strict --engine stopped at a bad record but stored %d documents", st.Docs)
	}

	// Errors users meet.
	free := chtest.FreePorts(t, 1)[0]
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"trend", "x", "--engine", fmt.Sprintf("clickhouse://127.0.0.1:%d/cli", free)}, exitIndex, "server unreachable"},
		{[]string{"stats", "--engine", "clickhouse://tifa:wrong@" + servers[0].TCPAddr + "/cli?cluster=" + chtest.Cluster}, exitIndex, "authentication failed"},
		{[]string{"search", "x", "--engine", "clickhouse://" + servers[0].TCPAddr + "/nosuch"}, exitIndex, "tifa ingest --engine"},
		// The HTTP port in the address, as HTTP-only versions had it.
		{[]string{"search", "x", "--engine", "clickhouse://" + servers[0].HTTPAddr + "/cli"}, exitIndex, "http_port"},
		{[]string{"ingest", "-q", "--engine", fmt.Sprintf("clickhouse://%s/cli_nohttp?http_port=%d", servers[0].TCPAddr, free), examples}, exitIndex, "server unreachable"},
		{[]string{"search", "x", "--engine", "postgres://h/db"}, exitUsage, "bad engine address"},
		{[]string{"lifecycle", "x", "--engine", eng}, exitUsage, "not supported with --engine"},
		{[]string{"search", "(x", "--engine", eng}, exitUsage, "query error at column"},
	} {
		r := run(t, tc.code, tc.args...)
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("tifa %s: stderr %q, want it to say %q", strings.Join(tc.args, " "), r.stderr, tc.want)
		}
		if strings.Contains(r.stderr, chtest.Password) {
			t.Errorf("tifa %s: stderr shows the password: %q", strings.Join(tc.args, " "), r.stderr)
		}
	}
}

// dropSize removes the engine's own figures (bytes on disk, segments or
// parts) from stats --json.
func dropSize(t *testing.T, s string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, s)
	}
	delete(m, "index_bytes")
	delete(m, "segments")
	b, _ := json.Marshal(m)
	return string(b)
}

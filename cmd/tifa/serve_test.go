package main

import (
	"bufio"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/web"
)

// TestServe_SameAsCLI checks that the API answers, byte for byte, what
// `tifa … --json` prints for the same query and flags: English and
// Chinese, boolean, NEAR, prefix, regex, field filters, date and source
// filters, every bucket size.
func TestServe_SameAsCLI(t *testing.T) {
	idx := sharedIndex(t)
	snap, err := store.Open(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	ts := servertest.Start(t, idx, server.Config{Searcher: &query.Local{Snap: snap}, Assets: web.Assets()})
	for _, c := range []struct {
		cli []string
		api string
	}{
		{[]string{"trend", "共同富裕", "common prosperity", "--by", "year"},
			"/api/trend?q=共同富裕&q=common prosperity&by=year"},
		{[]string{"trend", "动态清零", "dynamic clearing"},
			"/api/trend?q=动态清零&q=dynamic clearing"},
		{[]string{"trend", `"dynamic clearing" OR 动态清零`, "--by", "quarter", "--from", "2021-01-01", "--to", "2023-06-30"},
			`/api/trend?q="dynamic clearing" OR 动态清零&by=quarter&from=2021-01-01&to=2023-06-30`},
		{[]string{"trend", "/dynamic (zero|clearing)/", "prosper*", "--by", "week", "--source", "Xinwen Lianbo (invented)", "--source", "新闻联播（虚构）"},
			"/api/trend?q=/dynamic (zero|clearing)/&q=prosper*&by=week&source=Xinwen Lianbo (invented)&source=新闻联播（虚构）"},
		{[]string{"trend", "carbon AND NOT title:carbon", "--by", "day", "--from", "2022-01-01", "--to", "2022-03-31"},
			"/api/trend?q=carbon AND NOT title:carbon&by=day&from=2022-01-01&to=2022-03-31"},
		{[]string{"search", "动态清零"},
			"/api/search?q=动态清零"},
		{[]string{"search", "common NEAR/3 prosperity", "--sort", "relevance", "--limit", "5", "--offset", "1"},
			"/api/search?q=common NEAR/3 prosperity&sort=relevance&limit=5&offset=1"},
		{[]string{"search", "共同富裕 OR (dual carbon AND lang:en)", "--sort", "oldest", "--limit", "50", "--to", "2022-12-31"},
			"/api/search?q=共同富裕 OR (dual carbon AND lang:en)&sort=oldest&limit=50&to=2022-12-31"},
		{[]string{"search", `meta.province:Heilongjiang -"common prosperity"`, "--limit", "3"},
			`/api/search?q=meta.province:Heilongjiang -"common prosperity"&limit=3`},
		{[]string{"kwic", "动态清零", "--width", "14", "--from", "2024-01-01"},
			"/api/kwic?q=动态清零&width=14&from=2024-01-01"},
		{[]string{"kwic", "prosper*", "--limit", "20", "--source", "Longjiang Daily (invented)"},
			"/api/kwic?q=prosper*&limit=20&source=Longjiang Daily (invented)"},
		{[]string{"kwic", "/common prosperit(y|ies)/", "--width", "30"},
			"/api/kwic?q=/common prosperit(y|ies)/&width=30"},
		{[]string{"stats"}, "/api/stats"},
		{[]string{"stats", "--from", "2022-01-01", "--source", "龙江日报（虚构）"},
			"/api/stats?from=2022-01-01&source=龙江日报（虚构）"},
	} {
		args := append(append([]string{}, c.cli...), "--index", idx, "--json")
		want := run(t, 0, args...).stdout
		u, err := url.Parse(c.api)
		if err != nil {
			t.Fatal(err)
		}
		u.RawQuery = u.Query().Encode()
		code, got := httpGet(t, ts.URL+u.String())
		if code != 200 || got != want {
			t.Errorf("tifa %s\n  and GET %s differ (status %d):\ncli: %s\napi: %s", strings.Join(c.cli, " "), c.api, code, clipText(want), clipText(got))
		}
	}
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	code, _, b := servertest.Get(t, u)
	return code, string(b)
}

// TestServe_Command runs `tifa serve` on a free loopback port, asks it
// for the page and the stats, and stops it with SIGTERM.
func TestServe_Command(t *testing.T) {
	idx := sharedIndex(t)
	cmd := exec.Command(tifaBin, "serve", "--index", idx, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v (stderr %s)", err, stderr.String())
	}
	m := regexp.MustCompile(`^tifa: serving 74 documents from .* on (http://127\.0\.0\.1:\d+/)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q", line)
	}
	base := strings.TrimSuffix(m[1], "/")
	if code, body := httpGet(t, base+"/"); code != 200 || !strings.Contains(body, "<title>tifa</title>") {
		t.Errorf("GET /: %d %.100s", code, body)
	}
	want := run(t, 0, "stats", "--index", idx, "--json").stdout
	if code, body := httpGet(t, base+"/api/stats"); code != 200 || body != want {
		t.Errorf("GET /api/stats: %d\n got %s\nwant %s", code, body, want)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("tifa serve after SIGTERM: %v (stderr %s)", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestServe_Errors(t *testing.T) {
	r := run(t, 2, "serve", "--index", filepath.Join(t.TempDir(), "none"), "--addr", "127.0.0.1:0")
	if !strings.Contains(r.stderr, "tifa:") {
		t.Errorf("no index: %s", r)
	}
	run(t, 1, "serve", "--index", sharedIndex(t), "--addr", "not an address")
	run(t, 1, "serve", "extra-argument")
}

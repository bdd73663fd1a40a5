package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The bad-input matrix: each case is an input users really meet, run
// through `tifa ingest` and the reading commands as a user would, with
// what they must see. doc/robustness.md lists the same cases.

// peakRSS runs tifa like tifa(), and also returns its peak resident
// memory in MiB.
func peakRSS(t *testing.T, args ...string) (result, int64) {
	t.Helper()
	cmd := exec.Command(tifaBin, args...)
	cmd.Dir = t.TempDir()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok && ee.Exited() {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("tifa %s: %v", strings.Join(args, " "), err)
	}
	return r, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10
}

// total returns the search total of q in idx.
func total(t *testing.T, idx, q string) int {
	t.Helper()
	r := run(t, 0, "search", "--index", idx, "--json", "--limit", "5", q)
	var s struct{ Total int }
	decodeJSON(t, r.stdout, &s)
	return s.Total
}

func jsonl(docs ...map[string]string) string {
	var b strings.Builder
	for _, d := range docs {
		j, _ := json.Marshal(d)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestBadInput_Matrix(t *testing.T) {
	if testing.Short() {
		t.Skip("bad-input matrix skipped in -short mode")
	}
	next := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	type check struct {
		query string
		total int
	}
	for _, tc := range []struct {
		name   string
		file   string
		data   func(t *testing.T, path string) // writes the input
		code   int
		stderr string // regexp the stderr must match ("" = anything)
		checks []check
		maxRSS int64 // MiB, 0 = not measured
	}{
		{"InvalidUTF8", "bad.jsonl", text("{\"id\":\"u1\",\"date\":\"2021-01-01\",\"text\":\"abc \xff\xfe def 共同富裕\"}\n"),
			0, `added 1`, []check{{"共同富裕", 1}, {"abc def", 1}}, 0}, // the bad bytes become one U+FFFD, which is no token
		{"BOM", "bom.jsonl", text("\uFEFF" + jsonl(map[string]string{"id": "b1", "date": "2021-01-01", "text": "byte order mark"})),
			0, `added 1`, []check{{"byte order mark", 1}}, 0},
		{"CRLF", "crlf.jsonl", text(strings.ReplaceAll(jsonl(
			map[string]string{"id": "c1", "date": "2021-01-01", "text": "line one\r\nline two"},
			map[string]string{"id": "c2", "date": "2021-01-02", "text": "windows line ends"}), "\n", "\r\n")),
			0, `added 2`, []check{{"line two", 1}, {"windows line ends", 1}}, 0},
		{"TruncatedJSONLine", "cut.jsonl", text(jsonl(map[string]string{"id": "t1", "date": "2021-01-01", "text": "kept"}) + `{"id":"t2","date":"2021-01-01","te`),
			3, `cut\.jsonl:2: invalid JSON: unexpected end of input`, []check{{"kept", 1}}, 0},
		{"MalformedJSON", "bad.jsonl", text(`{"id":"m1",}` + "\n" + `{"id":"m2" "text":"x"}` + "\n" + `[1,2]` + "\n" + jsonl(map[string]string{"id": "m3", "text": "good one"})),
			3, `bad\.jsonl:1: invalid JSON.*\n.*bad\.jsonl:2: invalid JSON.*\n.*bad\.jsonl:3: `, []check{{"good one", 1}}, 0},
		{"Line70KB", "long.jsonl", text(jsonl(map[string]string{"id": "l1", "date": "2021-01-01", "text": strings.Repeat("padding ", 70<<10/8) + "common prosperity"})),
			0, `added 1`, []check{{"common prosperity", 1}}, 0},
		{"Document100MB", "huge.jsonl", func(t *testing.T, path string) {
			f, err := os.Create(path)
			must(t, err)
			fmt.Fprint(f, `{"id":"h1","date":"2021-01-01","text":"`)
			chunk := bytes.Repeat([]byte("huge text "), 1<<16)
			for n := 0; n < 100<<20; n += len(chunk) {
				f.Write(chunk)
			}
			fmt.Fprint(f, "\"}\n"+jsonl(map[string]string{"id": "h2", "text": "after the huge one"}))
			must(t, f.Close())
		}, 3, `huge\.jsonl:1: record is 10\d{7} bytes, over the 32 MiB limit`, []check{{"after the huge one", 1}, {"huge text", 0}}, 400},
		{"EmptyDocuments", "empty.jsonl", text(jsonl(
			map[string]string{"id": "e1", "date": "2021-01-01", "text": ""},
			map[string]string{"id": "e2", "text": " \n\t\u3000 "},
			map[string]string{},
			map[string]string{"title": "   ", "text": "\n\n"})),
			// The last: no id, white space only: kept under a content id,
			// as internal/corpus's TestJSONL_Mixed wants.
			3, `empty\.jsonl:3: no id, title or text\nadded 3`, nil, 0},
		{"Dates", "dates.jsonl", text(jsonl(
			map[string]string{"id": "d1", "text": "no date at all"},
			map[string]string{"id": "d2", "date": "2021-13-45", "text": "invalid"},
			map[string]string{"id": "d3", "date": "1850-03-01", "text": "nineteenth century"},
			map[string]string{"id": "d4", "date": "1799-12-31", "text": "too old"},
			map[string]string{"id": "d5", "date": "2999-01-01", "text": "far future"},
			map[string]string{"id": "d6", "date": next, "text": "next month"},
			map[string]string{"id": "d7", "date": "yesterday", "text": "words"})),
			3, `dates\.jsonl:2: date "2021-13-45" is not a valid date.*\n.*dates\.jsonl:4: date "1799-12-31" is before 1800-01-01.*\n.*dates\.jsonl:5: date "2999-01-01" is more than a year in the future.*\n.*dates\.jsonl:7: date "yesterday" is not a valid date.*\nadded 3, replaced 0, unchanged 0, rejected 4, undated 1`,
			[]check{{"no date at all", 1}, {"nineteenth century", 1}, {"next month", 1}, {"too old", 0}, {"far future", 0}}, 0},
		{"DuplicateIDs", "dup.jsonl", text(jsonl(
			map[string]string{"id": "x1", "date": "2021-01-01", "text": "first version"},
			map[string]string{"id": "x1", "date": "2021-01-02", "text": "second version"},
			map[string]string{"id": "x1", "date": "2021-01-02", "text": "second version"})),
			0, `added 1, replaced 1, unchanged 1`, []check{{"first version", 0}, {"second version", 1}}, 0},
		{"GzipBomb", "bomb.jsonl.gz", func(t *testing.T, path string) {
			// 1 GiB of zeros on one line, in a 1 MB file: 1,024 gzip
			// members of 1 MiB each (members concatenate).
			member := gz(string(make([]byte, 1<<20)))
			all := bytes.Repeat(member, 1<<10)
			all = append(all, gz("\n"+jsonl(map[string]string{"id": "g1", "text": "after the bomb"}))...)
			must(t, os.WriteFile(path, all, 0o644))
		}, 3, `bomb\.jsonl\.gz:1: record is 1073741824 bytes, over the 32 MiB limit`, []check{{"after the bomb", 1}}, 400},
		{"TruncatedGzip", "cut.jsonl.gz", func(t *testing.T, path string) {
			var docs []map[string]string
			for i := range 2000 {
				docs = append(docs, map[string]string{"id": fmt.Sprint("z", i), "date": "2021-02-01", "text": fmt.Sprint("compressed line ", i, strings.Repeat(" filler", 20))})
			}
			z := gz(jsonl(docs...))
			must(t, os.WriteFile(path, z[:len(z)/2], 0o644))
		}, 3, `cut\.jsonl\.gz:\d+: cannot read to the end: gzip: unexpected EOF`, []check{{"compressed line 0", 1}}, 0},
		{"MultiMemberGzip", "multi.jsonl.gz", func(t *testing.T, path string) {
			a := gz(jsonl(map[string]string{"id": "mm1", "text": "first member"}))
			b := gz(jsonl(map[string]string{"id": "mm2", "text": "second member"}))
			must(t, os.WriteFile(path, append(a, b...), 0o644))
		}, 0, `added 2`, []check{{"first member", 1}, {"second member", 1}}, 0},
		{"HTMLScriptStyleComments", "page.html", text(`<!doctype html><html><head><title>Page title</title>` +
			`<meta name="date" content="2022-03-04"><style>.stylewordx{color:red}</style><script>var scriptwordx = "<b>";</script></head>` +
			`<body><!-- commentwordx --><p>Body words about <b>dynamic</b> clearing &amp; more.</p>` +
			`<script>document.write("scriptwordy")</script><noscript>noscriptwordx</noscript><template>templatewordx</template></body></html>`),
			0, `added 1`, []check{{"stylewordx", 0}, {"scriptwordx", 0}, {"scriptwordy", 0}, {"commentwordx", 0}, {"noscriptwordx", 0}, {"templatewordx", 0}, {`"dynamic clearing"`, 1}}, 0},
		{"Unicode", "uni.jsonl", text(jsonl(
			map[string]string{"id": "n1", "text": norm.NFC.String("café résumé")},
			map[string]string{"id": "n2", "text": norm.NFD.String("café résumé")},
			map[string]string{"id": "f1", "text": "ＣＯＶＩＤ－１９ and ｃｏｍｍｏｎ　ｐｒｏｓｐｅｒｉｔｙ"},
			map[string]string{"id": "z1", "text": "com\u200bmon prosperity 共\u200b同\u200d富\ufeff裕 soft\u00adhyphen"})),
			0, `added 4`, []check{
				{norm.NFC.String("café résumé"), 2}, {norm.NFD.String("café résumé"), 2},
				{"covid-19", 1}, {"ＣＯＶＩＤ", 1}, {"common prosperity", 1}, {"ｃｏｍｍｏｎ", 1},
				{"共同富裕", 1}, {"com mon", 1}, {"softhyphen", 0}, {"soft hyphen", 1},
			}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			tc.data(t, path)
			idx := filepath.Join(dir, "idx")
			r, rss := peakRSS(t, "ingest", "--index", idx, path)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r)
			}
			if !regexp.MustCompile(tc.stderr).MatchString(r.stderr) {
				t.Errorf("stderr does not match %q:\n%s", tc.stderr, r)
			}
			if tc.maxRSS > 0 && rss > tc.maxRSS {
				t.Errorf("peak memory %d MiB, cap %d MiB", rss, tc.maxRSS)
			}
			if len(r.stderr) > 4<<10 || !utf8.ValidString(r.stderr) {
				t.Errorf("stderr is %d bytes or not valid UTF-8", len(r.stderr))
			}
			for _, c := range tc.checks {
				if got := total(t, idx, c.query); got != c.total {
					t.Errorf("search %q: %d documents, want %d", c.query, got, c.total)
				}
			}
			if _, err := os.Stat(idx); err == nil {
				run(t, 0, "check", "--index", idx)
			}
			t.Logf("exit %d, %d MiB: %s", r.code, rss, strings.Join(strings.Split(strings.TrimSpace(r.stderr), "\n"), " | "))
		})
	}
}

func text(s string) func(t *testing.T, path string) {
	return func(t *testing.T, path string) { must(t, os.WriteFile(path, []byte(s), 0o644)) }
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBadInput_Queries: a query over the size limit, pathological and
// invalid regular expressions, and a one-character phrase over a whole
// real corpus (bounded memory, paginated).
func TestBadInput_Queries(t *testing.T) {
	if testing.Short() {
		t.Skip("bad-input queries skipped in -short mode")
	}
	idx := sharedIndex(t)
	t.Run("QueryOver4KiB", func(t *testing.T) {
		// 120 KiB: about the most one argument can carry (Linux caps one
		// at 128 KiB); the API refuses long URIs with 413, and
		// internal/server tests a 1 MB one.
		q := strings.Repeat("common ", 120<<10/7)
		r := run(t, 1, "search", "--index", idx, q)
		if !strings.Contains(r.stderr, "query longer than 4096 bytes") || len(r.stderr) > 1024 {
			t.Errorf("want a short error saying the limit, got %d bytes:\n%.500s", len(r.stderr), r.stderr)
		}
	})
	for _, re := range []string{`/(a|aa)*b/`, `/(x+x+)+y/`, `/(.*)*(.*)*(.*)*z/`, `/[\s\S]{0,1000}q[\s\S]{0,1000}/`} {
		t.Run("Regex"+re, func(t *testing.T) {
			start := time.Now()
			run(t, 0, "search", "--index", idx, "--timeout", "20s", "--json", re)
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	for _, re := range []string{`/a{1000}{1000}/`, `/(/`, `/a{100001}/`} {
		t.Run("BadRegex"+re, func(t *testing.T) {
			r := run(t, 1, "search", "--index", idx, re)
			if !strings.Contains(r.stderr, "regular expression") {
				t.Errorf("stderr: %s", r.stderr)
			}
		})
	}
	t.Run("OneCharacterPhrase", func(t *testing.T) {
		big := idx
		if path := filepath.Join(examples, "../../shared/corpora/cpcnews-zh/docs.jsonl.gz"); fileExists(path) {
			big = filepath.Join(t.TempDir(), "cpc")
			run(t, 0, "ingest", "--quiet", "--index", big, path)
		}
		r, rss := peakRSS(t, "kwic", "--index", big, "--json", "--limit", "100", "的")
		if r.code != 0 {
			t.Fatal(r)
		}
		var k struct {
			Total int
			Lines []json.RawMessage
		}
		decodeJSON(t, r.stdout, &k)
		if len(k.Lines) != min(100, k.Total) {
			t.Errorf("kwic: %d lines of %d", len(k.Lines), k.Total)
		}
		r2, rss2 := peakRSS(t, "search", "--index", big, "--json", "--limit", "20", "--offset", "20", "的")
		var s struct {
			Total int
			Hits  []json.RawMessage
		}
		decodeJSON(t, r2.stdout, &s)
		if len(s.Hits) != max(0, min(20, s.Total-20)) {
			t.Errorf("search page 2: %d hits of %d", len(s.Hits), s.Total)
		}
		r3, rss3 := peakRSS(t, "trend", "--index", big, "--json", "的")
		if r3.code != 0 {
			t.Fatal(r3)
		}
		t.Logf("的: %d hits in %d documents; peak memory kwic %d MiB, search %d MiB, trend %d MiB", k.Total, s.Total, rss, rss2, rss3)
		for _, m := range []int64{rss, rss2, rss3} {
			if m > 300 {
				t.Errorf("peak memory %d MiB, cap 300 MiB", m)
			}
		}
	})
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tifa-project/tifa/internal/store"
)

// The CLI tests build tifa once and run it as a subprocess, as users and
// their scripts do: exit statuses, stderr messages and the JSON and CSV
// shapes of SPEC §5.

var (
	tifaBin  string // the binary built by TestMain
	examples string // absolute path of the repository's examples/
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "tifa-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	tifaBin = filepath.Join(tmp, "tifa")
	build := exec.Command("go", "build", "-o", tifaBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "go build:", err)
		return 1
	}
	if examples, err = filepath.Abs("../../examples"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sharedDir = filepath.Join(tmp, "shared-index")
	return m.Run()
}

// result is one run of tifa.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, clipText(r.stdout), clipText(r.stderr))
}

func clipText(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// tifa runs the binary with args in a scratch directory, without
// $TIFA_INDEX, and returns what it printed and its exit status.
func tifa(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(tifaBin, args...)
	cmd.Dir = t.TempDir()
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "TIFA_INDEX=") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	default:
		t.Fatalf("tifa %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("tifa %s: exit %d, want %d\n%s", strings.Join(args, " "), r.code, code, r)
	}
}

// run runs tifa and requires exit status code.
func run(t *testing.T, code int, args ...string) result {
	t.Helper()
	r := tifa(t, args...)
	wantCode(t, r, code, args...)
	return r
}

var (
	sharedDir  string
	sharedOnce sync.Once
	sharedErr  error
)

// sharedIndex returns an index of examples/corpus shared by the tests that
// only read it.
func sharedIndex(t *testing.T) string {
	t.Helper()
	sharedOnce.Do(func() {
		out, err := exec.Command(tifaBin, "ingest", "--quiet", "--index", sharedDir, filepath.Join(examples, "corpus")).CombinedOutput()
		if err != nil {
			sharedErr = fmt.Errorf("ingest examples/corpus: %v\n%s", err, out)
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedDir
}

func TestCLI_Ingest(t *testing.T) {
	idx := filepath.Join(t.TempDir(), "idx")
	corpusDir := filepath.Join(examples, "corpus")
	r := run(t, 0, "ingest", "--index", idx, corpusDir)
	if !strings.Contains(r.stderr, "added 74") {
		t.Errorf("first ingest: summary on stderr does not say added 74:\n%s", r)
	}
	r = run(t, 0, "ingest", "--index", idx, corpusDir)
	if !strings.Contains(r.stderr, "added 0") || !strings.Contains(r.stderr, "unchanged 74") {
		t.Errorf("re-ingest: summary does not say added 0, unchanged 74:\n%s", r)
	}
	bad := filepath.Join(examples, "bad.jsonl")
	r = run(t, 3, "ingest", "--index", idx, bad)
	for _, want := range []string{"bad.jsonl:2:", "bad.jsonl:4:", "added 3", "rejected 2"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("ingest bad.jsonl: stderr lacks %q:\n%s", want, r)
		}
	}
	for _, line := range []string{"1", "3", "5"} {
		if strings.Contains(r.stderr, "bad.jsonl:"+line+":") {
			t.Errorf("ingest bad.jsonl: good line %s reported:\n%s", line, r)
		}
	}
	var st struct{ Docs int }
	decodeJSON(t, run(t, 0, "stats", "--index", idx, "--json").stdout, &st)
	if st.Docs != 77 {
		t.Errorf("stats: %d documents, want 74 + 3", st.Docs)
	}
	wantIDs(t, idx, []string{"bad-ok-1", "bad-ok-2", "bad-ok-3"}, []string{"bad-truncated", "bad-date"})
}

// wantIDs checks, in-process, which ids the committed index in dir holds.
func wantIDs(t *testing.T, dir string, present, absent []string) {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatalf("store.Open(%s): %v", dir, err)
	}
	defer s.Close()
	for _, id := range present {
		if _, _, ok := s.Find(id); !ok {
			t.Errorf("%s: id %s not found", dir, id)
		}
	}
	for _, id := range absent {
		if _, _, ok := s.Find(id); ok {
			t.Errorf("%s: id %s found, want absent", dir, id)
		}
	}
}

func TestCLI_IngestStrict(t *testing.T) {
	bad := filepath.Join(examples, "bad.jsonl")
	t.Run("FreshIndex", func(t *testing.T) {
		idx := filepath.Join(t.TempDir(), "idx")
		r := run(t, 3, "ingest", "--strict", "--index", idx, bad)
		if !strings.Contains(r.stderr, "bad.jsonl:2:") {
			t.Errorf("stderr does not name the first bad record:\n%s", r)
		}
		if strings.Contains(r.stderr, "bad.jsonl:4:") {
			t.Errorf("--strict read on past the first bad record:\n%s", r)
		}
		// Nothing committed: no manifest, no segment left behind, and the
		// reading commands say there is no index.
		if _, err := os.Stat(filepath.Join(idx, "MANIFEST")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("MANIFEST after --strict on a fresh index: %v", err)
		}
		if segs, _ := filepath.Glob(filepath.Join(idx, "*.seg*")); len(segs) != 0 {
			t.Errorf("segment files left after --strict: %v", segs)
		}
		r = run(t, 2, "stats", "--index", idx, "--json")
		if !strings.Contains(r.stderr, "no index") {
			t.Errorf("stats after --strict: stderr does not say no index:\n%s", r)
		}
	})
	t.Run("ExistingIndex", func(t *testing.T) {
		idx := filepath.Join(t.TempDir(), "idx")
		run(t, 0, "ingest", "--quiet", "--index", idx, filepath.Join(examples, "corpus"))
		run(t, 3, "ingest", "--strict", "--index", idx, bad)
		var st struct{ Docs int }
		decodeJSON(t, run(t, 0, "stats", "--index", idx, "--json").stdout, &st)
		if st.Docs != 74 {
			t.Errorf("stats after --strict: %d documents, want the 74 committed before", st.Docs)
		}
		wantIDs(t, idx, []string{"ex-en-undated"}, []string{"bad-ok-1", "bad-ok-2", "bad-ok-3"})
		run(t, 0, "check", "--index", idx)
	})
}

// decodeJSON decodes exactly one JSON document from s into v.
func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, clipText(s))
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("output is more than one JSON document\n%s", clipText(s))
	}
}

// kinds for shape checks.
const (
	str    = "string"
	num    = "number"
	obj    = "object"
	arr    = "array"
	strNil = "string or null"
)

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return str
	case json.Number:
		return num
	case map[string]any:
		return obj
	case []any:
		return arr
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// wantShape checks that m has each key of shape with a value of its kind.
func wantShape(t *testing.T, what string, m map[string]any, shape map[string]string) {
	t.Helper()
	for key, kind := range shape {
		v, ok := m[key]
		if !ok {
			t.Errorf("%s: no key %q in %v", what, key, keys(m))
			continue
		}
		got := kindOf(v)
		if got != kind && !(kind == strNil && (got == str || got == "null")) {
			t.Errorf("%s: %q is %s, want %s", what, key, got, kind)
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// items returns m[key] as a list of objects, failing when it is not one
// or is empty.
func items(t *testing.T, what string, m map[string]any, key string) []map[string]any {
	t.Helper()
	list, ok := m[key].([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("%s: %q is %v, want a non-empty array", what, key, m[key])
	}
	var out []map[string]any
	for i, x := range list {
		o, ok := x.(map[string]any)
		if !ok {
			t.Fatalf("%s: %s[%d] is %s, want an object", what, key, i, kindOf(x))
		}
		out = append(out, o)
	}
	return out
}

func TestCLI_JSON(t *testing.T) {
	idx := sharedIndex(t)
	t.Run("Trend", func(t *testing.T) {
		var m map[string]any
		decodeJSON(t, run(t, 0, "trend", "--index", idx, "--json", "common prosperity", "共同富裕").stdout, &m)
		wantShape(t, "trend", m, map[string]string{"by": str, "series": arr})
		if m["by"] != "month" {
			t.Errorf("trend by = %v, want month (the default)", m["by"])
		}
		series := items(t, "trend", m, "series")
		if len(series) != 2 {
			t.Fatalf("%d series, want one per query", len(series))
		}
		for i, s := range series {
			what := fmt.Sprintf("series[%d]", i)
			wantShape(t, what, s, map[string]string{"query": str, "first_seen": str, "last_seen": str, "hits": num, "docs": num, "buckets": arr})
			if s["query"] != []string{"common prosperity", "共同富裕"}[i] {
				t.Errorf("%s query = %v", what, s["query"])
			}
			var hits, docs int64
			for j, b := range items(t, what, s, "buckets") {
				wantShape(t, fmt.Sprintf("%s.buckets[%d]", what, j), b, map[string]string{"start": str, "hits": num, "docs": num, "total_docs": num, "total_tokens": num})
				h, _ := b["hits"].(json.Number).Int64()
				d, _ := b["docs"].(json.Number).Int64()
				hits += h
				docs += d
			}
			if sh, _ := s["hits"].(json.Number).Int64(); sh != hits || sh == 0 {
				t.Errorf("%s hits = %d, buckets add up to %d", what, sh, hits)
			}
			if sd, _ := s["docs"].(json.Number).Int64(); sd != docs {
				t.Errorf("%s docs = %d, buckets add up to %d", what, sd, docs)
			}
		}
	})
	t.Run("TrendNoHits", func(t *testing.T) {
		var m map[string]any
		decodeJSON(t, run(t, 0, "trend", "--index", idx, "--json", "zzzz-no-such-formulation").stdout, &m)
		s := items(t, "trend", m, "series")[0]
		wantShape(t, "series[0]", s, map[string]string{"query": str, "first_seen": "null", "last_seen": "null", "hits": num, "docs": num, "buckets": arr})
	})
	t.Run("Search", func(t *testing.T) {
		var m map[string]any
		decodeJSON(t, run(t, 0, "search", "--index", idx, "--json", "--limit", "3", "共同富裕").stdout, &m)
		wantShape(t, "search", m, map[string]string{"total": num, "hits": arr})
		hits := items(t, "search", m, "hits")
		if len(hits) != 3 {
			t.Errorf("%d hits with --limit 3", len(hits))
		}
		for i, h := range hits {
			wantShape(t, fmt.Sprintf("hits[%d]", i), h, map[string]string{"id": str, "date": str, "source": str, "title": str, "score": num, "snippet": str})
		}
		if total, _ := m["total"].(json.Number).Int64(); total <= 3 {
			t.Errorf("total = %d, want all matching documents (more than the 3 shown)", total)
		}
	})
	t.Run("KWIC", func(t *testing.T) {
		var m map[string]any
		decodeJSON(t, run(t, 0, "kwic", "--index", idx, "--json", "--limit", "4", "common prosperity").stdout, &m)
		wantShape(t, "kwic", m, map[string]string{"total": num, "lines": arr})
		lines := items(t, "kwic", m, "lines")
		if len(lines) != 4 {
			t.Errorf("%d lines with --limit 4", len(lines))
		}
		for i, l := range lines {
			wantShape(t, fmt.Sprintf("lines[%d]", i), l, map[string]string{"id": str, "date": str, "source": str, "left": str, "match": str, "right": str})
			if !strings.EqualFold(l["match"].(string), "common prosperity") {
				t.Errorf("lines[%d].match = %q", i, l["match"])
			}
		}
	})
	t.Run("NoTotal", func(t *testing.T) {
		// --no-total gives the same page, and a total that is exact or
		// says it is a lower bound.
		for _, args := range [][]string{{"search", "--index", idx, "--json", "--limit", "3", "共同富裕"}, {"kwic", "--index", idx, "--json", "--limit", "4", "common prosperity"}} {
			var all, first map[string]any
			decodeJSON(t, run(t, 0, args...).stdout, &all)
			decodeJSON(t, run(t, 0, append(args, "--no-total")...).stdout, &first)
			page := map[string]string{"search": "hits", "kwic": "lines"}[args[0]]
			if !reflect.DeepEqual(all[page], first[page]) {
				t.Errorf("%s --no-total: %s %v, without %v", args[0], page, first[page], all[page])
			}
			n, _ := first["total"].(json.Number).Int64()
			want, _ := all["total"].(json.Number).Int64()
			if atLeast := first["total_at_least"] == true; atLeast && (n > want || n < int64(len(first[page].([]any)))) || !atLeast && n != want {
				t.Errorf("%s --no-total: total %d (at least: %v), exact %d", args[0], n, first["total_at_least"], want)
			}
		}
		out := run(t, 0, "search", "--index", idx, "--limit", "1", "--no-total", "共同富裕").stdout
		if !strings.HasPrefix(out, "at least ") {
			t.Errorf("search --no-total stopped early but says %q", strings.SplitN(out, "\n", 2)[0])
		}
	})
	t.Run("Stats", func(t *testing.T) {
		var m map[string]any
		decodeJSON(t, run(t, 0, "stats", "--index", idx, "--json").stdout, &m)
		wantShape(t, "stats", m, map[string]string{"docs": num, "undated": num, "sources": obj, "first_date": str, "last_date": str, "tokens": num, "index_bytes": num})
		if m["docs"] != json.Number("74") || m["undated"] != json.Number("2") {
			t.Errorf("stats docs %v undated %v, want 74 and 2", m["docs"], m["undated"])
		}
		var sum int64
		for name, v := range m["sources"].(map[string]any) {
			n, err := v.(json.Number).Int64()
			if err != nil {
				t.Errorf("sources[%q] = %v, want a count", name, v)
			}
			sum += n
		}
		if sum != 74 {
			t.Errorf("sources add up to %d, want 74", sum)
		}
		if m["first_date"] != "2020-06-12" || m["last_date"] != "2024-06-11" {
			t.Errorf("dates %v … %v", m["first_date"], m["last_date"])
		}
	})
}

func TestCLI_CSV(t *testing.T) {
	idx := sharedIndex(t)
	for _, tc := range []struct {
		name   string
		args   []string
		header []string
	}{
		{"Trend", []string{"trend", "common prosperity", "共同富裕", "--by", "year"}, []string{"query", "start", "hits", "docs", "total_docs", "total_tokens"}},
		{"Search", []string{"search", `"dynamic clearing"`}, []string{"id", "date", "source", "title", "score", "hits", "snippet"}},
		{"KWIC", []string{"kwic", "共同富裕"}, []string{"id", "date", "source", "left", "match", "right"}},
		{"Stats", []string{"stats"}, []string{"source", "docs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(slices.Clone(tc.args), "--index", idx, "--csv")
			r := run(t, 0, args...)
			rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
			if err != nil {
				t.Fatalf("output does not parse as CSV: %v\n%s", err, r)
			}
			if len(rows) < 2 {
				t.Fatalf("%d rows, want a header and data\n%s", len(rows), r)
			}
			if !slices.Equal(rows[0], tc.header) {
				t.Errorf("header %q, want %q", rows[0], tc.header)
			}
		})
	}
	// A multi-line field stays one CSV record: hl-003 has two paragraphs.
	r := run(t, 0, "kwic", "--index", idx, "--csv", "--width", "500", "dynamic clearing")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	decodeJSON(t, run(t, 0, "kwic", "--index", idx, "--json", "--width", "500", "dynamic clearing").stdout, &j)
	if lines := items(t, "kwic", j, "lines"); len(rows) != len(lines)+1 {
		t.Errorf("kwic --csv has %d records, --json %d lines", len(rows)-1, len(lines))
	}
}

func TestCLI_Errors(t *testing.T) {
	idx := sharedIndex(t)
	missing := filepath.Join(t.TempDir(), "no-index-here")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // regexp
	}{
		{"BadQuery", []string{"search", "(a"}, 1, `column \d+`},
		{"BadQueryTrend", []string{"trend", "fine", "a AND"}, 1, `column \d+`},
		{"BadQueryKWIC", []string{"kwic", `"unclosed`}, 1, `column \d+`},
		{"JSONAndCSV", []string{"stats", "--json", "--csv"}, 1, `--json`},
		{"UnknownFlag", []string{"search", "--no-such-flag", "x"}, 1, `no-such-flag`},
		{"NoQuery", []string{"search"}, 1, `query`},
		{"BadDate", []string{"trend", "x", "--from", "2022-13-01"}, 1, `2022-13-01`},
		{"MissingIndexSearch", []string{"search", "x", "--index", missing}, 2, `no index`},
		{"MissingIndexTrend", []string{"trend", "x", "--index", missing}, 2, `no index`},
		{"MissingIndexKWIC", []string{"kwic", "x", "--index", missing}, 2, `no index`},
		{"MissingIndexStats", []string{"stats", "--index", missing}, 2, `no index`},
		{"MissingIndexCheck", []string{"check", "--index", missing}, 2, `no index`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--index", idx}, tc.args...)
			r := run(t, tc.code, args...)
			if !regexp.MustCompile(tc.stderr).MatchString(r.stderr) {
				t.Errorf("stderr does not match %q:\n%s", tc.stderr, r)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty on error:\n%s", r)
			}
		})
	}
	t.Run("MissingIndexIsNotCreated", func(t *testing.T) {
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a reading command created %s: %v", missing, err)
		}
	})
}

// phraseCounts returns the search total and the trend hits and documents
// of q, or the failed run.
func phraseCounts(t *testing.T, idx, q string) (string, *result) {
	t.Helper()
	rs := tifa(t, "search", "--index", idx, "--json", "--limit", "1000", q)
	if rs.code != 0 {
		return "", &rs
	}
	rt := tifa(t, "trend", "--index", idx, "--json", q)
	if rt.code != 0 {
		return "", &rt
	}
	var s struct {
		Total int
		Hits  []struct {
			ID   string
			Hits int
		}
	}
	var tr struct {
		Series []struct {
			Hits, Docs int
			Buckets    []struct{ Hits, Docs int }
		}
	}
	decodeJSON(t, rs.stdout, &s)
	decodeJSON(t, rt.stdout, &tr)
	return fmt.Sprintf("search %+v trend %+v", s, tr), nil
}

func TestCLI_CheckCorrupt(t *testing.T) {
	src := sharedIndex(t)
	idx := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	var seg string
	var segSize int
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(idx, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(e.Name(), ".seg") && len(b) > segSize {
			seg, segSize = e.Name(), len(b)
		}
	}
	if seg == "" {
		t.Fatal("no segment in the index")
	}
	r := run(t, 0, "check", "--index", idx)
	if !strings.HasPrefix(r.stdout, "ok") {
		t.Errorf("check of a good index:\n%s", r)
	}
	phrases := []string{"common prosperity", "共同富裕", `"dynamic clearing"`}
	before := map[string]string{}
	for _, q := range phrases {
		c, fail := phraseCounts(t, idx, q)
		if fail != nil {
			t.Fatalf("%s on the good index:\n%s", q, fail)
		}
		before[q] = c
	}
	for _, off := range []int{segSize / 2, segSize/2 + 1, segSize / 3, 2 * segSize / 3} {
		t.Run(fmt.Sprint("Byte", off), func(t *testing.T) {
			path := filepath.Join(idx, seg)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b[off] ^= 0x5A
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			defer func() {
				b[off] ^= 0x5A
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}()
			r := run(t, 2, "check", "--index", idx)
			if !strings.Contains(r.stderr, seg) {
				t.Errorf("check stderr does not name %s:\n%s", seg, r)
			}
			for _, q := range phrases {
				c, fail := phraseCounts(t, idx, q)
				switch {
				case fail != nil && fail.code != 2:
					t.Errorf("%s on the damaged index: exit %d, want 2 or the same counts\n%s", q, fail.code, fail)
				case fail != nil && !strings.Contains(fail.stderr, seg):
					t.Errorf("%s on the damaged index: stderr does not name %s\n%s", q, seg, fail)
				case fail == nil && c != before[q]:
					t.Errorf("%s on the damaged index: counts changed\nbefore %s\nafter  %s", q, before[q], c)
				}
			}
		})
	}
	run(t, 0, "check", "--index", idx)
}

func TestCLI_HelpHasExamples(t *testing.T) {
	r := run(t, 0, "--help")
	if !strings.Contains(r.stdout, "Example") {
		t.Errorf("tifa --help has no examples:\n%s", r)
	}
	_, list, ok := strings.Cut(r.stdout, "Available Commands:")
	if !ok {
		t.Fatalf("tifa --help lists no commands:\n%s", r)
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimLeft(list, "\n"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			break
		}
		if f[0] == "help" || f[0] == "completion" { // cobra's own
			continue
		}
		cmds = append(cmds, f[0])
	}
	for _, want := range []string{"ingest", "search", "trend", "kwic", "stats", "check"} {
		if !slices.Contains(cmds, want) {
			t.Errorf("tifa --help does not list %s (lists %v)", want, cmds)
		}
	}
	for _, c := range cmds {
		t.Run(c, func(t *testing.T) {
			r := run(t, 0, c, "--help")
			_, ex, ok := strings.Cut(r.stdout, "Example")
			if !ok || !strings.Contains(ex, "tifa "+c) {
				t.Errorf("tifa %s --help has no example of tifa %s:\n%s", c, c, r)
			}
		})
	}
}

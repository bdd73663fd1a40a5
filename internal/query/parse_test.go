package query

import (
	"errors"
	"flag"
	"fmt"

	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of testdata/*.txt")

// A data-driven test file is a run of cases, each
//
//	command [key=value …]
//	input lines (zero or more)
//	----
//	expected output lines
//
// separated by blank lines; lines starting with # between cases are
// comments. The input is the lines between the command and "----" joined
// with "\n" (no lines: the empty string).
type ddCase struct {
	line  int // of the command
	cmd   string
	args  map[string]string
	input string
	want  string
	// for rewriting
	head []string // comment lines, command and input lines
}

func readCases(t *testing.T, path string) []ddCase {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	var out []ddCase
	var comments []string
	for i := 0; i < len(lines); {
		l := lines[i]
		if l == "" || strings.HasPrefix(l, "#") {
			if l != "" || len(comments) > 0 {
				comments = append(comments, l)
			}
			i++
			continue
		}
		c := ddCase{line: i + 1, args: map[string]string{}}
		c.head = append(comments, l)
		comments = nil
		f := strings.Fields(l)
		c.cmd = f[0]
		for _, a := range f[1:] {
			k, v, _ := strings.Cut(a, "=")
			c.args[k] = v
		}
		i++
		var in []string
		for i < len(lines) && lines[i] != "----" {
			in = append(in, lines[i])
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: case without ----", path, c.line)
		}
		i++ // ----
		c.head = append(c.head, in...)
		c.input = strings.Join(in, "\n")
		var want []string
		for i < len(lines) && lines[i] != "" {
			want = append(want, lines[i])
			i++
		}
		c.want = strings.Join(want, "\n")
		out = append(out, c)
	}
	return out
}

// runCases runs every case of the file at path through run and compares
// its output; with -update it rewrites the file with the outputs instead.
func runCases(t *testing.T, path string, run func(t *testing.T, c *ddCase) string) {
	cases := readCases(t, path)
	var b strings.Builder
	for i := range cases {
		c := &cases[i]
		got := strings.TrimRight(run(t, c), "\n")
		if *update {
			if i > 0 {
				b.WriteString("\n")
			}
			for _, h := range c.head {
				b.WriteString(h + "\n")
			}
			b.WriteString("----\n" + got + "\n")
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s:%d: %s %q (-want +got):\n%s", path, c.line, c.cmd, c.input, diff)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestParse_Cases runs testdata/parse.txt. Commands:
//
//	parse [repeat=N] [around=S] [nest=N] [not=N]
//
// parses the input (repeated N times, then put between two S, then
// wrapped in N pairs of parentheses, then preceded by N "NOT ") and prints Node.String() of the
// tree or "error: " and the error.
func TestParse_Cases(t *testing.T) {
	runCases(t, "testdata/parse.txt", func(t *testing.T, c *ddCase) string {
		if c.cmd != "parse" {
			t.Fatalf("testdata/parse.txt:%d: unknown command %q", c.line, c.cmd)
		}
		q := c.input
		num := func(k string) int {
			v, ok := c.args[k]
			if !ok {
				return 0
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("testdata/parse.txt:%d: %s=%q", c.line, k, v)
			}
			return n
		}
		if n := num("repeat"); n > 0 {
			q = strings.Repeat(q, n)
		}
		if a, ok := c.args["around"]; ok {
			q = a + q + a
		}
		if n := num("nest"); n > 0 {
			q = strings.Repeat("(", n) + q + strings.Repeat(")", n)
		}
		if n := num("not"); n > 0 {
			q = strings.Repeat("NOT ", n) + q
		}
		n, err := Parse(q)
		if err != nil {
			checkParseError(t, c.line, q, err)
			return "error: " + err.Error()
		}
		s := n.String()
		if err := checkRoundTrip(n); err != nil {
			t.Errorf("testdata/parse.txt:%d: %v", c.line, err)
		}
		if _, ok := c.args["short"]; ok {
			if r := []rune(s); len(r) > 60 {
				s = fmt.Sprintf("%s… (%d bytes)", string(r[:60]), len(s))
			}
		}
		return s
	})
}

// checkRoundTrip checks that the printed form of n is a query too, and
// means the same: it parses to a tree that prints the same. The printed
// form spells out every AND and parenthesis and puts spaces between
// ideographs, so it may pass the length or nesting limit where the query
// did not; that is no error.
func checkRoundTrip(n Node) error {
	s := n.String()
	n2, err := Parse(s)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && (strings.HasPrefix(pe.Msg, "query longer than") || pe.Msg == "query nested too deeply") {
			return nil
		}
		return fmt.Errorf("String() %q does not parse: %v", s, err)
	}
	// Up to NFC: see FuzzTokens in internal/textnorm.
	if s2 := n2.String(); norm.NFC.String(s2) != norm.NFC.String(s) {
		return fmt.Errorf("String() %q re-parses as %q", s, s2)
	}
	return nil
}

// checkParseError checks that err is a *ParseError whose column lies in
// the query (or just after it).
func checkParseError(t *testing.T, line int, q string, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("testdata/parse.txt:%d: error %v is a %T, not *ParseError", line, err, err)
		return
	}
	if n := utf8.RuneCountInString(q); pe.Col < 1 || pe.Col > n+1 {
		t.Errorf("testdata/parse.txt:%d: column %d outside 1…%d", line, pe.Col, n+1)
	}
	if pe.Query != q {
		t.Errorf("testdata/parse.txt:%d: ParseError.Query = %q, want the query", line, pe.Query)
	}
}

// TestParse_ErrorColumn checks, for errors whose culprit is known, that
// the column names that character.
func TestParse_ErrorColumn(t *testing.T) {
	for _, tc := range []struct {
		q   string
		at  string // the text the column must point at
		nth int    // which occurrence of at (0 = first)
	}{
		{q: "a AND", at: "", nth: -1}, // end of query
		{q: "(共同富裕", at: "", nth: -1},
		{q: "共同富裕)", at: ")"},
		{q: "“共同富裕", at: "“"},
		{q: "a NEAR b", at: "NEAR"},
		{q: "a NEAR/0 b", at: "NEAR/0"},
		{q: "a NEAR/5 b NEAR/5 c", at: "NEAR/5", nth: 1},
		{q: "(a OR b) NEAR/5 c", at: "("},
		{q: "a NEAR/5 /x+/", at: "/x+/"},
		{q: "动态 /(/", at: "/(/"},
		{q: "title:", at: "", nth: -1},
		{q: "source: 新闻联播", at: " "},
		{q: "lang:(zh)", at: "("},
	} {
		_, err := Parse(tc.q)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error = %v, want a *ParseError", tc.q, err)
			continue
		}
		var want int
		if tc.nth < 0 {
			want = utf8.RuneCountInString(tc.q) + 1
		} else {
			off := 0
			for k := 0; ; k++ {
				j := strings.Index(tc.q[off:], tc.at)
				if j < 0 {
					t.Fatalf("%q: no occurrence %d of %q", tc.q, tc.nth, tc.at)
				}
				if k == tc.nth {
					off += j
					break
				}
				off += j + len(tc.at)
			}
			want = utf8.RuneCountInString(tc.q[:off]) + 1
		}
		if pe.Col != want {
			t.Errorf("Parse(%q): column %d (%s), want %d", tc.q, pe.Col, pe.Msg, want)
		}
	}
}

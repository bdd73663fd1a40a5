package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// refToks is the reference reading of a field for n-grams: textnorm's
// tokens, a kind each, and joins decided from the text between two
// tokens as tokens.go says (nothing between two CJK characters; only
// white space, hyphens and apostrophes between two words).
func refToks(s string) []tok {
	toks, _ := refSpans(s)
	return toks
}

// refSpans is refToks with the tokens' spans.
func refSpans(s string) ([]tok, []span) {
	toks, spans := textnorm.Spans(s)
	out := make([]tok, len(toks))
	sp := make([]span, len(toks))
	for i, t := range toks {
		kind := uint8(kindWord)
		if r, size := utf8.DecodeRuneInString(t); size == len(t) && textnorm.IsIdeo(r) {
			kind = kindCJK
		}
		out[i] = tok{kind: kind}
		sp[i] = span{int32(spans[i].Start), int32(spans[i].End)}
		if i == 0 || out[i-1].kind != kind {
			continue
		}
		between := ""
		if a, b := spans[i-1].End, spans[i].Start; b > a {
			between = s[a:b]
		}
		if kind == kindCJK {
			out[i].join = between == ""
		} else {
			out[i].join = strings.Trim(between, " \t\n\r\v\f\u00a0\u0085\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000-'\u2010\u2011\u2019\uff0d") == ""
		}
	}
	return out, sp
}

// scanned reads s with a fresh scanner and returns its tokens as text
// with the same fields as refToks.
func scanned(s string) ([]string, []tok, []span) {
	sc := &scanner{v: newVocab(), add: true, withSpans: true}
	toks := slices.Clone(sc.field(s))
	strs := make([]string, len(toks))
	for i, t := range toks {
		strs[i] = sc.v.strs[t.id]
		toks[i].id = 0
	}
	return strs, toks, slices.Clone(sc.spans)
}

func checkScan(t *testing.T, s string) bool {
	t.Helper()
	strs, got, gotSpans := scanned(s)
	want, wantSpans := refSpans(s)
	if !slices.Equal(strs, textnorm.Tokens(s)) || !slices.Equal(got, want) || !slices.Equal(gotSpans, wantSpans) {
		t.Errorf("scanner differs from the reference on %q:\n got %q %v %v\nwant %q %v %v", clipString(s), strs, got, gotSpans, textnorm.Tokens(s), want, wantSpans)
		return false
	}
	// Without spans, the same tokens.
	sc := &scanner{v: newVocab(), add: true}
	if n := len(sc.field(s)); n != len(got) || len(sc.spans) != 0 {
		t.Errorf("without spans, %d tokens and %d spans on %q", n, len(sc.spans), clipString(s))
	}
	return true
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func clipString(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func TestScanner_Cases(t *testing.T) {
	for _, s := range []string{
		"", "   ", "碳达峰碳中和", "碳达峰，碳中和", "碳达峰 碳中和", "Xi Jinping’s “dual-carbon” goals.",
		"growth. The economy", "COVID-19疫情", "5G网络", "共同富裕“扎实推动”", "ＡＢＣ１２３ Straße", "℃和Ⅲ期",
		"〇一二", "a\u0301b c", "中\u0301国", "，\u0301", "R&D spending", "dual - carbon", "it's  don't",
		"２０２２年", "㍿会社", "ﬁnance ﬁrst", "a\u00a0b", "中\u3000国", "中··国", "x…y", "emoji😀中", "𠮷野家",
		"tab\tnew\nline", "好好好", "It was THE Best-of TIMES",
	} {
		checkScan(t, s)
	}
}

// TestFastSep_Separators checks that each fastSep character is only a
// separator to textnorm, next to words and to CJK characters.
func TestFastSep_Separators(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if !fastSep(r) {
			continue
		}
		c := string(r)
		for _, s := range []string{c, "a" + c + "b", "中" + c + "国", c + "a", "a" + c, "中" + c, c + "国"} {
			if got, want := textnorm.Tokens(s), strings.Fields(strings.ReplaceAll(s, c, " ")); !reflect.DeepEqual(nonNil(got), nonNil(splitIdeo(want))) {
				t.Errorf("%U %q: textnorm reads %q as %q, want %q", r, c, s, got, want)
			}
		}
	}
}

// splitIdeo splits words into single CJK characters, as textnorm does.
func splitIdeo(ws []string) []string {
	var out []string
	for _, w := range ws {
		for _, r := range w {
			out = append(out, string(r))
		}
	}
	return out
}

// TestScanner_Corpora compares the scanner with the reference on every
// title and text of the shared corpora (the first 1,000 documents of
// each).
func TestScanner_Corpora(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(sharedCorpora, "*", "docs.jsonl.gz"))
	if len(paths) == 0 {
		t.Skipf("no corpora at %s", sharedCorpora)
	}
	if testing.Short() {
		t.Skip("reads every corpus")
	}
	for _, path := range paths {
		fields, bad := 0, 0
		errStop := fmt.Errorf("enough")
		err := corpus.Walk(context.Background(), []string{path}, corpus.Options{}, func(r corpus.Record) error {
			if r.Err != nil {
				return nil
			}
			for _, f := range []string{r.Doc.Title, r.Doc.Text} {
				fields++
				if !checkScan(t, f) {
					if bad++; bad > 3 {
						return errStop
					}
				}
			}
			if fields >= 2000 {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			t.Fatal(err)
		}
		t.Logf("%s: %d fields", filepath.Base(filepath.Dir(path)), fields)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range []string{"碳达峰，碳中和", "Xi Jinping’s “dual-carbon”", "a\u0301b", "ＡＢＣ", "中\u3000国", "x…y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		checkScan(t, s)
	})
}

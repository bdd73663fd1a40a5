package query

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/reftest"
	"github.com/tifa-project/tifa/internal/store"
)

// sharedCorpora is ../shared/corpora seen from this package.
const sharedCorpora = "../../../shared/corpora"

// refDoc is one document as the brute-force reference sees it.
type refDoc struct {
	date        string
	title, text []uint32 // interned tokens
}

type refCorpus struct {
	docs   []refDoc
	intern map[string]uint32
}

func (rc *refCorpus) ids(toks []string, add bool) ([]uint32, bool) {
	out := make([]uint32, len(toks))
	for i, t := range toks {
		id, ok := rc.intern[t]
		if !ok {
			if !add {
				return nil, false
			}
			id = uint32(len(rc.intern))
			rc.intern[t] = id
		}
		out[i] = id
	}
	return out, true
}

// count returns hits and matching docs per month ("YYYY-MM"; "" for
// undated) of a phrase.
func (rc *refCorpus) count(phrase string) (hits, docs map[string]int, totalDocs int) {
	hits, docs = map[string]int{}, map[string]int{}
	needle, ok := rc.ids(reftest.Tokens(phrase), false)
	if !ok || len(needle) == 0 {
		return
	}
	for _, d := range rc.docs {
		n := reftest.Count(d.title, needle) + reftest.Count(d.text, needle)
		if n == 0 {
			continue
		}
		m := ""
		if len(d.date) >= 7 {
			m = d.date[:7]
		}
		hits[m] += n
		docs[m]++
		totalDocs++
	}
	return
}

// TestCorpora_Differential ingests every corpus of ../shared/corpora and
// compares monthly trend hits and docs, and search totals, of at least 200
// phrases per corpus with a brute-force scan written from SPEC §2.
func TestCorpora_Differential(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(sharedCorpora, "*", "docs.jsonl.gz"))
	if len(dirs) == 0 {
		t.Skipf("no corpora at %s (the differential test needs ../shared beside the repository)", sharedCorpora)
	}
	for _, path := range dirs {
		name := filepath.Base(filepath.Dir(path))
		t.Run(name, func(t *testing.T) {
			testCorpus(t, path)
		})
	}
}

func testCorpus(t *testing.T, path string) {
	dir := t.TempDir()
	// Small segments, so that queries cross several segments and merging runs.
	w, err := store.OpenWriter(dir, store.Options{SegmentBytes: 24 << 20, AutoCommit: true})
	if err != nil {
		t.Fatal(err)
	}
	rc := &refCorpus{intern: map[string]uint32{}}
	var samples [][]string // token lists to draw phrases from
	rng := rand.New(rand.NewSource(42))
	err = corpus.Walk(context.Background(), []string{path}, corpus.Options{}, func(r corpus.Record) error {
		if r.Err != nil {
			return fmt.Errorf("%s:%d: %v", r.File, r.Line, r.Err)
		}
		if _, err := w.Add(r.Doc); err != nil {
			return err
		}
		tt, tx := reftest.Tokens(r.Doc.Title), reftest.Tokens(r.Doc.Text)
		ti, _ := rc.ids(tt, true)
		xi, _ := rc.ids(tx, true)
		rc.docs = append(rc.docs, refDoc{date: r.Doc.Date, title: ti, text: xi})
		if rng.Intn(50) == 0 && len(samples) < 400 {
			if len(tx) > 0 && rng.Intn(4) > 0 {
				samples = append(samples, tx)
			} else if len(tt) > 0 {
				samples = append(samples, tt)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	snap, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	l := &Local{Snap: snap}
	if got := snap.Docs(); got != len(rc.docs) {
		t.Fatalf("index has %d documents, corpus %d", got, len(rc.docs))
	}

	phrases := []string{"的", "the", "中国", "of the", "动态清零", "共同富裕", "common prosperity", "碳达峰", "dynamic zero-covid",
		"xi jinping", "习近平", "zzqx never seen", "一是", "first", "会议强调"}
	for len(phrases) < 215 && len(samples) > 0 {
		toks := samples[rng.Intn(len(samples))]
		k := 1 + rng.Intn(4)
		s := rng.Intn(len(toks))
		if s+k > len(toks) {
			k = len(toks) - s
		}
		phrases = append(phrases, strings.Join(toks[s:s+k], " "))
	}
	checked := 0
	for _, p := range phrases {
		q := `"` + strings.ReplaceAll(p, `"`, " ") + `"`
		wantHits, wantDocs, wantTotal := rc.count(p)
		res, err := l.Trend(context.Background(), TrendRequest{Queries: []string{q}, By: "month"})
		if err != nil {
			t.Fatalf("trend %q: %v", p, err)
		}
		s := res.Series[0]
		gotHits, gotDocs := map[string]int{}, map[string]int{}
		for _, b := range s.Buckets {
			if b.Hits != 0 || b.Docs != 0 {
				gotHits[b.Start[:7]] = int(b.Hits)
				gotDocs[b.Start[:7]] = int(b.Docs)
			}
		}
		delete(wantHits, "")
		delete(wantDocs, "")
		if !sameCounts(gotHits, wantHits) || !sameCounts(gotDocs, wantDocs) {
			t.Errorf("%q: monthly trend differs from the reference\n got hits %v docs %v\nwant hits %v docs %v", p, gotHits, gotDocs, wantHits, wantDocs)
			continue
		}
		sr, err := l.Search(context.Background(), SearchRequest{Query: q, Limit: 1})
		if err != nil {
			t.Fatalf("search %q: %v", p, err)
		}
		if sr.Total != wantTotal {
			t.Errorf("%q: search total %d, reference %d", p, sr.Total, wantTotal)
			continue
		}
		checked++
	}
	t.Logf("%d documents, %d phrases agree with the reference (trend by month and search totals)", len(rc.docs), checked)
	kwicSame(t, l, phrases[:60])
	noTotalSame(t, l, phrases[:60])
	if checked < 200 {
		t.Errorf("only %d phrases checked", checked)
	}
	oracleSample(t, path, l, phrases[:8])
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// oracleSample compares monthly trends with ../shared/tools/oracle.py on
// small corpora (it is slow on large ones).
func oracleSample(t *testing.T, path string, l *Local, phrases []string) {
	oracle := filepath.Join(sharedCorpora, "..", "tools", "oracle.py")
	if _, err := os.Stat(oracle); err != nil {
		t.Logf("oracle.py not found; skipping the oracle comparison")
		return
	}
	if st, err := os.Stat(path); err != nil || st.Size() > 8<<20 {
		return
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Logf("python3 not found; skipping the oracle comparison")
		return
	}
	out, err := exec.Command("python3", append([]string{oracle, "trend", path}, phrases...)...).Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		var o struct {
			Query   string
			Hits    int
			Docs    int
			Buckets []struct {
				Bucket    string
				Hits      int
				Docs      int
				TotalDocs int `json:"total_docs"`
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		q := `"` + strings.ReplaceAll(o.Query, `"`, " ") + `"`
		res, err := l.Trend(context.Background(), TrendRequest{Queries: []string{q}, By: "month"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][3]int{}
		for _, b := range res.Series[0].Buckets {
			if b.Hits > 0 {
				got[b.Start[:7]] = [3]int{int(b.Hits), int(b.Docs), int(b.TotalDocs)}
			}
		}
		want := map[string][3]int{}
		for _, b := range o.Buckets {
			want[b.Bucket] = [3]int{b.Hits, b.Docs, b.TotalDocs}
		}
		keys := func(m map[string][3]int) []string {
			var k []string
			for x := range m {
				k = append(k, x)
			}
			sort.Strings(k)
			return k
		}
		if fmt.Sprint(keys(got)) != fmt.Sprint(keys(want)) {
			t.Errorf("oracle %q: buckets %v, oracle %v", o.Query, keys(got), keys(want))
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("oracle %q %s: (hits, docs, total_docs) %v, oracle %v", o.Query, k, got[k], v)
			}
		}
		n++
	}
	t.Logf("%d phrases agree with oracle.py", n)
}

// kwicSame checks that KWIC finds the same lines from the index's
// positions as by tokenizing each document with the Matcher.
func kwicSame(t *testing.T, l *Local, phrases []string) {
	for _, p := range phrases {
		q := `"` + strings.ReplaceAll(p, `"`, " ") + `"`
		r := KWICRequest{Query: q, Width: 30, Limit: 400}
		got, err := l.KWIC(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		kwicViaIndex = false
		want, err := l.KWIC(context.Background(), r)
		kwicViaIndex = true
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || len(got.Lines) != len(want.Lines) {
			t.Errorf("kwic %q: total %d, %d lines; by the Matcher %d, %d lines", p, got.Total, len(got.Lines), want.Total, len(want.Lines))
			continue
		}
		for i := range got.Lines {
			if got.Lines[i] != want.Lines[i] {
				t.Errorf("kwic %q line %d: %+v, by the Matcher %+v", p, i, got.Lines[i], want.Lines[i])
				break
			}
		}
	}
}

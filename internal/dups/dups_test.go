package dups

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// sharedCorpora is ../shared/corpora seen from this package.
const sharedCorpora = "../../../shared/corpora"

// loadCorpus returns the documents of a shared corpus that keep returns
// true for, or skips the test when the corpus is absent.
func loadCorpus(t testing.TB, name string, keep func(d *corpus.Document) bool) []corpus.Document {
	t.Helper()
	path := filepath.Join(sharedCorpora, name, "docs.jsonl.gz")
	all, err := corpus.ReadAll(context.Background(), []string{path}, corpus.Options{})
	if err != nil {
		t.Skipf("corpus %s not readable at %s (the shared corpora are absent?): %v", name, path, err)
	}
	docs := all[:0]
	for i := range all {
		if keep(&all[i]) {
			docs = append(docs, all[i])
		}
	}
	return docs
}

// withCopies adds, for every sixth document, an edited copy under another
// id, source and date: an exact copy (new title), a copy with a span of
// about 4% or 15% of its text cut, or with about 1% or 3% of its
// characters replaced — so that the corpus holds pairs of every
// similarity around the threshold. The edits are drawn from a fixed seed.
func withCopies(docs []corpus.Document) []corpus.Document {
	rng := rand.New(rand.NewPCG(7, 11))
	out := slices.Clone(docs)
	for i := 0; i < len(docs); i += 6 {
		d := docs[i]
		d.ID += "-copy"
		d.Source = "Reprint"
		d.Title = "Reprint: " + d.Title
		if t := index.Day(d.Date); t != index.NoDate {
			d.Date = index.DayString(t + int32(rng.IntN(30)))
		}
		rs := []rune(d.Text)
		switch kind := (i / 6) % 5; {
		case kind == 0 || len(rs) < 50:
		case kind == 1 || kind == 2:
			cut := len(rs) * []int{4, 15}[kind-1] / 100
			at := rng.IntN(len(rs) - cut)
			rs = append(rs[:at:at], rs[at+cut:]...)
		default:
			n := len(rs) * []int{1, 3}[kind-3] / 100
			for range n {
				p := rng.IntN(len(rs))
				if textnorm.IsIdeo(rs[p]) {
					rs[p] = '文'
				} else {
					rs[p] = 'x'
				}
			}
		}
		d.Text = string(rs)
		out = append(out, d)
	}
	return out
}

// build ingests docs into a new index with the signature annotator
// (segments of segBytes of text), and opens it.
func build(t testing.TB, docs []corpus.Document, segBytes int64, annotate bool) (*store.Snapshot, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	opt := store.Options{SegmentBytes: segBytes, AutoCommit: true}
	if annotate {
		opt.Annotators = []store.Annotator{Annotator()}
	}
	if err := store.WriteDocs(dir, opt, docs); err != nil {
		t.Fatal(err)
	}
	snap, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return snap, dir
}

// refShingles is the shingle set of a document the slow way: the
// content's tokens as strings, every run of Shingle of them joined (or
// the whole content when shorter), interned to numbers, sorted.
func refShingles(d corpus.Document, intern map[string]int32) []int32 {
	toks := Content(d.Title, d.Text)
	if len(toks) == 0 {
		return nil
	}
	var set []int32
	add := func(s string) {
		id, ok := intern[s]
		if !ok {
			id = int32(len(intern))
			intern[s] = id
		}
		set = append(set, id)
	}
	if len(toks) < Shingle {
		add(strings.Join(toks, "\x00"))
	} else {
		for i := 0; i+Shingle <= len(toks); i++ {
			add(strings.Join(toks[i:i+Shingle], "\x00"))
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// jaccard returns |a∩b| / |a∪b| of two sorted sets.
func jaccard(a, b []int32) float64 {
	i, j, common := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}

// Margins of the brute-force check around Threshold (0.8): pairs at least
// this similar must be together, clusters must hold together by pairs at
// least that similar. With 128 bins, an estimate errs by 0.1 at J = 0.9
// with probability ~2·10⁻⁴, by 0.2 at J = 0.6 with ~10⁻⁶; the hashing has
// fixed seeds, so the outcome on these data is fixed too.
const (
	mustJoin = 0.9
	mayJoin  = 0.6
)

// TestClusters_BruteForce checks the clusters of real corpus subsets (with
// edited copies) against the all-pairs Jaccard coefficients of their
// shingle sets: documents of equal content always together, pairs of
// J ≥ 0.9 at most MaxDays apart together, and every cluster held together
// by such pairs of J ≥ 0.6 or of equal content;
// each cluster's earliest document stands for it; and a collapsed trend
// equals a brute-force count over the representatives.
func TestClusters_BruteForce(t *testing.T) {
	sets := []struct {
		corpus  string
		keep    func(d *corpus.Document) bool
		queries []string
	}{
		{"cctv-xwlb-zh", func(d *corpus.Document) bool {
			return d.Date >= "2024-03-01" && d.Date <= "2024-03-12" || d.Date >= "2026-03-01" && d.Date <= "2026-03-12"
		}, []string{"习近平", "全国人大", "本台明天将直播"}},
		{"cpcnews-zh", func(d *corpus.Document) bool { return d.Date >= "2020-10-01" && d.Date <= "2020-11-15" }, []string{"中共中央", "党的领导"}},
		{"peoplesdaily-online-en", func(*corpus.Document) bool { return true }, []string{"china", "xi jinping", "the"}},
	}
	for _, set := range sets {
		t.Run(set.corpus, func(t *testing.T) {
			docs := withCopies(loadCorpus(t, set.corpus, set.keep))
			var text int64
			for _, d := range docs {
				text += int64(len(d.Text))
			}
			snap, _ := build(t, docs, text/3, true)
			if len(snap.Segments) < 2 {
				t.Fatalf("%d segments: the test should cross segments", len(snap.Segments))
			}
			c, err := Compute(context.Background(), snap)
			if err != nil {
				t.Fatal(err)
			}
			checkClusters(t, docs, snap, c)
			checkCollapsedTrend(t, docs, c, set.queries)

			// The same documents in other segments make the same clusters.
			snap2, _ := build(t, docs, text/7, true)
			c2, err := Compute(context.Background(), snap2)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := clusterIDs(c), clusterIDs(c2); !reflect.DeepEqual(a, b) {
				t.Errorf("clusters differ with other segments: %d clusters against %d", len(a), len(b))
			}
		})
	}
}

func clusterIDs(c *Clusters) [][]string {
	var out [][]string
	for _, k := range c.List {
		var ids []string
		for _, m := range k.Members {
			ids = append(ids, m.ID)
		}
		out = append(out, ids)
	}
	return out
}

func checkClusters(t *testing.T, docs []corpus.Document, snap *store.Snapshot, c *Clusters) {
	t.Helper()
	n := len(docs)
	intern := map[string]int32{}
	sh := make([][]int32, n)
	content := make([]string, n)
	clusterOf := make([]int, n)
	for i, d := range docs {
		sh[i] = refShingles(d, intern)
		content[i] = strings.Join(Content(d.Title, d.Text), "\x00")
		g, doc, ok := snap.Find(d.ID)
		if !ok {
			t.Fatalf("%s not in the index", d.ID)
		}
		si := slices.Index(snap.Segments, g)
		clusterOf[i] = c.Cluster(si, doc)
	}
	// Union of the pairs of J ≥ mayJoin, to check each cluster lies in one.
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		if parent[x] != x {
			parent[x] = find(parent[x])
		}
		return parent[x]
	}
	var exactPairs, strong, strongApart, computed int
	var maxErr float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if len(sh[i]) == 0 || len(sh[j]) == 0 {
				continue
			}
			together := clusterOf[i] >= 0 && clusterOf[i] == clusterOf[j]
			if content[i] == content[j] {
				parent[find(i)] = find(j)
				exactPairs++
				if !together {
					t.Errorf("%s and %s have the same content but are apart", docs[i].ID, docs[j].ID)
				}
			}
			a, b := len(sh[i]), len(sh[j])
			if 2*min(a, b) < max(a, b) { // J ≤ min/max < 0.5
				continue
			}
			computed++
			J := jaccard(sh[i], sh[j])
			if J >= 0.5 {
				si, _ := Signature(docs[i].Title, docs[i].Text)
				sj, _ := Signature(docs[j].Title, docs[j].Text)
				maxErr = max(maxErr, abs(Estimate(&si.Min, &sj.Min)-J))
			}
			nearby := closeDates(docs[i].Date, docs[j].Date)
			if J >= mayJoin && nearby {
				parent[find(i)] = find(j)
			}
			if J >= mustJoin && nearby {
				strong++
				if !together {
					strongApart++
					t.Errorf("%s and %s: Jaccard %.3f but apart", docs[i].ID, docs[j].ID, J)
				}
			}
		}
	}
	if maxErr > 0.2 {
		t.Errorf("an estimate is %.3f off its Jaccard coefficient", maxErr)
	}
	comp := map[int]int{} // cluster → component
	for i := range docs {
		if k := clusterOf[i]; k >= 0 {
			if r, ok := comp[k]; ok && r != find(i) {
				t.Errorf("cluster %d (%s) is not held together by pairs of Jaccard ≥ %.1f within %d days", k, docs[i].ID, mayJoin, MaxDays)
			}
			comp[k] = find(i)
		}
	}
	// Each cluster's first member is its earliest by (date, id), and is
	// the only one Hide keeps.
	byDoc := map[string]corpus.Document{}
	for _, d := range docs {
		byDoc[d.ID] = d
	}
	for k, cl := range c.List {
		if len(cl.Members) < 2 {
			t.Fatalf("cluster %d has %d member", k, len(cl.Members))
		}
		ids := clusterIDs(&Clusters{List: []Cluster{cl}})[0]
		sorted := slices.Clone(ids)
		sort.Slice(sorted, func(a, b int) bool {
			da, db := byDoc[sorted[a]].Date, byDoc[sorted[b]].Date
			if da == "" {
				da = "9999"
			}
			if db == "" {
				db = "9999"
			}
			if da != db {
				return da < db
			}
			return sorted[a] < sorted[b]
		})
		if !slices.Equal(ids, sorted) {
			t.Errorf("cluster %d: members %v, earliest first %v", k, ids, sorted)
		}
		for mi, m := range cl.Members {
			if c.Hide(m.Seg, m.Doc) != (mi > 0) {
				t.Errorf("cluster %d: Hide(%s) = %v", k, m.ID, mi > 0)
			}
		}
	}
	dupsN := 0
	for _, cl := range c.List {
		dupsN += len(cl.Members) - 1
	}
	if dupsN != c.Duplicates || c.Docs != n {
		t.Errorf("Duplicates %d, Docs %d; counted %d, %d", c.Duplicates, c.Docs, dupsN, n)
	}
	if strong == 0 || len(c.List) == 0 {
		t.Errorf("%d pairs of Jaccard ≥ %.1f, %d clusters: the test checks nothing", strong, mustJoin, len(c.List))
	}
	t.Logf("%d documents, %d pairs computed, %d of equal content, %d of J ≥ %.1f (%d apart); %d clusters, %d duplicates; estimates within %.3f",
		n, computed, exactPairs, strong, mustJoin, strongApart, len(c.List), c.Duplicates, maxErr)
}

// closeDates reports whether two dates are at most MaxDays apart, or
// both empty.
func closeDates(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	ta, _ := time.Parse(time.DateOnly, a)
	tb, _ := time.Parse(time.DateOnly, b)
	d := ta.Sub(tb).Hours() / 24
	return d <= MaxDays && d >= -MaxDays
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// checkCollapsedTrend compares the collapsed trend (query.Local over the
// masked view) with counts over the representatives done by hand: per
// month, the leftmost non-overlapping hits of each query's tokens in the
// title and the text, the documents holding one, all documents and their
// tokens.
func checkCollapsedTrend(t *testing.T, docs []corpus.Document, c *Clusters, queries []string) {
	t.Helper()
	snap := c.Snap
	reps := map[string]bool{}
	for _, d := range docs {
		g, doc, _ := snap.Find(d.ID)
		if !c.Hide(slices.Index(snap.Segments, g), doc) {
			reps[d.ID] = true
		}
	}
	if len(reps) != c.Docs-c.Duplicates {
		t.Fatalf("%d representatives, want %d", len(reps), c.Docs-c.Duplicates)
	}
	l := &query.Local{Snap: c.Collapsed()}
	res, err := l.Trend(context.Background(), query.TrendRequest{Queries: queries, By: "month"})
	if err != nil {
		t.Fatal(err)
	}
	type bucket struct{ hits, docs, totalDocs, totalToks int64 }
	for qi, q := range queries {
		phrase := textnorm.Tokens(q)
		want := map[string]*bucket{}
		for _, d := range docs {
			if !reps[d.ID] || d.Date == "" {
				continue
			}
			m := d.Date[:7] + "-01"
			b := want[m]
			if b == nil {
				b = &bucket{}
				want[m] = b
			}
			b.totalDocs++
			var h int64
			for _, f := range []string{d.Title, d.Text} {
				toks := textnorm.Tokens(f)
				b.totalToks += int64(len(toks))
				for i := 0; i+len(phrase) <= len(toks); {
					if slices.Equal(toks[i:i+len(phrase)], phrase) {
						h++
						i += len(phrase)
					} else {
						i++
					}
				}
			}
			b.hits += h
			if h > 0 {
				b.docs++
			}
		}
		var total int64
		for _, b := range res.Series[qi].Buckets {
			w := want[b.Start]
			if w == nil {
				w = &bucket{}
			}
			got := bucket{b.Hits, b.Docs, b.TotalDocs, b.TotalTokens}
			if got != *w {
				t.Errorf("%s, %s: collapsed trend %+v, over the representatives %+v", q, b.Start, got, *w)
			}
			total += b.Hits
		}
		if total == 0 {
			t.Errorf("%s: no hits, the check is empty", q)
		}
	}
}

// TestNoSignatures: an index written without the annotator has no
// signatures, says so, and gets them from Reannotate with the same
// clusters as at ingest.
func TestNoSignatures(t *testing.T) {
	docs := withCopies(loadCorpus(t, "peoplesdaily-online-en", func(*corpus.Document) bool { return true }))
	snap, dir := build(t, docs, 32<<10, false)
	if _, err := Compute(context.Background(), snap); !errors.Is(err, ErrNoSignatures) {
		t.Fatalf("without signatures: %v, want ErrNoSignatures", err)
	}
	w, err := store.OpenWriter(dir, store.Options{Annotators: []store.Annotator{Annotator()}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.Reannotate(false, nil); err != nil || n != len(snap.Segments) {
		t.Fatalf("Reannotate: %d sidecars, %v; want %d", n, err, len(snap.Segments))
	}
	w.Close()
	after, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	c, err := Of(context.Background(), after)
	if err != nil {
		t.Fatal(err)
	}
	ingested, _ := build(t, docs, 32<<10, true)
	c2, err := Compute(context.Background(), ingested)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := clusterIDs(c), clusterIDs(c2); !reflect.DeepEqual(a, b) || len(a) == 0 {
		t.Errorf("clusters after Reannotate %v, at ingest %v", a, b)
	}
	if again, _ := Of(context.Background(), after); again != c {
		t.Error("Of computed the clusters of one snapshot twice")
	}
}

// TestSignature pins the record's layout and the cases of short and empty
// documents.
func TestSignature(t *testing.T) {
	if _, ok := Signature("", " ，。 "); ok {
		t.Error("a document without tokens has a signature")
	}
	if rec := Annotator().Annotate(&corpus.Document{Text: "—"}); rec != nil {
		t.Errorf("record of an empty document: %d bytes", len(rec))
	}
	a, _ := Signature("Title one", "Dual-carbon goals, set.")
	b, _ := Signature("Another title", "dual carbon GOALS set")
	if a != b {
		t.Error("the same tokens under other titles and punctuation sign differently")
	}
	c, _ := Signature("Dual-carbon goals, set.", "")
	if c != a {
		t.Error("a document without text is not signed by its title")
	}
	rec := Annotator().Annotate(&corpus.Document{Text: "碳达峰碳中和"})
	var s Sig
	if len(rec) != recLen || !decode(rec, &s) {
		t.Fatalf("record of %d bytes", len(rec))
	}
	if want, _ := Signature("", "碳达峰碳中和"); s != want {
		t.Error("the record does not decode to the signature")
	}
	// Short contents: one shingle, every bin the same value.
	one, _ := Signature("", "碳达峰")
	for _, v := range one.Min {
		if v != one.Min[0] {
			t.Fatal("a one-shingle document has differing bins")
		}
	}
	if e := Estimate(&a.Min, &a.Min); e != 1 {
		t.Errorf("estimate of a signature with itself %v", e)
	}
	if minAgree != 103 {
		t.Errorf("minAgree %d, want 103 (estimate ≥ 0.8)", minAgree)
	}
}

package index

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// Terms planted by parallelDocs: one in every document (so in every shard)
// and one in a single document (so in one shard only).
const everyTerm, onceTerm = "everywhere", "solitaryterm"

// parallelDocs returns n varied documents: Chinese and English text, CJK
// characters inside and outside the builder's array range, empty titles
// and texts, undated documents and many documents sharing a date.
func parallelDocs(n int) []corpus.Document {
	rng := rand.New(rand.NewSource(1))
	words := []string{"the", "Party", "people", "reform", "COVID", "2021", "x86", "café", "naïve", "ﬁnance", "Ｆｕｌｌ"}
	cjkRanges := [][2]rune{
		{0x3400, 0x9FFF},   // the array range, ends included below
		{0x4E00, 0x4E20},   // frequent characters, to get long lists
		{0x3041, 0x3096},   // hiragana: lead byte E3 but outside the range
		{0xAC00, 0xAC40},   // hangul: lead byte EA
		{0xF900, 0xF910},   // compatibility ideographs (NFKC maps them)
		{0x20000, 0x20010}, // extension B: four bytes
	}
	var sb strings.Builder
	text := func(tokens int) string {
		sb.Reset()
		for range tokens {
			switch rng.Intn(6) {
			case 0:
				sb.WriteString(" " + words[rng.Intn(len(words))] + " ")
			case 1:
				sb.WriteString([]string{"，", "。", "、", "! ", "\n"}[rng.Intn(5)])
			case 2:
				sb.WriteRune([]rune{0x3400, 0x9FFF, 0x3007, 0xA000}[rng.Intn(4)])
			default:
				r := cjkRanges[rng.Intn(len(cjkRanges))]
				sb.WriteRune(r[0] + rune(rng.Intn(int(r[1]-r[0]+1))))
			}
		}
		return sb.String()
	}
	docs := make([]corpus.Document, n)
	for i := range docs {
		d := corpus.Document{ID: fmt.Sprintf("d%05d", rng.Intn(1<<30)), Source: "S", Lang: "zh"}
		d.ID += fmt.Sprint(i) // unique
		switch i % 5 {
		case 0: // undated
		case 1, 2: // a few shared dates
			d.Date = fmt.Sprintf("2020-01-0%d", 1+i%3)
		default:
			d.Date = fmt.Sprintf("20%02d-%02d-%02d", 10+rng.Intn(14), 1+rng.Intn(12), 1+rng.Intn(28))
		}
		if i%7 != 0 {
			d.Title = text(rng.Intn(12))
		}
		if i%11 != 0 {
			d.Text = text(rng.Intn(400))
		}
		d.Text += " " + everyTerm
		if i == n/2 {
			d.Title += " " + onceTerm
		}
		if i%13 == 0 {
			d.Meta = map[string]string{"k": fmt.Sprint(i % 4)}
		}
		docs[i] = d
	}
	return docs
}

// writeSharded writes docs as a segment with the tokenizing split into
// shards (0: the automatic count) and returns the bytes.
func writeSharded(t testing.TB, docs []corpus.Document, shards int) []byte {
	t.Helper()
	defer func(old int) { testShards = old }(testShards)
	testShards = shards
	var b Builder
	for _, d := range docs {
		b.Add(d, ContentHash(&d))
	}
	var buf bytes.Buffer
	info, err := b.Write(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if info.Docs != len(docs) || info.Bytes != int64(buf.Len()) {
		t.Fatalf("%d shards: info %+v for %d docs, %d bytes", shards, info, len(docs), buf.Len())
	}
	return buf.Bytes()
}

// checkShardedSame checks that every shard count writes what one shard does.
func checkShardedSame(t *testing.T, docs []corpus.Document, counts ...int) []byte {
	t.Helper()
	want := writeSharded(t, docs, 1)
	for _, n := range counts {
		if got := writeSharded(t, docs, n); !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%d shards: %d bytes differ from 1 shard's %d at offset %d", n, len(got), len(want), i)
		}
	}
	return want
}

func TestWrite_ShardsSameBytes(t *testing.T) {
	docs := parallelDocs(1500)

	// The documents really are spread over the shards.
	testShards = 7
	var b Builder
	for _, d := range docs {
		b.Add(d, 0)
	}
	for _, sh := range b.shards() {
		if sh.hi-sh.lo < 100 {
			t.Errorf("7 shards: shard [%d, %d) is small", sh.lo, sh.hi)
		}
	}
	testShards = 0

	data := checkShardedSame(t, docs, 0, 2, 3, 7, 64)
	s, err := OpenBytes("sharded.seg", data)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if s.N != len(docs) {
		t.Fatalf("N = %d", s.N)
	}
	if s.DF(s.Lookup(everyTerm)) != len(docs) || s.DF(s.Lookup(onceTerm)) != 1 {
		t.Errorf("df %s = %d, %s = %d", everyTerm, s.DF(s.Lookup(everyTerm)), onceTerm, s.DF(s.Lookup(onceTerm)))
	}
	for _, term := range []string{everyTerm, onceTerm, "the", "一", "\u3400", "\u9fff", "\u3007", "\ua000", "가", "\U00020001"} {
		checkPostings(t, s, docs, term)
	}
}

// checkPostings compares term's postings in s with the positions found by
// tokenizing each document on its own.
func checkPostings(t *testing.T, s *Segment, docs []corpus.Document, term string) {
	t.Helper()
	byID := map[string]*corpus.Document{}
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	var p Postings
	if ti := s.Lookup(term); ti >= 0 {
		if err := s.Postings(ti, &p); err != nil {
			t.Fatal(err)
		}
	}
	var tk textnorm.Tokenizer
	var want []uint32
	j := 0
	for i := 0; i < s.N; i++ {
		d := byID[s.ID(i)]
		want = want[:0]
		pos := uint32(0)
		add := func(tok []byte, _, _ int) {
			if string(tok) == term {
				want = append(want, pos)
			}
			pos++
		}
		tk.Each(d.Title, add)
		pos += FieldGap
		tk.Each(d.Text, add)
		if len(want) == 0 {
			continue
		}
		if j >= len(p.Docs) || p.Docs[j] != uint32(i) {
			t.Fatalf("%q: doc %d missing from postings", term, i)
		}
		got, err := p.Positions(j, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q in doc %d: positions %v, want %v", term, i, got, want)
		}
		j++
	}
	if j != len(p.Docs) {
		t.Fatalf("%q: %d docs in postings, want %d", term, len(p.Docs), j)
	}
	if j == 0 {
		t.Fatalf("%q: in no document; the test should use a term that occurs", term)
	}
}

func TestWrite_ShardsSmall(t *testing.T) {
	// Empty, one-document and few-document segments, including more
	// shards than documents (TestWrite_ShardsSameBytes has many documents).
	docs := parallelDocs(5)
	for n := range len(docs) + 1 {
		checkShardedSame(t, docs[:n], 2, 3, 7)
	}
	var b Builder
	for _, d := range docs {
		b.Add(d, 0)
	}
	if n := len(b.shards()); n != 1 {
		t.Errorf("a segment of %d documents gets %d shards", len(docs), n)
	}
}

func TestWrite_ShardsCorpus(t *testing.T) {
	const path = "../../../shared/corpora/xi-speeches-zh/docs.jsonl.gz"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus not found at %s", path)
	}
	docs, err := corpus.ReadAll(context.Background(), []string{path}, corpus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no documents read")
	}
	checkShardedSame(t, docs, 0, 2, 3, 7)
}

func TestAppendPackedParts(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for range 500 {
		vals := make([]uint32, rng.Intn(700))
		for i := range vals {
			vals[i] = rng.Uint32() >> rng.Intn(33)
		}
		// Cut vals anywhere, empty parts included.
		var parts [][]uint32
		for rest := vals; ; {
			c := min(len(rest), rng.Intn(300))
			parts = append(parts, rest[:c])
			rest = rest[c:]
			if len(rest) == 0 {
				break
			}
		}
		if got, want := appendPackedParts([]byte{7}, parts), appendPacked([]byte{7}, vals); !bytes.Equal(got, want) {
			t.Fatalf("%d values in %d parts: packed differently", len(vals), len(parts))
		}
	}
}

package index

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

func buildTestSegment(t *testing.T, docs []corpus.Document) *Segment {
	t.Helper()
	var b Builder
	for _, d := range docs {
		b.Add(d, ContentHash(&d))
	}
	path := filepath.Join(t.TempDir(), "a.seg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSegment_RoundTrip(t *testing.T) {
	docs := []corpus.Document{
		{ID: "b", Date: "2022-08-20", Source: "Longjiang Daily", Title: "Dynamic clearing", Text: "We must adhere to dynamic clearing. 动态清零！", Lang: "en", Meta: map[string]string{"province": "Heilongjiang"}},
		{ID: "a", Date: "2021-01-04", Source: "Xinwen Lianbo", Title: "共同富裕", Text: "扎实推动共同富裕。共同富裕", Lang: "zh"},
		{ID: "c", Source: "X", Title: "", Text: "undated text"},
	}
	s := buildTestSegment(t, docs)
	if s.N != 3 || s.ID(0) != "a" || s.ID(1) != "b" || s.ID(2) != "c" {
		t.Fatalf("order: N=%d ids %q %q %q", s.N, s.ID(0), s.ID(1), s.ID(2))
	}
	if s.Dates[2] != NoDate {
		t.Errorf("undated doc date = %d", s.Dates[2])
	}
	if v, ok := s.Meta(1, "province"); !ok || v != "Heilongjiang" {
		t.Errorf("meta = %q %v", v, ok)
	}
	ti := s.Lookup("共")
	if ti < 0 {
		t.Fatal("共 not found")
	}
	var p Postings
	if err := s.Postings(ti, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Docs) != 1 || p.Docs[0] != 0 || p.Freqs[0] != 3 {
		t.Fatalf("共 postings: docs %v freqs %v", p.Docs, p.Freqs)
	}
	pos, err := p.Positions(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// title 共同富裕 = 0..3; text 扎实推动共同富裕。共同富裕 → 共 at 4 and 8
	want := []uint32{0, 4 + FieldGap + 4, 4 + FieldGap + 8}
	for i := range want {
		if i >= len(pos) || pos[i] != want[i] {
			t.Fatalf("positions %v, want %v", pos, want)
		}
	}
	d, err := s.Doc(1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != docs[0].Text || d.Meta["province"] != "Heilongjiang" {
		t.Errorf("stored doc = %+v", d)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

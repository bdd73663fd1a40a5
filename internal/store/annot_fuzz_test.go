package store

import (
	"bytes"
	"fmt"
	"testing"
)

// FuzzAnnotations feeds arbitrary bytes to the sidecar reader: it must
// never panic, and what it reads without an error must round-trip (the
// records re-encoded read back the same).
func FuzzAnnotations(f *testing.F) {
	for _, recs := range [][][]byte{
		nil,
		{nil},
		{[]byte("a"), nil, []byte(`{"body":"省委常委会"}`)},
		{bytes.Repeat([]byte("一是"), 40000), []byte("x")},
	} {
		f.Add(encodeAnnotations(recs), len(recs))
	}
	f.Fuzz(func(t *testing.T, data []byte, docs int) {
		if docs < 0 || docs > 1<<16 {
			return
		}
		a, err := decodeAnnotations("fuzz.ann", data, docs)
		if err != nil {
			return
		}
		var recs [][]byte
		if err := a.Each(func(i int, r []byte) bool {
			if i != len(recs) {
				panic(fmt.Sprintf("document %d after %d records", i, len(recs)))
			}
			recs = append(recs, bytes.Clone(r))
			return true
		}); err != nil {
			return
		}
		if len(recs) != docs {
			t.Fatalf("%d records read of %d documents", len(recs), docs)
		}
		b, err := decodeAnnotations("again.ann", encodeAnnotations(recs), docs)
		if err != nil {
			t.Fatal(err)
		}
		for i := range recs {
			r, err := b.Get(i)
			if err != nil || !bytes.Equal(r, recs[i]) {
				t.Fatalf("document %d: %q %v, want %q", i, r, err, recs[i])
			}
		}
	})
}

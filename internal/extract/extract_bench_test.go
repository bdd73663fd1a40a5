package extract

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

// benchDocs reads the first n documents of a shared corpus.
func benchDocs(b *testing.B, name string, n int) []corpus.Document {
	b.Helper()
	f, err := os.Open(filepath.Join(sharedDir(), "corpora", name, "docs.jsonl.gz"))
	if err != nil {
		b.Skipf("corpus %s absent: %v", name, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	var docs []corpus.Document
	for sc.Scan() && len(docs) < n {
		var d corpus.Document
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

// BenchmarkExtract_XWLB runs the extractor over Xinwen Lianbo stories, the
// bulk of what ingest annotates; bytes/s is text read per second.
func BenchmarkExtract_XWLB(b *testing.B) {
	docs := benchDocs(b, "cctv-xwlb-zh", 3000)
	var size int64
	for _, d := range docs {
		size += int64(len(d.Title) + len(d.Text))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range docs {
			Annotate(&docs[j])
		}
	}
}

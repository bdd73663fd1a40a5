package index

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZProbe(t *testing.T) {
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	seeds := [][]byte{}
	for _, d := range seedDocs {
		seeds = append(seeds, segmentBytes(t, d))
	}
	dir := t.TempDir()
	for it := 0; it < 200000; it++ {
		data := append([]byte(nil), seeds[rng.Intn(len(seeds))]...)
		for k := 0; k < 1+rng.Intn(4); k++ {
			data[rng.Intn(len(data))] = byte(rng.Intn(256))
		}
		data = fixChecksums(data)
		path := filepath.Join(dir, "f.seg")
		os.WriteFile(path, data, 0o644)
		start := time.Now()
		func() {
			defer func() {
				if r := recover(); r != nil {
					os.WriteFile("/tmp/panic.seg", data, 0o644)
					t.Fatalf("it %d panic: %v", it, r)
				}
			}()
			s, err := Open(path)
			if err != nil {
				return
			}
			defer s.Close()
			s.Check()
			var p Postings
			for i := 0; i < s.NumTerms(); i++ {
				if s.Postings(i, &p) == nil {
					for j := range p.Docs {
						p.Positions(j, nil)
					}
				}
			}
			for i := 0; i < s.N; i++ {
				s.Doc(i)
			}
		}()
		if d := time.Since(start); d > 200*time.Millisecond {
			os.WriteFile("/tmp/slow.seg", data, 0o644)
			t.Fatalf("it %d took %v", it, d)
		}
	}
}

package index

import (
	"testing"
	"time"
)

func TestZZSlow(t *testing.T) {
	start := time.Now()
	s, err := Open("/tmp/slow.seg")
	t.Logf("open %v %v", time.Since(start), err)
	if err != nil {
		return
	}
	t.Logf("N=%d terms=%d metaPairs=%d", s.N, s.NumTerms(), len(s.metaPairs))
	start = time.Now()
	t.Logf("check %v %v", s.Check(), time.Since(start))
}

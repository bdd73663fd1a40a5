package store_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/vfs"
)

// The corruption tests damage one file of a small index at a time and
// require that tifa notices: Check must fail with an error that errors.Is
// ErrCorrupt (or ErrNewerVersion) and names the file, and a query must
// either fail naming the file or give exactly the counts of the undamaged
// index. A query need not read every byte (a posting list or store block
// it does not touch may stay unverified), but it must never count wrong
// and never panic.

var corruptPhrases = []string{"common prosperity", "共同富裕", `"dynamic clearing"`, "高质量发展 OR high-quality"}

// corruptFixture builds an index with two segments of six documents each
// and one deletion file (a document of the first segment is replaced by
// the second commit). It returns the directory and the names of the two
// segments and the deletion file.
func corruptFixture(t *testing.T) (dir, seg1, seg2, del string) {
	t.Helper()
	dir = t.TempDir()
	en := []string{
		"The meeting stressed that common prosperity is an essential requirement, and dynamic clearing must be adhered to.",
		"Officials said high-quality development supports common prosperity in the Sanjiang Plain.",
		"Rice transplanting is nearly complete; dynamic clearing of hidden hazards continues.",
	}
	zh := []string{
		"会议强调，扎实推动共同富裕，坚持高质量发展。共同富裕是社会主义的本质要求。",
		"有关负责人表示，要以科技助力农业高质量发展，坚持动态清零。",
		"夏至时节，全省各地抓紧开展田间管理，推动共同富裕取得实质性进展。",
	}
	mk := func(prefix string, i int) corpus.Document {
		d := corpus.Document{
			ID:     fmt.Sprintf("%s-%02d", prefix, i),
			Date:   fmt.Sprintf("202%d-%02d-%02d", i%4, i%12+1, i+3),
			Source: []string{"Longjiang Daily (invented)", "龙江日报（虚构）"}[i%2],
			Lang:   []string{"en", "zh"}[i%2],
			Meta:   map[string]string{"province": "Heilongjiang"},
		}
		var b strings.Builder
		for k := 0; k < 6; k++ {
			if i%2 == 0 {
				b.WriteString(en[(i+k)%3])
			} else {
				b.WriteString(zh[(i+k)%3])
			}
			b.WriteString("\n\n")
		}
		d.Title = fmt.Sprintf("Invented article %s on common prosperity 共同富裕", d.ID)
		d.Text = b.String()
		if i == 5 {
			d.Date = "" // one undated document
		}
		return d
	}
	var first, second []corpus.Document
	for i := 0; i < 6; i++ {
		first = append(first, mk("one", i))
	}
	for i := 0; i < 5; i++ {
		second = append(second, mk("two", i))
	}
	re := first[2]
	re.Text += "Revised: dynamic clearing."
	second = append(second, re)
	ingest(t, dir, big, first...)
	ingest(t, dir, big, second...)
	s := openSnap(t, dir)
	m := s.Manifest
	if len(m.Segments) != 2 || m.Segments[0].DeletedFile == "" || m.Segments[0].Docs != m.Segments[1].Docs {
		t.Fatalf("fixture: manifest %+v, want two segments of equal size, the first with deletions", m)
	}
	s.Close()
	return dir, m.Segments[0].File, m.Segments[1].File, m.Segments[0].DeletedFile
}

// counts is everything the queries report that corruption must not change.
type counts struct {
	Search []searchCount
	Trend  []query.Series
	KWIC   []int
	Stats  query.Stats
}

type searchCount struct {
	Total int
	Hits  []string // id:hits
}

// measure opens dir and runs the queries; any error is returned as is.
func measure(dir string) (c counts, err error) { return measureFS(nil, dir) }

// measureFS is measure on the file system fsys.
func measureFS(fsys vfs.FS, dir string) (c counts, err error) {
	snap, err := store.OpenFS(fsys, dir)
	if err != nil {
		return c, err
	}
	defer snap.Close()
	l := &query.Local{Snap: snap}
	ctx := context.Background()
	for _, q := range corruptPhrases {
		r, err := l.Search(ctx, query.SearchRequest{Query: q, Limit: 1000})
		if err != nil {
			return c, err
		}
		sc := searchCount{Total: r.Total}
		for _, h := range r.Hits {
			sc.Hits = append(sc.Hits, fmt.Sprintf("%s:%d", h.ID, h.Hits))
		}
		c.Search = append(c.Search, sc)
		k, err := l.KWIC(ctx, query.KWICRequest{Query: q, Limit: 1000})
		if err != nil {
			return c, err
		}
		c.KWIC = append(c.KWIC, k.Total, len(k.Lines))
	}
	tr, err := l.Trend(ctx, query.TrendRequest{Queries: corruptPhrases, By: "quarter"})
	if err != nil {
		return c, err
	}
	c.Trend = tr.Series
	st, err := l.Stats(ctx, query.Filter{})
	if err != nil {
		return c, err
	}
	c.Stats = *st
	return c, nil
}

// restore makes work an exact copy of the pristine index in src.
func restore(t *testing.T, src, work string) {
	t.Helper()
	ents, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if err := os.Remove(filepath.Join(work, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	ents, err = os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// damaged checks the damaged index in dir. names are the files an error
// may name (the damaged one, or either of two swapped ones). With
// mustFail, the query must fail too (the damage changes what it would
// count).
func damaged(t *testing.T, dir string, base counts, what string, mustFail bool, names ...string) {
	t.Helper()
	damagedFS(t, nil, dir, base, what, mustFail, names...)
}

// damagedFS is damaged on the file system fsys.
func damagedFS(t *testing.T, fsys vfs.FS, dir string, base counts, what string, mustFail bool, names ...string) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: panic: %v\n%s", what, p, debug.Stack())
		}
	}()
	namesFile := func(err error) bool {
		for _, n := range names {
			if strings.Contains(err.Error(), n) {
				return true
			}
		}
		return false
	}
	_, err := store.CheckFS(fsys, dir)
	switch {
	case err == nil:
		t.Errorf("%s: Check passed", what)
	case !errors.Is(err, index.ErrCorrupt) && !errors.Is(err, index.ErrNewerVersion):
		t.Errorf("%s: Check error %q is neither ErrCorrupt nor ErrNewerVersion", what, err)
	case !namesFile(err):
		t.Errorf("%s: Check error %q does not name %s", what, err, strings.Join(names, " or "))
	}
	got, err := measureFS(fsys, dir)
	switch {
	case err != nil:
		if !namesFile(err) {
			t.Errorf("%s: query error %q does not name %s", what, err, strings.Join(names, " or "))
		}
	case mustFail:
		t.Errorf("%s: queries succeeded", what)
	case !reflect.DeepEqual(base, got):
		if diff := cmp.Diff(base, got); diff != "" {
			t.Errorf("%s: queries succeeded with different counts (-undamaged +damaged):\n%s", what, diff)
		}
	}
}

// flipOffsets returns every offset of a file of size n when small, else
// 400 evenly spaced ones and the first and last 64.
func flipOffsets(n int, every bool) []int {
	if every || n <= 528 {
		return sampleOffsets(n, n, 0, 0)
	}
	return sampleOffsets(n, 64, 64, 400)
}

func TestCorrupt_FlipBytes(t *testing.T) {
	src, seg1, seg2, del := corruptFixture(t)
	base, err := measure(src)
	if err != nil {
		t.Fatalf("undamaged index: %v", err)
	}
	if base.Search[0].Total == 0 || base.Stats.Docs != 11 {
		t.Fatalf("fixture: %+v", base)
	}
	if _, err := store.Check(src); err != nil {
		t.Fatalf("Check of the undamaged index: %v", err)
	}
	for _, tc := range []struct {
		name  string
		file  string
		every bool
	}{
		{"Segment1", seg1, false},
		{"Segment2", seg2, false},
		{"Deletions", del, true},
		{"Manifest", "MANIFEST", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			orig, err := os.ReadFile(filepath.Join(src, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			offs := flipOffsets(len(orig), tc.every)
			flips := 0
			for _, off := range offs {
				for _, mask := range []byte{0xFF, 0x01} {
					restore(t, src, work)
					b := slices.Clone(orig)
					b[off] ^= mask
					if err := os.WriteFile(filepath.Join(work, tc.file), b, 0o644); err != nil {
						t.Fatal(err)
					}
					damaged(t, work, base, fmt.Sprintf("%s byte %d of %d ^%#02x", tc.file, off, len(orig), mask), false, tc.file)
					flips++
				}
				if t.Failed() && flips > 50 {
					t.Fatalf("stopping after %d flips", flips)
				}
			}
			t.Logf("%s: %d bytes, %d offsets, %d flips tested", tc.file, len(orig), len(offs), flips)
		})
	}
}

func TestCorrupt_Truncate(t *testing.T) {
	src, seg1, _, del := corruptFixture(t)
	base, err := measure(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{seg1, del, "MANIFEST"} {
		t.Run(file, func(t *testing.T) {
			work := t.TempDir()
			orig, err := os.ReadFile(filepath.Join(src, file))
			if err != nil {
				t.Fatal(err)
			}
			n := len(orig)
			lengths := []int{0, 1, 7, 8, 15, 16, 19, 20, 39, 40, n / 3, n / 2, n - 28, n - 25, n - 24, n - 4, n - 1}
			if n < 600 { // small files: every length
				lengths = lengths[:0]
				for i := 0; i < n; i++ {
					lengths = append(lengths, i)
				}
			}
			for _, l := range lengths {
				if l < 0 || l >= n {
					continue
				}
				restore(t, src, work)
				if err := os.WriteFile(filepath.Join(work, file), orig[:l], 0o644); err != nil {
					t.Fatal(err)
				}
				damaged(t, work, base, fmt.Sprintf("%s truncated to %d of %d bytes", file, l, n), true, file)
			}
			// Extra bytes at the end are damage too.
			restore(t, src, work)
			if err := os.WriteFile(filepath.Join(work, file), append(slices.Clone(orig), 0, 0, 0, 0), 0o644); err != nil {
				t.Fatal(err)
			}
			damaged(t, work, base, fmt.Sprintf("%s with 4 bytes appended", file), true, file)
		})
	}
}

func TestCorrupt_Files(t *testing.T) {
	src, seg1, seg2, del := corruptFixture(t)
	base, err := measure(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		names  []string
	}{
		{"SegmentDeleted", func(t *testing.T, dir string) {
			must(t, os.Remove(filepath.Join(dir, seg2)))
		}, []string{seg2}},
		{"FirstSegmentDeleted", func(t *testing.T, dir string) {
			must(t, os.Remove(filepath.Join(dir, seg1)))
		}, []string{seg1}},
		{"DeletionFileDeleted", func(t *testing.T, dir string) {
			must(t, os.Remove(filepath.Join(dir, del)))
		}, []string{del}},
		{"SegmentZeroLength", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, seg1), nil, 0o644))
		}, []string{seg1}},
		{"DeletionFileZeroLength", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, del), nil, 0o644))
		}, []string{del}},
		{"ManifestZeroLength", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "MANIFEST"), nil, 0o644))
		}, []string{"MANIFEST"}},
		{"SegmentsSwapped", func(t *testing.T, dir string) {
			// Both segments hold six documents: only their content tells
			// them apart.
			a, b := filepath.Join(dir, seg1), filepath.Join(dir, seg2)
			must(t, os.Rename(a, a+".x"))
			must(t, os.Rename(b, a))
			must(t, os.Rename(a+".x", b))
		}, []string{seg1, seg2}},
		{"SegmentReplacedByCopyOfOther", func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, seg1))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, seg2), b, 0o644))
		}, []string{seg1, seg2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			restore(t, src, work)
			tc.damage(t, work)
			damaged(t, work, base, tc.name, true, tc.names...)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCorrupt_NewerVersion: a file whose version field says 2 is refused
// with ErrNewerVersion and a message saying so, for every kind of file.
func TestCorrupt_NewerVersion(t *testing.T) {
	src, seg1, _, del := corruptFixture(t)
	for _, file := range []string{seg1, del, "MANIFEST"} {
		t.Run(file, func(t *testing.T) {
			work := t.TempDir()
			restore(t, src, work)
			path := filepath.Join(work, file)
			b, err := os.ReadFile(path)
			must(t, err)
			if v := binary.LittleEndian.Uint32(b[8:]); v != 1 {
				t.Fatalf("version field of %s is %d, want 1", file, v)
			}
			binary.LittleEndian.PutUint32(b[8:], 2)
			must(t, os.WriteFile(path, b, 0o644))
			for _, op := range []struct {
				name string
				run  func() error
			}{
				{"Check", func() error { _, err := store.Check(work); return err }},
				{"Open", func() error { _, err := measure(work); return err }},
				{"OpenWriter", func() error {
					w, err := store.OpenWriter(work, big)
					if err == nil {
						w.Close()
					}
					return err
				}},
			} {
				err := op.run()
				switch {
				case !errors.Is(err, index.ErrNewerVersion):
					t.Errorf("%s: %v, want ErrNewerVersion", op.name, err)
				case errors.Is(err, index.ErrCorrupt):
					t.Errorf("%s: %v is also ErrCorrupt", op.name, err)
				case !strings.Contains(err.Error(), "newer version") || !strings.Contains(err.Error(), file):
					t.Errorf("%s: message %q does not say newer version and name %s", op.name, err, file)
				}
			}
		})
	}
}

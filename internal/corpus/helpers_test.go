package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// walkAll runs Walk and returns every record, failing the test on an error.
func walkAll(t testing.TB, paths []string, opt Options) []Record {
	t.Helper()
	var recs []Record
	err := Walk(context.Background(), paths, opt, func(r Record) error {
		checkRecord(t, r)
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk(%v): %v", paths, err)
	}
	return recs
}

// readInput reads data as standard input in the given format.
func readInput(t testing.TB, format, data string, opt Options) []Record {
	t.Helper()
	opt.Format = format
	opt.Stdin = strings.NewReader(data)
	return walkAll(t, []string{"-"}, opt)
}

// checkRecord fails the test unless r is a well-formed record: a
// rejection with a message, or a document whose fields are valid UTF-8,
// with a non-empty id and a date that is empty or YYYY-MM-DD.
func checkRecord(t testing.TB, r Record) {
	t.Helper()
	if r.File == "" {
		t.Errorf("record without File: %+v", r)
	}
	if r.Err != nil {
		if r.Err.Error() == "" {
			t.Errorf("%s:%d: rejection without a message", r.File, r.Line)
		}
		return
	}
	d := r.Doc
	if strings.TrimSpace(d.ID) == "" || d.ID != strings.TrimSpace(d.ID) {
		t.Errorf("%s:%d: bad id %q", r.File, r.Line, d.ID)
	}
	if d.Date != "" && !isISODate(d.Date) {
		t.Errorf("%s:%d: date %q is not YYYY-MM-DD", r.File, r.Line, d.Date)
	}
	fields := []string{d.ID, d.Date, d.Source, d.Title, d.Text, d.Lang, d.URL}
	for k, v := range d.Meta {
		fields = append(fields, k, v)
	}
	for _, f := range fields {
		if !utf8.ValidString(f) {
			t.Errorf("%s:%d: invalid UTF-8 in %q", r.File, r.Line, f)
		}
	}
	if strings.Contains(d.Text, "\r") {
		t.Errorf("%s:%d: text keeps a CR", r.File, r.Line)
	}
	if d.ID == "" {
		t.Errorf("%s:%d: document without an id", r.File, r.Line)
	}
}

// docsOf returns the documents of recs, and rejectsOf the rejections.
func docsOf(recs []Record) []Document {
	var ds []Document
	for _, r := range recs {
		if r.Err == nil {
			ds = append(ds, r.Doc)
		}
	}
	return ds
}

func rejectsOf(recs []Record) []Record {
	var rs []Record
	for _, r := range recs {
		if r.Err != nil {
			rs = append(rs, r)
		}
	}
	return rs
}

// writeFile writes data to name under dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sharedRoot is ../shared beside the repository (found by walking up to
// go.mod), or $TIFA_SHARED when set.
func sharedRoot() string {
	if s := os.Getenv("TIFA_SHARED"); s != "" {
		return s
	}
	dir, err := os.Getwd()
	if err != nil {
		return "../shared"
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "../shared"
		}
		dir = up
	}
}

// sharedDir returns a path under ../shared, or skips the test when the
// shared corpora are not there.
func sharedDir(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedRoot(), rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared corpus %s not present (%v); these tests read ../shared as laid out beside the repository", rel, err)
	}
	return p
}

// compareWithCorpus reads the shared corpus file rel (gzip JSON Lines,
// the corpus's own normalisation of its raw files) and compares every
// document of recs found there with it, field by field. It returns how
// many it found.
func compareWithCorpus(t *testing.T, recs []Record, rel string) int {
	t.Helper()
	got := map[string]Document{}
	for _, r := range recs {
		got[r.Doc.ID] = r.Doc
	}
	found, diffs := 0, 0
	err := Walk(context.Background(), []string{sharedDir(t, rel)}, Options{}, func(r Record) error {
		d, ok := got[r.Doc.ID]
		if r.Err != nil || !ok {
			return nil
		}
		found++
		w := r.Doc
		if d.Title != w.Title || d.Date != w.Date || d.Source != w.Source || d.URL != w.URL || d.Lang != w.Lang {
			t.Errorf("%s: got %q %q %q %q %q, want %q %q %q %q %q", w.ID, d.Date, d.Title, d.Source, d.URL, d.Lang, w.Date, w.Title, w.Source, w.URL, w.Lang)
		}
		if d.Text != w.Text {
			if diffs++; diffs <= 3 {
				t.Errorf("%s text:\n got %q\nwant %q", w.ID, d.Text, w.Text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diffs > 0 {
		t.Errorf("%d of %d texts differ from %s", diffs, found, rel)
	}
	return found
}

package corpus

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// TestWalk_Directory checks order, hidden files, ids and unknown formats.
func TestWalk_Directory(t *testing.T) {
	recs := walkAll(t, []string{"testdata/walk"}, Options{})
	var got []string
	for _, r := range recs {
		s := strings.TrimPrefix(r.File, "testdata/walk/") + " "
		if r.Err != nil {
			s += "rejected: " + r.Err.Error()
		} else {
			s += r.Doc.ID
		}
		got = append(got, s)
	}
	want := []string{
		"B.txt B",
		"a.jsonl w1",
		"b/c.txt b/c",
		"notes.md rejected: unknown format (known: .csv .htm .html .json .jsonl .ndjson .sgm .sgml .shtml .tsv .txt .xhtml (each also .gz or .zst); use --format)",
		"z.html z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range recs {
		if r.Err != nil && (!errors.Is(r.Err, ErrUnknownFormat) || r.Line != 0) {
			t.Errorf("%s:%d: %v", r.File, r.Line, r.Err)
		}
	}
}

func TestWalk_Paths(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		opt   Options
		ids   string // ids in order, "!" for a rejection
		err   string // Walk's error
	}{
		{name: "files in the order given", paths: []string{"testdata/walk/z.html", "testdata/walk/a.jsonl"}, ids: "z w1"},
		{name: "explicit unknown format", paths: []string{"testdata/walk/notes.md"}, ids: "!"},
		{name: "explicit hidden file is read", paths: []string{"testdata/walk/b/.hidden.txt"}, ids: ".hidden"},
		{name: "format forced", paths: []string{"testdata/walk/notes.md"}, opt: Options{Format: "text"}, ids: "!"},
		{name: "stdin as JSON Lines", paths: []string{"-"}, opt: Options{Stdin: strings.NewReader(`{"id":"in","title":"t"}`)}, ids: "in"},
		{name: "stdin as CSV", paths: []string{"-"}, opt: Options{Format: "csv", Stdin: strings.NewReader("id,title\ncs,t\n")}, ids: "cs"},
		{name: "stdin as text gets a content id", paths: []string{"-"}, opt: Options{Format: "text", Stdin: strings.NewReader("date 2021-01-01 T\n\nB")}, ids: contentID("T", "2021-01-01", "B")},
		{name: "missing path", paths: []string{"testdata/walk/a.jsonl", "testdata/nope.jsonl"}, err: "testdata/nope.jsonl"},
		{name: "stdin not given", paths: []string{"-"}, err: "no standard input"},
		{name: "unknown --format", paths: []string{"testdata/walk"}, opt: Options{Format: "docx"}, err: `unknown format "docx"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			err := Walk(context.Background(), tt.paths, tt.opt, func(r Record) error {
				checkRecord(t, r)
				if r.Err != nil {
					ids = append(ids, "!")
				} else {
					ids = append(ids, r.Doc.ID)
				}
				return nil
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err %v, want %q", err, tt.err)
				}
				if len(ids) > 0 {
					t.Errorf("read %v before failing; paths are checked first", ids)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(ids, " "); got != tt.ids {
				t.Errorf("ids %q, want %q", got, tt.ids)
			}
		})
	}
}

// TestWalk_Stop checks that fn's error and cancellation end the walk.
func TestWalk_Stop(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	err := Walk(context.Background(), []string{"testdata/walk"}, Options{}, func(Record) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err %v after %d records, want %v after 1", err, n, stop)
	}
	for _, p := range []string{"testdata/jsonl/mixed.jsonl", "testdata/csv/quoted.csv", "testdata/json/array.json", "testdata/sgml/mini.sgm"} {
		for _, at := range []int{1, 3} { // stop at a document, and at a rejection
			n = 0
			err = Walk(context.Background(), []string{p}, Options{}, func(Record) error {
				n++
				if n == at {
					return stop
				}
				return nil
			})
			if err != stop || n != at {
				t.Errorf("%s: err %v after %d records, want %v after %d", p, err, n, stop, at)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = Walk(ctx, []string{"testdata/jsonl/mixed.jsonl", "testdata/walk"}, Options{}, func(Record) error {
		n++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("err %v after %d records, want context.Canceled after 1", err, n)
	}
}

// TestWalk_Size checks Size against the bytes Walk counts in Options.Read.
func TestWalk_Size(t *testing.T) {
	paths := []string{"testdata/walk", "testdata/jsonl/mixed.jsonl", "-"}
	size, err := Size(paths, Options{Stdin: strings.NewReader("")})
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, p := range []string{"B.txt", "a.jsonl", "b/c.txt", "z.html"} {
		fi, err := os.Stat(filepath.Join("testdata/walk", p))
		if err != nil {
			t.Fatal(err)
		}
		want += fi.Size()
	}
	fi, _ := os.Stat("testdata/jsonl/mixed.jsonl")
	want += fi.Size()
	if size != want {
		t.Errorf("Size = %d, want %d", size, want)
	}
	var read atomic.Int64
	stdin := `{"id":"x","title":"t"}`
	walkAll(t, paths, Options{Read: &read, Stdin: strings.NewReader(stdin)})
	if got := read.Load(); got != want+int64(len(stdin)) {
		t.Errorf("Read counted %d bytes, want %d", got, want+int64(len(stdin)))
	}
	if _, err := Size([]string{"testdata/none"}, Options{}); err == nil {
		t.Error("Size of a missing path: no error")
	}
}

// TestWalk_Unreadable checks a file inside a directory that cannot be
// opened: a rejection, and the walk goes on.
func TestWalk_Unreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not stop reading")
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", []byte(`{"id":"a","title":"t"}`))
	p := writeFile(t, dir, "b.jsonl", []byte(`{"id":"b","title":"t"}`))
	writeFile(t, dir, "c.jsonl", []byte(`{"id":"c","title":"t"}`))
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	recs := walkAll(t, []string{dir}, Options{})
	if len(recs) != 3 || recs[0].Doc.ID != "a" || !errors.Is(recs[1].Err, ErrRead) || recs[2].Doc.ID != "c" {
		t.Errorf("got %v", recs)
	}
}

// TestWalk_Symlinks reads a link to a file and rejects a link to a
// directory and one that leads nowhere.
func TestWalk_Symlinks(t *testing.T) {
	dir := t.TempDir()
	target := writeFile(t, t.TempDir(), "t.jsonl", []byte(`{"id":"linked","title":"t"}`))
	if err := os.Symlink(target, filepath.Join(dir, "file.jsonl")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone.jsonl"), filepath.Join(dir, "dangling.jsonl")); err != nil {
		t.Fatal(err)
	}
	recs := walkAll(t, []string{dir}, Options{})
	if len(recs) != 3 || !errors.Is(recs[0].Err, ErrRead) || recs[1].Doc.ID != "linked" || !errors.Is(recs[2].Err, ErrNotDocument) {
		t.Errorf("got %v", recs)
	}
}

package corpus

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestJSON_Files(t *testing.T) {
	type rec struct {
		line int
		id   string // "" for a rejection
		err  string
	}
	tests := []struct {
		file string
		want []rec
	}{
		{"testdata/json/array.json", []rec{{2, "j1", ""}, {3, "j2", ""}, {4, "", "want a JSON object, got a string"}, {5, "j4", ""}}},
		{"testdata/json/single.json", []rec{{1, "s1", ""}}},
		{"testdata/json/20210304.json", []rec{{1, "xwlb-VIDEinvented1", ""}, {1, "xwlb-VIDEinvented2", ""}}},
		{"testdata/json/config.json", []rec{{1, "", "no id, title or text"}}},
		{"testdata/json/scalar.json", []rec{{1, "", "want an object or an array of objects, got a string"}}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			recs := walkAll(t, []string{tt.file}, Options{})
			var got []rec
			for _, r := range recs {
				g := rec{line: r.Line, id: r.Doc.ID}
				if r.Err != nil {
					g = rec{line: r.Line, err: r.Err.Error()}
				}
				got = append(got, g)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].line != tt.want[i].line || got[i].id != tt.want[i].id || !strings.Contains(got[i].err, tt.want[i].err) {
					t.Errorf("record %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestJSON_CCTVFixture(t *testing.T) {
	ds := docsOf(walkAll(t, []string{"testdata/json/20210304.json"}, Options{}))
	want := []Document{
		{ID: "xwlb-VIDEinvented1", Date: "2021-03-04", Source: cctvSource, Title: "虚构标题一", Text: "第一段。\n\n第二段“引号”。", Lang: "zh", URL: "https://tv.example/1.shtml"},
		{ID: "xwlb-VIDEinvented2", Date: "2021-03-04", Source: cctvSource, Title: "虚构标题二", Lang: "zh"},
	}
	if !reflect.DeepEqual(ds, want) {
		t.Errorf("got  %#v\nwant %#v", ds, want)
	}
	ds = docsOf(walkAll(t, []string{"testdata/json/20210304.json"}, Options{Source: "Mine"}))
	if len(ds) != 2 || ds[0].Source != "Mine" {
		t.Errorf("Options.Source not used: %+v", ds)
	}
}

func TestJSON_Limits(t *testing.T) {
	in := `[{"id":"a","title":"t"},` + "\n" + `{"id":"b","title":"` + strings.Repeat("x", 1<<20) + `"},{"id":"c","title":"t"}]`
	recs := readInput(t, "json", `[{"id":"a","title":"`+strings.Repeat("x", 2000)+`"}, {"id":"b","title":"t"}]`, Options{MaxDocBytes: 1000})
	if len(recs) != 2 || !errors.Is(recs[0].Err, ErrTooLarge) || recs[1].Doc.ID != "b" {
		t.Errorf("got %v", recs)
	}
	recs = readInput(t, "json", in, Options{MaxDocBytes: 1000})
	if len(recs) != 2 || recs[0].Doc.ID != "a" || !errors.Is(recs[1].Err, ErrTooLarge) || recs[1].Line != 2 {
		t.Errorf("got %v", recs)
	}
	recs = readInput(t, "json", "\ufeff \n[{\"id\":\"a\",\"title\":\"t\"},\n{\"id\":", Options{})
	if len(recs) != 2 || recs[0].Line != 2 || !errors.Is(recs[1].Err, ErrSyntax) || recs[1].Line != 3 {
		t.Errorf("got %v", recs)
	}
	for _, in := range []string{"[{\"id\":\"a\",\"title\":\"t\"},\n", "[{\"id\":\"a\",\"title\":\"t\"}\n\n"} {
		recs = readInput(t, "json", in, Options{})
		if len(recs) != 2 || recs[0].Doc.ID != "a" || !errors.Is(recs[1].Err, ErrSyntax) {
			t.Errorf("array not closed %q: %v", in, recs)
		}
	}
	recs = readInput(t, "json", "{\"id\":\"a\",\"title\":\"t\"}\n{\"id\":\"b\",\"title\":\"t\"}\n", Options{})
	if len(docsOf(recs)) != 2 || recs[1].Line != 2 {
		t.Errorf("objects one after another: %v", recs)
	}
}

// TestJSON_CCTV reads the real video-list dumps and compares each story
// with the corpus's own normalisation of it.
func TestJSON_CCTV(t *testing.T) {
	dir := sharedDir(t, "corpora/cctv-xwlb-zh/raw-sample/china-data-json")
	recs := walkAll(t, []string{dir}, Options{})
	if len(rejectsOf(recs)) != 0 || len(recs) != 17+16+11 {
		t.Fatalf("got %d records, %d rejected; want 44 stories", len(recs), len(rejectsOf(recs)))
	}
	// 160 stories were held out of the corpus copy, so some may be missing.
	n := compareWithCorpus(t, recs, "corpora/cctv-xwlb-zh/docs.jsonl.gz")
	if n < 30 {
		t.Errorf("only %d of %d stories found in docs.jsonl.gz", n, len(recs))
	}
	t.Logf("%d of %d stories compared with docs.jsonl.gz", n, len(recs))
}

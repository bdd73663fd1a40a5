package corpus

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestWalk_RawSamples walks every raw-sample folder of the shared corpora
// as a directory and checks what each file became: documents, or one
// clear rejection.
func TestWalk_RawSamples(t *testing.T) {
	root := sharedDir(t, "corpora")
	dirs, err := filepath.Glob(filepath.Join(root, "*", "raw-sample"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no raw-sample folders under %s (%v)", root, err)
	}
	want := map[string]string{
		"cctv-xwlb-zh/raw-sample/china-data-json/20200315.json":                             "17 docs",
		"cctv-xwlb-zh/raw-sample/china-data-json/20221207.json":                             "16 docs",
		"cctv-xwlb-zh/raw-sample/china-data-json/20221227.json":                             "11 docs",
		"cctv-xwlb-zh/raw-sample/yuekcc-markdown-html/20221207.md":                          "rejected: unknown format",
		"cctv-xwlb-zh/raw-sample/yuekcc-markdown-html/20221207.shtml":                       "1 docs",
		"cctv-xwlb-zh/raw-sample/yuekcc-markdown-html/VIDEl5NZDVzz9e8N2y0GLpbX221207.shtml": "1 docs",
		"cpcnews-zh/raw-sample/cpcnews_zywj.csv":                                            "rejected: use --map body=text",
		"reuters21578-en/raw-sample/reut2-021.sgm":                                          "578 docs",
		"reuters21578-en/raw-sample/README.txt":                                             "rejected: not a dated article",
		"reuters21578-en/raw-sample/lewis.dtd":                                              "rejected: unknown format",
	}
	got := map[string]string{}
	var order []string
	for _, dir := range dirs {
		for _, r := range walkAll(t, []string{dir}, Options{}) {
			rel, _ := filepath.Rel(root, r.File)
			rel = filepath.ToSlash(rel)
			if _, seen := got[rel]; !seen {
				order = append(order, rel)
			}
			if r.Err != nil {
				got[rel] = fmt.Sprintf("rejected: line %d: %v", r.Line, r.Err)
				continue
			}
			var n int
			fmt.Sscanf(got[rel], "%d docs", &n)
			got[rel] = fmt.Sprintf("%d docs", n+1)
		}
	}
	for _, rel := range order {
		t.Logf("%s: %s", rel, got[rel])
	}
	for rel, w := range want {
		if g := got[rel]; !strings.HasPrefix(w, "rejected") && g != w || strings.HasPrefix(w, "rejected") && !strings.Contains(g, strings.TrimPrefix(w, "rejected: ")) {
			t.Errorf("%s: got %q, want %q", rel, g, w)
		}
	}
	for rel, g := range got {
		switch {
		case strings.HasPrefix(rel, "covid-origins-news-en/"), strings.HasPrefix(rel, "peoplesdaily-online-en/"):
			if !strings.Contains(g, "not a dated article") {
				t.Errorf("%s: got %q, want the text-format rejection", rel, g)
			}
		case strings.HasPrefix(rel, "state-media-headlines-en/"):
			if !strings.Contains(g, "the first row looks like data") {
				t.Errorf("%s: got %q, want the no-header rejection", rel, g)
			}
		}
		if strings.Contains(rel, "/._") {
			t.Errorf("%s: AppleDouble file read, want it skipped", rel)
		}
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) < len(want) {
		t.Errorf("only %d files read", len(keys))
	}
}

// TestCSV_CPCNews reads the real CSV sample with its text column mapped.
func TestCSV_CPCNews(t *testing.T) {
	path := sharedDir(t, "corpora/cpcnews-zh/raw-sample/cpcnews_zywj.csv")
	recs := walkAll(t, []string{path}, Options{Map: map[string]string{"body": "text"}, Source: "CPC News"})
	ds := docsOf(recs)
	if len(ds) != 34 || len(rejectsOf(recs)) != 0 {
		t.Fatalf("got %d documents and %v, want 34 documents", len(ds), rejectsOf(recs))
	}
	for _, d := range ds {
		if d.Date == "" || d.Title == "" || d.Lang != "zh" || d.Source != "CPC News" || !strings.HasPrefix(d.ID, "sha1-") {
			t.Errorf("%+v", d)
		}
	}
	if !strings.Contains(ds[0].Text, "\n") {
		t.Errorf("multi-line quoted field lost its lines: %.100q", ds[0].Text)
	}
}

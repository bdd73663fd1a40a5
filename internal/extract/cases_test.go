package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

var update = flag.Bool("update", false, "rewrite the expected records of testdata/cases")

// TestCases runs the data-driven cases of testdata/cases/*.txt: invented
// documents, each followed by the record it must give. A case is
//
//	extract date=YYYY-MM-DD [lang=en|zh]
//	title: TITLE
//	TEXT (paragraphs, blank lines between)
//	----
//	EXPECTED RECORD (indented JSON)
//
// and cases are separated by a line "====". -update rewrites the expected
// records (review the diff before committing).
func TestCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, c := range strings.Split(string(data), "\n====\n") {
			in, want, _ := strings.Cut(c, "\n----\n")
			d := parseCase(t, file, i, in)
			r := Extract(d)
			r.ID, r.Date = "", ""
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSpace(b.String())
			if !*update && got != strings.TrimSpace(want) {
				t.Errorf("%s case %d (%s):\n-want +got\n%s", file, i+1, d.Title, lineDiff(strings.TrimSpace(want), got))
			}
			out = append(out, strings.TrimRight(in, "\n")+"\n----\n"+got+"\n")
		}
		if *update {
			if err := os.WriteFile(file, []byte(strings.Join(out, "====\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func parseCase(t *testing.T, file string, i int, in string) *corpus.Document {
	t.Helper()
	lines := strings.Split(strings.TrimLeft(in, "\n"), "\n")
	for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
		lines = lines[1:]
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "extract") || !strings.HasPrefix(lines[1], "title: ") {
		t.Fatalf("%s case %d: want 'extract …' and 'title: …' lines", file, i+1)
	}
	d := &corpus.Document{ID: "case", Title: strings.TrimPrefix(lines[1], "title: ")}
	for _, f := range strings.Fields(lines[0])[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "date":
			d.Date = v
		case "lang":
			d.Lang = v
		}
	}
	d.Text = strings.TrimSpace(strings.Join(lines[2:], "\n"))
	return d
}

// lineDiff shows the lines of want and got that differ (-want +got).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x != y {
			b.WriteString("- " + x + "\n+ " + y + "\n")
		}
	}
	return b.String()
}

// TestSeed checks the sample readout of ../shared/seed completely: body,
// date held, presider with both titles, the five directives, the quoted
// formulations.
func TestSeed(t *testing.T) {
	path := filepath.Join(sharedDir(), "seed", "000_df70d2a1fb1ed569.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("seed absent: %v", err)
	}
	var d *corpus.Document
	err := corpus.Walk(t.Context(), []string{path}, corpus.Options{}, func(r corpus.Record) error {
		if r.Err == nil {
			doc := r.Doc
			d = &doc
		}
		return r.Err
	})
	if err != nil || d == nil {
		t.Fatalf("read seed: %v", err)
	}
	r := Extract(d)
	m := r.Meeting
	if m == nil {
		t.Fatal("seed: no meeting")
	}
	if m.Body != "Standing Committee of the Provincial Party Committee" || m.DateHeld != "2022-08-19" || !sameSet(m.Presiders, []string{"Xu Qin"}) {
		t.Errorf("seed meeting: body %q, held %q, presiders %q", m.Body, m.DateHeld, m.Presiders)
	}
	if len(m.Directives) != 5 || !strings.HasPrefix(m.Directives[0].Text, "First, we must inherit the red gene.") || !strings.HasPrefix(m.Directives[4].Text, "Fifth, we must better coordinate development and security.") {
		t.Errorf("seed directives: %+v", m.Directives)
	}
	if len(m.Also) != 1 {
		t.Errorf("seed closers: %q", m.Also)
	}
	titles := map[string]bool{}
	for _, p := range r.People {
		if p.Name == "Xu Qin" {
			titles[p.Title] = true
		}
	}
	if !titles["Secretary of the Provincial Party Committee"] || !titles["Director of the Standing Committee of the Provincial People’s Congress"] {
		t.Errorf("seed: Xu Qin's titles %v", titles)
	}
	want := []string{"Four Spirits", "dual-carbon", "lucid waters and lush mountains are invaluable assets, and ice and snow are also invaluable assets", "foreign import, internal defense rebound", "dynamic clearing"}
	if strings.Join(r.Formulations, "|") != strings.Join(want, "|") {
		t.Errorf("seed formulations %q, want %q", r.Formulations, want)
	}
}

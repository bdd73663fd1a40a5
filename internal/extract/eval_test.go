package extract

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
)

// The evaluation reads the hand labels of testdata/labels.jsonl (document
// ids and labels only: the text stays in ../shared/corpora) and scores the
// rules per field, on the documents tuned on ("tune") and on those held
// out ("test"). doc/extraction.md says how the labels were made.

// label is one hand-labelled document.
type label struct {
	ID         string      `json:"id"`
	Corpus     string      `json:"corpus"`
	Split      string      `json:"split"`
	Meeting    bool        `json:"meeting"`
	Body       string      `json:"body"`
	DateHeld   string      `json:"date_held"`
	Presiders  []string    `json:"presiders"`
	Directives int         `json:"directives"`
	People     [][2]string `json:"people"`
}

func sharedDir() string {
	if d := os.Getenv("TIFA_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

func readLabels(t *testing.T) []label {
	t.Helper()
	f, err := os.Open("testdata/labels.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ls []label
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l label
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("labels.jsonl: %v", err)
		}
		ls = append(ls, l)
	}
	return ls
}

// loadDocs reads the labelled documents from the shared corpora.
func loadDocs(t *testing.T, ls []label) map[string]*corpus.Document {
	t.Helper()
	want := map[string]map[string]bool{}
	for _, l := range ls {
		if want[l.Corpus] == nil {
			want[l.Corpus] = map[string]bool{}
		}
		want[l.Corpus][l.ID] = true
	}
	docs := map[string]*corpus.Document{}
	for c, ids := range want {
		var path string
		if c == "seed" {
			path = filepath.Join(sharedDir(), "seed")
		} else {
			path = filepath.Join(sharedDir(), "corpora", c, "docs.jsonl.gz")
		}
		if _, err := os.Stat(path); err != nil {
			t.Skipf("corpus %s absent (%v): the evaluation needs ../shared/corpora", c, err)
		}
		if c == "seed" {
			err := corpus.Walk(t.Context(), []string{path}, corpus.Options{}, func(r corpus.Record) error {
				if r.Err == nil && ids[r.Doc.ID] {
					d := r.Doc
					docs[d.ID] = &d
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			line := sc.Bytes()
			var head struct {
				ID string `json:"id"`
			}
			// Cheap check before the full decode.
			if !strings.Contains(string(line[:min(len(line), 200)]), `"id"`) {
				continue
			}
			if err := json.Unmarshal(line, &head); err != nil || !ids[head.ID] {
				continue
			}
			var d corpus.Document
			if err := json.Unmarshal(line, &d); err != nil {
				t.Fatal(err)
			}
			docs[d.ID] = &d
		}
		f.Close()
	}
	for _, l := range ls {
		if docs[l.ID] == nil {
			t.Fatalf("labelled document %s not found in %s", l.ID, l.Corpus)
		}
	}
	return docs
}

// peopleScope is the text whose (person, title) pairs are labelled: the
// title and the first paragraph, cut at 600 characters.
func peopleScope(d *corpus.Document) *corpus.Document {
	p := ""
	if ps := paragraphs(d.Text); len(ps) > 0 {
		p = ps[0]
		if r := []rune(p); len(r) > 600 {
			p = string(r[:600])
		}
	}
	return &corpus.Document{ID: d.ID, Title: d.Title, Text: p, Lang: d.Lang}
}

type prf struct{ tp, fp, fn int }

func (c prf) String() string {
	p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return fmt.Sprintf("P %.3f  R %.3f  F1 %.3f  (tp %d fp %d fn %d)", p, r, f, c.tp, c.fp, c.fn)
}

func (c prf) f1() float64 {
	p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

type acc struct{ ok, n int }

func (a acc) String() string { return fmt.Sprintf("%.3f  (%d/%d)", ratio(a.ok, a.n), a.ok, a.n) }
func (a acc) v() float64     { return ratio(a.ok, a.n) }

// scores are the figures of one split.
type scores struct {
	docs                            int
	meeting, people                 prf
	presiders, directives           acc // over labelled meetings; a missed meeting counts as wrong
	presidersFound, directivesFound acc // over labelled meetings the rules found
	dateHeld, body                  acc
	misses                          []string
}

// normTitle folds what the labels do not distinguish: case, a leading
// article or "also".
func normTitle(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"also ", "the ", "a ", "an "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func evaluate(ls []label, docs map[string]*corpus.Document, split string) scores {
	var s scores
	for _, l := range ls {
		if split != "" && l.Split != split {
			continue
		}
		s.docs++
		d := docs[l.ID]
		r := Extract(d)
		m := r.Meeting
		switch {
		case l.Meeting && m != nil:
			s.meeting.tp++
		case l.Meeting:
			s.meeting.fn++
			s.misses = append(s.misses, l.ID+": meeting missed")
		case m != nil:
			s.meeting.fp++
			s.misses = append(s.misses, l.ID+": not a meeting, read as "+m.Kind)
		}
		if l.Meeting {
			var pres []string
			n := 0
			if m != nil {
				pres, n = m.Presiders, len(m.Directives)
			}
			ok := sameSet(pres, l.Presiders)
			s.presiders.n++
			if ok {
				s.presiders.ok++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: presiders %q, want %q", l.ID, pres, l.Presiders))
			}
			s.directives.n++
			if n == l.Directives {
				s.directives.ok++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: %d directives, want %d", l.ID, n, l.Directives))
			}
			if m != nil {
				s.presidersFound.n++
				s.directivesFound.n++
				if ok {
					s.presidersFound.ok++
				}
				if n == l.Directives {
					s.directivesFound.ok++
				}
				if l.DateHeld != "" {
					s.dateHeld.n++
					if m.DateHeld == l.DateHeld {
						s.dateHeld.ok++
					} else {
						s.misses = append(s.misses, fmt.Sprintf("%s: held %q, want %q", l.ID, m.DateHeld, l.DateHeld))
					}
				}
				if l.Body != "" {
					s.body.n++
					if m.Body != "" && (strings.Contains(m.Body, l.Body) || strings.Contains(l.Body, m.Body)) {
						s.body.ok++
					} else {
						s.misses = append(s.misses, fmt.Sprintf("%s: body %q, want %q", l.ID, m.Body, l.Body))
					}
				}
			}
		}
		want := map[[2]string]bool{}
		for _, p := range l.People {
			want[[2]string{p[0], normTitle(p[1])}] = true
		}
		got := map[[2]string]bool{}
		for _, p := range PeopleOf(peopleScope(d)) {
			got[[2]string{p.Name, normTitle(p.Title)}] = true
		}
		for p := range got {
			if want[p] {
				s.people.tp++
			} else {
				s.people.fp++
				s.misses = append(s.misses, fmt.Sprintf("%s: extra pair %s / %s", l.ID, p[0], p[1]))
			}
		}
		for p := range want {
			if !got[p] {
				s.people.fn++
				s.misses = append(s.misses, fmt.Sprintf("%s: missed pair %s / %s", l.ID, p[0], p[1]))
			}
		}
	}
	sort.Strings(s.misses)
	return s
}

func (s scores) report(t *testing.T, name string) {
	t.Logf("%s: %d documents", name, s.docs)
	t.Logf("  meeting detection      %v", s.meeting)
	t.Logf("  presiders exact        %v   (of meetings found: %v)", s.presiders, s.presidersFound)
	t.Logf("  directive count exact  %v   (of meetings found: %v)", s.directives, s.directivesFound)
	t.Logf("  person–title pairs     %v", s.people)
	t.Logf("  date held              %v   body %v  (meetings found, where labelled)", s.dateHeld, s.body)
}

// TestEvaluation scores the rules against the hand labels and fails below
// the bar of issue 5 on all labels: meeting detection F1 0.95, presiders
// exact 0.95, directive count exact 0.90, person–title pairs F1 0.90.
// -v prints the figures of the tuning and held-out sets and each miss.
func TestEvaluation(t *testing.T) {
	ls := readLabels(t)
	docs := loadDocs(t, ls)
	tune, test, blind, all := evaluate(ls, docs, "tune"), evaluate(ls, docs, "test"), evaluate(ls, docs, "blind"), evaluate(ls, docs, "")
	tune.report(t, "tuning set")
	test.report(t, "held-out set (split before tuning; its misses were seen while tuning)")
	blind.report(t, "blind set (labelled after the first tuning; doc/extraction.md has its first-run figures)")
	all.report(t, "all labels")
	if testing.Verbose() {
		for _, m := range all.misses {
			t.Log("  miss: " + m)
		}
	}
	if f := all.meeting.f1(); f < 0.95 {
		t.Errorf("meeting detection F1 %.3f < 0.95", f)
	}
	if v := all.presiders.v(); v < 0.95 {
		t.Errorf("presiders exact %.3f < 0.95", v)
	}
	if v := all.directives.v(); v < 0.90 {
		t.Errorf("directive count exact %.3f < 0.90", v)
	}
	if f := all.people.f1(); f < 0.90 {
		t.Errorf("person–title pairs F1 %.3f < 0.90", f)
	}
}

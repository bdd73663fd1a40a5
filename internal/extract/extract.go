// Package extract reads the records of a meeting readout out of one
// document: the meeting (convening body, kind, date held, presiders,
// speakers, what was conveyed or studied, the numbered directives, "also
// studied other matters" closers), the people named beside an official
// title, and the quoted formulations. Chinese and English documents are
// read by formulaic rules (doc/extraction.md); nothing is downloaded and no
// model is used.
//
// Extract is deterministic, safe for concurrent use, and linear in the
// length of the document (every scan is bounded by a fixed window), so it
// runs on every document at ingest.
package extract

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tifa-project/tifa/internal/corpus"
)

// Kind is the annotation kind under which records are stored in the index.
const Kind = "readout"

// Version of the rules; bump it (with a line below) when the records
// change, so that `tifa extract --all` recomputes old ones.
//
//	1  first rules: meetings, people and titles, formulations (EN, ZH)
//	2  speech headings, 集体学习, inline headings, title lists, post-name
//	   titles, held dates from datelines, standing-committee kinds
//	3  verbs before titles, 党 not a surname, organisation words not names,
//	   昨天 in times, plenum ordinals out of bodies
//	4  no name that ends with a title word (任组长), 成立/以/用 before titles
//	5  a presider is not a body
//	6  进行 opens a meeting only with 学习 (集体学习)
//	7  Chinese title and text read apart for people
const Version = 7

// Record is what one document says. Meeting is nil for a document that
// does not read out a meeting.
type Record struct {
	ID           string   `json:"id,omitempty"`
	Date         string   `json:"date,omitempty"`
	Meeting      *Meeting `json:"meeting"`
	People       []Person `json:"people,omitempty"`
	Formulations []string `json:"formulations,omitempty"`
}

// Meeting is the meeting a readout reports, as written in the document's
// own language.
type Meeting struct {
	Body       string      `json:"body,omitempty"`
	Kind       string      `json:"kind,omitempty"`
	DateHeld   string      `json:"date_held,omitempty"`
	Presiders  []string    `json:"presiders"`
	Speakers   []string    `json:"speakers"`
	Studied    []string    `json:"studied,omitempty"`
	Directives []Directive `json:"directives"`
	Also       []string    `json:"also,omitempty"`
}

// Directive is one top-level item of the main numbered list.
type Directive struct {
	N    int    `json:"n"`
	Text string `json:"text"`
}

// Person is a person named with an official title beside the name.
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// Limits bound the work on pathological input.
const (
	maxDirectiveRunes = 400 // a directive's text is cut here, with "…"
	maxStudied        = 6
	maxPeople         = 200
	maxFormulations   = 100
	maxPeopleScan     = 256 << 10 // English text read for people: the first 256 KiB
)

// Extract reads the records of d. It never fails: a document with nothing
// to say gives a Record with a nil Meeting and no people or formulations.
func Extract(d *corpus.Document) Record {
	r := Record{ID: d.ID, Date: d.Date}
	// The readers of internal/corpus already turn invalid UTF-8 into
	// U+FFFD; a caller that did not gets the same, so that every string
	// of a record survives its JSON encoding.
	if !utf8.ValidString(d.Title) || !utf8.ValidString(d.Text) {
		c := *d
		c.Title = strings.ToValidUTF8(c.Title, "\uFFFD")
		c.Text = strings.ToValidUTF8(c.Text, "\uFFFD")
		d = &c
	}
	if isZH(d) {
		r.Meeting = zhMeeting(d)
	} else {
		r.Meeting = enMeeting(d)
	}
	r.People = PeopleOf(d)
	r.Formulations = Formulations(d.Text)
	return r
}

// Encode is the stored form of a record: compact JSON without the id and
// date (the index has them), nil when there is nothing to store.
func Encode(r Record) []byte {
	if r.Meeting == nil && len(r.People) == 0 && len(r.Formulations) == 0 {
		return nil
	}
	r.ID, r.Date = "", ""
	b, err := json.Marshal(r)
	if err != nil {
		return nil
	}
	return b
}

// Decode reads a stored record (empty: none).
func Decode(b []byte) (Record, error) {
	var r Record
	if len(b) == 0 {
		return r, nil
	}
	err := json.Unmarshal(b, &r)
	return r, err
}

// Annotate is the store.Annotator function: Encode(Extract(d)).
func Annotate(d *corpus.Document) []byte { return Encode(Extract(d)) }

// mergePeople appends the facts of b not in a.
func mergePeople(a, b []Person) []Person {
	if len(a) == 0 {
		return b
	}
	seen := map[Person]bool{}
	for _, p := range a {
		seen[p] = true
	}
	for _, p := range b {
		if !seen[p] && len(a) < maxPeople {
			seen[p] = true
			a = append(a, p)
		}
	}
	return a
}

// isZH tells whether d is read by the Chinese rules: its lang, else the
// share of Han characters in its first 2,000 bytes.
func isZH(d *corpus.Document) bool {
	switch {
	case strings.HasPrefix(d.Lang, "zh"):
		return true
	case d.Lang != "":
		return false
	}
	han, letters := 0, 0
	s := d.Text
	if len(s) > 2000 {
		s = s[:2000]
	}
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			han++
		} else if unicode.IsLetter(c) {
			letters++
		}
	}
	return han > letters/4
}

// paragraphs splits text at blank lines (single newlines too), trimmed,
// empty ones dropped.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// firstParagraphs returns at most n of the first paragraphs of text,
// without splitting the rest.
func firstParagraphs(text string, n int) []string {
	var out []string
	for len(out) < n && text != "" {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// cut returns s shortened to n runes, with "…" when it was longer.
func cut(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return strings.TrimSpace(s[:k]) + "…"
		}
		i++
	}
	return s
}

func addUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// PeopleOf returns the persons named with a title in d's title and text.
func PeopleOf(d *corpus.Document) []Person {
	if isZH(d) {
		// The title and the text apart: no title runs from one into the other.
		return mergePeople(zhPeople(d.Title), zhPeople(d.Text))
	}
	return enPeople(d.Title + "\n\n" + d.Text)
}

package extract

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
)

// ErrNotExtracted is returned when an index holds segments without
// records of this Version (ingested before extraction existed, or with
// older rules): `tifa extract --all` fills them in.
var ErrNotExtracted = errors.New("extract: the index has documents without readout records of this version; run `tifa extract --all`")

// Entry is the record of one live document of a snapshot.
type Entry struct {
	Seg, Doc int
	ID       string
	Date     string
	Source   string
	Record   Record
}

// Filter selects records. Body and Presider match a substring, case
// folded; Person matches a person's name exactly.
type Filter struct {
	From, To string
	Sources  []string
	Body     string // the meeting's body contains this
	Presider string // one presider's name contains this
	Meetings bool   // only records with a meeting
}

// Active tells whether f narrows records beyond dates and sources.
func (f Filter) Active() bool { return f.Body != "" || f.Presider != "" || f.Meetings }

func (f Filter) matchDoc(date, source string) bool {
	if f.From != "" && (date == "" || date < f.From) || f.To != "" && (date == "" || date > f.To) {
		return false
	}
	if len(f.Sources) == 0 {
		return true
	}
	for _, s := range f.Sources {
		if strings.EqualFold(s, source) {
			return true
		}
	}
	return false
}

func (f Filter) matchRecord(r *Record) bool {
	if !f.Active() {
		return true
	}
	m := r.Meeting
	if m == nil {
		return false
	}
	if f.Body != "" && !containsFold(m.Body, f.Body) {
		return false
	}
	if f.Presider != "" {
		ok := false
		for _, p := range m.Presiders {
			ok = ok || containsFold(p, f.Presider)
		}
		if !ok {
			return false
		}
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Scan calls fn with the record of every live document of snap that f
// selects, in segment and document order, until fn returns false. It
// reads every sidecar block once; a segment without records of this
// Version gives ErrNotExtracted.
func Scan(snap *store.Snapshot, f Filter, fn func(e *Entry) bool) error {
	for si, g := range snap.Segments {
		if g.Live == 0 {
			continue
		}
		if g.AnnotationVersion(Kind) != Version {
			return fmt.Errorf("%w (segment %s)", ErrNotExtracted, g.Path)
		}
		a, err := g.Annotations(Kind)
		if err != nil {
			return err
		}
		if a == nil {
			return ErrNotExtracted
		}
		stop := false
		err = a.Each(func(doc int, rec []byte) bool {
			if len(rec) == 0 || g.Deleted.Has(doc) {
				return true
			}
			date := index.DayString(g.Dates[doc])
			source := g.Strings[g.Sources[doc]]
			if !f.matchDoc(date, source) {
				return true
			}
			r, err := Decode(rec)
			if err != nil || !f.matchRecord(&r) {
				return true
			}
			r.ID, r.Date = g.ID(doc), date
			if !fn(&Entry{Seg: si, Doc: doc, ID: r.ID, Date: date, Source: source, Record: r}) {
				stop = true
				return false
			}
			return true
		})
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// Current returns ErrNotExtracted when a segment with live documents has
// no records of this Version.
func Current(snap *store.Snapshot) error {
	for _, g := range snap.Segments {
		if g.Live > 0 && g.AnnotationVersion(Kind) != Version {
			return fmt.Errorf("%w (segment %s)", ErrNotExtracted, g.Path)
		}
	}
	return nil
}

// Get returns the record of the live document id, ok false when the index
// has no such document.
func Get(snap *store.Snapshot, id string) (Record, bool, error) {
	g, doc, ok := snap.Find(id)
	if !ok {
		return Record{}, false, nil
	}
	if g.AnnotationVersion(Kind) != Version {
		return Record{}, true, ErrNotExtracted
	}
	a, err := g.Annotations(Kind)
	if err != nil || a == nil {
		return Record{}, true, errors.Join(err, ErrNotExtracted)
	}
	rec, err := a.Get(doc)
	if err != nil {
		return Record{}, true, err
	}
	r, err := Decode(rec)
	r.ID, r.Date = id, index.DayString(g.Dates[doc])
	return r, true, err
}

// Mask returns a view of snap holding only the documents whose records f
// selects (query.Local over it runs any search, trend or KWIC over those
// documents alone). The view lives as long as snap.
func Mask(snap *store.Snapshot, f Filter) (*store.Snapshot, error) {
	keep := make([]map[int]bool, len(snap.Segments))
	for i := range keep {
		keep[i] = map[int]bool{}
	}
	err := Scan(snap, Filter{Body: f.Body, Presider: f.Presider, Meetings: f.Meetings}, func(e *Entry) bool {
		keep[e.Seg][e.Doc] = true
		return true
	})
	if err != nil {
		return nil, err
	}
	return snap.Masked(func(seg, doc int) bool { return !keep[seg][doc] }), nil
}

// MeetingRow is a meeting record with its document, for lists and export.
type MeetingRow struct {
	ID      string   `json:"id"`
	Date    string   `json:"date"`
	Source  string   `json:"source"`
	Meeting *Meeting `json:"meeting"`
}

// Meetings lists the meeting records f selects, newest first (ties by id).
func Meetings(snap *store.Snapshot, f Filter) ([]MeetingRow, error) {
	f.Meetings = true
	var out []MeetingRow
	err := Scan(snap, f, func(e *Entry) bool {
		out = append(out, MeetingRow{ID: e.ID, Date: e.Date, Source: e.Source, Meeting: e.Record.Meeting})
		return true
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date > out[j].Date
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

// TitleSpan is one title a person held, with the first and last dates and
// the number of documents that name them with it.
type TitleSpan struct {
	Title string `json:"title"`
	First string `json:"first"`
	Last  string `json:"last"`
	Docs  int    `json:"docs"`
}

// PersonTimeline is a person with the titles given beside their name.
type PersonTimeline struct {
	Name   string      `json:"name"`
	First  string      `json:"first"`
	Last   string      `json:"last"`
	Docs   int         `json:"docs"`
	Titles []TitleSpan `json:"titles"`
}

// People aggregates the (person, title) facts f selects: name "" for
// every person (most documents first), else that one person's timeline.
func People(snap *store.Snapshot, f Filter, name string) ([]PersonTimeline, error) {
	type acc struct {
		p      PersonTimeline
		titles map[string]*TitleSpan
		lastID string
	}
	by := map[string]*acc{}
	err := Scan(snap, f, func(e *Entry) bool {
		for _, p := range e.Record.People {
			if name != "" && p.Name != name {
				continue
			}
			a := by[p.Name]
			if a == nil {
				a = &acc{p: PersonTimeline{Name: p.Name}, titles: map[string]*TitleSpan{}}
				by[p.Name] = a
			}
			if a.lastID != e.ID {
				a.lastID = e.ID
				a.p.Docs++
				a.p.First, a.p.Last = minDate(a.p.First, e.Date), maxDate(a.p.Last, e.Date)
			}
			t := a.titles[p.Title]
			if t == nil {
				t = &TitleSpan{Title: p.Title}
				a.titles[p.Title] = t
			}
			t.Docs++
			t.First, t.Last = minDate(t.First, e.Date), maxDate(t.Last, e.Date)
		}
		return true
	})
	var out []PersonTimeline
	for _, a := range by {
		for _, t := range a.titles {
			a.p.Titles = append(a.p.Titles, *t)
		}
		sort.Slice(a.p.Titles, func(i, j int) bool {
			x, y := a.p.Titles[i], a.p.Titles[j]
			if x.First != y.First {
				return x.First < y.First
			}
			return x.Title < y.Title
		})
		out = append(out, a.p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Docs != out[j].Docs {
			return out[i].Docs > out[j].Docs
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// FormulationCount is a quoted formulation with the documents quoting it.
type FormulationCount struct {
	Text      string `json:"text"`
	Docs      int    `json:"docs"`
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
}

// FormulationRanks ranks the quoted formulations of the documents f
// selects by documents (ties: earlier first seen, then text).
func FormulationRanks(snap *store.Snapshot, f Filter) ([]FormulationCount, error) {
	by := map[string]*FormulationCount{}
	err := Scan(snap, f, func(e *Entry) bool {
		for _, t := range e.Record.Formulations {
			c := by[t]
			if c == nil {
				c = &FormulationCount{Text: t}
				by[t] = c
			}
			c.Docs++
			c.FirstSeen, c.LastSeen = minDate(c.FirstSeen, e.Date), maxDate(c.LastSeen, e.Date)
		}
		return true
	})
	out := make([]FormulationCount, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Docs != y.Docs {
			return x.Docs > y.Docs
		}
		if x.FirstSeen != y.FirstSeen {
			return x.FirstSeen < y.FirstSeen
		}
		return x.Text < y.Text
	})
	return out, err
}

func minDate(a, b string) string {
	if a == "" || b != "" && b < a {
		return b
	}
	return a
}

func maxDate(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// Annotator is the store annotator that computes and stores the records
// at ingest (one line in cmd/tifa/annotators.go).
func Annotator() store.Annotator {
	return store.Annotator{Kind: Kind, Version: Version, Annotate: Annotate}
}

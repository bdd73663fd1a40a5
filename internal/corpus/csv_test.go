package corpus

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCSV_Quoted(t *testing.T) {
	recs := walkAll(t, []string{"testdata/csv/quoted.csv"}, Options{})
	want := []struct {
		line int
		doc  *Document
		err  string
	}{
		{line: 2, doc: &Document{ID: "c1", Date: "2021-06-01", Title: "Rain, then sun",
			Text: "First paragraph.\n\nSecond \"quoted\" paragraph.", Lang: "en", Meta: map[string]string{"Section": "weather"}}},
		{line: 5, doc: &Document{ID: "c2", Date: "2021-06-02", Title: "Dry spell", Text: "Short text", Lang: "en"}},
		{line: 6, err: `date "June 45 2021" is not a valid date`},
		{line: 7, doc: &Document{ID: "c4", Date: "2021-06-04", Title: `Lazy "quote" inside`, Text: "ok", Lang: "en", Meta: map[string]string{"Section": "misc"}}},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d: %v", len(recs), len(want), recs)
	}
	for i, w := range want {
		r := recs[i]
		if r.Line != w.line {
			t.Errorf("record %d at line %d, want %d", i, r.Line, w.line)
		}
		if w.err != "" {
			if r.Err == nil || !strings.Contains(r.Err.Error(), w.err) {
				t.Errorf("line %d: err %v, want %q", w.line, r.Err, w.err)
			}
			continue
		}
		if r.Err != nil || !reflect.DeepEqual(r.Doc, *w.doc) {
			t.Errorf("line %d:\n got %+v (%v)\nwant %+v", w.line, r.Doc, r.Err, *w.doc)
		}
	}
}

func TestCSV_Header(t *testing.T) {
	tests := []struct {
		name string
		path string
		opt  Options
		docs int
		err  string // the one rejection, at line 1
	}{
		{name: "body not mapped", path: "testdata/csv/body.csv",
			err: "no column maps to text (header: title,date,body); use --map body=text"},
		{name: "body mapped", path: "testdata/csv/body.csv", opt: Options{Map: map[string]string{"body": "text"}}, docs: 2},
		{name: "body kept as meta", path: "testdata/csv/body.csv", opt: Options{Map: map[string]string{"body": "meta.body"}}, docs: 2},
		{name: "no header row", path: "testdata/csv/noheader.csv",
			err: `no column maps to text or title (header: "15:45, 23-Mar-2021",Invented headline about a bridge); the first row looks like data`},
		{name: "no known columns", path: "testdata/csv/nofields.csv",
			err: "no column maps to text or title (header: name,when,words); use --map COLUMN=text"},
		{name: "no known columns, mapped", path: "testdata/csv/nofields.csv",
			opt: Options{Map: map[string]string{"WORDS": "text", "when": "date", "name": "id"}}, docs: 1},
		{name: "tsv with meta column", path: "testdata/csv/basic.tsv", docs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := walkAll(t, []string{tt.path}, tt.opt)
			if tt.err != "" {
				if len(recs) != 1 || recs[0].Err == nil || recs[0].Line != 1 {
					t.Fatalf("got %v, want one rejection at line 1", recs)
				}
				if !strings.Contains(recs[0].Err.Error(), tt.err) || !errors.Is(recs[0].Err, ErrNotDocument) {
					t.Errorf("err %q, want %q", recs[0].Err, tt.err)
				}
				return
			}
			if len(rejectsOf(recs)) != 0 || len(docsOf(recs)) != tt.docs {
				t.Errorf("got %v, want %d documents", recs, tt.docs)
			}
		})
	}
}

func TestCSV_Mapped(t *testing.T) {
	recs := walkAll(t, []string{"testdata/csv/body.csv"}, Options{Map: map[string]string{"body": "text"}, Source: "Invented Daily"})
	ds := docsOf(recs)
	if len(ds) != 2 {
		t.Fatalf("got %v", recs)
	}
	want := Document{ID: contentID("Plan adopted", "2021-07-01", "The plan was adopted.\n\nIt has five parts."), Date: "2021-07-01",
		Source: "Invented Daily", Title: "Plan adopted", Text: "The plan was adopted.\n\nIt has five parts.", Lang: "en"}
	if !reflect.DeepEqual(ds[0], want) {
		t.Errorf("got %+v\nwant %+v", ds[0], want)
	}
	if recs[1].Line != 5 {
		t.Errorf("second record at line %d, want 5", recs[1].Line)
	}
	tsv := docsOf(walkAll(t, []string{"testdata/csv/basic.tsv"}, Options{}))
	if len(tsv) != 1 || tsv[0].Meta["region"] != "North" || tsv[0].Text != "Tab text" {
		t.Errorf("tsv: %+v", tsv)
	}
}

func TestCSV_BadMap(t *testing.T) {
	_, err := Size([]string{"testdata/csv/body.csv"}, Options{Map: map[string]string{"body": "bodytext"}})
	if err == nil || !strings.Contains(err.Error(), `unknown field "bodytext"`) {
		t.Errorf("err %v, want unknown field", err)
	}
}

func TestCSV_TooLarge(t *testing.T) {
	in := "title,text\nsmall,x\nbig,\"" + strings.Repeat("y", 300) + "\"\n"
	recs := readInput(t, "csv", in, Options{MaxDocBytes: 100})
	if len(recs) != 2 || recs[0].Err != nil || !errors.Is(recs[1].Err, ErrTooLarge) {
		t.Errorf("got %v", recs)
	}
	// A record far over the limit stops the file without holding it.
	in = "title,text\nsmall,x\nbig,\"" + strings.Repeat("y", 1<<20) + "\"\nnever,read\n"
	recs = readInput(t, "csv", in, Options{MaxDocBytes: 1000})
	if len(recs) != 2 || recs[0].Err != nil || !errors.Is(recs[1].Err, ErrTooLarge) || recs[1].Line != 3 {
		t.Errorf("got %v", recs)
	}
}

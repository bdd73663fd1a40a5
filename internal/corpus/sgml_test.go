package corpus

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSGML_Mini(t *testing.T) {
	recs := walkAll(t, []string{"testdata/sgml/mini.sgm"}, Options{Source: "ignored"})
	want := []struct {
		line int
		doc  Document
	}{
		{2, Document{ID: "reuters21578-901", Date: "1987-03-03", Source: "Reuters", Lang: "en",
			Title: "INVENTED GRAIN CO <IGC.N> RAISES OUTPUT",
			Text:  "Invented Grain Co said it raised output by 10 pct & expects more.\n\nThe company said demand for café grain was strong."}},
		{18, Document{ID: "reuters21578-902", Date: "1987-03-04", Source: "Reuters", Lang: "en", Title: "INVENTED BRIEF HEADLINE"}},
		{27, Document{ID: "reuters21578-903", Date: "1987-03-05", Source: "Reuters", Lang: "en",
			Text: "INVENTED UNPROCESSED STORY\n\nWords of the unprocessed story run on here."}},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d: %v", len(recs), len(want), recs)
	}
	for i, w := range want {
		if recs[i].Err != nil || recs[i].Line != w.line || !reflect.DeepEqual(recs[i].Doc, w.doc) {
			t.Errorf("record %d at line %d (%v):\n got %#v\nwant line %d %#v", i, recs[i].Line, recs[i].Err, recs[i].Doc, w.line, w.doc)
		}
	}
}

func TestSGML_Limits(t *testing.T) {
	el := func(id, body string) string {
		return `<REUTERS NEWID="` + id + `"><DATE>1-JAN-1987</DATE><TEXT><TITLE>T` + id + `</TITLE><BODY>` + body + "</BODY></TEXT>\n</REUTERS>\n"
	}
	in := el("1", "short") + el("2", strings.Repeat("long line ", 100)) + el("3", "short") + `<REUTERS NEWID="4"><DATE>1-JAN-1987</DATE>` + "\n<TEXT>never closed\n"
	recs := readInput(t, "sgml", in, Options{MaxDocBytes: 200})
	var got []string
	for _, r := range recs {
		if r.Err != nil {
			got = append(got, "ERR@"+string(rune('0'+r.Line)))
		} else {
			got = append(got, r.Doc.ID)
		}
	}
	if want := []string{"reuters21578-1", "ERR@3", "reuters21578-3", "ERR@7"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !errors.Is(recs[1].Err, ErrTooLarge) || !errors.Is(recs[3].Err, ErrSyntax) {
		t.Errorf("errors: %v, %v", recs[1].Err, recs[3].Err)
	}
}

// TestSGML_Reuters reads the real sample file and compares every story
// with the corpus's own normalisation of it.
func TestSGML_Reuters(t *testing.T) {
	path := sharedDir(t, "corpora/reuters21578-en/raw-sample/reut2-021.sgm")
	recs := walkAll(t, []string{path}, Options{})
	if len(recs) != 578 || len(rejectsOf(recs)) != 0 {
		t.Fatalf("got %d records, %d rejected; want 578 documents", len(recs), len(rejectsOf(recs)))
	}
	if n := compareWithCorpus(t, recs, "corpora/reuters21578-en/docs.jsonl.gz"); n != 578 {
		t.Errorf("%d of 578 stories found in docs.jsonl.gz", n)
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/extract"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
	"github.com/tifa-project/tifa/internal/store"
)

// readoutDocs are invented readouts: two presiders, one English readout,
// one story that is no readout.
var readoutDocs = []corpus.Document{
	{ID: "r1", Date: "2021-03-27", Source: "Daily", Lang: "zh", Title: "江北省委常委会召开会议 张明远主持", Text: "26日上午，省委常委会召开会议。省委书记张明远主持会议。\n\n会议强调，要坚持“稳中求进”。一是抓春耕。二是稳就业。\n\n会议还研究了其他事项。"},
	{ID: "r2", Date: "2021-04-10", Source: "Daily", Lang: "zh", Title: "江南省委常委会召开会议 李青主持", Text: "9日，省委常委会召开会议。省委书记李青主持会议。\n\n会议指出，要坚持“稳中求进”。"},
	{ID: "r3", Date: "2021-05-20", Source: "Paper", Lang: "en", Title: "Committee meets", Text: "On the 19th, the Standing Committee of the Municipal Party Committee held a meeting. Li Ming, Secretary of the Municipal Party Committee, presided over the meeting. First, stabilize employment. Second, protect the \"green\" transition."},
	{ID: "s1", Date: "2021-04-11", Source: "Daily", Lang: "zh", Title: "春耕忙", Text: "各地抓春耕，坚持“稳中求进”。"},
}

// readoutIndex writes readoutDocs with (annotators) or without records.
func readoutIndex(t *testing.T, annotators ...store.Annotator) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := store.WriteDocs(dir, store.Options{Annotators: annotators}, readoutDocs); err != nil {
		t.Fatal(err)
	}
	return dir
}

func getJSON(t *testing.T, u string, status int, v any) {
	t.Helper()
	code, _, body := servertest.Get(t, u)
	if code != status {
		t.Fatalf("GET %s: %d, want %d: %s", u, code, status, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v: %s", u, err, body)
		}
	}
}

// roundTrip encodes v as the server does and decodes it into a value of
// want's type, for comparison with what the server answered.
func roundTrip(t *testing.T, v, want any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := reflect.New(reflect.TypeOf(want))
	if err := json.Unmarshal(b, p.Interface()); err != nil {
		t.Fatal(err)
	}
	return p.Elem().Interface()
}

// TestExtractAPI: the endpoints answer what the library answers (as the
// CLI prints it), the record filters narrow queries, and the errors fit.
func TestExtractAPI(t *testing.T) {
	dir := readoutIndex(t, extract.Annotator())
	ts := servertest.Start(t, dir, server.Config{})
	snap := servertest.Open(t, dir)
	q := url.QueryEscape

	var rec extract.Record
	getJSON(t, ts.URL+"/api/extract/r1", http.StatusOK, &rec)
	want, _, _ := extract.Get(snap, "r1")
	if !reflect.DeepEqual(rec, roundTrip(t, want, rec)) || rec.Meeting == nil || len(rec.Meeting.Directives) != 2 {
		t.Errorf("/api/extract/r1: %+v", rec)
	}
	getJSON(t, ts.URL+"/api/extract/nope", http.StatusNotFound, nil)

	var ms struct {
		Total    int                  `json:"total"`
		Meetings []extract.MeetingRow `json:"meetings"`
	}
	getJSON(t, ts.URL+"/api/meetings?presider="+q("李青"), http.StatusOK, &ms)
	wantRows, _ := extract.Meetings(snap, extract.Filter{Presider: "李青"})
	if ms.Total != 1 || !reflect.DeepEqual(ms.Meetings, roundTrip(t, wantRows, ms.Meetings)) {
		t.Errorf("/api/meetings?presider=李青: %+v", ms)
	}
	getJSON(t, ts.URL+"/api/meetings?limit=1", http.StatusOK, &ms)
	if ms.Total != 3 || len(ms.Meetings) != 1 || ms.Meetings[0].ID != "r3" {
		t.Errorf("/api/meetings?limit=1: %+v", ms)
	}
	var ps struct {
		People []extract.PersonTimeline `json:"people"`
	}
	getJSON(t, ts.URL+"/api/people?name="+q("Li Ming"), http.StatusOK, &ps)
	if len(ps.People) != 1 || ps.People[0].Titles[0].Title != "Secretary of the Municipal Party Committee" {
		t.Errorf("/api/people?name=Li Ming: %+v", ps)
	}
	getJSON(t, ts.URL+"/api/people?name=nobody", http.StatusNotFound, nil)
	var fs struct {
		Total        int                        `json:"total"`
		Formulations []extract.FormulationCount `json:"formulations"`
	}
	getJSON(t, ts.URL+"/api/formulations?from=2021-04-01", http.StatusOK, &fs)
	if fs.Total != 1 || fs.Formulations[0].Text != "稳中求进" || fs.Formulations[0].Docs != 2 {
		t.Errorf("/api/formulations?from=2021-04-01: %+v", fs)
	}

	// Record filters on queries: the library's answer over the masked view.
	view, err := extract.Mask(snap, extract.Filter{Presider: "张明远"})
	if err != nil {
		t.Fatal(err)
	}
	wantTrend, err := (&query.Local{Snap: view}).Trend(context.Background(), query.TrendRequest{Queries: []string{"稳中求进"}, By: "month"})
	if err != nil {
		t.Fatal(err)
	}
	var tr query.TrendResult
	getJSON(t, ts.URL+"/api/readouts/trend?q="+q("稳中求进")+"&presider="+q("张明远"), http.StatusOK, &tr)
	if !reflect.DeepEqual(tr, roundTrip(t, wantTrend, tr)) || tr.Series[0].Docs != 1 {
		t.Errorf("/api/readouts/trend: %+v", tr)
	}
	var sr query.SearchResult
	getJSON(t, ts.URL+"/api/readouts/search?q="+q("稳中求进")+"&meeting_body="+q("江南"), http.StatusOK, &sr)
	if sr.Total != 1 || sr.Hits[0].ID != "r2" {
		t.Errorf("/api/readouts/search: %+v", sr)
	}
	var kw query.KWICResult
	getJSON(t, ts.URL+"/api/readouts/kwic?q="+q("稳中求进")+"&presider=nobody", http.StatusOK, &kw)
	if kw.Total != 0 {
		t.Errorf("/api/readouts/kwic presider=nobody: %+v", kw)
	}
	getJSON(t, ts.URL+"/api/readouts/trend?q=x", http.StatusBadRequest, nil)
	getJSON(t, ts.URL+"/api/meetings?limit=0", http.StatusBadRequest, nil)
	getJSON(t, ts.URL+"/api/meetings?bogus=1", http.StatusBadRequest, nil)

	var st server.RecordsStatus
	getJSON(t, ts.URL+"/api/records", http.StatusOK, &st)
	if !st.Available || st.Version != extract.Version {
		t.Errorf("/api/records: %+v", st)
	}
	// An index without records: 409, saying what to run.
	bare := servertest.Start(t, readoutIndex(t), server.Config{})
	getJSON(t, bare.URL+"/api/meetings", http.StatusConflict, nil)
	getJSON(t, bare.URL+"/api/records", http.StatusOK, &st)
	if st.Available || !strings.Contains(st.Reason, "tifa extract --all") {
		t.Errorf("/api/records without records: %+v", st)
	}
}

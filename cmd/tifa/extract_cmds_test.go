package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readouts are invented documents: two readouts with different presiders,
// one English readout and a story that is no readout.
const readouts = `{"id":"r1","date":"2021-03-27","source":"Daily","lang":"zh","title":"江北省委常委会召开会议 张明远主持","text":"26日上午，省委常委会召开会议。省委书记张明远主持会议。\n\n会议强调，要坚持“稳中求进”。一是抓春耕。二是稳就业。\n\n会议还研究了其他事项。"}
{"id":"r2","date":"2021-04-10","source":"Daily","lang":"zh","title":"江南省委常委会召开会议 李青主持","text":"9日，省委常委会召开会议。省委书记李青主持会议。\n\n会议指出，要坚持“稳中求进”，落实“六稳”。"}
{"id":"r3","date":"2021-05-20","source":"Paper","lang":"en","title":"Committee meets","text":"On the 19th, the Standing Committee of the Municipal Party Committee held a meeting. Li Ming, Secretary of the Municipal Party Committee, presided over the meeting. First, stabilize employment. Second, protect the \"green and low-carbon\" transition."}
{"id":"s1","date":"2021-04-11","source":"Daily","lang":"zh","title":"春耕忙","text":"各地抓春耕，坚持“稳中求进”。"}
`

func readoutIndex(t *testing.T) (idx, file string) {
	t.Helper()
	dir := t.TempDir()
	file = filepath.Join(dir, "readouts.jsonl")
	if err := os.WriteFile(file, []byte(readouts), 0o644); err != nil {
		t.Fatal(err)
	}
	idx = filepath.Join(dir, "idx")
	run(t, 0, "ingest", "--quiet", "--index", idx, file)
	return idx, file
}

func TestCLI_Extract(t *testing.T) {
	idx, file := readoutIndex(t)
	// From a file: one JSON object per document, one per line.
	out := run(t, 0, "extract", "--json", file).stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("extract --json: %d lines, want 4\n%s", len(lines), out)
	}
	byID := map[string]string{}
	for _, l := range lines {
		var r struct {
			ID      string          `json:"id"`
			Meeting json.RawMessage `json:"meeting"`
		}
		decodeJSON(t, l, &r)
		byID[r.ID] = l
		if (r.ID == "s1") != (string(r.Meeting) == "null") {
			t.Errorf("%s: meeting %s", r.ID, r.Meeting)
		}
	}
	var r1 struct {
		Meeting struct {
			Body       string   `json:"body"`
			DateHeld   string   `json:"date_held"`
			Presiders  []string `json:"presiders"`
			Directives []struct {
				N    int    `json:"n"`
				Text string `json:"text"`
			} `json:"directives"`
		} `json:"meeting"`
		People []struct{ Name, Title string } `json:"people"`
	}
	decodeJSON(t, byID["r1"], &r1)
	if r1.Meeting.Body != "江北省委常委会" || r1.Meeting.DateHeld != "2021-03-26" || strings.Join(r1.Meeting.Presiders, ",") != "张明远" || len(r1.Meeting.Directives) != 2 {
		t.Errorf("r1: %s", byID["r1"])
	}
	// The stored record is the same as the one read from the file.
	stored := strings.TrimSpace(run(t, 0, "extract", "--index", idx, "--id", "r1", "--json").stdout)
	if stored != byID["r1"] {
		t.Errorf("stored record differs:\n%s\n%s", stored, byID["r1"])
	}
	// The table names the meeting's parts.
	table := run(t, 0, "extract", "--index", idx, "--id", "r3").stdout
	for _, w := range []string{"presiders", "Li Ming", "directive 2", "Secretary of the Municipal Party Committee"} {
		if !strings.Contains(table, w) {
			t.Errorf("extract table lacks %q:\n%s", w, table)
		}
	}
	run(t, 1, "extract", "--index", idx, "--id", "nope")
	run(t, 1, "extract", "--index", idx)
	// Records are current: --all writes nothing, --force rewrites them.
	if out := run(t, 0, "extract", "--index", idx, "--all").stdout; !strings.HasPrefix(out, "0 ") {
		t.Errorf("extract --all on a current index: %q", out)
	}
	if out := run(t, 0, "extract", "--index", idx, "--all", "--force").stdout; strings.HasPrefix(out, "0 ") {
		t.Errorf("extract --all --force: %q", out)
	}
	if s := strings.TrimSpace(run(t, 0, "extract", "--index", idx, "--id", "r1", "--json").stdout); s != byID["r1"] {
		t.Errorf("record changed by --all --force:\n%s", s)
	}
	run(t, 0, "check", "--index", idx)
}

func TestCLI_Meetings(t *testing.T) {
	idx, _ := readoutIndex(t)
	var res struct {
		Total    int `json:"total"`
		Meetings []struct {
			ID      string `json:"id"`
			Meeting struct {
				Presiders []string `json:"presiders"`
			} `json:"meeting"`
		} `json:"meetings"`
	}
	decodeJSON(t, run(t, 0, "meetings", "--index", idx, "--json").stdout, &res)
	if res.Total != 3 || res.Meetings[0].ID != "r3" {
		t.Errorf("meetings: %+v", res)
	}
	decodeJSON(t, run(t, 0, "meetings", "--index", idx, "--json", "--presider", "李青").stdout, &res)
	if res.Total != 1 || res.Meetings[0].ID != "r2" {
		t.Errorf("meetings --presider 李青: %+v", res)
	}
	decodeJSON(t, run(t, 0, "meetings", "--index", idx, "--json", "--body", "江北", "--from", "2021-01-01", "--to", "2021-03-31").stdout, &res)
	if res.Total != 1 || res.Meetings[0].ID != "r1" {
		t.Errorf("meetings --body 江北: %+v", res)
	}
	csv := run(t, 0, "meetings", "--index", idx, "--csv", "--source", "Paper").stdout
	if !strings.HasPrefix(csv, "id,date,source,body,") || !strings.Contains(csv, "r3,2021-05-20,Paper,Standing Committee of the Municipal Party Committee") {
		t.Errorf("meetings --csv:\n%s", csv)
	}
}

func TestCLI_PeopleFormulations(t *testing.T) {
	idx, _ := readoutIndex(t)
	var ps struct {
		People []struct {
			Name   string `json:"name"`
			First  string `json:"first"`
			Titles []struct {
				Title string `json:"title"`
				Docs  int    `json:"docs"`
			} `json:"titles"`
		} `json:"people"`
	}
	decodeJSON(t, run(t, 0, "people", "--index", idx, "张明远", "--json").stdout, &ps)
	if len(ps.People) != 1 || ps.People[0].First != "2021-03-27" || ps.People[0].Titles[0].Title != "省委书记" {
		t.Errorf("people 张明远: %+v", ps)
	}
	run(t, 1, "people", "--index", idx, "无名氏")
	var fs struct {
		Formulations []struct {
			Text      string `json:"text"`
			Docs      int    `json:"docs"`
			FirstSeen string `json:"first_seen"`
		} `json:"formulations"`
	}
	decodeJSON(t, run(t, 0, "formulations", "--index", idx, "--json").stdout, &fs)
	if len(fs.Formulations) == 0 || fs.Formulations[0].Text != "稳中求进" || fs.Formulations[0].Docs != 3 || fs.Formulations[0].FirstSeen != "2021-03-27" {
		t.Errorf("formulations: %+v", fs)
	}
	decodeJSON(t, run(t, 0, "formulations", "--index", idx, "--json", "--presider", "李青").stdout, &fs)
	if len(fs.Formulations) != 2 || fs.Formulations[0].Docs != 1 {
		t.Errorf("formulations --presider 李青: %+v", fs)
	}
}

// TestCLI_RecordFilters: a query over only the documents of matching
// meetings.
func TestCLI_RecordFilters(t *testing.T) {
	idx, _ := readoutIndex(t)
	var tr struct {
		Series []struct {
			Docs int `json:"docs"`
		} `json:"series"`
	}
	decodeJSON(t, run(t, 0, "trend", "--index", idx, "稳中求进", "--json").stdout, &tr)
	if tr.Series[0].Docs != 3 {
		t.Fatalf("trend 稳中求进: %+v", tr)
	}
	decodeJSON(t, run(t, 0, "trend", "--index", idx, "稳中求进", "--presider", "张明远", "--json").stdout, &tr)
	if tr.Series[0].Docs != 1 {
		t.Errorf("trend --presider 张明远: %+v", tr)
	}
	var sr struct {
		Total int `json:"total"`
		Hits  []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	decodeJSON(t, run(t, 0, "search", "--index", idx, "稳中求进", "--meeting-body", "江南", "--json").stdout, &sr)
	if sr.Total != 1 || sr.Hits[0].ID != "r2" {
		t.Errorf("search --meeting-body 江南: %+v", sr)
	}
	var kw struct {
		Total int `json:"total"`
	}
	decodeJSON(t, run(t, 0, "kwic", "--index", idx, "稳中求进", "--presider", "nobody", "--json").stdout, &kw)
	if kw.Total != 0 {
		t.Errorf("kwic --presider nobody: %+v", kw)
	}
}

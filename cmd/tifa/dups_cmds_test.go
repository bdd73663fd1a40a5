package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_Dups: a story reprinted by three outlets is one cluster for tifa
// dups, and one document for trend, search and kwic with --collapse.
func TestCLI_Dups(t *testing.T) {
	text := "The State Council on Monday issued a guideline on promoting common prosperity in Zhejiang, " +
		"calling for a demonstration zone that narrows the gaps between urban and rural incomes by 2025. " +
		"Officials said the zone would test policies on public services, pensions and housing before they are tried elsewhere."
	var lines []string
	add := func(id, date, source, title, body string) {
		b, _ := json.Marshal(map[string]string{"id": id, "date": date, "source": source, "title": title, "text": body})
		lines = append(lines, string(b))
	}
	add("orig", "2021-06-10", "Xinhua", "Zhejiang to build common prosperity zone", text)
	add("copy-1", "2021-06-11", "China Daily", "Zhejiang zone for common prosperity", text)
	add("copy-2", "2021-06-12", "Global Times", "Common prosperity: Zhejiang", text+" Reporting by staff.")
	add("copy-3", "2021-07-02", "CGTN", "Zhejiang", strings.Replace(text, "Monday", "Tuesday", 1))
	add("other", "2021-06-15", "Xinhua", "Common prosperity in Fujian", "Fujian also spoke of common prosperity, in other words entirely, with its own plans for villages and coastal towns.")
	file := filepath.Join(t.TempDir(), "docs.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(t.TempDir(), "index")
	run(t, 0, "ingest", "--quiet", "--index", idx, file)

	var d struct {
		Docs          int `json:"docs"`
		Clusters      int `json:"clusters"`
		Duplicates    int `json:"duplicates"`
		CollapsedDocs int `json:"collapsed_docs"`
		Items         []struct {
			Size    int      `json:"size"`
			ID      string   `json:"id"`
			Members []string `json:"members"`
		} `json:"items"`
	}
	decodeJSON(t, run(t, 0, "dups", "--index", idx, "--json").stdout, &d)
	if d.Clusters != 1 || len(d.Items) != 1 || d.Items[0].ID != "orig" || fmt.Sprint(d.Items[0].Members) != "[orig copy-1 copy-2 copy-3]" || d.CollapsedDocs != 2 {
		t.Errorf("dups: %+v", d)
	}
	if r := run(t, 0, "dups", "--index", idx, "--source", "CGTN"); !strings.Contains(r.stdout, "Zhejiang to build common prosperity zone") {
		t.Errorf("dups --source CGTN:\n%s", r)
	}
	if r := run(t, 0, "dups", "--index", idx, "--from", "2022-01-01"); !strings.Contains(r.stdout, "no cluster in range") {
		t.Errorf("dups --from 2022:\n%s", r)
	}
	rows := readCSVText(t, run(t, 0, "dups", "--index", idx, "--csv").stdout)
	if len(rows) != 2 || rows[0][0] != "size" || rows[1][0] != "4" {
		t.Errorf("dups CSV: %q", rows)
	}
	run(t, exitUsage, "dups", "--index", idx, "--min-size", "1")

	var tr struct {
		Series []struct {
			Hits, Docs int
			Buckets    []struct {
				Docs      int `json:"docs"`
				TotalDocs int `json:"total_docs"`
			}
		}
	}
	decodeJSON(t, run(t, 0, "trend", "--index", idx, "common prosperity", "--json").stdout, &tr)
	if tr.Series[0].Docs != 5 {
		t.Errorf("trend: %+v", tr)
	}
	decodeJSON(t, run(t, 0, "trend", "--index", idx, "common prosperity", "--json", "--collapse").stdout, &tr)
	if s := tr.Series[0]; s.Docs != 2 || s.Buckets[0].TotalDocs != 2 || len(s.Buckets) != 1 {
		t.Errorf("trend --collapse: %+v", tr)
	}
	var sr struct{ Total int }
	decodeJSON(t, run(t, 0, "search", "--index", idx, "zhejiang", "--json", "--collapse").stdout, &sr)
	if sr.Total != 1 {
		t.Errorf("search --collapse: %d documents, want 1", sr.Total)
	}
	var kw struct{ Total int }
	decodeJSON(t, run(t, 0, "kwic", "--index", idx, "demonstration zone", "--json", "--collapse").stdout, &kw)
	if kw.Total != 1 {
		t.Errorf("kwic --collapse: %d hits, want 1", kw.Total)
	}
}

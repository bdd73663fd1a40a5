package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_Analysis runs the four analysis commands on the example corpus:
// their JSON shapes (lifecycle's is SPEC §9's), CSV headers, tables and
// usage errors.
func TestCLI_Analysis(t *testing.T) {
	idx := sharedIndex(t)

	t.Run("lifecycle", func(t *testing.T) {
		r := run(t, 0, "lifecycle", "--index", idx, "动态清零", "common prosperity", "--by", "year", "--gap", "1", "--json")
		var v map[string]any
		decodeJSON(t, r.stdout, &v)
		wantShape(t, "lifecycle", v, map[string]string{"by": str, "gap": num, "series": arr})
		for _, s := range items(t, "lifecycle", v, "series") {
			wantShape(t, "lifecycle series", s, map[string]string{"query": str, "first_seen": strNil, "last_seen": strNil,
				"peak": obj, "gaps": arr, "absent_since": strNil})
		}
		file := filepath.Join(t.TempDir(), "queries.txt")
		if err := os.WriteFile(file, []byte("# formulations\n动态清零\n\ncommon prosperity\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r = run(t, 0, "lifecycle", "--index", idx, "--file", file, "--context", "1")
		if !strings.Contains(r.stdout, "动态清零") || !strings.Contains(r.stdout, "common prosperity") || !strings.Contains(r.stdout, "gaps: at least 6 months") {
			t.Errorf("lifecycle table:\n%s", r)
		}
		rows := readCSVText(t, run(t, 0, "lifecycle", "--index", idx, "动态清零", "--csv").stdout)
		if len(rows) != 2 || rows[0][0] != "query" || rows[1][0] != "动态清零" {
			t.Errorf("lifecycle CSV: %q", rows)
		}
		run(t, exitUsage, "lifecycle", "--index", idx)
		run(t, exitUsage, "lifecycle", "--index", idx, "a", "--gap", "0")
	})

	t.Run("collocates", func(t *testing.T) {
		r := run(t, 0, "collocates", "--index", idx, "共同富裕", "--min-freq", "2", "--json")
		var v map[string]any
		decodeJSON(t, r.stdout, &v)
		wantShape(t, "collocates", v, map[string]string{"query": str, "nodes": num, "docs": num, "collocates": arr, "total": num})
		cs := items(t, "collocates", v, "collocates")
		if len(cs) == 0 {
			t.Fatalf("no collocates of 共同富裕:\n%s", r)
		}
		wantShape(t, "collocate", cs[0], map[string]string{"item": str, "freq": num, "corpus_freq": num, "ll": num, "mi": num, "t": num})
		rows := readCSVText(t, run(t, 0, "collocates", "--index", idx, "共同富裕", "--min-freq", "2", "--csv").stdout)
		if len(rows) < 2 || strings.Join(rows[0], ",") != "item,n,freq,left,right,docs,corpus_freq,expected,ll,mi,t" {
			t.Errorf("collocates CSV: %q", rows)
		}
		if r := run(t, 0, "collocates", "--index", idx, "共同富裕", "--min-freq", "2"); !strings.Contains(r.stdout, "collocate") {
			t.Errorf("collocates table:\n%s", r)
		}
		run(t, exitUsage, "collocates", "--index", idx, "共同富裕", "--measure", "dice")
		run(t, exitUsage, "collocates", "--index", idx, "(共同富裕")
	})

	t.Run("keyness", func(t *testing.T) {
		r := run(t, 0, "keyness", "--index", idx, "--target", "2021", "--min-freq", "3", "--json")
		var v map[string]any
		decodeJSON(t, r.stdout, &v)
		wantShape(t, "keyness", v, map[string]string{"target": obj, "reference": obj, "items": arr, "total": num})
		if len(items(t, "keyness", v, "items")) == 0 {
			t.Errorf("nothing key in 2021:\n%s", r)
		}
		r = run(t, 0, "keyness", "--index", idx, "--target", "2021", "--ref", "2022..2024", "--min-freq", "3")
		if !strings.Contains(r.stdout, "reference  2022-01-01 … 2024-12-31") {
			t.Errorf("keyness table:\n%s", r)
		}
		run(t, exitUsage, "keyness", "--index", idx)
		run(t, exitUsage, "keyness", "--index", idx, "--target", "2021-13")
	})

	t.Run("emerging", func(t *testing.T) {
		r := run(t, 0, "emerging", "--index", idx, "--period", "2021", "--ref", "1", "--min-freq", "3", "--min-docs", "2", "--json")
		var v map[string]any
		decodeJSON(t, r.stdout, &v)
		wantShape(t, "emerging", v, map[string]string{"period": obj, "reference": obj, "items": arr, "total": num})
		found := false
		for _, it := range items(t, "emerging", v, "items") {
			found = found || it["item"] == "共同富裕"
		}
		if !found {
			t.Errorf("共同富裕 is not emerging in 2021:\n%s", r)
		}
		rows := readCSVText(t, run(t, 0, "emerging", "--index", idx, "--period", "2021", "--ref", "1", "--min-freq", "3", "--csv").stdout)
		if len(rows) < 2 || rows[0][0] != "item" || rows[0][len(rows[0])-1] != "folded" {
			t.Errorf("emerging CSV: %q", rows)
		}
		run(t, exitUsage, "emerging", "--index", idx)
		run(t, exitUsage, "emerging", "--index", idx, "--period", "2021", "--from", "2020-01-01")
	})
}

func readCSVText(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("reading CSV: %v\n%s", err, s)
	}
	return rows
}

package corpus

import (
	"bytes"
	"compress/gzip"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestJSONL_Mixed reads a fixture with one case per line and checks each
// line's document or rejection.
func TestJSONL_Mixed(t *testing.T) {
	recs := walkAll(t, []string{"testdata/jsonl/mixed.jsonl"}, Options{Source: "Fallback Source"})
	byLine := map[int]Record{}
	for _, r := range recs {
		if _, dup := byLine[r.Line]; dup {
			t.Fatalf("two records at line %d", r.Line)
		}
		byLine[r.Line] = r
	}
	tests := []struct {
		name string
		line int
		doc  *Document // want this document, or
		err  string    // a rejection containing this
		kind error
	}{
		{name: "full record after BOM", line: 1, doc: &Document{
			ID: "a1", Date: "2021-03-04", Source: "Daily Invented", Title: "Harvest festival opens",
			Text: "Farmers gathered.\n\nThe mayor spoke.", Lang: "en", URL: "https://example.org/a1",
			Meta: map[string]string{"province": "Nowhere", "page": "3"}}},
		{name: "CRLF line, slash date, lang detected, source filled", line: 4, doc: &Document{
			ID: "a2", Date: "2021-03-05", Source: "Fallback Source", Title: "城市举办读书节", Text: "市民参加了活动。", Lang: "zh"}},
		{name: "invalid date", line: 5, err: `date "2022-13-45" is not a valid date (want YYYY-MM-DD)`, kind: ErrField},
		{name: "truncated line", line: 6, err: "invalid JSON: unexpected end of input at column 66", kind: ErrSyntax},
		{name: "number id", line: 7, err: `field "id" must be a string, not a number`, kind: ErrField},
		{name: "no id, unknown keys to meta", line: 8, doc: &Document{
			ID: contentID("No id here", "2021-03-06", "Body"), Date: "2021-03-06", Source: "Fallback Source",
			Title: "No id here", Text: "Body", Lang: "en", Meta: map[string]string{"section": "sports", "rank": "7"}}},
		{name: "meta not an object", line: 9, err: `field "meta" must be an object of strings, not a string`, kind: ErrField},
		{name: "array line", line: 10, err: "want a JSON object, got an array", kind: ErrSyntax},
		{name: "escapes", line: 11, doc: &Document{
			ID: "a9", Source: "Fallback Source", Title: "Escapes é😀 \"q\"", Text: "tab\there\nline", Lang: "en"}},
		{name: "null date is undated", line: 12, doc: &Document{
			ID: "a10", Source: "Fallback Source", Title: "Undated", Text: "No date given.", Lang: "en"}},
		{name: "id without words is kept", line: 13, doc: &Document{ID: "a11", Source: "Fallback Source"}},
		{name: "no id and no words", line: 14, doc: &Document{ID: contentID("", "2021-01-01", "  "), Date: "2021-01-01", Source: "Fallback Source", Text: "  "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := byLine[tt.line]
			if !ok {
				t.Fatalf("no record at line %d", tt.line)
			}
			if tt.doc != nil {
				if r.Err != nil {
					t.Fatalf("line %d rejected: %v", tt.line, r.Err)
				}
				if !reflect.DeepEqual(r.Doc, *tt.doc) {
					t.Errorf("line %d:\n got %+v\nwant %+v", tt.line, r.Doc, *tt.doc)
				}
				return
			}
			if r.Err == nil {
				t.Fatalf("line %d accepted as %+v, want rejection %q", tt.line, r.Doc, tt.err)
			}
			if !strings.Contains(r.Err.Error(), tt.err) {
				t.Errorf("line %d: error %q, want it to contain %q", tt.line, r.Err, tt.err)
			}
			if !errors.Is(r.Err, tt.kind) {
				t.Errorf("line %d: error %q is not %v", tt.line, r.Err, tt.kind)
			}
		})
	}
	if len(recs) != len(tests) {
		t.Errorf("got %d records, want %d (blank lines skipped)", len(recs), len(tests))
	}
}

// TestJSONL_Lines covers line lengths and limits.
func TestJSONL_Lines(t *testing.T) {
	long := strings.Repeat("長文", 12000) // 72,000 bytes of text
	tests := []struct {
		name     string
		input    string
		max      int
		wantDocs []string // ids
		wantErr  map[int]string
	}{
		{name: "70 KB line", input: `{"id":"long","title":"t","text":"` + long + `"}` + "\n" + `{"id":"after","title":"t"}`, wantDocs: []string{"long", "after"}},
		{name: "no final newline", input: `{"id":"x","title":"t"}`, wantDocs: []string{"x"}},
		{name: "over the limit, then more", max: 100,
			input:    `{"id":"small","title":"t"}` + "\n" + `{"id":"big","title":"` + strings.Repeat("x", 500) + `"}` + "\r\n" + `{"id":"next","title":"t"}` + "\n",
			wantDocs: []string{"small", "next"},
			wantErr:  map[int]string{2: "record is 523 bytes, over the 100 bytes limit"}},
		{name: "over the limit at the end without newline", max: 1024,
			input:    `{"id":"a","title":"t"}` + "\n" + strings.Repeat(" ", 70000),
			wantDocs: []string{"a"},
			wantErr:  map[int]string{2: "record is 70000 bytes, over the 1 KiB limit"}},
		{name: "exactly at the limit", max: 26, input: `{"id":"e","title":"12345"}` + "\n", wantDocs: []string{"e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := readInput(t, "", tt.input, Options{MaxDocBytes: tt.max})
			var ids []string
			for _, d := range docsOf(recs) {
				ids = append(ids, d.ID)
			}
			if !reflect.DeepEqual(ids, tt.wantDocs) {
				t.Errorf("docs %v, want %v", ids, tt.wantDocs)
			}
			rej := rejectsOf(recs)
			if len(rej) != len(tt.wantErr) {
				t.Fatalf("rejections %v, want %v", rej, tt.wantErr)
			}
			for _, r := range rej {
				if want := tt.wantErr[r.Line]; want == "" || r.Err.Error() != want {
					t.Errorf("line %d: %q, want %q", r.Line, r.Err, want)
				}
				if !errors.Is(r.Err, ErrTooLarge) {
					t.Errorf("line %d: %v is not ErrTooLarge", r.Line, r.Err)
				}
			}
		})
	}
}

// TestJSONL_Compressed reads gzip (several members) and zstd, by suffix
// and, on standard input, by magic number.
func TestJSONL_Compressed(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	for _, id := range []string{"g1", "g2", "g3"} { // one member per line
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(`{"id":"` + id + `","title":"t"}` + "\n"))
		zw.Close()
	}
	var zs bytes.Buffer
	zw, err := zstd.NewWriter(&zs)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write([]byte(`{"id":"z1","title":"t"}` + "\n" + `{"id":"z2","title":"t"}` + "\n"))
	zw.Close()
	gzPath := writeFile(t, dir, "multi.jsonl.gz", gz.Bytes())
	zsPath := writeFile(t, dir, "d.ndjson.zst", zs.Bytes())
	badPath := writeFile(t, dir, "bad.jsonl.gz", []byte("not gzip at all\n"))
	cutPath := writeFile(t, dir, "cut.jsonl.gz", gz.Bytes()[:gz.Len()-5])

	ids := func(recs []Record) string {
		var s []string
		for _, r := range recs {
			if r.Err != nil {
				s = append(s, "ERR")
			} else {
				s = append(s, r.Doc.ID)
			}
		}
		return strings.Join(s, " ")
	}
	if got := ids(walkAll(t, []string{gzPath, zsPath}, Options{})); got != "g1 g2 g3 z1 z2" {
		t.Errorf("files: %s", got)
	}
	if got := ids(readInput(t, "", gz.String(), Options{})); got != "g1 g2 g3" {
		t.Errorf("gzip on stdin: %s", got)
	}
	if got := ids(readInput(t, "", zs.String(), Options{})); got != "z1 z2" {
		t.Errorf("zstd on stdin: %s", got)
	}
	recs := walkAll(t, []string{badPath}, Options{})
	if len(recs) != 1 || !errors.Is(recs[0].Err, ErrRead) || !strings.Contains(recs[0].Err.Error(), "gzip") {
		t.Errorf("not gzip: %v", recs)
	}
	if recs[0].Err.Error() != "cannot read: gzip: invalid header" {
		t.Errorf("not gzip: %q", recs[0].Err)
	}
	recs = walkAll(t, []string{cutPath}, Options{})
	if got := ids(recs); got != "g1 g2 ERR" && got != "g1 g2 g3 ERR" {
		t.Errorf("truncated gzip: %s (%v)", got, recs)
	}
	if last := recs[len(recs)-1]; last.Err == nil || last.Err.Error() != "cannot read to the end: gzip: unexpected EOF" || !errors.Is(last.Err, ErrRead) {
		t.Errorf("truncated gzip: %v", last.Err)
	}
}

// TestJSONL_Map sends keys to fields with Options.Map.
func TestJSONL_Map(t *testing.T) {
	in := `{"ID":"m1","headline":"Mapped title","body":"Mapped text","when":"20210102","province":"East"}` + "\n"
	recs := readInput(t, "jsonl", in, Options{Map: map[string]string{"headline": "title", "Body": "text", "when": "date", "province": "meta.region"}})
	want := Document{ID: "m1", Date: "2021-01-02", Title: "Mapped title", Text: "Mapped text", Lang: "en", Meta: map[string]string{"region": "East"}}
	if len(recs) != 1 || !reflect.DeepEqual(recs[0].Doc, want) {
		t.Errorf("got %+v, want %+v", recs, want)
	}
}

// TestJSONL_InvalidUTF8 repairs bad bytes instead of rejecting.
func TestJSONL_InvalidUTF8(t *testing.T) {
	recs := readInput(t, "", "{\"id\":\"u\xff\",\"title\":\"caf\xe9 \xff\xfe\"}\n", Options{})
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("got %v", recs)
	}
	if d := recs[0].Doc; d.ID != "u\uFFFD" || d.Title != "caf\uFFFD \uFFFD" {
		t.Errorf("got id %q title %q", d.ID, d.Title)
	}
}

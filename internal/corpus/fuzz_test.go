package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// The fuzz targets feed arbitrary input to each reader through Walk and
// check that nothing panics and that every record is well formed
// (checkRecord: valid UTF-8, a non-empty id, a YYYY-MM-DD or empty date).
// Seeds are in testdata/fuzz/<FuzzName>/.

// FuzzJSONL also checks the hand-written JSON decoder against
// encoding/json: the same lines are valid, and a valid object gives the
// same fields.
func FuzzJSONL(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		readInput(t, "jsonl", string(data), Options{MaxDocBytes: 4096})
		readInput(t, "jsonl", string(data), Options{Map: map[string]string{"body": "text", "when": "date", "x": "meta.y"}})
		if bytes.ContainsAny(data, "\n\r") || bytes.HasPrefix(data, bomBytes) || isBlank(data) {
			return
		}
		compareWithStdlib(t, data)
	})
}

// stdDoc is the Document fields as encoding/json decodes them.
type stdDoc struct {
	ID, Date, Source, Title, Text, Lang, URL string
	Meta                                     map[string]string
}

func compareWithStdlib(t *testing.T, line []byte) {
	var d Document
	err := (&docParser{}).parse(line, &d)
	valid := json.Valid(line) && bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{"))
	if valid && errors.Is(err, ErrSyntax) {
		t.Fatalf("valid JSON object %q rejected: %v", line, err)
	}
	if !valid && err == nil {
		t.Fatalf("invalid JSON %q accepted as %+v", line, d)
	}
	if err != nil {
		return
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(line, &keys) != nil {
		return
	}
	for k := range keys {
		for i := 0; i < len(k); i++ {
			if k[i] >= utf8.RuneSelf {
				return // encoding/json folds some non-ASCII letters into field names
			}
		}
	}
	var s stdDoc
	if json.Unmarshal(line, &s) != nil {
		return // a type error: our decoder may keep what encoding/json refuses (meta numbers)
	}
	if !utf8.Valid(line) {
		return // encoding/json repairs bad bytes per byte, finish per run
	}
	got := stdDoc{d.ID, d.Date, d.Source, d.Title, d.Text, d.Lang, d.URL, nil}
	for k, v := range s.Meta {
		if d.Meta[k] != v {
			t.Fatalf("%q: meta %q is %q, want %q", line, k, d.Meta[k], v)
		}
	}
	s.Meta = nil
	if !reflect.DeepEqual(got, s) {
		t.Fatalf("%q:\n got %+v\nwant %+v", line, got, s)
	}
}

func FuzzText(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		readInput(t, "text", string(data), Options{})
		readInput(t, "text", string(data), Options{MaxDocBytes: 64})
	})
}

func FuzzCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		readInput(t, "csv", string(data), Options{})
		readInput(t, "tsv", string(data), Options{Map: map[string]string{"body": "text", "b": "meta.b"}, MaxDocBytes: 256})
	})
}

func FuzzHTML(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		readInput(t, "html", string(data), Options{})
	})
}

func FuzzSGML(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		readInput(t, "sgml", string(data), Options{})
		readInput(t, "sgml", string(data), Options{MaxDocBytes: 128})
	})
}

// FuzzParseDate checks that a date is either rejected or normalised to a
// real YYYY-MM-DD day that parses to itself.
func FuzzParseDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		if err != nil {
			if got != "" {
				t.Fatalf("ParseDate(%q) = %q with error %v", s, got, err)
			}
			return
		}
		if got == "" {
			return
		}
		if !isISODate(got) || !validDay(atoi(got[:4]), atoi(got[5:7]), atoi(got[8:])) {
			t.Fatalf("ParseDate(%q) = %q, not a real day", s, got)
		}
		if again, err := ParseDate(got); again != got || err != nil {
			t.Fatalf("ParseDate(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}

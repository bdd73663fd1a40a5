package corpus

import (
	"path/filepath"
	"sort"
	"strings"
)

// format is one input format: its --format name, the file name extensions
// that select it, and its reader.
type format struct {
	name string
	exts []string
	read func(in *input) error
	// perFile: one document per file, so a document without an id takes
	// the file's path as its id.
	perFile bool
}

// formats lists every input format; init fills it to break the cycle
// between the readers and the table.
var formats []*format

func init() {
	formats = []*format{
		{name: "jsonl", exts: []string{".jsonl", ".ndjson"}, read: readJSONL},
		{name: "json", exts: []string{".json"}, read: readJSON},
		{name: "text", exts: []string{".txt"}, read: readText, perFile: true},
		{name: "csv", exts: []string{".csv"}, read: readCSV},
		{name: "tsv", exts: []string{".tsv"}, read: readTSV},
		{name: "html", exts: []string{".html", ".htm", ".shtml", ".xhtml"}, read: readHTML, perFile: true},
		{name: "sgml", exts: []string{".sgm", ".sgml"}, read: readSGML},
	}
}

// formatAliases are further names --format accepts.
var formatAliases = map[string]string{"ndjson": "jsonl", "txt": "text", "htm": "html", "sgm": "sgml"}

// formatByName returns the format called name (or an alias of it).
func formatByName(name string) (*format, bool) {
	name = strings.ToLower(name)
	if a, ok := formatAliases[name]; ok {
		name = a
	}
	for _, f := range formats {
		if f.name == name {
			return f, true
		}
	}
	return nil, false
}

// formatNames returns the --format names, for messages.
func formatNames() []string {
	var s []string
	for _, f := range formats {
		s = append(s, f.name)
	}
	return s
}

// knownExts returns every extension that selects a format, for messages.
func knownExts() string {
	var s []string
	for _, f := range formats {
		s = append(s, f.exts...)
	}
	sort.Strings(s)
	return strings.Join(s, " ") + " (each also .gz or .zst)"
}

// Compression suffixes.
const (
	compNone = ""
	compGzip = ".gz"
	compZstd = ".zst"
)

// splitName splits a file name into its stem, format extension and
// compression suffix: "a/b.jsonl.gz" is ("a/b", ".jsonl", ".gz"). The
// extensions are lower-cased; stem keeps its case.
func splitName(name string) (stem, ext, comp string) {
	stem = name
	switch e := strings.ToLower(extOf(stem)); e {
	case ".gz", ".zst", ".zstd":
		comp = e
		if e == ".zstd" {
			comp = compZstd
		}
		stem = stem[:len(stem)-len(e)]
	}
	ext = extOf(stem)
	stem = stem[:len(stem)-len(ext)]
	return stem, strings.ToLower(ext), comp
}

// extOf returns the extension of name: the final ".xyz" of the base name
// when it is 1 to 8 letters or digits, else "" (so "2022.08.20 notes" has
// none).
func extOf(name string) string {
	e := filepath.Ext(name)
	if len(e) < 2 || len(e) > 9 {
		return ""
	}
	for _, c := range e[1:] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return ""
		}
	}
	return e
}

// formatFor decides the format of the file called name: forced (the
// --format name) when set, else by extension. ok is false when the name
// does not tell.
func formatFor(name, forced string) (f *format, comp string, ok bool) {
	_, ext, comp := splitName(name)
	if forced != "" {
		f, ok = formatByName(forced)
		return f, comp, ok
	}
	for _, f := range formats {
		for _, e := range f.exts {
			if e == ext {
				return f, comp, true
			}
		}
	}
	return nil, comp, false
}

// stemID returns the id of a one-document file from its path relative to
// the walked directory (or its base name): the path without its format and
// compression extensions, slash-separated.
func stemID(rel string) string {
	stem, _, _ := splitName(rel)
	return strings.Trim(filepath.ToSlash(stem), "/")
}

// Package corpus reads documents from the input formats of SPEC §1 and
// turns each into a Document or a rejection naming the file and line.
//
// Readers stream: memory use is bounded by the largest single record
// (Options.MaxDocBytes), never by the size of a file or directory.
//
// # Formats
//
// Walk decides each file's format by its name, or by Options.Format:
//
//	.jsonl .ndjson    JSON Lines, one document object per line (jsonl.go)
//	.json             a document object, an array of them, or a CCTV video-list
//	                  dump, one document per story (jsonfile.go, cctv.go)
//	.txt              a dated article: "date YYYY-MM-DD TITLE", a blank line,
//	                  the body (text.go)
//	.csv .tsv         a header row naming the fields, then one document per
//	                  row (csv.go)
//	.html .htm .shtml .xhtml
//	                  one page, one document: title, main text, date (html.go)
//	.sgm .sgml        Reuters-21578 SGML, one document per <REUTERS> element
//	                  (sgml.go)
//
// A further .gz or .zst suffix means gzip (several members allowed) or
// zstd, decompressed while streaming; standard input ("-", JSON Lines
// unless Options.Format says otherwise) is recognised as compressed by
// its first bytes.
//
// # Directories
//
// A directory is walked recursively in lexical order. Names starting with
// "." (hidden files and directories, macOS "._*" AppleDouble files) are
// skipped silently; every other file is read by its own format, and a file
// whose format its name does not tell is reported as a rejection
// (ErrUnknownFormat), so the user sees what was left out. Symbolic links
// to files are read, links to directories are reported and not followed.
//
// # Documents
//
// Every reader hands its records to one finishing step (finish.go): fields
// trimmed and repaired to valid UTF-8 (bad bytes become U+FFFD), the date
// normalised by ParseDate (a record whose date is not a date is rejected),
// text kept as written but with LF line ends and no leading BOM, source
// from Options.Source and lang from DetectLang when missing. A document
// without an id gets, for one-document-per-file formats (text, HTML), its
// path relative to the walked directory without extensions ("sub/page"),
// or for a file named directly its base name ("000_df70d2a1fb1ed569");
// otherwise "sha1-" and 16 hex digits of sha1(title NUL date NUL text).
//
// A rejection's Err wraps one of the Err* values of errors.go, and its
// message is meant for the user as "FILE:LINE: message".
package corpus

// Document is one article as ingested. Date is "YYYY-MM-DD" or "" (undated).
type Document struct {
	ID     string            `json:"id"`
	Date   string            `json:"date,omitempty"`
	Source string            `json:"source,omitempty"`
	Title  string            `json:"title,omitempty"`
	Text   string            `json:"text,omitempty"`
	Lang   string            `json:"lang,omitempty"`
	URL    string            `json:"url,omitempty"`
	Meta   map[string]string `json:"meta,omitempty"`
}

// Record is one item read from an input: a document, or a rejection (Err
// non-nil) of the record that starts at File:Line.
type Record struct {
	Doc  Document
	File string // path as given by the user (or "-" for stdin)
	Line int    // 1-based line where the record starts; 0 when not meaningful
	Err  error  // non-nil: the record was rejected for this reason
}

// Package corpus reads documents from the input formats of SPEC §1 and
// turns each into a Document or a rejection naming the file and line.
//
// Readers stream: memory use is bounded by the largest single record, never
// by the size of a file or directory.
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

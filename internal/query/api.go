package query

import "context"

// Searcher answers the reading commands. The embedded index (Local) is one
// implementation; another engine gives the same answers through the same
// interface, so the CLI and the HTTP API never depend on where documents
// live.
type Searcher interface {
	Search(ctx context.Context, r SearchRequest) (*SearchResult, error)
	Trend(ctx context.Context, r TrendRequest) (*TrendResult, error)
	KWIC(ctx context.Context, r KWICRequest) (*KWICResult, error)
	Stats(ctx context.Context, f Filter) (*Stats, error)
	Doc(ctx context.Context, id, query string) (*DocResult, error)
}

// SearchRequest asks for the documents matching Query.
type SearchRequest struct {
	Query  string
	Filter Filter
	Sort   string // "newest" (default), "oldest" or "relevance"
	Limit  int    // default 20
	Offset int
	// NoSnippets leaves Snippet empty: it saves reading and tokenizing
	// each listed document's text when only ids, dates and titles are
	// wanted.
	NoSnippets bool
	// NoTotal lets a newest- or oldest-first search stop as soon as it
	// has the page, instead of counting every matching document: Total is
	// then the number found so far, at least Offset+len(Hits), and
	// TotalAtLeast says so. It is a permission, not an order: relevance
	// order and engines that always count answer with the exact total.
	NoTotal bool
}

// Defaults fills in the zero fields with their defaults; every Searcher
// applies it, so that engines answer the same request alike.
func (r *SearchRequest) Defaults() {
	if r.Limit <= 0 {
		r.Limit = 20
	}
}

// SearchResult is SPEC §5's search output.
type SearchResult struct {
	Total int `json:"total"`
	// TotalAtLeast is set when a NoTotal request stopped early: Total is
	// then a lower bound.
	TotalAtLeast bool        `json:"total_at_least,omitempty"`
	Hits         []SearchHit `json:"hits"`
}

// SearchHit is one matching document.
type SearchHit struct {
	ID      string  `json:"id"`
	Date    string  `json:"date"`
	Source  string  `json:"source"`
	Title   string  `json:"title"`
	Score   float64 `json:"score"`
	Hits    int     `json:"hits"`
	Snippet string  `json:"snippet"`
}

// TrendRequest asks for one series per query.
type TrendRequest struct {
	Queries []string
	By      string // day, week, month (default), quarter, year
	Filter  Filter
}

// TrendResult is SPEC §4's trend output.
type TrendResult struct {
	By     string   `json:"by"`
	Series []Series `json:"series"`
}

// Series is the trend of one query.
type Series struct {
	Query     string   `json:"query"`
	FirstSeen *string  `json:"first_seen"`
	LastSeen  *string  `json:"last_seen"`
	Hits      int64    `json:"hits"`
	Docs      int64    `json:"docs"`
	Buckets   []Bucket `json:"buckets"`
}

// Bucket is one time bucket of a series.
type Bucket struct {
	Start       string `json:"start"`
	Hits        int64  `json:"hits"`
	Docs        int64  `json:"docs"`
	TotalDocs   int64  `json:"total_docs"`
	TotalTokens int64  `json:"total_tokens"`
}

// KWICRequest asks for keyword-in-context lines, oldest document first.
type KWICRequest struct {
	Query  string
	Filter Filter
	Width  int // characters either side; default 60
	Limit  int // default 100
	// NoTotal lets KWIC stop once it has Limit lines instead of counting
	// every hit (see SearchRequest.NoTotal).
	NoTotal bool
}

// Defaults fills in the zero fields with their defaults (see
// SearchRequest.Defaults).
func (r *KWICRequest) Defaults() {
	if r.Width <= 0 {
		r.Width = 60
	}
	if r.Limit <= 0 {
		r.Limit = 100
	}
}

// KWICResult is SPEC §5's kwic output. Total counts every hit (unless
// TotalAtLeast).
type KWICResult struct {
	Total int `json:"total"`
	// TotalAtLeast is set when a NoTotal request stopped early: Total is
	// then a lower bound.
	TotalAtLeast bool       `json:"total_at_least,omitempty"`
	Lines        []KWICLine `json:"lines"`
}

// KWICLine is one hit in context.
type KWICLine struct {
	ID     string `json:"id"`
	Date   string `json:"date"`
	Source string `json:"source"`
	Left   string `json:"left"`
	Match  string `json:"match"`
	Right  string `json:"right"`
}

// Stats describes the (filtered) corpus.
type Stats struct {
	Docs       int            `json:"docs"`
	Undated    int            `json:"undated"`
	Sources    map[string]int `json:"sources"`
	Langs      map[string]int `json:"langs"`
	FirstDate  *string        `json:"first_date"`
	LastDate   *string        `json:"last_date"`
	Tokens     int64          `json:"tokens"`
	IndexBytes int64          `json:"index_bytes"`
	Segments   int            `json:"segments"`
}

// DocResult is one document with the hits of a query marked.
type DocResult struct {
	ID        string            `json:"id"`
	Date      string            `json:"date"`
	Source    string            `json:"source"`
	Title     string            `json:"title"`
	Text      string            `json:"text"`
	Lang      string            `json:"lang"`
	URL       string            `json:"url,omitempty"`
	Meta      map[string]string `json:"meta,omitempty"`
	TitleHits []Span            `json:"title_hits"`
	TextHits  []Span            `json:"text_hits"`
}

// Span is a byte range [Start, End) of a field as written.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

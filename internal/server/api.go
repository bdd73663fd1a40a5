package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/store"
)

// Bounds on the API's parameters, beyond which a request is refused (400)
// rather than answered in part.
const (
	MaxSearchLimit = 1000
	MaxOffset      = 1_000_000
	MaxKWICLimit   = 10000
	MaxKWICWidth   = 500
	MaxTrendSeries = 16
)

// SourcesResult is the answer of /api/sources: every source with its
// number of documents, most documents first.
type SourcesResult struct {
	Sources []SourceCount `json:"sources"`
}

// SourceCount is one source of SourcesResult.
type SourceCount struct {
	Name string `json:"name"`
	Docs int    `json:"docs"`
}

// Validation is the answer of /api/validate: ok, or the parse error and its
// 1-based column (in characters).
type Validation struct {
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
	Column int    `json:"column,omitempty"`
}

// ErrorBody is the body of every error answer. Column is set for a query
// that cannot be parsed.
type ErrorBody struct {
	Error  string `json:"error"`
	Column int    `json:"column,omitempty"`
}

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	filters := []string{"from", "to", "source"}
	m.HandleFunc("GET /api/search", s.api(slices.Concat(filters, []string{"q", "sort", "limit", "offset", "collapse", "total"}), s.search))
	m.HandleFunc("GET /api/trend", s.api(slices.Concat(filters, []string{"q", "by", "collapse"}), s.trend))
	m.HandleFunc("GET /api/kwic", s.api(slices.Concat(filters, []string{"q", "width", "limit", "collapse", "total"}), s.kwic))
	m.HandleFunc("GET /api/doc/{id...}", s.api([]string{"q"}, s.doc))
	m.HandleFunc("GET /api/stats", s.api(filters, s.stats))
	m.HandleFunc("GET /api/sources", s.api(nil, s.sources))
	m.HandleFunc("GET /api/validate", s.validate)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint %q (see doc/api.md)", r.URL.Path))
	})
	m.HandleFunc("/", s.serveStatic)
	return m
}

// apiFunc answers one API request with a value to encode as JSON.
type apiFunc func(ctx context.Context, p *params, r *http.Request) (any, error)

// api wraps f: parameters checked against allowed, a slot of the limiter
// taken, the query deadline set on the context given to f.
func (s *Server) api(allowed []string, f apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := newParams(r.URL.RawQuery, allowed)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.QueryTimeout)
		defer cancel()
		if !s.lim.acquire(ctx) {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "server busy: too many queries at once, try again shortly")
			return
		}
		// The slot is given back before answering: a client that has its
		// answer has its slot back.
		v, err := func() (any, error) {
			defer s.lim.release()
			return f(ctx, p, r)
		}()
		if err == nil {
			err = p.err
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) search(ctx context.Context, p *params, _ *http.Request) (any, error) {
	req := query.SearchRequest{Query: p.query(), Filter: p.filter(), Sort: p.str("sort"),
		Limit: p.int("limit", 20, 1, MaxSearchLimit), Offset: p.int("offset", 0, 0, MaxOffset), NoTotal: p.noTotal()}
	sr, err := s.searcher(ctx, p)
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	return sr.Search(ctx, req)
}

func (s *Server) trend(ctx context.Context, p *params, _ *http.Request) (any, error) {
	qs := p.v["q"]
	switch {
	case len(qs) == 0:
		return nil, badRequest("missing parameter q (repeat it for several series)")
	case len(qs) > MaxTrendSeries:
		return nil, badRequest(fmt.Sprintf("%d queries: at most %d series at once", len(qs), MaxTrendSeries))
	}
	req := query.TrendRequest{Queries: qs, By: p.str("by"), Filter: p.filter()}
	if req.By == "" {
		req.By = "month" // the CLI's default, so that "by" in the answer is the same
	}
	sr, err := s.searcher(ctx, p)
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	return sr.Trend(ctx, req)
}

func (s *Server) kwic(ctx context.Context, p *params, _ *http.Request) (any, error) {
	req := query.KWICRequest{Query: p.query(), Filter: p.filter(),
		Width: p.int("width", 60, 1, MaxKWICWidth), Limit: p.int("limit", 100, 1, MaxKWICLimit), NoTotal: p.noTotal()}
	sr, err := s.searcher(ctx, p)
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	return sr.KWIC(ctx, req)
}

func (s *Server) doc(ctx context.Context, p *params, r *http.Request) (any, error) {
	id := r.PathValue("id")
	if id == "" {
		return nil, fmt.Errorf("%w: empty id", query.ErrNotFound)
	}
	q := p.str("q")
	if p.err != nil {
		return nil, p.err
	}
	return s.cfg.Searcher.Doc(ctx, id, q)
}

func (s *Server) stats(ctx context.Context, p *params, _ *http.Request) (any, error) {
	f := p.filter()
	if p.err != nil {
		return nil, p.err
	}
	return s.cfg.Searcher.Stats(ctx, f)
}

func (s *Server) sources(ctx context.Context, _ *params, _ *http.Request) (any, error) {
	st, err := s.cfg.Searcher.Stats(ctx, query.Filter{})
	if err != nil {
		return nil, err
	}
	res := &SourcesResult{Sources: make([]SourceCount, 0, len(st.Sources))}
	for name, n := range st.Sources {
		res.Sources = append(res.Sources, SourceCount{Name: name, Docs: n})
	}
	sort.Slice(res.Sources, func(i, j int) bool {
		a, b := res.Sources[i], res.Sources[j]
		if a.Docs != b.Docs {
			return a.Docs > b.Docs
		}
		return a.Name < b.Name
	})
	return res, nil
}

// validate parses q without running it. Parsing is bounded by the query
// length cap, so it takes no slot of the limiter: the page calls it as
// the user types.
func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	var q string
	p, err := newParams(r.URL.RawQuery, []string{"q"})
	if err == nil {
		q = p.query()
		err = p.err
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	res := Validation{OK: true}
	if _, err := query.Parse(q); err != nil {
		res = Validation{Error: err.Error()}
		var pe *query.ParseError
		if errors.As(err, &pe) {
			res.Error, res.Column = pe.Msg, pe.Col
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// errBadRequest marks a request the server refuses before querying.
var errBadRequest = errors.New("bad request")

func badRequest(msg string) error { return fmt.Errorf("%w: %s", errBadRequest, msg) }

// fail answers err with the status that fits it: 400 for a query or
// parameter the engine refuses (as the CLI exits 1), 404 for an unknown
// document, 503 for a query past its deadline, 500 for a damaged or
// unreadable index (as the CLI exits 2).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *query.ParseError
	var pathErr *fs.PathError
	switch {
	case errors.As(err, &pe):
		writeJSON(w, http.StatusBadRequest, ErrorBody{Error: err.Error(), Column: pe.Col})
	case errors.Is(err, errBadRequest):
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), errBadRequest.Error()+": "))
	case errors.Is(err, errNoCollapse):
		writeError(w, http.StatusNotImplemented, err.Error())
	case errors.Is(err, dups.ErrNoSignatures):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, query.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("query stopped after the %s limit: narrow it (dates, sources) or make it more specific", s.cfg.QueryTimeout))
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "request cancelled")
	case errors.Is(err, index.ErrCorrupt), errors.Is(err, index.ErrNewerVersion), errors.Is(err, store.ErrNoIndex), errors.As(err, &pathErr):
		s.cfg.ErrorLog.Printf("tifa serve: %s %s: %v", r.Method, r.URL.Path, err)
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeError(w, http.StatusBadRequest, err.Error())
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as the CLI prints it; nosniff and the JSON type keep it inert
	if err := enc.Encode(v); err != nil {
		status, b = http.StatusInternalServerError, bytes.Buffer{}
		fmt.Fprintf(&b, "{\"error\":%q}\n", "encoding the answer: "+err.Error())
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, ErrorBody{Error: msg})
}

// params reads a query string, remembering the first bad parameter.
type params struct {
	v   url.Values
	err error
}

func newParams(raw string, allowed []string) (*params, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, badRequest(fmt.Sprintf("query string: %v", err))
	}
	for k := range v {
		if !slices.Contains(allowed, k) {
			return nil, badRequest(fmt.Sprintf("unknown parameter %q", k))
		}
	}
	return &params{v: v}, nil
}

func (p *params) fail(msg string) {
	if p.err == nil {
		p.err = badRequest(msg)
	}
}

// str returns the one value of name, "" when absent.
func (p *params) str(name string) string {
	vs := p.v[name]
	if len(vs) > 1 {
		p.fail(fmt.Sprintf("parameter %s given %d times", name, len(vs)))
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// query returns the required parameter q.
func (p *params) query() string {
	if _, ok := p.v["q"]; !ok {
		p.fail("missing parameter q")
	}
	return p.str("q")
}

// int returns name as an integer in [lo, hi], def when absent.
func (p *params) int(name string, def, lo, hi int) int {
	s := p.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.fail(fmt.Sprintf("%s=%q: want a whole number from %d to %d", name, s, lo, hi))
		return def
	}
	return n
}

// date returns name as YYYY-MM-DD, "" when absent.
func (p *params) date(name string) string {
	s := p.str(name)
	if s == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		p.fail(fmt.Sprintf("%s=%q is not a date (want YYYY-MM-DD)", name, s))
	}
	return s
}

// filter returns from, to and every source.
func (p *params) filter() query.Filter {
	return query.Filter{From: p.date("from"), To: p.date("to"), Sources: p.v["source"]}
}

// noTotal reads total=0 (or false): the answer may stop at its page, with
// total a lower bound ("total_at_least": true). Absent or 1 counts all.
func (p *params) noTotal() bool {
	if p.str("total") == "" {
		return false
	}
	return !p.bool("total")
}

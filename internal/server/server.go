// Package server is tifa's HTTP JSON API (SPEC §8) and the server of its web
// page. It answers every request from one query.Searcher — the same calls,
// with the same arguments, that the CLI makes — so that the API and
// `tifa … --json` always give the same answers, in the same JSON shapes.
//
// It is read-only: no endpoint writes anything. Requests are bounded
// before they reach the engine: only GET and HEAD, no body, a capped
// request URI, a bounded number of queries at once (503 beyond), and a
// deadline on each query's context.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/tifa-project/tifa/internal/analysis"
	"github.com/tifa-project/tifa/internal/query"
)

// Defaults of Config.
const (
	DefaultQueryTimeout = 10 * time.Second
	DefaultMaxQueued    = 64
	DefaultMaxURIBytes  = 8 << 10
)

// Config says what a Server serves and within which bounds. Only Searcher
// is required.
type Config struct {
	// Searcher answers every query of the API.
	Searcher query.Searcher
	// Analysis answers the analysis endpoints (analysis.go); nil takes an
	// Analyzer of the Searcher when it is the embedded index.
	Analysis *analysis.Analyzer
	// Assets is the page (index.html at its root, see internal/web); nil
	// serves the API only.
	Assets fs.FS
	// QueryTimeout bounds the work of one request (default 10 s): its
	// context, passed to the Searcher, ends then.
	QueryTimeout time.Duration
	// MaxConcurrent is how many queries run at once (default
	// 2×GOMAXPROCS); MaxQueued how many more may wait for a slot (default
	// 64, negative for none). A request beyond both gets 503.
	MaxConcurrent int
	MaxQueued     int
	// MaxURIBytes caps the request URI, query string included (default
	// 8 KiB); longer requests get 413.
	MaxURIBytes int
	// ErrorLog receives server errors (5xx answers, connection errors);
	// nil logs to the standard logger.
	ErrorLog *log.Logger
}

// Server serves the API and the page. It is safe for concurrent use.
type Server struct {
	cfg    Config
	lim    *limiter
	static *static
	mux    *http.ServeMux

	collapsed collapsedSearcher // dups.go
	readouts  readoutViews      // extract.go
}

// New returns a Server for cfg, filling in defaults. It reads the page's
// assets once, so that every later request is served from memory.
func New(cfg Config) (*Server, error) {
	if cfg.Searcher == nil {
		return nil, errors.New("server: no Searcher")
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 2 * runtime.GOMAXPROCS(0)
	}
	switch {
	case cfg.MaxQueued == 0:
		cfg.MaxQueued = DefaultMaxQueued
	case cfg.MaxQueued < 0:
		cfg.MaxQueued = 0
	}
	if cfg.MaxURIBytes <= 0 {
		cfg.MaxURIBytes = DefaultMaxURIBytes
	}
	if cfg.ErrorLog == nil {
		cfg.ErrorLog = log.Default()
	}
	if l, ok := cfg.Searcher.(*query.Local); ok && cfg.Analysis == nil {
		cfg.Analysis = analysis.New(l)
	}
	s := &Server{cfg: cfg, lim: newLimiter(cfg.MaxConcurrent, cfg.MaxQueued)}
	if cfg.Assets != nil {
		st, err := loadStatic(cfg.Assets)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.static = st
	}
	s.mux = s.routes()
	s.analysisRoutes(s.mux)
	s.dupsRoutes(s.mux)
	s.extractRoutes(s.mux)
	return s, nil
}

// Handler returns the handler of every request: headers and bounds first,
// then the API under /api/ and the page elsewhere.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// HTTPServer returns an http.Server for addr with every timeout set: the
// request header must arrive within 5 s and the whole request within 10 s,
// the answer is written within the query timeout plus 10 s, and an idle
// keep-alive connection is closed after 60 s.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      s.cfg.QueryTimeout + 10*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          s.cfg.ErrorLog,
	}
}

// Serve answers on l until ctx ends, then stops accepting and waits up to
// 5 s for the requests in flight.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := s.HTTPServer(l.Addr().String())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// IsLoopback reports whether a listen address (host:port) only accepts
// connections from this machine.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// contentSecurityPolicy lets the page load only its own files: no inline
// script or style, no other origin, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	switch {
	case len(r.RequestURI) > s.cfg.MaxURIBytes || len(r.URL.RawQuery) > s.cfg.MaxURIBytes:
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request URI longer than %d bytes", s.cfg.MaxURIBytes))
		return
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		h.Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed: tifa's API is read-only (GET, HEAD)", r.Method))
		return
	case r.ContentLength != 0 || len(r.TransferEncoding) > 0:
		// A GET has no body; refuse one rather than read it.
		h.Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, "request has a body: the API takes its arguments in the query string")
		return
	}
	s.mux.ServeHTTP(w, r)
}

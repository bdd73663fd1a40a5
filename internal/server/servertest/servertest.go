// Package servertest gives the tests and benchmarks of the server and the
// page an index of the repository's invented example corpus and a running
// server over it, as httptest does for handlers.
package servertest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/store"
	"github.com/tifa-project/tifa/internal/web"
)

// ExamplesDir returns the absolute path of the repository's
// examples/corpus (74 invented documents, 2 undated).
func ExamplesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "corpus")
}

// Index ingests examples/corpus and then extra into a new index under
// tb.TempDir() and returns its directory. It fails tb on any rejected
// record.
func Index(tb testing.TB, extra ...corpus.Document) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "index")
	docs, err := corpus.ReadAll(context.Background(), []string{ExamplesDir()}, corpus.Options{})
	if err == nil {
		err = store.WriteDocs(dir, store.Options{}, append(docs, extra...))
	}
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Open opens the index in dir for reading until tb ends.
func Open(tb testing.TB, dir string) *store.Snapshot {
	tb.Helper()
	snap, err := store.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { snap.Close() })
	return snap
}

// Start serves the index in dir, with the page, on a loopback port until
// tb ends. cfg's Searcher and Assets are set here when nil.
func Start(tb testing.TB, dir string, cfg server.Config) *httptest.Server {
	tb.Helper()
	if cfg.Searcher == nil {
		cfg.Searcher = &query.Local{Snap: Open(tb, dir)}
	}
	if cfg.Assets == nil {
		cfg.Assets = web.Assets()
	}
	s, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s.Handler())
	hs := s.HTTPServer("")
	ts.Config.ReadHeaderTimeout, ts.Config.ReadTimeout = hs.ReadHeaderTimeout, hs.ReadTimeout
	ts.Config.WriteTimeout, ts.Config.IdleTimeout, ts.Config.MaxHeaderBytes = hs.WriteTimeout, hs.IdleTimeout, hs.MaxHeaderBytes
	ts.Start()
	tb.Cleanup(ts.Close)
	return ts
}

// Get fetches url and returns the status, the headers and the body. It
// fails tb when the request cannot be made.
func Get(tb testing.TB, url string) (int, http.Header, []byte) {
	tb.Helper()
	res, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

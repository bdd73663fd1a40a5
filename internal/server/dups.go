package server

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/query"
)

// Duplicate collapsing (doc/api.md): collapse=1 on /api/search, /api/trend
// and /api/kwic answers from the view of the index in which each cluster
// of duplicates is one document, its earliest (as tifa … --collapse);
// /api/dups lists the clusters (as tifa dups --json). Both need the
// embedded index; over another engine they answer 501.

// errNoCollapse is the answer of collapse=1 over another engine.
var errNoCollapse = errors.New("collapse needs the embedded index; this engine has none")

// collapsedSearcher is the searcher of the collapsed view, made when first
// asked for and kept: its query.Local keeps its per-filter totals.
type collapsedSearcher struct {
	once sync.Once
	l    *query.Local
	err  error
}

// searcher returns the searcher that answers a request: the view of the
// documents whose meeting matches the record filter (presider,
// meeting_body: /api/readouts/…), the collapsed view with collapse=1, else
// the server's.
func (s *Server) searcher(ctx context.Context, p *params) (query.Searcher, error) {
	if mf := readoutFilter(p); mf.Active() {
		l, err := s.readoutView(mf)
		if err != nil {
			return nil, err
		}
		return l, nil
	}
	if !p.bool("collapse") {
		return s.cfg.Searcher, nil
	}
	l, ok := s.cfg.Searcher.(*query.Local)
	if !ok {
		return nil, errNoCollapse
	}
	c := &s.collapsed
	c.once.Do(func() {
		cl, err := dups.Of(ctx, l.Snap)
		if err != nil {
			c.err = err
			return
		}
		c.l = &query.Local{Snap: cl.Collapsed()}
	})
	return c.l, c.err
}

// dupsRoutes adds /api/dups to m.
func (s *Server) dupsRoutes(m *http.ServeMux) {
	h := s.api([]string{"from", "to", "source", "min_size", "sort", "limit"}, s.dups)
	m.HandleFunc("GET /api/dups", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.cfg.Searcher.(*query.Local); !ok {
			writeError(w, http.StatusNotImplemented, "the duplicate clusters need the embedded index; this engine has none")
			return
		}
		h(w, r)
	})
}

func (s *Server) dups(ctx context.Context, p *params, _ *http.Request) (any, error) {
	req := dups.ListRequest{Filter: p.filter(), MinSize: p.int("min_size", 2, 2, 1<<30), Sort: p.str("sort"),
		Limit: p.int("limit", 50, 1, MaxAnalysisLimit)}
	if p.err != nil {
		return nil, p.err
	}
	c, err := dups.Of(ctx, s.cfg.Searcher.(*query.Local).Snap)
	if err != nil {
		return nil, err
	}
	return c.Select(req)
}

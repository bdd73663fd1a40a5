package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/tifa-project/tifa/internal/extract"
	"github.com/tifa-project/tifa/internal/query"
)

// Readout records (doc/api.md, doc/extraction.md), as `tifa extract`,
// `tifa meetings`, `tifa people`, `tifa formulations` print them:
//
//	GET /api/records             whether the index has current records (always 200)
//	GET /api/extract/{id}        one document's records
//	GET /api/meetings            meeting records (body, presider, from, to, source, limit)
//	GET /api/people              persons with titles over time (name: one timeline)
//	GET /api/formulations        quoted formulations ranked by documents
//	GET /api/readouts/search|trend|kwic   the query over only the documents
//	                             whose meeting matches presider / meeting_body
//
// They read the records stored in the embedded index; over another engine
// they answer 501, over an index without current records 409.

// errNoRecords is the answer over an engine without stored records.
var errNoRecords = errors.New("readout records need the embedded index; this engine has none")

// MaxRecordsLimit caps limit on the record lists.
const MaxRecordsLimit = 10000

// extractRoutes adds the readout endpoints to m.
func (s *Server) extractRoutes(m *http.ServeMux) {
	filters := []string{"from", "to", "source"}
	rec := slices.Concat(filters, []string{"body", "presider", "limit"})
	m.HandleFunc("GET /api/records", s.api(nil, s.recordsStatus))
	m.HandleFunc("GET /api/extract/{id...}", s.recordsAPI(nil, s.extractDoc))
	m.HandleFunc("GET /api/meetings", s.recordsAPI(rec, s.meetings))
	m.HandleFunc("GET /api/people", s.recordsAPI(slices.Concat(rec, []string{"name"}), s.people))
	m.HandleFunc("GET /api/formulations", s.recordsAPI(rec, s.formulations))
	mf := []string{"presider", "meeting_body"}
	m.HandleFunc("GET /api/readouts/search", s.recordsAPI(slices.Concat(filters, mf, []string{"q", "sort", "limit", "offset"}), s.readoutQuery((*Server).search)))
	m.HandleFunc("GET /api/readouts/trend", s.recordsAPI(slices.Concat(filters, mf, []string{"q", "by"}), s.readoutQuery((*Server).trend)))
	m.HandleFunc("GET /api/readouts/kwic", s.recordsAPI(slices.Concat(filters, mf, []string{"q", "width", "limit"}), s.readoutQuery((*Server).kwic)))
}

// recordsAPI is api for the record endpoints: 501 over an engine without
// stored records, 409 over an index whose records are missing or old.
func (s *Server) recordsAPI(allowed []string, f apiFunc) http.HandlerFunc {
	h := s.api(allowed, f)
	return func(w http.ResponseWriter, r *http.Request) {
		l, ok := s.cfg.Searcher.(*query.Local)
		if !ok {
			writeError(w, http.StatusNotImplemented, errNoRecords.Error())
			return
		}
		if err := extract.Current(l.Snap); err != nil {
			writeError(w, http.StatusConflict, err.Error())
			return
		}
		h(w, r)
	}
}

// local is the embedded index the records come from.
func (s *Server) local() *query.Local { return s.cfg.Searcher.(*query.Local) }

func (s *Server) recordFilter(p *params) extract.Filter {
	f := p.filter()
	return extract.Filter{From: f.From, To: f.To, Sources: f.Sources, Body: p.str("body"), Presider: p.str("presider")}
}

// RecordsStatus is the answer of /api/records.
type RecordsStatus struct {
	Available bool   `json:"available"`
	Kind      string `json:"kind"`
	Version   int    `json:"version"`
	Reason    string `json:"reason,omitempty"`
}

// recordsStatus says whether the record endpoints can answer, so that the
// page asks only then.
func (s *Server) recordsStatus(context.Context, *params, *http.Request) (any, error) {
	st := RecordsStatus{Kind: extract.Kind, Version: extract.Version}
	l, ok := s.cfg.Searcher.(*query.Local)
	switch {
	case !ok:
		st.Reason = errNoRecords.Error()
	case extract.Current(l.Snap) != nil:
		st.Reason = extract.Current(l.Snap).Error()
	default:
		st.Available = true
	}
	return st, nil
}

func (s *Server) extractDoc(_ context.Context, p *params, r *http.Request) (any, error) {
	id := r.PathValue("id")
	rec, ok, err := extract.Get(s.local().Snap, id)
	if !ok {
		return nil, fmt.Errorf("%w: no document %q", query.ErrNotFound, id)
	}
	return rec, err
}

func (s *Server) meetings(_ context.Context, p *params, _ *http.Request) (any, error) {
	f, limit := s.recordFilter(p), p.int("limit", 100, 1, MaxRecordsLimit)
	if p.err != nil {
		return nil, p.err
	}
	rows, err := extract.Meetings(s.local().Snap, f)
	if err != nil {
		return nil, err
	}
	total := len(rows)
	if rows == nil {
		rows = []extract.MeetingRow{}
	}
	return map[string]any{"total": total, "meetings": rows[:min(limit, total)]}, nil
}

func (s *Server) people(_ context.Context, p *params, _ *http.Request) (any, error) {
	f, limit, name := s.recordFilter(p), p.int("limit", 100, 1, MaxRecordsLimit), p.str("name")
	if p.err != nil {
		return nil, p.err
	}
	ps, err := extract.People(s.local().Snap, f, name)
	if err != nil {
		return nil, err
	}
	if name != "" && len(ps) == 0 {
		return nil, fmt.Errorf("%w: no person %q with a title", query.ErrNotFound, name)
	}
	total := len(ps)
	if ps == nil {
		ps = []extract.PersonTimeline{}
	}
	return map[string]any{"total": total, "people": ps[:min(limit, total)]}, nil
}

func (s *Server) formulations(_ context.Context, p *params, _ *http.Request) (any, error) {
	f, limit := s.recordFilter(p), p.int("limit", 100, 1, MaxRecordsLimit)
	if p.err != nil {
		return nil, p.err
	}
	fs, err := extract.FormulationRanks(s.local().Snap, f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"total": len(fs), "formulations": fs[:min(limit, len(fs))]}, nil
}

// readoutViews keeps the masked views of the index by record filter (a
// few: each costs a scan of the records to make, and keeps its totals).
type readoutViews struct {
	mu    sync.Mutex
	views map[[2]string]*query.Local
}

func (s *Server) readoutView(f extract.Filter) (*query.Local, error) {
	rv := &s.readouts
	rv.mu.Lock()
	defer rv.mu.Unlock()
	key := [2]string{f.Presider, f.Body}
	if l := rv.views[key]; l != nil {
		return l, nil
	}
	snap, err := extract.Mask(s.local().Snap, f)
	if err != nil {
		return nil, err
	}
	if rv.views == nil || len(rv.views) >= 16 {
		rv.views = map[[2]string]*query.Local{}
	}
	l := &query.Local{Snap: snap}
	rv.views[key] = l
	return l, nil
}

// readoutFilter is the record filter of a /api/readouts/… request.
func readoutFilter(p *params) extract.Filter {
	return extract.Filter{Presider: p.str("presider"), Body: p.str("meeting_body")}
}

// readoutQuery runs f (search, trend, kwic), which takes its searcher from
// Server.searcher: there, the view of the documents whose meeting matches
// presider and meeting_body (at least one is required).
func (s *Server) readoutQuery(f func(*Server, context.Context, *params, *http.Request) (any, error)) apiFunc {
	return func(ctx context.Context, p *params, r *http.Request) (any, error) {
		mf := readoutFilter(p)
		if p.err != nil {
			return nil, p.err
		}
		if !mf.Active() {
			return nil, badRequest("want presider or meeting_body (else use the query without /readouts)")
		}
		return f(s, ctx, p, r)
	}
}

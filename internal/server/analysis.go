package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/tifa-project/tifa/internal/analysis"
)

// The analysis endpoints (doc/api.md): /api/lifecycle, /api/collocates,
// /api/keyness and /api/emerging answer what tifa lifecycle, collocates,
// keyness and emerging print with --json, from the same calls. They need
// the embedded index (Config.Analysis); over another engine they answer
// 501.

// Bounds on the analysis endpoints' parameters.
const (
	MaxAnalysisLimit = 1000
	MaxGapContext    = 20
)

// analysisRoutes adds the analysis endpoints to m.
func (s *Server) analysisRoutes(m *http.ServeMux) {
	filters := []string{"from", "to", "source"}
	grams := []string{"min_freq", "max_words", "max_chars", "limit"}
	m.HandleFunc("GET /api/lifecycle", s.analysisAPI(slices.Concat(filters, []string{"q", "by", "gap", "context"}), s.lifecycle))
	m.HandleFunc("GET /api/collocates", s.analysisAPI(slices.Concat(filters, grams, []string{"q", "window", "measure", "min_ll", "raw"}), s.collocates))
	m.HandleFunc("GET /api/keyness", s.analysisAPI(slices.Concat(filters, grams, []string{"target", "target_source", "ref", "ref_source", "min_n", "sort"}), s.keyness))
	m.HandleFunc("GET /api/emerging", s.analysisAPI(slices.Concat(grams, []string{"source", "period", "ref", "min_docs", "min_log_ratio", "after", "new_max_ref"}), s.emerging))
}

// analysisAPI is api for an endpoint that needs the Analyzer.
func (s *Server) analysisAPI(allowed []string, f apiFunc) http.HandlerFunc {
	h := s.api(allowed, f)
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Analysis == nil {
			writeError(w, http.StatusNotImplemented, "the analyses need the embedded index; this engine has none")
			return
		}
		h(w, r)
	}
}

func (s *Server) lifecycle(ctx context.Context, p *params, _ *http.Request) (any, error) {
	qs := p.v["q"]
	switch {
	case len(qs) == 0:
		return nil, badRequest("missing parameter q (repeat it for several series)")
	case len(qs) > MaxTrendSeries:
		return nil, badRequest(fmt.Sprintf("%d queries: at most %d series at once", len(qs), MaxTrendSeries))
	}
	req := analysis.LifecycleRequest{Queries: qs, By: p.str("by"), Filter: p.filter(),
		Gap: p.int("gap", analysis.DefaultGap, 1, 1000), Context: p.int("context", 0, 0, MaxGapContext)}
	if req.By == "" {
		req.By = "month"
	}
	if p.err != nil {
		return nil, p.err
	}
	return s.cfg.Analysis.Lifecycle(ctx, req)
}

func (s *Server) collocates(ctx context.Context, p *params, _ *http.Request) (any, error) {
	req := analysis.CollocRequest{Query: p.query(), Filter: p.filter(),
		Window: p.int("window", analysis.DefaultWindow, 1, 50), MinFreq: p.int("min_freq", analysis.DefaultCollocMin, 1, 1<<30),
		MaxWords: p.int("max_words", analysis.DefaultCollocWords, 1, 8), MaxChars: p.int("max_chars", analysis.DefaultCollocChars, 1, 8),
		Measure: p.str("measure"), Limit: p.int("limit", analysis.DefaultCollocLimit, 1, MaxAnalysisLimit),
		MinLL: p.float("min_ll", analysis.DefaultCollocMinLL), Raw: p.bool("raw")}
	if p.err != nil {
		return nil, p.err
	}
	return s.cfg.Analysis.Collocates(ctx, req)
}

func (s *Server) keyness(ctx context.Context, p *params, _ *http.Request) (any, error) {
	req := analysis.KeynessRequest{Filter: p.filter(),
		Target:  analysis.Side{Period: p.str("target"), Sources: p.v["target_source"]},
		MinFreq: p.int("min_freq", analysis.DefaultKeyMin, 1, 1<<30), MinN: p.int("min_n", 1, 1, 8),
		MaxWords: p.int("max_words", analysis.DefaultKeyWords, 1, 8), MaxChars: p.int("max_chars", analysis.DefaultKeyChars, 1, 8),
		Sort: p.str("sort"), Limit: p.int("limit", analysis.DefaultKeyLimit, 1, MaxAnalysisLimit)}
	if ref := (analysis.Side{Period: p.str("ref"), Sources: p.v["ref_source"]}); ref.Period != "" || len(ref.Sources) > 0 {
		req.Ref = &ref
	}
	if req.Target.Period == "" && len(req.Target.Sources) == 0 {
		p.fail("missing parameter target or target_source")
	}
	if p.err != nil {
		return nil, p.err
	}
	return s.cfg.Analysis.Keyness(ctx, req)
}

func (s *Server) emerging(ctx context.Context, p *params, _ *http.Request) (any, error) {
	req := analysis.EmergingRequest{Period: p.str("period"), Ref: p.int("ref", analysis.DefaultEmergingRef, 1, 1000),
		Filter:  p.filter(),
		MinFreq: p.int("min_freq", analysis.DefaultEmergingMin, 1, 1<<30), MinDocs: p.int("min_docs", analysis.DefaultEmergingDocs, 1, 1<<30),
		MaxWords: p.int("max_words", analysis.DefaultEmergingWords, 2, 8), MaxChars: p.int("max_chars", analysis.DefaultEmergingChars, 2, 8),
		MinLogRatio: p.float("min_log_ratio", analysis.DefaultMinLogRatio), Limit: p.int("limit", analysis.DefaultEmergingLimit, 1, MaxAnalysisLimit)}
	// 0 is none here, as on the command line; the library's none is −1.
	if req.After = p.int("after", analysis.DefaultEmergingAfter, 0, 1000); req.After == 0 {
		req.After = -1
	}
	if req.NewMaxRef = p.int("new_max_ref", analysis.DefaultNewMaxRef, 0, 1<<30); req.NewMaxRef == 0 {
		req.NewMaxRef = -1
	}
	if req.Period == "" {
		p.fail("missing parameter period (2023-09, 2023-Q3, 2023)")
	}
	if p.err != nil {
		return nil, p.err
	}
	return s.cfg.Analysis.Emerging(ctx, req)
}

// float returns name as a number, def when absent.
func (p *params) float(name string, def float64) float64 {
	s := p.str(name)
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e9 || f < -1e9 {
		p.fail(fmt.Sprintf("%s=%q: want a number", name, s))
		return def
	}
	return f
}

// bool returns name as a boolean: absent, "", "0" and "false" are false.
func (p *params) bool(name string) bool {
	switch s := p.str(name); s {
	case "", "0", "false":
		return false
	case "1", "true":
		return true
	default:
		p.fail(fmt.Sprintf("%s=%q: want true or false", name, s))
		return false
	}
}

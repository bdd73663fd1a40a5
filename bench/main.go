// Command bench measures tifa against peer engines on one corpus: W1
// ingest+index, W2 trend, W3 newest documents, W4 KWIC (GitHub issue 3).
// See README.md; bench/run.sh is the entry point.
//
//	bench run -corpus FILE [-phrases FILE] [-systems a,b] [-runs 5] [-out FILE]
//
// run re-executes itself once per system for W1 (`bench build`, so that
// peak RSS is that system's alone) and once per system for W2–W4 (`bench
// query`: the index is opened and every query is timed hot, in process).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/tifa-project/tifa/engine"
)

// systemNames in report order.
var systemNames = []string{"tifa", "tifa-total", "bleve", "sqlite-fts5", "sqlite-unicode61", "sqlite-trigram",
	"duckdb", "duckdb-regexp", "postgres", "postgres-raw", "ripgrep"}

// buildsAs names systems that query another system's build.
var buildsAs = map[string]string{"duckdb-regexp": "duckdb", "tifa-total": "tifa"}

// exact names the systems whose counts follow SPEC §2 by construction.
var exact = map[string]bool{"tifa": true, "tifa-total": true, "bleve": true, "sqlite-fts5": true, "duckdb": true, "postgres": true, "ripgrep": true}

func newSystem(name string) (System, error) {
	switch name {
	case "tifa":
		return &tifaSys{}, nil
	case "tifa-total":
		return &tifaSys{count: true}, nil
	case "bleve":
		return &bleveSys{}, nil
	case "sqlite-fts5", "sqlite-unicode61", "sqlite-trigram":
		return &sqliteSys{variant: name}, nil
	case "duckdb", "duckdb-regexp":
		return &duckSys{variant: name}, nil
	case "postgres", "postgres-raw":
		return &pgSys{variant: name}, nil
	case "ripgrep":
		return &rgSys{}, nil
	}
	return nil, fmt.Errorf("unknown system %q (known: %s)", name, strings.Join(systemNames, ", "))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench run|build|query [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = cmdRun(os.Args[2:])
	case "build":
		err = cmdBuild(os.Args[2:])
	case "query":
		err = cmdQuery(os.Args[2:])
	case "report":
		err = cmdReport(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// BuildResult is what a build child reports.
type BuildResult struct {
	Secs      float64 `json:"secs"`
	Size      int64   `json:"size"`
	ServerRSS int64   `json:"server_rss_kib"` // PostgreSQL backend VmHWM
	ServerCPU float64 `json:"server_cpu_secs"`
	Err       string  `json:"err,omitempty"`
	// Filled by the parent.
	RSS int64   `json:"rss_kib"`
	CPU float64 `json:"cpu_secs"` // user+system time of the build process
}

func cmdBuild(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	name := fs.String("system", "", "system")
	dir := fs.String("dir", "", "index directory")
	corpus := fs.String("corpus", "", "corpus file")
	out := fs.String("out", "", "result JSON file")
	fs.Parse(args)
	s, err := newSystem(*name)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	var r BuildResult
	t0 := time.Now()
	err = s.Build(ctx, *dir, []string{*corpus})
	r.Secs = time.Since(t0).Seconds()
	if err == nil {
		r.Size, err = s.Size(ctx, *dir)
	}
	if err != nil {
		r.Err = err.Error()
	}
	r.ServerRSS, r.ServerCPU = childServerRSS, childServerCPU
	return writeJSON(*out, r)
}

// Spec is what a query child runs.
type Spec struct {
	Phrases  []string   `json:"phrases"`
	Ands     [][]string `json:"ands"`
	From     string     `json:"from"`
	To       string     `json:"to"`
	Runs     int        `json:"runs"`
	Budget   float64    `json:"budget_secs"`  // stop repeating a query after this much time
	Timeout  float64    `json:"timeout_secs"` // one call
	NewestN  int        `json:"newest_n"`
	KWICN    int        `json:"kwic_n"`
	Width    int        `json:"width"`
	Workload string     `json:"workloads"` // e.g. "234"
}

// Timing is one query's measurement.
type Timing struct {
	MedianMS float64 `json:"median_ms"`
	Runs     int     `json:"runs"`
	Err      string  `json:"err,omitempty"`
}

// QueryResult is what a query child reports.
type QueryResult struct {
	OpenMS    float64            `json:"open_ms"`
	W2        map[string]W2Res   `json:"w2"`
	W3        []W3Res            `json:"w3"`
	W4        map[string]W4Res   `json:"w4"`
	SelfRSS   int64              `json:"self_rss_kib"`
	ChildRSS  int64              `json:"child_rss_kib"`
	ServerRSS int64              `json:"server_rss_kib"`
	Err       string             `json:"err,omitempty"`
	Extra     map[string]float64 `json:"extra,omitempty"`
}

type W2Res struct {
	Timing
	Trend Trend `json:"trend"`
}

type W3Res struct {
	Timing
	Query string   `json:"query"`
	IDs   []string `json:"ids"`
}

type W4Res struct {
	Timing
	Lines []Line `json:"lines"`
}

// measure calls f once to warm up (its answer is kept), then up to runs
// more times within budget, and returns the median of the timed calls.
func measure(sp *Spec, f func(ctx context.Context) error) Timing {
	call := func() (time.Duration, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(sp.Timeout*float64(time.Second)))
		defer cancel()
		t0 := time.Now()
		err := f(ctx)
		return time.Since(t0), err
	}
	d, err := call()
	if errors.Is(err, ErrUnsupported) {
		return Timing{Err: "n/a"}
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "context deadline exceeded") {
			return Timing{Err: fmt.Sprintf("timeout (>%gs)", sp.Timeout)}
		}
		return Timing{Err: err.Error()}
	}
	var ds []time.Duration
	spent := d
	for len(ds) < sp.Runs && (len(ds) == 0 || spent < time.Duration(sp.Budget*float64(time.Second))) {
		d, err := call()
		if err != nil {
			return Timing{Err: err.Error()}
		}
		ds = append(ds, d)
		spent += d
	}
	sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
	var med time.Duration
	if n := len(ds); n%2 == 1 {
		med = ds[n/2]
	} else {
		med = (ds[n/2-1] + ds[n/2]) / 2
	}
	return Timing{MedianMS: float64(med.Nanoseconds()) / 1e6, Runs: len(ds)}
}

func cmdQuery(args []string) error {
	fs := flag.NewFlagSet("query", flag.ExitOnError)
	name := fs.String("system", "", "system")
	dir := fs.String("dir", "", "index directory")
	specFile := fs.String("spec", "", "spec JSON")
	out := fs.String("out", "", "result JSON file")
	fs.Parse(args)
	var sp Spec
	if err := readJSON(*specFile, &sp); err != nil {
		return err
	}
	s, err := newSystem(*name)
	if err != nil {
		return err
	}
	ctx := context.Background()
	r := QueryResult{W2: map[string]W2Res{}, W4: map[string]W4Res{}}
	t0 := time.Now()
	if err := s.Open(ctx, *dir); err != nil {
		r.Err = err.Error()
		return writeJSON(*out, r)
	}
	r.OpenMS = float64(time.Since(t0).Microseconds()) / 1000
	do := func(w byte) bool { return strings.IndexByte(sp.Workload, w) >= 0 }
	for _, ptext := range sp.Phrases {
		p := NewPhrase(ptext)
		if do('2') {
			var res W2Res
			res.Timing = measure(&sp, func(ctx context.Context) (err error) {
				res.Trend, err = s.Trend(ctx, p)
				return err
			})
			r.W2[ptext] = res
			logf("%s W2 %s: %s", *name, ptext, fmtTiming(res.Timing))
		}
	}
	if do('3') {
		var qs [][]string
		for _, p := range sp.Phrases {
			qs = append(qs, []string{p})
		}
		qs = append(qs, sp.Ands...)
		for _, q := range qs {
			ps := make([]Phrase, len(q))
			for i, t := range q {
				ps[i] = NewPhrase(t)
			}
			res := W3Res{Query: strings.Join(q, " AND ")}
			res.Timing = measure(&sp, func(ctx context.Context) (err error) {
				res.IDs, err = s.Newest(ctx, ps, sp.From, sp.To, sp.NewestN)
				return err
			})
			r.W3 = append(r.W3, res)
			logf("%s W3 %s: %s", *name, res.Query, fmtTiming(res.Timing))
		}
	}
	if do('4') {
		for _, ptext := range sp.Phrases {
			p := NewPhrase(ptext)
			var res W4Res
			res.Timing = measure(&sp, func(ctx context.Context) (err error) {
				res.Lines, err = s.KWIC(ctx, p, sp.KWICN, sp.Width)
				return err
			})
			r.W4[ptext] = res
			logf("%s W4 %s: %s", *name, ptext, fmtTiming(res.Timing))
		}
	}
	s.Close()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	r.SelfRSS = ru.Maxrss
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	r.ChildRSS = ru.Maxrss
	r.ServerRSS = childServerRSS
	return writeJSON(*out, r)
}

func fmtTiming(t Timing) string {
	if t.Err != "" {
		return t.Err
	}
	return fmt.Sprintf("%.2f ms (%d runs)", t.MedianMS, t.Runs)
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", a...)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// --- run ---

var defaultPhrases = map[string][]string{
	"zh": {"动态清零", "共同富裕", "高质量发展", "中国", "的"},
	"en": {"oil prices", "interest rates", "said", "the"},
}

var defaultAnds = map[string][][]string{
	"zh": {{"高质量发展", "共同富裕"}},
	"en": {{"oil prices", "interest rates"}},
}

// CorpusInfo describes the corpus for the report.
type CorpusInfo struct {
	Path      string  `json:"path"`
	Name      string  `json:"name"`
	Docs      int     `json:"docs"`
	TextMB    float64 `json:"text_mb"`
	FileMB    float64 `json:"file_mb"`
	Lang      string  `json:"lang"`
	FirstDate string  `json:"first_date"`
	LastDate  string  `json:"last_date"`
}

func cmdRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	corpus := fs.String("corpus", "", "corpus file (JSON Lines, .gz)")
	name := fs.String("name", "", "corpus name in the report (default: from the path)")
	phrasesFile := fs.String("phrases", "", "file of phrases, one a line; a line 'a AND b' is a W3 AND query")
	systems := fs.String("systems", "", "comma-separated systems (default: all; sqlite-trigram only for Chinese)")
	skip := fs.String("skip", "", "comma-separated systems to leave out")
	runs := fs.Int("runs", 5, "timed runs per query after one warm-up")
	budget := fs.Float64("budget", 20, "seconds after which a query is not repeated further")
	timeout := fs.Float64("timeout", 300, "seconds one query call may take")
	work := fs.String("work", "", "work directory for the indexes (default: a new temporary directory, removed at exit)")
	keep := fs.Bool("keep", false, "keep the work directory")
	reuse := fs.Bool("reuse", false, "reuse the indexes already built in -work (skip W1 where present)")
	out := fs.String("out", "", "Markdown report file (also printed)")
	workloads := fs.String("workloads", "1234", "workloads to run")
	fs.Parse(args)
	if *corpus == "" {
		return errors.New("-corpus is required")
	}
	abs, err := filepath.Abs(*corpus)
	if err != nil {
		return err
	}
	*corpus = abs
	if *name == "" {
		*name = corpusName(*corpus)
	}

	info, err := describe(*corpus, *name)
	if err != nil {
		return err
	}
	logf("corpus %s: %d docs, %.1f MB of text, lang %s, %s … %s", info.Name, info.Docs, info.TextMB, info.Lang, info.FirstDate, info.LastDate)

	phrases, ands := defaultPhrases[info.Lang], defaultAnds[info.Lang]
	if *phrasesFile != "" {
		phrases, ands, err = readPhrases(*phrasesFile)
		if err != nil {
			return err
		}
	}
	var sel []string
	if *systems != "" {
		sel = strings.Split(*systems, ",")
	} else {
		for _, s := range systemNames {
			if s == "sqlite-trigram" && info.Lang != "zh" {
				continue
			}
			sel = append(sel, s)
		}
	}
	if *skip != "" {
		drop := map[string]bool{}
		for _, s := range strings.Split(*skip, ",") {
			drop[s] = true
		}
		var keepSel []string
		for _, s := range sel {
			if !drop[s] {
				keepSel = append(keepSel, s)
			}
		}
		sel = keepSel
	}
	if sel[0] != "tifa" {
		sel = append([]string{"tifa"}, without(sel, "tifa")...)
	}
	for _, s := range sel {
		if _, err := newSystem(s); err != nil {
			return err
		}
	}

	if *work == "" {
		*work, err = os.MkdirTemp("", "tifa-bench-")
		if err != nil {
			return err
		}
		if !*keep {
			defer os.RemoveAll(*work)
		}
	} else if err := os.MkdirAll(*work, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	// PostgreSQL: a private cluster for this run, stopped at exit.
	var pg *pgCluster
	for _, s := range sel {
		if strings.HasPrefix(s, "postgres") && pg == nil {
			logf("starting a private PostgreSQL cluster")
			if pg, err = startPG(); err != nil {
				return err
			}
			os.Setenv("BENCH_PG_DSN", pg.DSN)
			defer pg.Stop()
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			go func() {
				<-sig
				pg.Stop()
				os.Exit(130)
			}()
		}
	}

	// W1.
	builds := map[string]*BuildResult{}
	for _, s := range sel {
		if _, ok := buildsAs[s]; ok {
			continue
		}
		dir := filepath.Join(*work, s)
		resFile := filepath.Join(*work, s+".build.json")
		if *reuse && !strings.HasPrefix(s, "postgres") {
			var r BuildResult
			if readJSON(resFile, &r) == nil && r.Err == "" {
				logf("W1 %s: reusing the build in %s", s, dir)
				builds[s] = &r
				continue
			}
		}
		os.RemoveAll(dir)
		logf("W1 %s: building", s)
		cmd := exec.Command(self, "build", "-system", s, "-dir", dir, "-corpus", *corpus, "-out", resFile)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		runErr := cmd.Run()
		var r BuildResult
		if err := readJSON(resFile, &r); err != nil {
			r.Err = fmt.Sprintf("build child: %v (%v)", runErr, err)
		}
		if cmd.ProcessState != nil {
			r.RSS = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
			r.CPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		}
		writeJSON(resFile, r)
		builds[s] = &r
		if r.Err != "" {
			logf("W1 %s: FAILED: %s", s, r.Err)
		} else {
			logf("W1 %s: %.1f s, peak RSS %d MiB (server %d MiB), %.1f MB on disk", s, r.Secs, r.RSS>>10, r.ServerRSS>>10, float64(r.Size)/1e6)
		}
	}
	if builds["tifa"] == nil || builds["tifa"].Err != "" {
		return errors.New("tifa's build failed: nothing to compare with")
	}

	// The W3 date range: the middle half of the corpus's dates.
	from, to := middleHalf(info.FirstDate, info.LastDate)
	sp := Spec{Phrases: phrases, Ands: ands, From: from, To: to, Runs: *runs, Budget: *budget, Timeout: *timeout,
		NewestN: 20, KWICN: 1000, Width: 60, Workload: *workloads}
	specFile := filepath.Join(*work, "spec.json")
	if err := writeJSON(specFile, sp); err != nil {
		return err
	}
	results := map[string]*QueryResult{}
	if strings.ContainsAny(*workloads, "234") {
		for _, s := range sel {
			b := s
			if x, ok := buildsAs[s]; ok {
				b = x
			}
			if br := builds[b]; br == nil || br.Err != "" {
				continue
			}
			logf("W2–W4 %s", s)
			resFile := filepath.Join(*work, s+".query.json")
			os.Remove(resFile)
			cmd := exec.Command(self, "query", "-system", s, "-dir", filepath.Join(*work, b), "-spec", specFile, "-out", resFile)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			runErr := cmd.Run()
			var r QueryResult
			if err := readJSON(resFile, &r); err != nil {
				r.Err = fmt.Sprintf("query child: %v (%v)", runErr, err)
			}
			results[s] = &r
			if r.Err != "" {
				logf("%s: FAILED: %s", s, r.Err)
			}
		}
	}
	rep := &Report{Info: info, Systems: sel, Builds: builds, Results: results, Spec: sp, Date: time.Now(), Engine: engineVersion()}
	md := rep.Markdown()
	fmt.Print(md)
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			return err
		}
		writeJSON(strings.TrimSuffix(*out, ".md")+".json", rep)
		logf("wrote %s", *out)
	}
	return nil
}

// cmdReport renders a run's JSON again (after a change to the report).
func cmdReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	in := fs.String("json", "", "the run's JSON (out/NAME-DATE.json)")
	work := fs.String("work", "", "or: the work directory of an interrupted run (-keep), with -corpus")
	corpus := fs.String("corpus", "", "the corpus of that run")
	engineV := fs.String("engine", "", "tifa commit, when the JSON lacks it")
	out := fs.String("out", "", "Markdown file (default: stdout only)")
	fs.Parse(args)
	var rep Report
	if *work != "" {
		if err := fromWork(&rep, *work, *corpus); err != nil {
			return err
		}
	} else if err := readJSON(*in, &rep); err != nil {
		return err
	}
	if *engineV != "" {
		rep.Engine = *engineV
	}
	md := rep.Markdown()
	fmt.Print(md)
	if *out != "" {
		return os.WriteFile(*out, []byte(md), 0o644)
	}
	return nil
}

// fromWork collects what the systems of an interrupted run left in its
// work directory.
func fromWork(rep *Report, work, corpus string) error {
	info, err := describe(corpus, corpusName(corpus))
	if err != nil {
		return err
	}
	rep.Info, rep.Date = info, time.Now()
	if err := readJSON(filepath.Join(work, "spec.json"), &rep.Spec); err != nil {
		return err
	}
	rep.Builds, rep.Results = map[string]*BuildResult{}, map[string]*QueryResult{}
	for _, s := range systemNames {
		var b BuildResult
		if readJSON(filepath.Join(work, s+".build.json"), &b) == nil {
			rep.Builds[s] = &b
		}
		var q QueryResult
		if readJSON(filepath.Join(work, s+".query.json"), &q) == nil {
			rep.Results[s] = &q
		}
		if rep.Builds[s] != nil || rep.Results[s] != nil {
			rep.Systems = append(rep.Systems, s)
		}
	}
	return nil
}

func without(a []string, x string) []string {
	var out []string
	for _, s := range a {
		if s != x {
			out = append(out, s)
		}
	}
	return out
}

func corpusName(p string) string {
	base := filepath.Base(p)
	if strings.HasPrefix(base, "docs.") {
		return filepath.Base(filepath.Dir(p))
	}
	for _, ext := range []string{".gz", ".zst", ".jsonl", ".ndjson"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

func readPhrases(path string) (phrases []string, ands [][]string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if parts := strings.Split(l, " AND "); len(parts) > 1 {
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			ands = append(ands, parts)
			continue
		}
		phrases = append(phrases, l)
	}
	if len(phrases) == 0 {
		return nil, nil, fmt.Errorf("%s: no phrases", path)
	}
	return phrases, ands, nil
}

// describe reads the corpus once: documents, text size, majority
// language, date range.
func describe(path, name string) (*CorpusInfo, error) {
	info := &CorpusInfo{Path: path, Name: name}
	if fi, err := os.Stat(path); err == nil {
		info.FileMB = float64(fi.Size()) / 1e6
	}
	langs := map[string]int{}
	var text int64
	_, err := engine.Walk(context.Background(), []string{path}, func(d engine.Document) error {
		info.Docs++
		text += int64(len(d.Title) + len(d.Text))
		langs[d.Lang]++
		if d.Date != "" {
			if info.FirstDate == "" || d.Date < info.FirstDate {
				info.FirstDate = d.Date
			}
			if d.Date > info.LastDate {
				info.LastDate = d.Date
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	info.TextMB = float64(text) / 1e6
	info.Lang = "en"
	if langs["zh"] > langs["en"] {
		info.Lang = "zh"
	}
	return info, nil
}

// middleHalf returns the dates a quarter and three quarters of the way
// from first to last.
func middleHalf(first, last string) (string, string) {
	a, err1 := time.Parse("2006-01-02", first)
	b, err2 := time.Parse("2006-01-02", last)
	if err1 != nil || err2 != nil {
		return "0000-01-01", "9999-12-31"
	}
	span := b.Sub(a)
	return a.Add(span / 4).Format("2006-01-02"), a.Add(span * 3 / 4).Format("2006-01-02")
}

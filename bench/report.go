package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Report is one run's results.
type Report struct {
	Info    *CorpusInfo             `json:"corpus"`
	Systems []string                `json:"systems"`
	Builds  map[string]*BuildResult `json:"builds"`
	Results map[string]*QueryResult `json:"results"`
	Spec    Spec                    `json:"spec"`
	Date    time.Time               `json:"date"`
	Machine string                  `json:"machine"`
	Engine  string                  `json:"engine"` // tifa's commit
}

// engineVersion is the commit of the tifa tree the harness was built in.
func engineVersion() string {
	exe, err := os.Executable()
	if err != nil {
		return "?"
	}
	dir := filepath.Dir(exe)
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "?"
	}
	v := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		v += " with uncommitted changes"
	}
	return v
}

// machine describes the computer.
func machine() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					cpu = strings.TrimSpace(v)
				}
				break
			}
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.TrimPrefix(strings.Split(string(b), "\n")[0], "MemTotal:"), "%d", &kb)
		mem = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
	}
	kernel := ""
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		kernel = strings.TrimSpace(string(out))
	}
	rg := ""
	if out, err := exec.Command("rg", "--version").Output(); err == nil {
		rg = strings.SplitN(string(out), "\n", 2)[0]
	}
	pg := ""
	if bin, err := pgBinDir(); err == nil {
		if out, err := exec.Command(bin+"/postgres", "--version").Output(); err == nil {
			pg = strings.TrimSpace(string(out))
		}
	}
	return fmt.Sprintf("%d cores (%s), %s RAM, %s, %s; %s; %s", runtime.NumCPU(), cpu, mem, kernel, runtime.Version(), rg, pg)
}

func (r *Report) res(s string) *QueryResult {
	if q := r.Results[s]; q != nil && q.Err == "" {
		return q
	}
	return nil
}

// w2Agree says whether s's trend of p equals tifa's: per-month docs, and
// per-month hits.
func (r *Report) w2Agree(s, p string) (docs, hits, ok bool) {
	a, b := r.res("tifa"), r.res(s)
	if a == nil || b == nil {
		return false, false, false
	}
	x, y := a.W2[p], b.W2[s2p(p)]
	if x.Err != "" || y.Err != "" {
		return false, false, false
	}
	docs, hits = true, true
	months := map[string]bool{}
	for m := range x.Trend {
		months[m] = true
	}
	for m := range y.Trend {
		months[m] = true
	}
	for m := range months {
		if x.Trend[m].Docs != y.Trend[m].Docs {
			docs = false
		}
		if x.Trend[m].Hits != y.Trend[m].Hits {
			hits = false
		}
	}
	return docs, hits, true
}

func s2p(p string) string { return p }

// w2OK says whether q's system agrees with tifa on phrase p in W2 (true
// when W2 did not run or p was not a W2 phrase).
func (r *Report) w2OK(q *QueryResult, p string) bool {
	if _, ran := q.W2[p]; !ran {
		return true
	}
	for _, s := range r.Systems {
		if r.res(s) == q {
			if s == "tifa" {
				return true
			}
			d, h, ok := r.w2Agree(s, p)
			return ok && d && h
		}
	}
	return true
}

func ms(t Timing) string {
	switch {
	case t.Err != "":
		if len(t.Err) > 40 {
			return "error"
		}
		return t.Err
	case t.MedianMS >= 1000:
		return fmt.Sprintf("%.2f s", t.MedianMS/1000)
	case t.MedianMS >= 10:
		return fmt.Sprintf("%.0f ms", t.MedianMS)
	default:
		return fmt.Sprintf("%.2f ms", t.MedianMS)
	}
}

func ratio(x, base float64) string {
	if base <= 0 || x <= 0 {
		return ""
	}
	q := x / base
	switch {
	case q >= 100:
		return fmt.Sprintf("%.0f×", q)
	case q >= 10:
		return fmt.Sprintf("%.0f×", q)
	default:
		return fmt.Sprintf("%.2g×", q)
	}
}

func mib(kib int64) string { return fmt.Sprintf("%d MiB", kib>>10) }

func commas(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// queryRSS is the peak RSS of the process that did s's queries: the
// harness child for in-process engines, rg for ripgrep, the server
// backend for PostgreSQL.
func (r *Report) queryRSS(s string) (int64, string) {
	q := r.Res(s)
	if q == nil {
		return 0, ""
	}
	switch {
	case s == "ripgrep":
		return q.ChildRSS, "rg process"
	case strings.HasPrefix(s, "postgres"):
		return q.ServerRSS, "server backend"
	}
	return q.SelfRSS, ""
}

// Res is res, exported for templates.
func (r *Report) Res(s string) *QueryResult { return r.res(s) }

// Markdown renders the report.
func (r *Report) Markdown() string {
	if r.Machine == "" {
		r.Machine = machine()
	}
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	in := r.Info
	w("## %s\n\n", in.Name)
	w("%s documents, %.0f MB of title+text (%.1f MB file), %s, %s … %s. tifa at commit %s; run %s on %s.\n\n",
		commas(int64(in.Docs)), in.TextMB, in.FileMB, in.Lang, in.FirstDate, in.LastDate, r.Engine, r.Date.Format("2006-01-02 15:04"), r.Machine)
	w("Medians of up to %d timed runs after one warm-up (fewer when a query's runs passed %gs); ", r.Spec.Runs, r.Spec.Budget)
	w("ratios are system ÷ tifa (above 1×: slower or bigger than tifa). W3 range %s … %s; W4 first %d hits, %d characters either side.\n\n",
		r.Spec.From, r.Spec.To, r.Spec.KWICN, r.Spec.Width)

	// Correctness.
	w("### Correctness: W2 documents (hits) over the whole corpus\n\n")
	w("✓ = every month's documents and hits equal tifa's; ✗docs = documents differ in some month; ✗hits = documents agree, hits differ. A system is left out of \"fastest\" (and its time marked ✗) in every workload for a phrase it gets wrong here, and wherever its W3 ids or W4 lines differ from tifa's. Times in **bold** are the fastest correct answer.\n\n")
	w("| system |")
	for _, p := range r.Spec.Phrases {
		w(" %s |", p)
	}
	w("\n|---|")
	for range r.Spec.Phrases {
		w("---|")
	}
	w("\n")
	for _, s := range r.Systems {
		q := r.res(s)
		w("| %s |", s)
		for _, p := range r.Spec.Phrases {
			if q == nil {
				w(" failed |")
				continue
			}
			x, ran := q.W2[p]
			if !ran {
				w(" not run |")
				continue
			}
			if x.Err != "" {
				w(" %s |", ms(x.Timing))
				continue
			}
			t := x.Trend.Total()
			mark := ""
			if s != "tifa" {
				d, h, _ := r.w2Agree(s, p)
				switch {
				case d && h:
					mark = " ✓"
				case d:
					mark = " ✗hits"
				default:
					mark = " ✗docs"
				}
			}
			w(" %s (%s)%s |", commas(t.Docs), commas(t.Hits), mark)
		}
		w("\n")
	}
	w("\n")
	// W3/W4 agreement summary.
	var notes []string
	for _, s := range r.Systems[1:] {
		q, t := r.res(s), r.res("tifa")
		if q == nil || t == nil {
			continue
		}
		var bad3, bad4 []string
		for i, x := range q.W3 {
			if x.Err != "" || i >= len(t.W3) {
				continue
			}
			if strings.Join(x.IDs, "\x00") != strings.Join(t.W3[i].IDs, "\x00") {
				bad3 = append(bad3, x.Query)
			}
		}
		for _, p := range r.Spec.Phrases {
			x, ran := q.W4[p]
			if !ran || x.Err != "" {
				continue
			}
			if !sameLines(x.Lines, t.W4[p].Lines) {
				bad4 = append(bad4, fmt.Sprintf("%s (%d of %d lines equal)", p, equalLines(x.Lines, t.W4[p].Lines), len(t.W4[p].Lines)))
			}
		}
		if len(bad3)+len(bad4) > 0 {
			n := "- " + s + ":"
			if len(bad3) > 0 {
				n += " W3 ids differ for " + strings.Join(bad3, ", ") + "."
			}
			if len(bad4) > 0 {
				n += " W4 lines differ for " + strings.Join(bad4, ", ") + "."
			}
			notes = append(notes, n)
		}
	}
	if len(notes) == 0 {
		w("W3 (the 20 ids, in order) and W4 (every line: id, left, match, right): every system that ran them returned exactly tifa's answer.\n\n")
	} else {
		w("W3 (the 20 ids, in order) and W4 (every line) agree with tifa except:\n\n%s\n\n", strings.Join(notes, "\n"))
	}

	// W1.
	w("### W1 ingest + index\n\n")
	w("CPU is user+system time of the building process (PostgreSQL: plus its server backend's); with other work on the machine it is steadier than wall time.\n\n")
	w("| system | wall | × tifa | CPU | × tifa | peak RSS | × tifa | on disk | × tifa |\n|---|---|---|---|---|---|---|---|---|\n")
	tb := r.Builds["tifa"]
	for _, s := range r.Systems {
		if x, ok := buildsAs[s]; ok {
			w("| %s | (the %s build) | | | | | | | |\n", s, x)
			continue
		}
		x := r.Builds[s]
		if x == nil {
			continue
		}
		if x.Err != "" {
			w("| %s | failed: %s | | | | | | | |\n", s, trunc(x.Err, 80))
			continue
		}
		rss, note := x.RSS, ""
		if x.ServerRSS > 0 {
			rss += x.ServerRSS
			note = fmt.Sprintf(" (client %s + server %s)", mib(x.RSS), mib(x.ServerRSS))
		}
		cpu, cpuCell := x.CPU+x.ServerCPU, ""
		if cpu > 0 {
			cpuCell = fmt.Sprintf("%.1f s", cpu)
		}
		w("| %s | %.1f s | %s | %s | %s | %s%s | %s | %.0f MB | %s |\n", s, x.Secs, ratio(x.Secs, tb.Secs),
			cpuCell, ratio(cpu, tb.CPU+tb.ServerCPU), mib(rss), note, ratio(float64(rss), float64(tb.RSS)), float64(x.Size)/1e6, ratio(float64(x.Size), float64(tb.Size)))
	}
	w("\n")

	// W2–W4 timing tables.
	type col struct {
		head string
		get  func(q *QueryResult) (Timing, bool) // timing, and whether it counts as correct
	}
	table := func(title string, cols []col, rssCol bool) {
		w("### %s\n\n| system |", title)
		for _, c := range cols {
			w(" %s |", c.head)
		}
		if rssCol {
			w(" peak RSS (W2–W4) |")
		}
		w("\n|---|")
		for range cols {
			w("---|")
		}
		if rssCol {
			w("---|")
		}
		w("\n")
		// fastest correct per column
		best := make([]string, len(cols))
		for i, c := range cols {
			bv := 0.0
			for _, s := range r.Systems {
				q := r.res(s)
				if q == nil {
					continue
				}
				t, ok := c.get(q)
				if !ok || t.Err != "" || t.Runs == 0 {
					continue
				}
				if best[i] == "" || t.MedianMS < bv {
					best[i], bv = s, t.MedianMS
				}
			}
		}
		tq := r.res("tifa")
		for _, s := range r.Systems {
			q := r.res(s)
			w("| %s |", s)
			for i, c := range cols {
				if q == nil {
					w(" failed |")
					continue
				}
				t, ok := c.get(q)
				cell := ms(t)
				if t.Err == "" && tq != nil && s != "tifa" {
					if bt, _ := c.get(tq); bt.Err == "" {
						cell += " (" + ratio(t.MedianMS, bt.MedianMS) + ")"
					}
				}
				if t.Err == "" && !ok {
					cell += " ✗"
				}
				if best[i] == s {
					cell = "**" + cell + "**"
				}
				w(" %s |", cell)
			}
			if rssCol {
				rss, note := r.queryRSS(s)
				if rss > 0 {
					cell := mib(rss)
					if tq != nil && s != "tifa" {
						cell += " (" + ratio(float64(rss), float64(tq.SelfRSS)) + ")"
					}
					if note != "" {
						cell += ", " + note
					}
					w(" %s |", cell)
				} else {
					w(" |")
				}
			}
			w("\n")
		}
		w("\n")
	}
	var c2 []col
	for _, p := range r.Spec.Phrases {
		p := p
		c2 = append(c2, col{p, func(q *QueryResult) (Timing, bool) {
			x, ran := q.W2[p]
			if !ran {
				return Timing{Err: "not run"}, false
			}
			t := r.res("tifa")
			if t == nil {
				return x.Timing, true
			}
			ok := q == t
			if !ok {
				for _, s := range r.Systems {
					if r.res(s) == q {
						d, h, _ := r.w2Agree(s, p)
						ok = d && h
					}
				}
			}
			return x.Timing, ok
		}})
	}
	if strings.Contains(r.Spec.Workload, "2") {
		table("W2 trend: hits and documents per month, whole corpus", c2, true)
	}
	var c3 []col
	if t := r.res("tifa"); t != nil {
		for i, x := range t.W3 {
			i, head := i, x.Query
			c3 = append(c3, col{head, func(q *QueryResult) (Timing, bool) {
				if i >= len(q.W3) {
					return Timing{Err: "-"}, false
				}
				ok := strings.Join(q.W3[i].IDs, "\x00") == strings.Join(t.W3[i].IDs, "\x00")
				for _, p := range strings.Split(q.W3[i].Query, " AND ") {
					ok = ok && r.w2OK(q, p)
				}
				return q.W3[i].Timing, ok
			}})
		}
	}
	if strings.Contains(r.Spec.Workload, "3") {
		table(fmt.Sprintf("W3 the %d newest documents, %s … %s", r.Spec.NewestN, r.Spec.From, r.Spec.To), c3, false)
	}
	var c4 []col
	for _, p := range r.Spec.Phrases {
		p := p
		c4 = append(c4, col{p, func(q *QueryResult) (Timing, bool) {
			t := r.res("tifa")
			x, ran := q.W4[p]
			if !ran {
				return Timing{Err: "not run"}, false
			}
			return x.Timing, t == nil || sameLines(x.Lines, t.W4[p].Lines) && r.w2OK(q, p)
		}})
	}
	if strings.Contains(r.Spec.Workload, "4") {
		table(fmt.Sprintf("W4 KWIC: the first %d hits, oldest first", r.Spec.KWICN), c4, false)
	}
	// Open times.
	w("Index open (not in the medians): ")
	var opens []string
	for _, s := range r.Systems {
		if q := r.res(s); q != nil {
			opens = append(opens, fmt.Sprintf("%s %.0f ms", s, q.OpenMS))
		}
	}
	sort.Strings(opens)
	w("%s.\n\n", strings.Join(opens, ", "))
	// Failures.
	for _, s := range r.Systems {
		if q := r.Results[s]; q != nil && q.Err != "" {
			w("- %s failed: %s\n", s, trunc(q.Err, 300))
		}
		if q := r.Results[s]; q != nil {
			for p, x := range q.W2 {
				if x.Err != "" && x.Err != "n/a" {
					w("- %s W2 %s: %s\n", s, p, trunc(x.Err, 300))
				}
			}
			for _, x := range q.W3 {
				if x.Err != "" && x.Err != "n/a" {
					w("- %s W3 %s: %s\n", s, x.Query, trunc(x.Err, 300))
				}
			}
			for p, x := range q.W4 {
				if x.Err != "" && x.Err != "n/a" {
					w("- %s W4 %s: %s\n", s, p, trunc(x.Err, 300))
				}
			}
		}
	}
	return b.String()
}

func trunc(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func sameLines(a, b []Line) bool {
	return len(a) == len(b) && equalLines(a, b) == len(a)
}

func equalLines(a, b []Line) int {
	n := 0
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			n++
		}
	}
	return n
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tifa-project/tifa/engine"
)

// pgSys is PostgreSQL 15 with pg_trgm GIN indexes, in a private cluster
// (see pgCluster), through pgx.
//
//	postgres      exact: GIN (gin_trgm_ops) over the normalised token
//	              stream, LIKE '% t1  t2 %'; hits by replace()/length().
//	postgres-raw  GIN (gin_trgm_ops) over the raw title and text, ILIKE
//	              '%phrase%' (substring, case-insensitive, no NFKC; an
//	              English phrase must be written with the document's
//	              separator); hits are substring counts.
type pgSys struct {
	variant string
	conn    *pgx.Conn
	tz      engine.Tokenizer
}

func (s *pgSys) Name() string { return s.variant }

func (s *pgSys) table() string {
	if s.variant == "postgres" {
		return "docs_norm"
	}
	return "docs_raw"
}

func pgConnect(ctx context.Context) (*pgx.Conn, error) {
	dsn := os.Getenv("BENCH_PG_DSN")
	if dsn == "" {
		return nil, fmt.Errorf("BENCH_PG_DSN not set: the run command starts the cluster")
	}
	return pgx.Connect(ctx, dsn)
}

func (s *pgSys) Build(ctx context.Context, dir string, corpus []string) error {
	c, err := pgConnect(ctx)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	t := s.table()
	cols := []string{"id", "date", "title", "text"}
	if s.variant == "postgres" {
		cols = append(cols, "ntitle", "ntext")
	}
	ddl := fmt.Sprintf(`DROP TABLE IF EXISTS %[1]s; CREATE TABLE %[1]s(id text COLLATE "C" NOT NULL, date date, title text, text text`, t)
	if s.variant == "postgres" {
		ddl += `, ntitle text, ntext text`
	}
	if _, err := c.Exec(ctx, ddl+`)`); err != nil {
		return err
	}
	// Stream the corpus through COPY.
	rows := make(chan []any, 256)
	errc := make(chan error, 1)
	go func() {
		defer close(rows)
		errc <- readDocs(ctx, corpus, func(d *Doc) error {
			var date any
			if d.Date != "" {
				date = d.Date
			}
			r := []any{d.ID, date, d.Title, d.Text}
			if s.variant == "postgres" {
				r = append(r, NormText(&s.tz, d.Title), NormText(&s.tz, d.Text))
			}
			select {
			case rows <- r:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	src := &chanSource{ch: rows}
	if _, err := c.CopyFrom(ctx, pgx.Identifier{t}, cols, src); err != nil {
		return err
	}
	if err := <-errc; err != nil {
		return err
	}
	a, b := "title", "text"
	if s.variant == "postgres" {
		a, b = "ntitle", "ntext"
	}
	for _, q := range []string{
		`SET maintenance_work_mem = '1GB'`,
		fmt.Sprintf(`CREATE INDEX ON %s USING gin (%s gin_trgm_ops)`, t, a),
		fmt.Sprintf(`CREATE INDEX ON %s USING gin (%s gin_trgm_ops)`, t, b),
		fmt.Sprintf(`CREATE INDEX ON %s (date, id)`, t),
		fmt.Sprintf(`VACUUM ANALYZE %s`, t),
		`CHECKPOINT`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return reportServerRSS(ctx, c)
}

type chanSource struct {
	ch  chan []any
	cur []any
}

func (c *chanSource) Next() bool {
	r, ok := <-c.ch
	c.cur = r
	return ok
}
func (c *chanSource) Values() ([]any, error) { return c.cur, nil }
func (c *chanSource) Err() error             { return nil }

// serverRSS is the peak RSS (VmHWM, KiB) of the backend serving c: the
// server's memory for this connection's work, shared buffers it touched
// included.
func serverRSS(ctx context.Context, c *pgx.Conn) int64 {
	var pid int
	if err := c.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return 0
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// serverCPU is the CPU time (user+system) the backend serving c used.
func serverCPU(ctx context.Context, c *pgx.Conn) float64 {
	var pid int
	if err := c.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the ")" that ends the command name: utime is the 12th
	// and stime the 13th of them (fields 14 and 15 of proc(5)).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // clock ticks (USER_HZ = 100 on Linux)
}

// reportServerRSS puts the backend's peak RSS and CPU time where the
// child reports them.
func reportServerRSS(ctx context.Context, c *pgx.Conn) error {
	childServerRSS = serverRSS(ctx, c)
	childServerCPU = serverCPU(ctx, c)
	return nil
}

// childServerRSS and childServerCPU are set by systems whose work runs in
// a server process.
var (
	childServerRSS int64
	childServerCPU float64
)

func (s *pgSys) Size(ctx context.Context, _ string) (int64, error) {
	c, err := pgConnect(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close(ctx)
	var n int64
	err = c.QueryRow(ctx, `SELECT pg_total_relation_size($1)`, s.table()).Scan(&n)
	return n, err
}

func (s *pgSys) Open(ctx context.Context, _ string) (err error) {
	s.conn, err = pgConnect(ctx)
	return err
}

func (s *pgSys) Close() error {
	childServerRSS = serverRSS(context.Background(), s.conn)
	return s.conn.Close(context.Background())
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// pattern returns the LIKE pattern and the hit-count pattern of p.
func (s *pgSys) pattern(p Phrase) (like, hit string) {
	if s.variant == "postgres" {
		return "%" + likeEscape(p.Norm()) + "%", p.Norm()
	}
	h := strings.ToLower(strings.Join(p.Tokens, " "))
	if p.CJK() {
		h = strings.Join(p.Tokens, "")
	}
	return "%" + likeEscape(h) + "%", h
}

func (s *pgSys) cond(ps []Phrase, args *[]any) string {
	a, b, op := "ntitle", "ntext", "LIKE"
	if s.variant != "postgres" {
		a, b, op = "title", "text", "ILIKE"
	}
	var cs []string
	for _, p := range ps {
		like, _ := s.pattern(p)
		*args = append(*args, like)
		cs = append(cs, fmt.Sprintf(`(%[1]s %[3]s $%[4]d OR %[2]s %[3]s $%[4]d)`, a, b, op, len(*args)))
	}
	return strings.Join(cs, " AND ")
}

func (s *pgSys) Trend(ctx context.Context, p Phrase) (Trend, error) {
	_, hit := s.pattern(p)
	args := []any{hit}
	cond := s.cond([]Phrase{p}, &args)
	a, b := "ntitle", "ntext"
	if s.variant != "postgres" {
		a, b = "lower(title)", "lower(text)"
	}
	c := func(x string) string {
		return fmt.Sprintf(`(length(%[1]s) - length(replace(%[1]s, $1, ''))) / length($1)`, x)
	}
	q := fmt.Sprintf(`SELECT to_char(date, 'YYYY-MM'), count(*), sum(%s + %s)::bigint FROM %s WHERE date IS NOT NULL AND %s GROUP BY 1`,
		c(a), c(b), s.table(), cond)
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanTrend(rows)
}

func (s *pgSys) Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error) {
	args := []any{from, to}
	cond := s.cond(ps, &args)
	q := fmt.Sprintf(`SELECT id FROM %s WHERE date BETWEEN $1::date AND $2::date AND %s ORDER BY date DESC, id DESC LIMIT %d`, s.table(), cond, n)
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanIDs(rows)
}

func (s *pgSys) KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error) {
	if s.variant != "postgres" {
		return nil, ErrUnsupported
	}
	args := []any{}
	cond := s.cond([]Phrase{p}, &args)
	q := fmt.Sprintf(`SELECT id, coalesce(to_char(date, 'YYYY-MM-DD'), ''), title, text FROM %s WHERE %s ORDER BY date NULLS LAST, id LIMIT $2 OFFSET $3`, s.table(), cond)
	var out []Line
	const size = 200
	for off := 0; len(out) < n; off += size {
		rows, err := s.conn.Query(ctx, q, args[0], size, off)
		if err != nil {
			return nil, err
		}
		got := 0
		for rows.Next() {
			got++
			var id, date, title, text string
			if err := rows.Scan(&id, &date, &title, &text); err != nil {
				rows.Close()
				return nil, err
			}
			out = cutLines(out, id, date, title, phraseSpans(&s.tz, p, title), width, n)
			out = cutLines(out, id, date, text, phraseSpans(&s.tz, p, text), width, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if got < size {
			break
		}
	}
	return out, nil
}

// --- the private cluster ---

// pgCluster is a PostgreSQL server of its own: initdb in a temporary
// directory, listening on a random loopback port, stopped by Stop. As
// root, the server runs as the "postgres" user (PostgreSQL refuses root).
type pgCluster struct {
	bin, base, dir, user string
	port                 int
	DSN                  string
}

func pgBinDir() (string, error) {
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(ms) == 0 {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("pg_ctl not found: run bench/install-peers.sh")
	}
	// Prefer 15 when several are installed.
	for _, m := range ms {
		if strings.Contains(m, "/15/") {
			return filepath.Dir(m), nil
		}
	}
	return filepath.Dir(ms[len(ms)-1]), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *pgCluster) cmd(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.user != "" {
		return exec.Command("runuser", append([]string{"-u", c.user, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func startPG() (*pgCluster, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	// Its own temporary directory: the work directory may not be
	// reachable by the postgres user.
	base, err := os.MkdirTemp("", "tifa-bench-pg-")
	if err != nil {
		return nil, err
	}
	c := &pgCluster{bin: bin, base: base, dir: filepath.Join(base, "pgdata")}
	if os.Geteuid() == 0 {
		c.user = "postgres"
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return nil, err
	}
	if c.user != "" {
		// The data directory and the socket directory belong to postgres.
		for _, d := range []string{base, c.dir} {
			if out, err := exec.Command("chown", c.user, d).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("chown %s: %v: %s", d, err, out)
			}
		}
		os.Chmod(base, 0o755)
	}
	if out, err := c.cmd("initdb", "-D", c.dir, "-U", "bench", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c shared_buffers=1GB -c work_mem=64MB -c jit=off -c max_wal_size=4GB -c log_min_messages=warning",
		c.port, c.dir)
	if out, err := c.cmd("pg_ctl", "-D", c.dir, "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	c.DSN = fmt.Sprintf("postgres://bench@127.0.0.1:%d/postgres?sslmode=disable", c.port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN)
	if err != nil {
		c.Stop()
		return nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm`); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// Stop stops the server (fast shutdown) and removes its directory.
func (c *pgCluster) Stop() {
	c.cmd("pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop").Run()
	os.RemoveAll(c.base)
}

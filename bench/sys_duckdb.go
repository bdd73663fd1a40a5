package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/tifa-project/tifa/engine"
)

// duckSys is DuckDB (duckdb-go, the C++ library, in process) with no
// index: every query is a scan.
//
//	duckdb         exact: contains() over the normalised token stream,
//	               hits by replace()/strlen() arithmetic (as sqlite-fts5).
//	duckdb-regexp  regexp_matches() over the raw title and text, the
//	               phrase as a case-insensitive RE2 (word tokens joined by
//	               runs of non-letters, \b at the ends; CJK characters
//	               adjacent): no NFKC, ASCII-only \b; hits are
//	               regexp_extract_all() matches.
type duckSys struct {
	variant string
	db      *sql.DB
	tz      engine.Tokenizer
}

func (s *duckSys) Name() string { return s.variant }

func (s *duckSys) Build(ctx context.Context, dir string, corpus []string) error {
	c, err := duckdb.NewConnector(dir+"/db.duckdb", nil)
	if err != nil {
		return err
	}
	defer c.Close()
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE docs(id VARCHAR NOT NULL, date DATE, title VARCHAR, text VARCHAR, ntitle VARCHAR, ntext VARCHAR)`); err != nil {
		return err
	}
	conn, err := c.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	app, err := duckdb.NewAppenderFromConn(conn, "", "docs")
	if err != nil {
		return err
	}
	err = readDocs(ctx, corpus, func(d *Doc) error {
		var date driver.Value
		if d.Date != "" {
			t, err := time.Parse("2006-01-02", d.Date)
			if err != nil {
				return err
			}
			date = t
		}
		return app.AppendRow(d.ID, date, d.Title, d.Text, NormText(&s.tz, d.Title), NormText(&s.tz, d.Text))
	})
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	_, err = db.Exec(`CHECKPOINT`)
	return err
}

func (*duckSys) Size(_ context.Context, dir string) (int64, error) { return dirSize(dir) }

func (s *duckSys) Open(_ context.Context, dir string) error {
	db, err := sql.Open("duckdb", dir+"/db.duckdb?access_mode=read_only")
	if err != nil {
		return err
	}
	s.db = db
	return db.Ping()
}

func (s *duckSys) Close() error { return s.db.Close() }

// duckRegexp is p as an RE2 over raw text (see duckSys).
func duckRegexp(p Phrase) string {
	if p.CJK() {
		return regexp.QuoteMeta(strings.Join(p.Tokens, ""))
	}
	q := make([]string, len(p.Tokens))
	for i, t := range p.Tokens {
		q[i] = regexp.QuoteMeta(t)
	}
	return `(?i)\b` + strings.Join(q, `[^\pL\pM\pN]+`) + `\b`
}

// cond returns a condition selecting documents with every phrase of ps.
func (s *duckSys) cond(ps []Phrase, args *[]any) string {
	var cs []string
	for _, p := range ps {
		*args = append(*args, s.pattern(p))
		n := len(*args)
		if s.variant == "duckdb" {
			cs = append(cs, fmt.Sprintf(`(contains(ntitle, $%[1]d) OR contains(ntext, $%[1]d))`, n))
		} else {
			cs = append(cs, fmt.Sprintf(`(regexp_matches(title, $%[1]d) OR regexp_matches(text, $%[1]d))`, n))
		}
	}
	return strings.Join(cs, " AND ")
}

func (s *duckSys) pattern(p Phrase) string {
	if s.variant == "duckdb" {
		return p.Norm()
	}
	return duckRegexp(p)
}

func (s *duckSys) Trend(ctx context.Context, p Phrase) (Trend, error) {
	var args []any
	cond := s.cond([]Phrase{p}, &args)
	hits := `(strlen(ntitle) - strlen(replace(ntitle, $1, ''))) // strlen($1) + (strlen(ntext) - strlen(replace(ntext, $1, ''))) // strlen($1)`
	if s.variant != "duckdb" {
		hits = `len(regexp_extract_all(title, $1)) + len(regexp_extract_all(text, $1))`
	}
	q := `SELECT strftime(date, '%Y-%m'), count(*), sum(` + hits + `)::BIGINT FROM docs WHERE date IS NOT NULL AND ` + cond + ` GROUP BY 1`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanTrend(rows)
}

func (s *duckSys) Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error) {
	args := []any{}
	cond := s.cond(ps, &args)
	k := len(args)
	q := fmt.Sprintf(`SELECT id FROM docs WHERE date BETWEEN $%d::DATE AND $%d::DATE AND %s ORDER BY date DESC, id DESC LIMIT %d`, k+1, k+2, cond, n)
	rows, err := s.db.QueryContext(ctx, q, append(args, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanIDs(rows)
}

func (s *duckSys) KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error) {
	if s.variant != "duckdb" {
		return nil, ErrUnsupported
	}
	args := []any{}
	cond := s.cond([]Phrase{p}, &args)
	q := `SELECT id, coalesce(strftime(date, '%Y-%m-%d'), ''), title, text FROM docs WHERE ` + cond +
		` ORDER BY date NULLS LAST, id LIMIT $2 OFFSET $3`
	return pagedKWIC(ctx, &s.tz, p, n, width, func(limit, offset int) (*sql.Rows, error) {
		return s.db.QueryContext(ctx, q, args[0], limit, offset)
	})
}

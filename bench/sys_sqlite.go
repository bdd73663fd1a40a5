package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	_ "github.com/mattn/go-sqlite3" // built with -tags sqlite_fts5

	"github.com/tifa-project/tifa/engine"
)

// sqliteSys is SQLite FTS5 (mattn/go-sqlite3, the C library, in process).
// Variants:
//
//	sqlite-fts5       exact: FTS5 unicode61 over the normalised token
//	                  stream (SPEC §2 tokens from tifa's tokenizer, each
//	                  CJK character a token); hits by counting " t1  t2 "
//	                  in that stream with replace() and length().
//	sqlite-unicode61  FTS5 unicode61 (defaults) over the raw title and
//	                  text: a run of Han characters is one token, so a
//	                  Chinese phrase matches only a whole run; hits are
//	                  substring counts of the lower-cased phrase.
//	sqlite-trigram    FTS5 trigram over the raw title and text: substring
//	                  search (case-insensitive); phrases of fewer than 3
//	                  characters cannot use the index and scan with instr().
type sqliteSys struct {
	variant string
	db      *sql.DB
	tz      engine.Tokenizer
}

func (s *sqliteSys) Name() string { return s.variant }

func (s *sqliteSys) norm() bool { return s.variant == "sqlite-fts5" }

func (s *sqliteSys) open(dir string) (*sql.DB, error) {
	// The build is one transaction on a new file: a rollback journal
	// records next to nothing (new pages are not journaled), where WAL
	// would write the whole database twice.
	db, err := sql.Open("sqlite3", "file:"+dir+"/db.sqlite?_journal_mode=DELETE&_synchronous=NORMAL&_cache_size=-262144")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA mmap_size=4294967296; PRAGMA temp_store=MEMORY`); err != nil {
		return nil, err
	}
	return db, nil
}

func (s *sqliteSys) Build(ctx context.Context, dir string, corpus []string) error {
	db, err := s.open(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	var tok, cols string
	switch s.variant {
	case "sqlite-fts5":
		tok, cols = `unicode61 remove_diacritics 0 categories 'L* M* N* Co'`, "ntitle, ntext"
	case "sqlite-unicode61":
		tok, cols = `unicode61`, "title, text"
	case "sqlite-trigram":
		tok, cols = `trigram`, "title, text"
	default:
		return fmt.Errorf("unknown variant %s", s.variant)
	}
	ddl := `CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, date TEXT, title TEXT, text TEXT`
	if s.norm() {
		ddl += `, ntitle TEXT, ntext TEXT`
	}
	ddl += `)`
	if _, err := db.Exec(ddl); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	q := `INSERT INTO docs(id, date, title, text) VALUES (?,?,?,?)`
	if s.norm() {
		q = `INSERT INTO docs(id, date, title, text, ntitle, ntext) VALUES (?,?,?,?,?,?)`
	}
	st, err := tx.Prepare(q)
	if err != nil {
		return err
	}
	err = readDocs(ctx, corpus, func(d *Doc) error {
		var date any
		if d.Date != "" {
			date = d.Date
		}
		if s.norm() {
			_, err := st.Exec(d.ID, date, d.Title, d.Text, NormText(&s.tz, d.Title), NormText(&s.tz, d.Text))
			return err
		}
		_, err := st.Exec(d.ID, date, d.Title, d.Text)
		return err
	})
	if err != nil {
		tx.Rollback()
		return err
	}
	st.Close()
	for _, q := range []string{
		`CREATE INDEX docs_date ON docs(date, id)`,
		fmt.Sprintf(`CREATE VIRTUAL TABLE fts USING fts5(%s, content='docs', content_rowid='rowid', tokenize=%q)`, cols, tok),
		`INSERT INTO fts(fts) VALUES('rebuild')`,
		`INSERT INTO fts(fts) VALUES('optimize')`,
	} {
		if _, err := tx.Exec(q); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return tx.Commit()
}

func (*sqliteSys) Size(_ context.Context, dir string) (int64, error) { return dirSize(dir) }

func (s *sqliteSys) Open(_ context.Context, dir string) (err error) {
	s.db, err = s.open(dir)
	return err
}

func (s *sqliteSys) Close() error { return s.db.Close() }

// ftsPhrase is p as an FTS5 phrase string.
func ftsPhrase(text string) string { return `"` + strings.ReplaceAll(text, `"`, `""`) + `"` }

// match returns the SQL condition on docs d selecting the documents with
// phrase p, and its arguments.
func (s *sqliteSys) match(ps []Phrase) (string, []any) {
	switch {
	case s.norm():
		var parts []string
		for _, p := range ps {
			parts = append(parts, ftsPhrase(strings.Join(p.Tokens, " ")))
		}
		return `d.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)`, []any{strings.Join(parts, " AND ")}
	case s.variant == "sqlite-trigram":
		var conds []string
		var args []any
		for _, p := range ps {
			if utf8.RuneCountInString(p.Text) >= 3 {
				conds = append(conds, `d.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)`)
				args = append(args, ftsPhrase(p.Text))
			} else {
				conds = append(conds, `(instr(lower(d.title), ?) > 0 OR instr(lower(d.text), ?) > 0)`)
				args = append(args, strings.ToLower(p.Text), strings.ToLower(p.Text))
			}
		}
		return strings.Join(conds, " AND "), args
	default:
		var parts []string
		for _, p := range ps {
			parts = append(parts, ftsPhrase(p.Text))
		}
		return `d.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)`, []any{strings.Join(parts, " AND ")}
	}
}

// hitsExpr is the SQL expression counting the hits of the pattern ?1 in
// columns a and b.
func hitsExpr(a, b string) string {
	c := func(x string) string {
		return fmt.Sprintf(`(length(%[1]s) - length(replace(%[1]s, ?1, ''))) / length(?1)`, x)
	}
	return c(a) + " + " + c(b)
}

func (s *sqliteSys) Trend(ctx context.Context, p Phrase) (Trend, error) {
	cond, args := s.match([]Phrase{p})
	pat, a, b := p.Norm(), "d.ntitle", "d.ntext"
	if !s.norm() {
		pat, a, b = strings.ToLower(strings.Join(p.Tokens, " ")), "lower(d.title)", "lower(d.text)"
		if p.CJK() {
			pat = strings.Join(p.Tokens, "")
		}
	}
	// ?1 is the hit pattern; the match arguments follow.
	cond = renumber(cond, 2)
	q := `SELECT substr(d.date, 1, 7), count(*), sum(` + hitsExpr(a, b) + `) FROM docs d WHERE d.date IS NOT NULL AND ` + cond + ` GROUP BY 1`
	rows, err := s.db.QueryContext(ctx, q, append([]any{pat}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanTrend(rows)
}

// renumber turns the bare ? of a condition into ?N, ?N+1, ...
func renumber(cond string, from int) string {
	var b strings.Builder
	for _, r := range cond {
		if r == '?' {
			fmt.Fprintf(&b, "?%d", from)
			from++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rows is what scanTrend and scanIDs read: a *sql.Rows, or pgx's rows
// (whose Close differs, so callers close).
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanTrend reads (month, docs, hits) rows.
func scanTrend(rows rows) (Trend, error) {
	t := Trend{}
	for rows.Next() {
		var m string
		var c Count
		if err := rows.Scan(&m, &c.Docs, &c.Hits); err != nil {
			return nil, err
		}
		t[m] = c
	}
	return t, rows.Err()
}

func (s *sqliteSys) Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error) {
	cond, args := s.match(ps)
	q := `SELECT d.id FROM docs d WHERE d.date BETWEEN ? AND ? AND ` + cond + ` ORDER BY d.date DESC, d.id DESC LIMIT ?`
	rows, err := s.db.QueryContext(ctx, q, append(append([]any{from, to}, args...), n)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanIDs(rows)
}

// scanIDs reads one id per row.
func scanIDs(rows rows) ([]string, error) {
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s *sqliteSys) KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error) {
	if !s.norm() {
		return nil, ErrUnsupported
	}
	cond, args := s.match([]Phrase{p})
	q := `SELECT d.id, coalesce(d.date, ''), d.title, d.text FROM docs d WHERE ` + cond +
		` ORDER BY d.date IS NULL, d.date, d.id LIMIT ? OFFSET ?`
	return pagedKWIC(ctx, &s.tz, p, n, width, func(limit, offset int) (*sql.Rows, error) {
		return s.db.QueryContext(ctx, q, append(args, limit, offset)...)
	})
}

// pagedKWIC reads matching documents oldest first, a page at a time, and
// cuts the KWIC lines on the client side as tifa cuts them.
func pagedKWIC(ctx context.Context, tz *engine.Tokenizer, p Phrase, n, width int, page func(limit, offset int) (*sql.Rows, error)) ([]Line, error) {
	var out []Line
	const size = 200
	for off := 0; len(out) < n; off += size {
		rows, err := page(size, off)
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
			if len(date) > 10 {
				date = date[:10]
			}
			out = cutLines(out, id, date, title, phraseSpans(tz, p, title), width, n)
			out = cutLines(out, id, date, text, phraseSpans(tz, p, text), width, n)
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

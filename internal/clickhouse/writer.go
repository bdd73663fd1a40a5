package clickhouse

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/textnorm"
)

// Writer adds documents to the ClickHouse tables in batches of
// Config.BatchRows rows, one INSERT … FORMAT JSONEachRow each, over HTTP
// to the first host's http_port (see Client.insert). It serves one
// goroutine.
type Writer struct {
	c       *Client
	ctx     context.Context
	buf     *bytes.Buffer // rows being queued
	spare   *bytes.Buffer // the other buffer, free once the batch in flight is sent
	enc     *json.Encoder
	n       int        // rows in buf
	version uint64     // of the next row: rows added later win
	rows    int64      // rows stored
	flight  chan error // the batch in flight answers here; nil when none
	flightN int        // its rows
	tk      textnorm.Tokenizer
	toks    []string

	// Hold keeps every row until Flush (ingest --strict: nothing of a
	// failed run is stored); otherwise a batch is sent every
	// Config.BatchRows rows.
	Hold bool
}

// row is one line of the JSONEachRow insert; the names are the columns.
type row struct {
	ID         string   `json:"id"`
	Version    uint64   `json:"version"`
	Day        int32    `json:"day"`
	Date       string   `json:"date"`
	Source     string   `json:"source"`
	Lang       string   `json:"lang"`
	URL        string   `json:"url"`
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	MetaKeys   []string `json:"meta_keys"`
	MetaValues []string `json:"meta_values"`
	TitleToks  string   `json:"title_toks"`
	TextToks   string   `json:"text_toks"`
	TitleN     int      `json:"title_n"`
	TextN      int      `json:"text_n"`
}

// NewWriter creates the tables where missing and returns a Writer. ctx
// bounds every insert.
func NewWriter(ctx context.Context, c *Client) (*Writer, error) {
	if err := c.EnsureSchema(ctx); err != nil {
		return nil, err
	}
	w := &Writer{c: c, ctx: ctx, version: uint64(time.Now().UnixNano()), buf: &bytes.Buffer{}, spare: &bytes.Buffer{}}
	w.setEncoder()
	return w, nil
}

func (w *Writer) setEncoder() {
	w.enc = json.NewEncoder(w.buf)
	w.enc.SetEscapeHTML(false)
}

// Add queues d and sends a batch when Config.BatchRows rows are queued.
func (w *Writer) Add(d corpus.Document) error {
	r := row{ID: d.ID, Version: w.version, Day: index.Day(d.Date), Date: d.Date, Source: d.Source, Lang: d.Lang, URL: d.URL,
		Title: d.Title, Text: d.Text, MetaKeys: []string{}, MetaValues: []string{}}
	w.version++
	keys := make([]string, 0, len(d.Meta))
	for k := range d.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.MetaKeys = append(r.MetaKeys, k)
		r.MetaValues = append(r.MetaValues, d.Meta[k])
	}
	r.TitleToks, r.TitleN = w.stream(d.Title)
	r.TextToks, r.TextN = w.stream(d.Text)
	if err := w.enc.Encode(&r); err != nil {
		return err
	}
	w.n++
	if w.n >= w.c.cfg.BatchRows && !w.Hold {
		return w.send()
	}
	return nil
}

// send starts inserting the queued rows while the caller queues the next
// batch: one batch in flight at a time, so tokenizing and the server's
// work overlap.
func (w *Writer) send() error {
	if err := w.wait(); err != nil {
		return err
	}
	data, n := w.buf.Bytes(), w.n
	w.buf, w.spare = w.spare, w.buf
	w.buf.Reset()
	w.setEncoder()
	w.n = 0
	w.flight, w.flightN = make(chan error, 1), n
	go func(ch chan error) {
		err := w.c.insert(w.ctx, w.c.table(), data)
		if err != nil {
			err = fmt.Errorf("insert %d documents: %w", n, err)
		}
		ch <- err
	}(w.flight)
	return nil
}

// wait waits for the batch in flight.
func (w *Writer) wait() error {
	if w.flight == nil {
		return nil
	}
	err := <-w.flight
	w.flight = nil
	if err == nil {
		w.rows += int64(w.flightN)
	}
	return err
}

func (w *Writer) stream(s string) (string, int) {
	w.toks = w.toks[:0]
	w.tk.Each(s, func(tok []byte, _, _ int) { w.toks = append(w.toks, string(tok)) })
	return stream(w.toks), len(w.toks)
}

// Flush sends the queued rows and waits for every batch. When it returns
// nil they are stored (on their shards, with a cluster: inserts are
// synchronous).
func (w *Writer) Flush() error {
	if !w.Hold || w.n == 0 {
		if w.n > 0 {
			if err := w.send(); err != nil {
				return err
			}
		}
		return w.wait()
	}
	// A held run goes in batches too, but only once it is complete.
	data := w.buf.Bytes()
	for len(data) > 0 {
		cut, n := len(data), 0
		for i, ch := range data { // the end of the BatchRows-th line
			if ch == '\n' {
				if n++; n == w.c.cfg.BatchRows {
					cut = i + 1
					break
				}
			}
		}
		if err := w.c.insert(w.ctx, w.c.table(), data[:cut]); err != nil {
			return fmt.Errorf("insert %d documents: %w", w.n, err)
		}
		data = data[cut:]
	}
	w.rows += int64(w.n)
	w.buf.Reset()
	w.n = 0
	return nil
}

// Discard drops the queued rows; a batch in flight is waited for and
// stays stored if it arrives.
func (w *Writer) Discard() {
	w.wait()
	w.buf.Reset()
	w.n = 0
}

// Rows returns how many rows were stored.
func (w *Writer) Rows() int64 { return w.rows }

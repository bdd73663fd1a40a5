package main

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tifa-project/tifa/engine"
)

// ErrUnsupported is returned by a system for a workload it cannot run.
var ErrUnsupported = errors.New("not supported")

// Phrase is one query phrase with its SPEC §2 tokens.
type Phrase struct {
	Text   string   // as given
	Tokens []string // SPEC §2 tokens (tifa's tokenizer)
}

// NewPhrase tokenizes s.
func NewPhrase(s string) Phrase {
	var t engine.Tokenizer
	p := Phrase{Text: s}
	t.Each(s, func(tok []byte, _, _ int) { p.Tokens = append(p.Tokens, string(tok)) })
	return p
}

// Norm is the phrase in the normalised stream: each token between two
// spaces, " t1  t2 ". Counting its non-overlapping occurrences in a
// field's stream (Norm of the field) is exactly SPEC §2's hit count: every
// token carries its own two spaces, so an occurrence consumes no space of
// the next one ("a b a b" has two hits of "a b"; with single spaces
// between tokens the second would be missed), and a match cannot start or
// end inside a token.
func (p Phrase) Norm() string { return normJoin(p.Tokens) }

// CJK reports whether every token is one Han/Kana character.
func (p Phrase) CJK() bool {
	for _, t := range p.Tokens {
		if utf8.RuneCountInString(t) != 1 || !isIdeo(t) {
			return false
		}
	}
	return len(p.Tokens) > 0
}

func isIdeo(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return engine.IsIdeo(r)
}

func normJoin(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte(' ')
		b.WriteString(t)
		b.WriteByte(' ')
	}
	return b.String()
}

// NormText returns the normalised token stream of a field (see Phrase.Norm).
func NormText(tz *engine.Tokenizer, s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	tz.Each(s, func(tok []byte, _, _ int) {
		b.WriteByte(' ')
		b.Write(tok)
		b.WriteByte(' ')
	})
	return b.String()
}

// Count is a month's (or the whole corpus's) hits and matching documents.
type Count struct {
	Docs int64 `json:"docs"`
	Hits int64 `json:"hits"`
}

// Trend maps "YYYY-MM" to the counts of that month (non-zero months only).
type Trend map[string]Count

// Total sums the months.
func (t Trend) Total() Count {
	var c Count
	for _, x := range t {
		c.Docs += x.Docs
		c.Hits += x.Hits
	}
	return c
}

// Line is one KWIC line.
type Line struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Left  string `json:"left"`
	Match string `json:"match"`
	Right string `json:"right"`
}

// Doc is a document as the peers store it.
type Doc struct {
	ID, Date, Title, Text string
}

// System is one engine under test. Build runs in a child process (W1);
// Open and the workloads run in another, each system alone, timed hot.
type System interface {
	Name() string
	// Build indexes the corpus into dir (an empty directory).
	Build(ctx context.Context, dir string, corpus []string) error
	// Size is the bytes the index takes on disk.
	Size(ctx context.Context, dir string) (int64, error)
	Open(ctx context.Context, dir string) error
	Close() error
	// Trend: hits and matching documents per month over the whole corpus.
	Trend(ctx context.Context, p Phrase) (Trend, error)
	// Newest: ids of the n newest documents with every phrase of ps,
	// dates from..to inclusive: date descending, then id descending in
	// byte order (tifa's newest is the exact reverse of its oldest).
	Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error)
	// KWIC: the first n hits, oldest document first (then id; title before
	// text), width characters either side.
	KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error)
}

// readDocs reads the corpus as tifa reads it (same records, same field
// normalisation) and calls fn for each document.
func readDocs(ctx context.Context, corpus []string, fn func(*Doc) error) error {
	_, err := engine.Walk(ctx, corpus, func(d engine.Document) error {
		return fn(&Doc{ID: d.ID, Date: d.Date, Title: d.Title, Text: d.Text})
	})
	return err
}

// dirSize sums the sizes of the files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}

// --- KWIC lines cut on the client side, as tifa cuts them ---

// phraseSpans returns the byte spans of p's non-overlapping occurrences in
// field, leftmost first (tifa's Matcher for one phrase).
func phraseSpans(tz *engine.Tokenizer, p Phrase, field string) [][2]int {
	if field == "" || len(p.Tokens) == 0 {
		return nil
	}
	var toks []string
	var spans [][2]int
	tz.Each(field, func(tok []byte, a, b int) {
		toks = append(toks, string(tok))
		spans = append(spans, [2]int{a, b})
	})
	var out [][2]int
	k := len(p.Tokens)
	for i := 0; i+k <= len(toks); {
		ok := true
		for j := 0; j < k; j++ {
			if toks[i+j] != p.Tokens[j] {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, [2]int{spans[i][0], spans[i+k-1][1]})
			i += k
		} else {
			i++
		}
	}
	return out
}

// cutLines appends the KWIC lines of the spans of one field, up to limit.
func cutLines(out []Line, id, date, field string, spans [][2]int, width, limit int) []Line {
	for _, s := range spans {
		if len(out) >= limit {
			break
		}
		l, m, r := engine.Context(field, s[0], s[1], width)
		out = append(out, Line{ID: id, Date: date, Left: l, Match: m, Right: r})
	}
	return out
}

// greedyHits counts non-overlapping phrase occurrences of length k from
// their sorted, de-duplicated start positions.
func greedyHits(starts []uint64, k int) int {
	sort.Slice(starts, func(a, b int) bool { return starts[a] < starts[b] })
	n := 0
	var next uint64
	for i, s := range starts {
		if i > 0 && s == starts[i-1] {
			continue
		}
		if n == 0 || s >= next {
			n++
			next = s + uint64(k)
		}
	}
	return n
}

func month(date string) string {
	if len(date) < 7 {
		return ""
	}
	return date[:7]
}

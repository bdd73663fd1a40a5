package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"github.com/tifa-project/tifa/engine"
)

// rgSys is ripgrep over plain-text dumps, the raw-scan floor: no index,
// one rg process per query (fixed-string search, rg's fastest mode; one
// file, so one thread). "Build" writes the dumps, one line per document
// in (date, id) order, undated last:
//
//	norm.txt  the normalised token streams of title and text, joined by a
//	          tab; rg -F -o -n finds " t1  t2 " exactly as SPEC §2 counts.
//	raw.txt   title and text as written (line breaks and tabs as spaces),
//	          from which the harness cuts KWIC lines of the lines rg found.
//	lines.tsv id, date and raw.txt offset of each line, loaded by Open.
type rgSys struct {
	dir   string
	ids   []string
	dates []string
	offs  []int64
	raw   *os.File
	tz    engine.Tokenizer
}

func (*rgSys) Name() string { return "ripgrep" }

func (s *rgSys) Build(ctx context.Context, dir string, corpus []string) error {
	var docs []*Doc
	if err := readDocs(ctx, corpus, func(d *Doc) error { docs = append(docs, d); return nil }); err != nil {
		return err
	}
	sort.SliceStable(docs, func(a, b int) bool {
		x, y := docs[a], docs[b]
		if (x.Date == "") != (y.Date == "") {
			return y.Date == ""
		}
		if x.Date != y.Date {
			return x.Date < y.Date
		}
		return x.ID < y.ID
	})
	files := map[string]*bufio.Writer{}
	var closers []*os.File
	for _, n := range []string{"norm.txt", "raw.txt", "lines.tsv"} {
		f, err := os.Create(dir + "/" + n)
		if err != nil {
			return err
		}
		closers = append(closers, f)
		files[n] = bufio.NewWriterSize(f, 1<<20)
	}
	oneLine := strings.NewReplacer("\n", " ", "\r", " ", "\t", " ")
	var off int64
	for _, d := range docs {
		fmt.Fprintf(files["norm.txt"], "%s\t%s\n", NormText(&s.tz, d.Title), NormText(&s.tz, d.Text))
		line := oneLine.Replace(d.Title) + "\t" + oneLine.Replace(d.Text) + "\n"
		files["raw.txt"].WriteString(line)
		fmt.Fprintf(files["lines.tsv"], "%s\t%s\t%d\n", strings.NewReplacer("\t", " ", "\n", " ").Replace(d.ID), d.Date, off)
		off += int64(len(line))
	}
	for i, n := range []string{"norm.txt", "raw.txt", "lines.tsv"} {
		if err := files[n].Flush(); err != nil {
			return err
		}
		if err := closers[i].Sync(); err != nil {
			return err
		}
		closers[i].Close()
	}
	return nil
}

// Size counts the dumps rg reads (norm.txt, raw.txt), not lines.tsv.
func (*rgSys) Size(_ context.Context, dir string) (int64, error) {
	var n int64
	for _, f := range []string{"norm.txt", "raw.txt"} {
		fi, err := os.Stat(dir + "/" + f)
		if err != nil {
			return 0, err
		}
		n += fi.Size()
	}
	return n, nil
}

func (s *rgSys) Open(_ context.Context, dir string) error {
	if _, err := exec.LookPath("rg"); err != nil {
		return fmt.Errorf("rg not found: run bench/install-peers.sh")
	}
	s.dir = dir
	b, err := os.ReadFile(dir + "/lines.tsv")
	if err != nil {
		return err
	}
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			return fmt.Errorf("lines.tsv: bad line %q", l)
		}
		o, _ := strconv.ParseInt(f[2], 10, 64)
		s.ids, s.dates, s.offs = append(s.ids, f[0]), append(s.dates, f[1]), append(s.offs, o)
	}
	s.raw, err = os.Open(dir + "/raw.txt")
	return err
}

func (s *rgSys) Close() error { return s.raw.Close() }

// scan runs rg -F -o -n for p over norm.txt and calls fn with each hit's
// line index (0-based), in file order; fn returning false stops rg.
func (s *rgSys) scan(ctx context.Context, p Phrase, fn func(line int) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "rg", "-F", "-o", "-n", "--no-filename", "--no-config", "-e", p.Norm(), s.dir+"/norm.txt")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	br := bufio.NewReaderSize(out, 1<<16)
	stopped := false
	for {
		l, err := br.ReadSlice('\n')
		if err == io.EOF {
			break
		}
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
		i := bytes.IndexByte(l, ':')
		if i <= 0 {
			continue
		}
		n, perr := strconv.Atoi(string(l[:i]))
		if perr != nil {
			return fmt.Errorf("rg output %q", l)
		}
		if !fn(n - 1) {
			stopped = true
			cancel()
			break
		}
	}
	werr := cmd.Wait()
	if stopped {
		return nil
	}
	if werr != nil {
		if ee, ok := werr.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			return nil // no match
		}
		return fmt.Errorf("rg: %v: %s", werr, stderr.String())
	}
	return nil
}

func (s *rgSys) Trend(ctx context.Context, p Phrase) (Trend, error) {
	t := Trend{}
	last := -1
	err := s.scan(ctx, p, func(line int) bool {
		d := s.dates[line]
		if d == "" {
			return true
		}
		m := month(d)
		c := t[m]
		if line != last {
			c.Docs++
			last = line
		}
		c.Hits++
		t[m] = c
		return true
	})
	return t, err
}

func (s *rgSys) Newest(ctx context.Context, ps []Phrase, from, to string, n int) ([]string, error) {
	var have map[int]bool
	for _, p := range ps {
		got := map[int]bool{}
		err := s.scan(ctx, p, func(line int) bool {
			if d := s.dates[line]; d >= from && d <= to && (have == nil || have[line]) {
				got[line] = true
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		have = got
	}
	lines := make([]int, 0, len(have))
	for l := range have {
		lines = append(lines, l)
	}
	sort.Slice(lines, func(a, b int) bool {
		x, y := lines[a], lines[b]
		if s.dates[x] != s.dates[y] {
			return s.dates[x] > s.dates[y]
		}
		return s.ids[x] > s.ids[y]
	})
	var ids []string
	for i := 0; i < len(lines) && i < n; i++ {
		ids = append(ids, s.ids[lines[i]])
	}
	return ids, nil
}

func (s *rgSys) KWIC(ctx context.Context, p Phrase, n, width int) ([]Line, error) {
	var lines []int
	hits := 0
	err := s.scan(ctx, p, func(line int) bool {
		if len(lines) == 0 || lines[len(lines)-1] != line {
			lines = append(lines, line)
		}
		hits++
		return hits < n
	})
	if err != nil {
		return nil, err
	}
	var out []Line
	for _, l := range lines {
		end := int64(-1)
		if l+1 < len(s.offs) {
			end = s.offs[l+1]
		} else if fi, err := s.raw.Stat(); err == nil {
			end = fi.Size()
		}
		buf := make([]byte, end-s.offs[l])
		if _, err := s.raw.ReadAt(buf, s.offs[l]); err != nil {
			return nil, err
		}
		title, text, _ := strings.Cut(strings.TrimSuffix(string(buf), "\n"), "\t")
		out = cutLines(out, s.ids[l], s.dates[l], title, phraseSpans(&s.tz, p, title), width, n)
		out = cutLines(out, s.ids[l], s.dates[l], text, phraseSpans(&s.tz, p, text), width, n)
	}
	return out, nil
}

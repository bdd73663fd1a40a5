package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Walk reads every path in order — a file, a directory (walked
// recursively, entries in lexical order, each file by its own format), or
// "-" for Options.Stdin — and calls fn once per record, in input order. A
// rejected record is a Record with Err set (and File, Line naming where it
// starts); reading continues after it. Walk returns the first error
// returned by fn, or an error for a path that cannot be opened at all
// (wrapped, naming the path; every path is checked before any is read), or
// an error for bad Options. ctx cancellation stops reading promptly and
// returns ctx.Err().
//
// Memory is bounded by the largest record (Options.MaxDocBytes) plus a few
// buffers, whatever the size of the inputs.
func Walk(ctx context.Context, paths []string, opt Options, fn func(Record) error) error {
	c, err := newConfig(opt)
	if err != nil {
		return err
	}
	if err := checkPaths(paths, opt); err != nil {
		return err
	}
	w := &walker{ctx: ctx, cfg: c, fn: fn}
	for _, p := range paths {
		if err := w.path(p); err != nil {
			return err
		}
	}
	return nil
}

// Size returns the total bytes of the files Walk would read (0 for "-"),
// as stored on disk (compressed files count compressed); used as a
// progress bar's total. It stats every file and reads none.
func Size(paths []string, opt Options) (int64, error) {
	if _, err := newConfig(opt); err != nil {
		return 0, err
	}
	if err := checkPaths(paths, opt); err != nil {
		return 0, err
	}
	var total int64
	for _, p := range paths {
		if p == "-" {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return 0, fmt.Errorf("open input: %w", err)
		}
		if !fi.IsDir() {
			if _, _, ok := formatFor(p, opt.Format); ok {
				total += fi.Size()
			}
			continue
		}
		err = listDir(p, func(path, _ string, err error) error {
			if err != nil {
				return nil
			}
			if _, _, ok := formatFor(path, opt.Format); !ok {
				return nil
			}
			if fi, err := os.Stat(path); err == nil {
				total += fi.Size()
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return total, nil
}

// checkPaths fails for the first path that does not exist or cannot be
// looked at, and for "-" without Options.Stdin.
func checkPaths(paths []string, opt Options) error {
	for _, p := range paths {
		if p == "-" {
			if opt.Stdin == nil {
				return errors.New("open input -: no standard input given")
			}
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("open input: %w", err)
		}
	}
	return nil
}

// walker carries one Walk's state.
type walker struct {
	ctx     context.Context
	cfg     *config
	fn      func(Record) error
	stopped error // the error of fn or ctx that ended the walk
}

// emit passes rec to fn unless the walk is cancelled, and remembers why
// it stopped.
func (w *walker) emit(rec Record) error {
	if err := w.ctx.Err(); err != nil {
		w.stopped = err
		return err
	}
	if err := w.fn(rec); err != nil {
		w.stopped = err
		return err
	}
	return nil
}

// path reads one argument of Walk.
func (w *walker) path(p string) error {
	if p == "-" {
		f := w.cfg.Format
		if f == "" {
			f = "jsonl"
		}
		ff, _ := formatByName(f)
		return w.read("-", "", w.cfg.Stdin, ff, compNone)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("open input: %w", err)
	}
	if !fi.IsDir() {
		return w.file(p, filepath.Base(p), true)
	}
	return listDir(p, func(path, rel string, err error) error {
		if err != nil {
			return w.emit(Record{File: path, Err: err})
		}
		return w.file(path, rel, false)
	})
}

// file reads the file at path; rel names it for a derived id. An open
// failure of a path given by the user (top) ends the walk; inside a
// directory it is a rejection.
func (w *walker) file(path, rel string, top bool) error {
	f, comp, ok := formatFor(path, w.cfg.Format)
	if !ok {
		return w.emit(Record{File: path, Err: reject(ErrUnknownFormat,
			"unknown format (known: %s; use --format)", knownExts())})
	}
	fh, err := os.Open(path)
	if err != nil {
		if top {
			return fmt.Errorf("open input: %w", err)
		}
		return w.emit(Record{File: path, Err: reject(ErrRead, "cannot open: %v", unwrapPath(err))})
	}
	defer fh.Close()
	return w.read(path, stemID(rel), fh, f, comp)
}

// read runs format f's reader over raw. Failures of the input itself
// (I/O, corrupt compression) become one rejection at the line reached.
func (w *walker) read(name, id string, raw io.Reader, f *format, comp string) error {
	if w.cfg.Read != nil {
		raw = countReader{r: raw, n: w.cfg.Read}
	}
	if err := w.ctx.Err(); err != nil {
		return err
	}
	r, stop, err := decompress(raw, comp)
	if err != nil {
		return w.emit(Record{File: name, Err: reject(ErrRead, "cannot read: %v", err)})
	}
	defer stop()
	if !f.perFile {
		id = ""
	}
	in := &input{cfg: w.cfg, name: name, id: id, r: r, emit: w.emit}
	err = f.read(in)
	if w.stopped != nil {
		return w.stopped
	}
	if err == nil {
		return nil
	}
	line := 0
	var re *readError
	if errors.As(err, &re) {
		line, err = re.line, re.err
	}
	var rj *rejectError
	if !errors.As(err, &rj) {
		err = reject(ErrRead, "cannot read to the end: %v", unwrapPath(err))
	}
	return w.emit(Record{File: name, Line: line, Err: err})
}

// unwrapPath drops the path from an *fs.PathError, which the record
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// listDir calls fn for every regular file under root in lexical order,
// with its path relative to root. Names starting with "." (hidden files
// and directories, macOS "._*" junk) are skipped. An unreadable directory
// or a symbolic link to a directory (not followed) is passed to fn as an
// error; fn's error ends the listing. A root that cannot be listed is an
// error.
func listDir(root string, fn func(path, rel string, err error) error) error {
	var walk func(dir string) error
	walk = func(dir string) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if dir == root {
				return fmt.Errorf("open input: %w", err)
			}
			return fn(dir, "", reject(ErrRead, "cannot list directory: %v", unwrapPath(err)))
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			typ := e.Type()
			if typ&fs.ModeSymlink != 0 {
				fi, err := os.Stat(path)
				if err != nil {
					if err := fn(path, "", reject(ErrRead, "cannot open: %v", unwrapPath(err))); err != nil {
						return err
					}
					continue
				}
				if fi.IsDir() {
					if err := fn(path, "", reject(ErrNotDocument, "symbolic link to a directory, not followed")); err != nil {
						return err
					}
					continue
				}
				typ = fi.Mode().Type()
			}
			switch {
			case typ.IsDir():
				if err := walk(path); err != nil {
					return err
				}
			case typ.IsRegular():
				rel, err := filepath.Rel(root, path)
				if err != nil {
					rel = e.Name()
				}
				if err := fn(path, rel, nil); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(root)
}

// ReadAll returns every document of paths, in input order, or the first
// rejected record as an error naming its file and line. It holds the whole
// input in memory: for tests and small inputs, not for ingest, which
// streams with Walk.
func ReadAll(ctx context.Context, paths []string, opt Options) ([]Document, error) {
	var docs []Document
	err := Walk(ctx, paths, opt, func(r Record) error {
		if r.Err != nil {
			return fmt.Errorf("%s:%d: %w", r.File, r.Line, r.Err)
		}
		docs = append(docs, r.Doc)
		return nil
	})
	return docs, err
}

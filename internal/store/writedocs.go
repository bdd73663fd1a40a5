package store

import "github.com/tifa-project/tifa/internal/corpus"

// WriteDocs adds docs to the index in dir (created if needed) as one
// writer with opt, commits and closes it: for tests, fixtures and small
// programs whose documents are already in memory. Ingest streams instead.
func WriteDocs(dir string, opt Options, docs []corpus.Document) error {
	w, err := OpenWriter(dir, opt)
	if err != nil {
		return err
	}
	defer w.Close()
	for _, d := range docs {
		if _, err := w.Add(d); err != nil {
			return err
		}
	}
	if err := w.Commit(); err != nil {
		return err
	}
	return w.Close()
}

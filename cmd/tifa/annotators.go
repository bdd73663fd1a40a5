package main

import (
	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/extract"
	"github.com/tifa-project/tifa/internal/store"
)

// annotators are the per-document records every ingest computes and
// stores beside each segment (store.Annotator), and that `tifa extract
// --all` recomputes over an existing index. One line per kind.
func annotators() []store.Annotator {
	var as []store.Annotator
	as = append(as, extract.Annotator()) // readout records (internal/extract)
	as = append(as, dups.Annotator())    // near-duplicate signatures (internal/dups)
	return as
}

package index

import (
	"hash/fnv"
	"sort"

	"github.com/tifa-project/tifa/internal/corpus"
)

// ContentHash returns a 64-bit FNV-1a hash of every field of d, so that
// re-ingesting an identical document can be recognised as a no-op.
func ContentHash(d *corpus.Document) uint64 {
	h := fnv.New64a()
	w := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	w(d.ID)
	w(d.Date)
	w(d.Source)
	w(d.Title)
	w(d.Text)
	w(d.Lang)
	w(d.URL)
	keys := make([]string, 0, len(d.Meta))
	for k := range d.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w(k)
		w(d.Meta[k])
	}
	return h.Sum64()
}

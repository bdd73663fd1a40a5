package store

import (
	"fmt"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// CheckReport summarises a successful Check.
type CheckReport struct {
	Segments int
	Docs     int   // documents in segments
	Live     int   // not deleted
	Bytes    int64 // bytes verified
}

// Check verifies the whole index in dir: the manifest, every segment in
// full (index.Segment.Check), every deletion file, and that no id is live
// in two segments. It returns the first problem found, naming the file.
func Check(dir string) (CheckReport, error) { return CheckFS(nil, dir) }

// CheckFS is Check on the file system fsys (nil: the operating system's).
func CheckFS(fsys vfs.FS, dir string) (CheckReport, error) {
	var rep CheckReport
	snap, err := OpenFS(fsys, dir)
	if err != nil {
		return rep, err
	}
	defer snap.Close()
	seen := map[string]string{}
	for i, g := range snap.Segments {
		if err := g.Check(); err != nil {
			return rep, err
		}
		for _, am := range snap.Manifest.Segments[i].Annotations {
			a, err := g.Annotations(am.Kind)
			if err != nil {
				return rep, err
			}
			if err := a.check(); err != nil {
				return rep, err
			}
			n := 0
			a.Each(func(_ int, r []byte) bool {
				if len(r) > 0 {
					n++
				}
				return true
			})
			if n != am.Records {
				return rep, &index.CorruptError{Path: a.Path, Part: "annotations", Reason: fmt.Sprintf("%d records, manifest says %d", n, am.Records)}
			}
			rep.Bytes += am.Bytes
		}
		rep.Segments++
		rep.Docs += g.N
		rep.Live += g.Live
		rep.Bytes += snap.Manifest.Segments[i].Bytes
		for d := 0; d < g.N; d++ {
			if g.Deleted.Has(d) {
				continue
			}
			id := g.ID(d)
			if prev, dup := seen[id]; dup {
				return rep, &index.CorruptError{Path: g.Path, Part: "index", Reason: fmt.Sprintf("id %q is live here and in %s", id, prev)}
			}
			seen[id] = g.Path
		}
	}
	return rep, nil
}

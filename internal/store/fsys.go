package store

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// writeFileNoDirSync writes data to dir/name through dir/name.tmp: write,
// fsync, rename. The caller syncs the directory before depending on the
// file; until then a crash leaves the old file or none.
func writeFileNoDirSync(fsys vfs.FS, dir, name string, data []byte) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := fsys.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsys.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		fsys.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return nil
}

// mkdirDurable creates dir and any missing parents, and syncs the parent
// of each directory it creates, so that a new index directory survives a
// crash along with the commits written into it.
func mkdirDurable(fsys vfs.FS, dir string) error {
	var created []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := fsys.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		created = append(created, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	if len(created) == 0 {
		return nil
	}
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range created {
		if err := fsys.SyncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}

// openSegment opens the segment at path: mapped from the operating
// system's file system, read into memory from any other.
func openSegment(fsys vfs.FS, path string) (*index.Segment, error) {
	if vfs.IsOS(fsys) {
		return index.Open(path)
	}
	data, err := fsys.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open segment: %w", err)
	}
	return index.OpenBytes(path, data)
}

package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic writes data to dir/name through dir/name.tmp: write,
// fsync, rename, fsync the directory. After it returns nil the file
// survives a crash; before, either the old file or none is there.
func writeFileAtomic(dir, name string, data []byte) error {
	if err := writeFileNoDirSync(dir, name, data); err != nil {
		return err
	}
	return syncDir(dir)
}

// writeFileNoDirSync is writeFileAtomic without the directory sync; the
// caller syncs the directory before depending on the file.
func writeFileNoDirSync(dir, name string, data []byte) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
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
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return nil
}

// syncDir fsyncs a directory so that renames and creations in it persist.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

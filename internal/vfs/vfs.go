// Package vfs is the file system under tifa's store: the operating
// system's (OS) in production, and Mem in tests — an in-memory file system
// that keeps, like a disk, only what was synced, so that a test can crash it
// at any operation and see exactly what a real machine would have kept.
// Mem also injects faults (an error such as ENOSPC at a chosen operation).
//
// The interface is the few calls the store makes: create, write, sync and
// rename files, sync a directory, list, remove, lock.
package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// File is an open file: written and synced by the store's writer, read by
// its readers.
type File interface {
	io.Reader
	io.Writer
	io.Closer
	// Sync makes the file's content durable (fsync).
	Sync() error
	// Stat returns the file's size and mode.
	Stat() (fs.FileInfo, error)
}

// FS is a file system. Paths are slash- or OS-separated as for package os.
type FS interface {
	// Create creates or truncates name for writing.
	Create(name string) (File, error)
	// Open opens name for reading; a directory can be opened to be synced.
	Open(name string) (File, error)
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	// Rename replaces newname by oldname atomically. It is durable once the
	// directory is synced.
	Rename(oldname, newname string) error
	// Remove deletes a file; durable once the directory is synced.
	Remove(name string) error
	ReadDir(name string) ([]fs.DirEntry, error)
	// MkdirAll creates a directory and its parents; a new directory is
	// durable once its parent is synced.
	MkdirAll(name string, perm fs.FileMode) error
	// SyncDir makes the creations, renames and removals in directory name
	// durable.
	SyncDir(name string) error
	// Lock takes an exclusive lock on name (created if needed), without
	// waiting: ErrLocked if another holder has it. Close releases it.
	Lock(name string) (io.Closer, error)
}

// ErrLocked is returned by Lock when the lock is held elsewhere.
var ErrLocked = errors.New("locked")

// OS is the operating system's file system.
var OS FS = osFS{}

// Default returns fsys, or OS when fsys is nil.
func Default(fsys FS) FS {
	if fsys == nil {
		return OS
	}
	return fsys
}

// IsOS reports whether fsys is the operating system's: its files can be
// memory-mapped.
func IsOS(fsys FS) bool { _, ok := fsys.(osFS); return ok }

type osFS struct{}

func (osFS) Create(name string) (File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
func (osFS) Open(name string) (File, error)             { return os.Open(name) }
func (osFS) ReadFile(name string) ([]byte, error)       { return os.ReadFile(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) Rename(oldname, newname string) error       { return os.Rename(oldname, newname) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) MkdirAll(name string, perm fs.FileMode) error {
	return os.MkdirAll(name, perm)
}

func (osFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", name, err)
	}
	return nil
}

func (osFS) Lock(name string) (io.Closer, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return osLock{f}, nil
}

type osLock struct{ f *os.File }

func (l osLock) Close() error {
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return l.f.Close()
}

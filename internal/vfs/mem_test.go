package vfs

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"syscall"
	"testing"
)

func write(t *testing.T, m *Mem, name, data string, sync bool) {
	t.Helper()
	f, err := m.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
}

func content(m *Mem, name string) string {
	b, err := m.ReadFile(name)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func TestMem_CrashKeepsOnlyWhatWasSynced(t *testing.T) {
	m := NewMem()
	if err := m.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := m.SyncDir("/"); err != nil {
		t.Fatal(err)
	}
	write(t, m, "/d/synced", "durable", true)
	write(t, m, "/d/unsynced", "lost", false)
	if err := m.SyncDir("/d"); err != nil {
		t.Fatal(err)
	}
	write(t, m, "/d/synced", "overwritten, not synced", false)
	write(t, m, "/d/newname-unsynced-dir", "x", true) // content synced, name not
	write(t, m, "/d/a", "renamed", true)
	if err := m.Rename("/d/a", "/d/b"); err != nil { // rename not synced
		t.Fatal(err)
	}
	m.Crash()
	for name, want := range map[string]string{
		"/d/synced":   "durable",
		"/d/unsynced": "", // the name was synced, the content not
		"/d/a":        "<open /d/a: file does not exist>",
		"/d/b":        "<open /d/b: file does not exist>",
	} {
		if got := content(m, name); got != want && !(want[0] == '<' && got[0] == '<') {
			t.Errorf("%s after the crash: %q, want %q", name, got, want)
		}
	}
	if _, err := m.Stat("/d/newname-unsynced-dir"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file whose directory was not synced survived the crash: %v", err)
	}
}

func TestMem_UnsyncedDirectoryIsLost(t *testing.T) {
	m := NewMem()
	if err := m.MkdirAll("/new/idx", 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, m, "/new/idx/f", "x", true)
	if err := m.SyncDir("/new/idx"); err != nil {
		t.Fatal(err)
	}
	m.Crash()
	if _, err := m.Stat("/new"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a directory created without syncing its parent survived: %v", err)
	}
}

func TestMem_CrashAfter(t *testing.T) {
	m := NewMem()
	m.CrashAfter(2, func(op Op) bool { return op.Kind == OpSync })
	write(t, m, "/a", "one", true)
	write(t, m, "/b", "two", true) // the crash: after this sync
	if !m.Crashed() {
		t.Fatal("not crashed after the second sync")
	}
	if _, err := m.Create("/c"); !errors.Is(err, ErrCrashed) {
		t.Errorf("Create after the crash: %v, want ErrCrashed", err)
	}
	m.Restart()
	if _, err := m.Stat("/a"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("/a survived without a directory sync: %v", err)
	}
	if len(m.Log()) != 6 {
		t.Errorf("log %v, want 6 operations", m.Log())
	}
}

func TestMem_HookFails(t *testing.T) {
	m := NewMem()
	m.SetHook(func(op Op) error {
		if op.Kind == OpWrite && op.Path == "/full" {
			return syscall.ENOSPC
		}
		return nil
	})
	f, err := m.Create("/full")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Write: %v, want ENOSPC", err)
	}
	if got := content(m, "/full"); got != "" {
		t.Errorf("a failed write changed the file: %q", got)
	}
}

func TestMem_OldHandlesFailAfterCrash(t *testing.T) {
	m := NewMem()
	write(t, m, "/f", "abc", true)
	m.SyncDir("/")
	f, err := m.Open("/f")
	if err != nil {
		t.Fatal(err)
	}
	m.Crash()
	if _, err := io.ReadAll(f); !errors.Is(err, ErrCrashed) {
		t.Errorf("read through a handle of before the crash: %v", err)
	}
}

func TestMem_PartialCrashRenameIsAtomic(t *testing.T) {
	for seed := range uint64(64) {
		m := NewMem()
		write(t, m, "/M", "old", true)
		m.SyncDir("/")
		write(t, m, "/M.tmp", "new", true)
		m.Rename("/M.tmp", "/M")
		m.SetPartialCrash(rand.New(rand.NewPCG(seed, 1)))
		m.Crash()
		got, tmp := content(m, "/M"), content(m, "/M.tmp")
		if got != "old" && got != "new" || got == "new" && tmp == "new" {
			t.Fatalf("seed %d: M %q, M.tmp %q", seed, got, tmp)
		}
	}
}

func TestMem_Lock(t *testing.T) {
	m := NewMem()
	l, err := m.Lock("/LOCK")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Lock("/LOCK"); !errors.Is(err, ErrLocked) {
		t.Errorf("second Lock: %v, want ErrLocked", err)
	}
	l.Close()
	l2, err := m.Lock("/LOCK")
	if err != nil {
		t.Errorf("Lock after Close: %v", err)
	} else {
		l2.Close()
	}
}

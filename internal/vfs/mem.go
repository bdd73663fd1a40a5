package vfs

import (
	"errors"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Mem is a strict in-memory file system for crash tests, in the manner of
// Pebble's strict MemFS. Every file and directory has a current state,
// which all calls see, and a durable state, which is what a disk would
// hold after a power cut: a file's content becomes durable when the file
// is synced, and a name created, renamed or removed in a directory when
// that directory is synced. Crash throws away everything not durable.
//
// CrashAfter arms a crash at the n-th operation of some kinds (the
// operation completes, then the machine "dies": every later call fails
// with ErrCrashed until Restart). SetHook injects any error (ENOSPC, EIO)
// before an operation. Mem is safe for concurrent use.
type Mem struct {
	mu      sync.Mutex
	root    *node
	gen     int // bumped by Crash: older handles fail
	crashed bool
	hook    func(Op) error
	armed   func(Op) bool // counts down to the crash
	left    int
	log     []Op
	locks   map[string]bool
	partial *rand.Rand // Crash keeps a random part of what was not durable
}

// ErrCrashed is returned by every call on a Mem after its crash point,
// until Restart.
var ErrCrashed = errors.New("vfs: simulated crash")

// OpKind names an operation of Mem.
type OpKind int

// Operations seen by hooks and in the log.
const (
	OpCreate OpKind = iota
	OpWrite
	OpSync // fsync of a file
	OpSyncDir
	OpRename
	OpRemove
	OpMkdir
)

var opNames = [...]string{"create", "write", "sync", "syncdir", "rename", "remove", "mkdir"}

func (k OpKind) String() string { return opNames[k] }

// Op is one mutating operation: its kind, its path (for a rename, the new
// name; Old holds the old one) and, for a write, its length.
type Op struct {
	Kind OpKind
	Path string
	Old  string
	Len  int
}

func (o Op) String() string {
	if o.Kind == OpRename {
		return o.Kind.String() + " " + o.Old + " -> " + o.Path
	}
	return o.Kind.String() + " " + o.Path
}

type node struct {
	dir      bool
	children map[string]*node // current entries (directories)
	synced   map[string]*node // durable entries (directories)
	data     []byte           // current content (files)
	durable  []byte           // content as of the last sync
	mtime    time.Time
}

func newDir() *node {
	return &node{dir: true, children: map[string]*node{}, synced: map[string]*node{}, mtime: time.Now()}
}

// NewMem returns an empty Mem whose root directory is durable.
func NewMem() *Mem { return &Mem{root: newDir(), locks: map[string]bool{}} }

// SetHook sets a function called before every mutating operation; an
// error it returns fails the operation, which then has no effect. nil
// removes the hook.
func (m *Mem) SetHook(h func(Op) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hook = h
}

// CrashAfter arms a crash: after the n-th operation (n ≥ 1) for which match
// is true completes, Mem crashes (Crash) and fails every later call with
// ErrCrashed until Restart.
func (m *Mem) CrashAfter(n int, match func(Op) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.armed, m.left = match, n
}

// Log returns the mutating operations done so far (a copy).
func (m *Mem) Log() []Op {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.log)
}

// Crashed reports whether the armed crash has happened.
func (m *Mem) Crashed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.crashed
}

// Crash drops everything not durable, as a power cut would: each file's
// content goes back to its last sync and each directory's entries to its
// last sync. Open files and locks of before the crash are gone.
func (m *Mem) Crash() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.crashLocked()
}

func (m *Mem) crashLocked() {
	m.gen++
	m.locks = map[string]bool{}
	r := m.partial
	seen := map[*node]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if seen[n] { // a file can be reachable by two names after a partial crash
			return
		}
		seen[n] = true
		if !n.dir {
			switch {
			case r == nil || r.IntN(2) == 0 || slices.Equal(n.data, n.durable):
				n.data = slices.Clone(n.durable)
			case r.IntN(2) == 0: // the unsynced writes reached the disk
			default: // some of them did
				n.data = slices.Clone(n.data[:r.IntN(len(n.data)+1)])
			}
			n.durable = slices.Clone(n.data)
			return
		}
		next := make(map[string]*node, len(n.synced))
		for k, c := range n.synced {
			next[k] = c
		}
		if r != nil {
			// Each entry created, renamed or removed since the last sync
			// reached the disk or not, independently: the disk may
			// reorder what no sync orders.
			var names []string
			for k := range n.children {
				names = append(names, k)
			}
			for k := range n.synced {
				if _, ok := n.children[k]; !ok {
					names = append(names, k)
				}
			}
			sort.Strings(names)
			for _, k := range names {
				if n.children[k] == n.synced[k] || r.IntN(2) == 0 {
					continue
				}
				if c, ok := n.children[k]; ok {
					next[k] = c
				} else {
					delete(next, k)
				}
			}
		}
		// A rename is atomic: a file kept under its new name is gone from
		// its old one.
		by := map[*node][]string{}
		for _, k := range sortedKeys(next) {
			by[next[k]] = append(by[next[k]], k)
		}
		for c, ks := range by {
			if len(ks) > 1 {
				for _, k := range ks {
					if n.children[k] != c {
						delete(next, k)
					}
				}
			}
		}
		n.children = next
		n.synced = maps.Clone(next)
		for _, k := range sortedKeys(next) {
			walk(next[k])
		}
	}
	walk(m.root)
}

func sortedKeys(m map[string]*node) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// SetPartialCrash makes later crashes keep a random part, drawn from r, of
// what was not durable: each unsynced directory entry independently, and
// each file's unsynced writes in full, in part or not at all — a disk that
// wrote back some of its cache, in any order, before the power went. nil
// restores the strict crash, which keeps nothing unsynced.
func (m *Mem) SetPartialCrash(r *rand.Rand) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.partial = r
}

// Restart ends the crashed state (the machine is back up) and disarms
// CrashAfter; the hook stays.
func (m *Mem) Restart() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.crashed, m.armed = false, nil
}

// do runs one mutating operation: the crash check, the hook, the
// operation, the log and the armed crash.
func (m *Mem) do(op Op, f func() error) error {
	if m.crashed {
		return &fs.PathError{Op: op.Kind.String(), Path: op.Path, Err: ErrCrashed}
	}
	if m.hook != nil {
		if err := m.hook(op); err != nil {
			return &fs.PathError{Op: op.Kind.String(), Path: op.Path, Err: err}
		}
	}
	if err := f(); err != nil {
		return err
	}
	m.log = append(m.log, op)
	if m.armed != nil && m.armed(op) {
		if m.left--; m.left == 0 {
			m.crashLocked()
			m.crashed = true
		}
	}
	return nil
}

func split(name string) []string {
	name = filepath.ToSlash(filepath.Clean(name))
	name = strings.TrimPrefix(name, "/")
	if name == "." || name == "" {
		return nil
	}
	return strings.Split(name, "/")
}

// lookup returns the node at name and its parent directory.
func (m *Mem) lookup(op, name string) (parent, n *node, base string, err error) {
	parts := split(name)
	n = m.root
	for i, p := range parts {
		if !n.dir {
			return nil, nil, "", &fs.PathError{Op: op, Path: name, Err: syscall.ENOTDIR}
		}
		parent, base = n, p
		c, ok := n.children[p]
		if !ok {
			if i == len(parts)-1 {
				return parent, nil, base, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
			}
			return nil, nil, "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		n = c
	}
	return parent, n, base, nil
}

// Create creates or truncates a file.
func (m *Mem) Create(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var f *memFile
	err := m.do(Op{Kind: OpCreate, Path: name}, func() error {
		parent, n, base, err := m.lookup("create", name)
		if parent == nil && n == nil {
			return err
		}
		if n == nil {
			n = &node{mtime: time.Now()}
			parent.children[base] = n
		} else if n.dir {
			return &fs.PathError{Op: "create", Path: name, Err: syscall.EISDIR}
		}
		n.data = nil
		f = &memFile{m: m, n: n, name: name, gen: m.gen, write: true}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Open opens a file or directory for reading.
func (m *Mem) Open(name string) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crashed {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrCrashed}
	}
	_, n, _, err := m.lookup("open", name)
	if err != nil {
		return nil, err
	}
	return &memFile{m: m, n: n, name: name, gen: m.gen}, nil
}

// ReadFile returns a copy of a file's current content.
func (m *Mem) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crashed {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrCrashed}
	}
	_, n, _, err := m.lookup("read", name)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	return slices.Clone(n.data), nil
}

// Stat describes a file or directory.
func (m *Mem) Stat(name string) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crashed {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: ErrCrashed}
	}
	_, n, base, err := m.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return info(base, n), nil
}

// Rename moves oldname to newname, replacing a file there.
func (m *Mem) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.do(Op{Kind: OpRename, Path: newname, Old: oldname}, func() error {
		op, _, ob, err := m.lookup("rename", oldname)
		if err != nil {
			return err
		}
		np, nn, nb, err := m.lookup("rename", newname)
		if np == nil && nn == nil {
			return err
		}
		if nn != nil && nn.dir {
			return &fs.PathError{Op: "rename", Path: newname, Err: syscall.EISDIR}
		}
		n := op.children[ob]
		delete(op.children, ob)
		np.children[nb] = n
		return nil
	})
}

// Remove deletes a file or an empty directory.
func (m *Mem) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.do(Op{Kind: OpRemove, Path: name}, func() error {
		parent, n, base, err := m.lookup("remove", name)
		if err != nil {
			return err
		}
		if parent == nil {
			return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrInvalid}
		}
		if n.dir && len(n.children) > 0 {
			return &fs.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
		}
		delete(parent.children, base)
		return nil
	})
}

// ReadDir lists a directory, sorted by name.
func (m *Mem) ReadDir(name string) ([]fs.DirEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crashed {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: ErrCrashed}
	}
	_, n, _, err := m.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: syscall.ENOTDIR}
	}
	var out []fs.DirEntry
	for k, c := range n.children {
		out = append(out, fs.FileInfoToDirEntry(info(k, c)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// MkdirAll creates a directory and any missing parents. Each new directory
// is durable once its parent is synced.
func (m *Mem) MkdirAll(name string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.root
	for _, p := range split(name) {
		c, ok := n.children[p]
		if !ok {
			err := m.do(Op{Kind: OpMkdir, Path: name}, func() error {
				c = newDir()
				n.children[p] = c
				return nil
			})
			if err != nil {
				return err
			}
		} else if !c.dir {
			return &fs.PathError{Op: "mkdir", Path: name, Err: syscall.ENOTDIR}
		}
		n = c
	}
	return nil
}

// SyncDir makes a directory's entries durable.
func (m *Mem) SyncDir(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.do(Op{Kind: OpSyncDir, Path: name}, func() error {
		_, n, _, err := m.lookup("sync", name)
		if err != nil {
			return err
		}
		if !n.dir {
			return &fs.PathError{Op: "sync", Path: name, Err: syscall.ENOTDIR}
		}
		n.synced = make(map[string]*node, len(n.children))
		for k, c := range n.children {
			n.synced[k] = c
		}
		return nil
	})
}

// Lock takes name as a lock, creating the file if needed.
func (m *Mem) Lock(name string) (io.Closer, error) {
	m.mu.Lock()
	key := filepath.Clean(name)
	if m.locks[key] {
		m.mu.Unlock()
		return nil, ErrLocked
	}
	m.locks[key] = true
	l := &memLock{m: m, key: key, gen: m.gen}
	m.mu.Unlock()
	_, err := m.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		var f File
		if f, err = m.Create(name); err == nil {
			f.Close()
		}
	}
	if err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

type memLock struct {
	m    *Mem
	key  string
	gen  int
	once sync.Once
}

func (l *memLock) Close() error {
	l.once.Do(func() {
		l.m.mu.Lock()
		defer l.m.mu.Unlock()
		if l.gen == l.m.gen {
			delete(l.m.locks, l.key)
		}
	})
	return nil
}

// WriteFile writes a file and makes it and its name durable at once: for
// setting up a test, not an operation of the code under test.
func (m *Mem) WriteFile(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := m.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := m.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	f.Close()
	// Make every directory on the way durable.
	for d := dir; ; d = filepath.Dir(d) {
		if err := m.SyncDir(d); err != nil {
			return err
		}
		if d == filepath.Dir(d) || d == "." {
			break
		}
	}
	return nil
}

// Clone returns a new Mem holding the durable state of m (as after a
// crash), sharing nothing with it.
func (m *Mem) Clone() *Mem {
	m.mu.Lock()
	defer m.mu.Unlock()
	var cp func(n *node) *node
	cp = func(n *node) *node {
		if !n.dir {
			d := slices.Clone(n.durable)
			return &node{data: d, durable: slices.Clone(d), mtime: n.mtime}
		}
		c := newDir()
		for k, ch := range n.synced {
			x := cp(ch)
			c.children[k], c.synced[k] = x, x
		}
		return c
	}
	return &Mem{root: cp(m.root), locks: map[string]bool{}}
}

type memInfo struct {
	name string
	size int64
	dir  bool
	mt   time.Time
}

func info(name string, n *node) memInfo {
	return memInfo{name: name, size: int64(len(n.data)), dir: n.dir, mt: n.mtime}
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) ModTime() time.Time { return i.mt }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}

type memFile struct {
	m     *Mem
	n     *node
	name  string
	gen   int
	off   int
	write bool
}

func (f *memFile) stale(op string) error {
	if f.m.crashed || f.gen != f.m.gen {
		return &fs.PathError{Op: op, Path: f.name, Err: ErrCrashed}
	}
	return nil
}

func (f *memFile) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.stale("read"); err != nil {
		return 0, err
	}
	if f.n.dir {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: syscall.EISDIR}
	}
	if f.off >= len(f.n.data) {
		return 0, io.EOF
	}
	k := copy(p, f.n.data[f.off:])
	f.off += k
	return k, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.stale("write"); err != nil {
		return 0, err
	}
	if !f.write {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: fs.ErrPermission}
	}
	err := f.m.do(Op{Kind: OpWrite, Path: f.name, Len: len(p)}, func() error {
		if end := f.off + len(p); end > len(f.n.data) {
			f.n.data = append(f.n.data, make([]byte, end-len(f.n.data))...)
		}
		copy(f.n.data[f.off:], p)
		f.off += len(p)
		f.n.mtime = time.Now()
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

func (f *memFile) Sync() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.stale("sync"); err != nil {
		return err
	}
	if f.n.dir {
		return f.m.do(Op{Kind: OpSyncDir, Path: f.name}, func() error {
			f.n.synced = make(map[string]*node, len(f.n.children))
			for k, c := range f.n.children {
				f.n.synced[k] = c
			}
			return nil
		})
	}
	return f.m.do(Op{Kind: OpSync, Path: f.name}, func() error {
		f.n.durable = slices.Clone(f.n.data)
		return nil
	})
}

func (f *memFile) Stat() (fs.FileInfo, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.stale("stat"); err != nil {
		return nil, err
	}
	return info(filepath.Base(f.name), f.n), nil
}

func (f *memFile) Close() error { return nil }

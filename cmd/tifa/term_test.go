package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/store"
)

// TestTerm_Ingest sends SIGTERM to `tifa ingest` at random moments, each
// run on a fresh index: the run must exit by itself, promptly, with status
// 0 (it had finished) or 1 and a message saying the batch in flight was
// discarded, and the index must then pass tifa check and hold exactly the
// documents of the last commit the run acknowledged — the batch in flight
// committed whole or not at all.
func TestTerm_Ingest(t *testing.T) {
	if testing.Short() {
		t.Skip("SIGTERM test skipped in -short mode")
	}
	tmp := t.TempDir()
	input := filepath.Join(tmp, "term.jsonl")
	docs := writeKillCorpus(t, input, 1500, rand.New(rand.NewPCG(3, 4)))
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	const runs = 16
	interrupted, early := 0, 0
	for i := range runs {
		dir := filepath.Join(tmp, fmt.Sprintf("index-%d", i))
		cmd := exec.Command(tifaBin, "ingest", "--index", dir, "--segment-mb", "0.05", "--log-commits", "--quiet", input)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan int)
		go readCommits(stdout, lines)
		delay := time.Duration(20+rng.IntN(800)) * time.Millisecond
		timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGTERM) })
		acked := 0
		for n := range lines {
			acked = max(acked, n)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var werr error
		select {
		case werr = <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("run %d: still running 30 s after SIGTERM", i)
		}
		timer.Stop()
		code := 0
		if ee, ok := werr.(*exec.ExitError); ok {
			if !ee.Exited() {
				// Only before the ingest installs its handler, which it
				// does before it opens the index: nothing may be there.
				if _, err := os.Stat(dir); acked > 0 || err == nil {
					t.Fatalf("run %d: killed by the signal instead of exiting, after opening the index: %v\n%s", i, werr, stderr.String())
				}
				early++
				continue
			}
			code = ee.ExitCode()
		} else if werr != nil {
			t.Fatal(werr)
		}
		switch {
		case code == 1 && strings.Contains(stderr.String(), "interrupted: the batch in flight was discarded"):
			interrupted++
		case code == 0:
		default:
			t.Fatalf("run %d: exit %d after SIGTERM at %v:\n%s", i, code, delay, stderr.String())
		}
		if acked == 0 {
			if s, err := store.Open(dir); err == nil {
				t.Errorf("run %d: an index with %d documents and no commit acknowledged", i, s.Docs())
				s.Close()
			}
			continue
		}
		r := tifa(t, "check", "--index", dir)
		if r.code != 0 {
			t.Fatalf("run %d: tifa check after SIGTERM:\n%s", i, r)
		}
		s, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, g := range s.Segments {
			for d := 0; d < g.N; d++ {
				if !g.Deleted.Has(d) {
					got = append(got, g.ID(d))
				}
			}
		}
		s.Close()
		for _, d := range docs[:acked] {
			want = append(want, d.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("run %d: %d live documents after SIGTERM, want exactly the %d of the last acknowledged commit", i, len(got), len(want))
		}
	}
	t.Logf("%d runs, %d interrupted mid-ingest, %d stopped by the signal before starting, the others had finished", runs, interrupted, early)
	if interrupted == 0 {
		t.Error("no run was interrupted: the delays are too long for this machine")
	}
}

// TestDiskFull_Ingest ingests into a small tmpfs (root only; skipped
// elsewhere) left with little free space: tifa ingest must fail with exit
// status 2 and a message that says no space is left and names the file,
// the index must keep its last commit (tifa check passes, the counts are
// unchanged), no temporary file may stay, and with space again the same
// ingest must succeed.
func TestDiskFull_Ingest(t *testing.T) {
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	tmp := t.TempDir()
	input := filepath.Join(tmp, "big.jsonl")
	writeKillCorpus(t, input, 1500, rand.New(rand.NewPCG(5, 6)))
	for _, free := range []int{0, 16 << 10, 64 << 10, 256 << 10, 1 << 20} {
		t.Run(fmt.Sprint("Free", free>>10, "KiB"), func(t *testing.T) {
			mnt := tmpfs(t)
			idx := filepath.Join(mnt, "idx")
			run(t, 0, "ingest", "--quiet", "--index", idx, filepath.Join(examples, "corpus"))
			before, fail := phraseCounts(t, idx, "共同富裕 OR common prosperity")
			if fail != nil {
				t.Fatal(fail)
			}
			before, _, _ = strings.Cut(before, " trend ") // buckets move with the dates added
			docs0 := liveDocs(t, idx)
			var st syscall.Statfs_t
			if err := syscall.Statfs(mnt, &st); err != nil {
				t.Fatal(err)
			}
			avail := int64(st.Bavail) * st.Bsize
			if err := os.WriteFile(filepath.Join(mnt, "filler"), make([]byte, max(avail-int64(free), 0)), 0o644); err != nil && !strings.Contains(err.Error(), "no space") {
				t.Fatal(err)
			}
			r := tifa(t, "ingest", "--quiet", "--log-commits", "--segment-mb", "0.5", "--index", idx, input)
			if r.code != 2 || !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, idx+"/") || !strings.Contains(r.stderr, "keeps its last commit") {
				t.Fatalf("ingest on a full disk: want exit 2 saying no space is left, naming the file and that the last commit is kept:\n%s", r)
			}
			t.Logf("%d KiB free: %s", free>>10, strings.TrimSpace(r.stderr))
			run(t, 0, "check", "--index", idx)
			after, fail := phraseCounts(t, idx, "共同富裕 OR common prosperity")
			if after, _, _ = strings.Cut(after, " trend "); fail != nil || after != before {
				t.Fatalf("counts changed after the failed ingest:\nbefore %s\nafter  %s\n%v", before, after, fail)
			}
			acked := 0
			for _, l := range strings.Fields(r.stdout) {
				fmt.Sscan(l, &acked)
			}
			if got := liveDocs(t, idx); got != docs0+acked {
				t.Errorf("%d documents after the failed ingest, want %d + the %d acknowledged", got, docs0, acked)
			}
			if tmps, _ := filepath.Glob(filepath.Join(idx, "*.tmp")); len(tmps) > 0 {
				t.Errorf("temporary files left: %v", tmps)
			}
			if err := os.Remove(filepath.Join(mnt, "filler")); err != nil {
				t.Fatal(err)
			}
			run(t, 0, "ingest", "--quiet", "--segment-mb", "0.5", "--index", idx, input)
			run(t, 0, "check", "--index", idx)
		})
	}
}

// TestDiskFull_Merge fills the disk before a run whose only work is to
// merge segments: the merge fails with exit status 2 saying so, and the
// index keeps every document and passes tifa check.
func TestDiskFull_Merge(t *testing.T) {
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	tmp := t.TempDir()
	input := filepath.Join(tmp, "big.jsonl")
	writeKillCorpus(t, input, 600, rand.New(rand.NewPCG(7, 8)))
	mnt := tmpfs(t)
	idx := filepath.Join(mnt, "idx")
	run(t, 0, "ingest", "--quiet", "--no-compact", "--segment-mb", "0.05", "--index", idx, input)
	n := liveDocs(t, idx)
	if err := os.WriteFile(filepath.Join(mnt, "filler"), make([]byte, 16<<20), 0o644); err == nil || !strings.Contains(err.Error(), "no space") {
		t.Fatalf("filling the disk: %v", err)
	}
	r := run(t, 2, "ingest", "--quiet", "--segment-mb", "64", "--index", idx, input)
	if !strings.Contains(r.stderr, "merge segments") || !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, idx+"/") {
		t.Fatalf("merge on a full disk: want a message saying the merge found no space, naming the file:\n%s", r)
	}
	t.Logf("%s", strings.TrimSpace(r.stderr))
	run(t, 0, "check", "--index", idx)
	if got := liveDocs(t, idx); got != n {
		t.Errorf("%d documents after the failed merge, want %d", got, n)
	}
	if tmps, _ := filepath.Glob(filepath.Join(idx, "*.tmp")); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

// liveDocs returns the number of live documents of the index in dir.
func liveDocs(t *testing.T, dir string) int {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Docs()
}

// tmpfs mounts an 8 MiB tmpfs on a new directory until the test ends, or
// skips the test when it cannot.
func tmpfs(t *testing.T) string {
	t.Helper()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt
}

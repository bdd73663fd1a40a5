package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
)

// TestKill_Ingest kills `tifa ingest` with SIGKILL at random moments, over
// and over on the same index, and checks after each kill that the index
// passes `tifa check` and holds, with their exact content, every document
// of the last acknowledged commit (SPEC §1: nothing already committed is
// ever lost, also when the process is killed mid-ingest).
//
// --log-commits prints "committed N" after each durable commit, N being
// the number of input documents handed to the writer so far; documents are
// handed over in input order, so the first N of the file are committed.
// Every run ingests the same file, so what an earlier run committed comes
// back Unchanged. Some runs are killed after a number of commit lines,
// some after a random delay, and some while they merge segments after the
// last commit (a run with a larger --segment-mb merges the small segments
// the others left).
func TestKill_Ingest(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test skipped in -short mode")
	}
	const (
		nDocs    = 3000
		minKills = 50
		maxRuns  = 400 // runs that exit before the kill do not count
	)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TIFA_KILL_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set TIFA_KILL_SEED to repeat)", seed)
	rng := rand.New(rand.NewPCG(seed, 0x7469666121))

	tmp := t.TempDir()
	input := filepath.Join(tmp, "kill.jsonl")
	docs := writeKillCorpus(t, input, nDocs, rand.New(rand.NewPCG(1, 2)))
	hashes := make(map[string]uint64, nDocs)
	for i := range docs {
		hashes[docs[i].ID] = index.ContentHash(&docs[i])
	}

	var (
		kills, runs, checks, verified int
		mergeKills                    int // kills of runs started with everything acknowledged
		midMerge, mergedBeforeKill    int
		round                         int
		dir                           string
		acked                         int // documents of the last acknowledged commit
		mergeRuns                     int // runs of this round after everything was acknowledged
	)
	newRound := func() {
		round++
		dir = filepath.Join(tmp, fmt.Sprintf("index-%d", round))
		acked, mergeRuns = 0, 0
	}
	newRound()
	for kills < minKills && runs < maxRuns {
		runs++
		// Once everything is acknowledged, a few runs merge: a larger
		// segment budget makes the many full 0.05 MiB segments small.
		merging := acked == nDocs
		segMB := "0.05"
		if merging {
			segMB = "2"
		}
		gen0, files0 := manifestState(t, dir)
		cmd := exec.Command(tifaBin, "ingest", "--index", dir, "--segment-mb", segMB, "--log-commits", "--quiet", input)
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

		// When to kill: after some commit lines, after a random delay,
		// or, in a merging run, a random moment after starting.
		afterLines := 0
		var delay time.Duration
		switch {
		case merging:
			delay = time.Duration(rng.IntN(250)) * time.Millisecond
		case rng.IntN(3) > 0:
			afterLines = 1 + rng.IntN(6)
			delay = time.Duration(rng.IntN(20)) * time.Millisecond
		default:
			delay = time.Duration(rng.IntN(600)) * time.Millisecond
		}
		timer := time.NewTimer(delay)
		if afterLines > 0 {
			timer.Stop()
		}
		runAcked := 0
		seen := 0
	wait:
		for {
			select {
			case n, ok := <-lines:
				if !ok {
					break wait // exited before the kill
				}
				runAcked = max(runAcked, n)
				seen++
				if afterLines > 0 && seen == afterLines {
					timer.Reset(delay)
				}
			case <-timer.C:
				cmd.Process.Kill()
				break wait
			}
		}
		for n := range lines { // lines written before the kill landed
			runAcked = max(runAcked, n)
		}
		err = cmd.Wait()
		timer.Stop()
		killed := false
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				killed = true
			} else {
				t.Fatalf("run %d: tifa ingest failed: %v\n%s", runs, err, stderr.String())
			}
		} else if err != nil {
			t.Fatal(err)
		}
		acked = max(acked, runAcked)
		if killed {
			kills++
			if merging {
				mergeKills++
				gen1, files1 := manifestState(t, dir)
				switch {
				case gen1 != gen0:
					mergedBeforeKill++
				case slices.ContainsFunc(files1, func(f string) bool { return !slices.Contains(files0, f) }):
					midMerge++ // merged segment written, not yet installed
				}
			}
		}

		// After every run: tifa check passes and every acknowledged
		// document is there with its content.
		if acked > 0 {
			r := tifa(t, "check", "--index", dir)
			if r.code != 0 {
				t.Fatalf("run %d (killed %v, %d acknowledged): tifa check:\n%s", runs, killed, acked, r)
			}
			checks++
			verified += verifyAcked(t, dir, docs[:acked], hashes, rng)
		}
		if merging {
			if mergeRuns++; mergeRuns == 4 {
				newRound()
			}
		}
	}
	t.Logf("%d runs, %d killed, %d of them after the last commit (%d with a merged segment on disk not yet installed, %d after the merge was installed); %d rounds; %d checks; %d acknowledged documents verified in total",
		runs, kills, mergeKills, midMerge, mergedBeforeKill, round, checks, verified)
	if kills < minKills {
		t.Errorf("only %d of %d runs were killed before they ended", kills, runs)
	}
}

// readCommits sends N of each complete "committed N" line of r on ch and
// closes ch at the end of r. A line cut short by the kill is ignored.
func readCommits(r interface{ Read([]byte) (int, error) }, ch chan<- int) {
	defer close(ch)
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "committed" {
			if n, err := strconv.Atoi(f[1]); err == nil {
				ch <- n
			}
		}
	}
}

// manifestState returns the generation of the committed index in dir (0
// when there is none) and the segment files on disk.
func manifestState(t *testing.T, dir string) (uint64, []string) {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg*"))
	s, err := store.Open(dir)
	if err != nil {
		return 0, segs
	}
	defer s.Close()
	return s.Manifest.Generation, segs
}

// verifyAcked checks with Snapshot.Find that every document of acked is
// live in dir with its content hash, and reads ten of them in full. It
// returns len(acked).
func verifyAcked(t *testing.T, dir string, acked []corpus.Document, hashes map[string]uint64, rng *rand.Rand) int {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatalf("store.Open after a kill: %v", err)
	}
	defer s.Close()
	missing := 0
	for _, d := range acked {
		g, i, ok := s.Find(d.ID)
		switch {
		case !ok:
			if missing++; missing <= 5 {
				t.Errorf("%s: acknowledged document %s (of the first %d) is missing", dir, d.ID, len(acked))
			}
		case g.Hashes[i] != hashes[d.ID]:
			t.Errorf("%s: document %s has content hash %x, want %x", dir, d.ID, g.Hashes[i], hashes[d.ID])
		}
	}
	if missing > 0 {
		t.Fatalf("%s: %d of %d acknowledged documents missing", dir, missing, len(acked))
	}
	for k := 0; k < 10; k++ {
		want := acked[rng.IntN(len(acked))]
		g, i, ok := s.Find(want.ID)
		if !ok {
			t.Fatalf("Find(%s): not found", want.ID)
		}
		got, err := g.Doc(i)
		if err != nil {
			t.Fatalf("Doc(%s): %v", want.ID, err)
		}
		if got.Text != want.Text || got.Title != want.Title || got.Date != want.Date {
			t.Fatalf("stored %s differs from the input", want.ID)
		}
	}
	return len(acked)
}

// writeKillCorpus writes n invented documents, ids k-000001…, of a few
// hundred random invented words and Chinese characters each, to path as
// JSON Lines, and returns them.
func writeKillCorpus(t *testing.T, path string, n int, rng *rand.Rand) []corpus.Document {
	t.Helper()
	syl := []string{"ka", "lo", "mi", "ten", "sha", "ru", "po", "vel", "zen", "dar", "qui", "ny", "bo", "sta", "fen", "gu"}
	words := make([]string, 2000)
	for i := range words {
		var b strings.Builder
		for k := 0; k <= rng.IntN(3); k++ {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		words[i] = b.String()
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	docs := make([]corpus.Document, n)
	for i := range docs {
		var b strings.Builder
		for k, m := 0, 150+rng.IntN(250); k < m; k++ {
			if k > 0 && k%60 == 0 {
				b.WriteString("\n\n")
			} else if k > 0 {
				b.WriteByte(' ')
			}
			if rng.IntN(10) < 7 {
				b.WriteString(words[rng.IntN(len(words))])
			} else {
				b.WriteRune(rune(0x4E00 + rng.IntN(2500)))
			}
		}
		docs[i] = corpus.Document{
			ID:     fmt.Sprintf("k-%06d", i+1),
			Date:   fmt.Sprintf("%d-%02d-%02d", 2019+i%6, 1+i%12, 1+i%28),
			Source: []string{"Kill Test Daily (invented)", "杀测日报（虚构）"}[i%2],
			Title:  fmt.Sprintf("Invented item %d %s %s", i+1, words[rng.IntN(len(words))], words[rng.IntN(len(words))]),
			Text:   b.String(),
			Lang:   []string{"en", "zh"}[i%2],
		}
		if err := enc.Encode(&docs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return docs
}

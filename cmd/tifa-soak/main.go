// Command tifa-soak kills `tifa ingest` with SIGKILL at random moments,
// over and over, while it ingests a real corpus, and checks after every
// kill that the index is readable, passes store.Check, and holds every
// document of the last acknowledged commit with its exact content. It is
// the long version of cmd/tifa's TestKill_Ingest, run outside CI:
//
//	go run ./cmd/tifa-soak -kills 1000
//
// Each round ingests the corpus into a fresh index, run after run (each
// run re-reads the file; documents committed before come back unchanged),
// killing each run after a random delay, until a run ends by itself; then
// a few runs with a larger segment budget merge the small segments and
// are killed mid-merge. `--log-commits` makes tifa print "committed N"
// after each durable commit, N being the number of documents handed to
// the writer, in input order: the first N documents of the corpus are the
// acknowledged ones. It prints a summary line per round and the totals;
// it exits 1 if any acknowledged document was lost or any index was
// unreadable.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/store"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("tifa-soak: ")
	var (
		kills    = flag.Int("kills", 1000, "stop after this many kills")
		duration = flag.Duration("max-time", 0, "stop after this long, whatever the kills (0: no limit)")
		input    = flag.String("corpus", "../shared/corpora/cpcnews-zh/docs.jsonl.gz", "corpus to ingest (any format tifa reads)")
		bin      = flag.String("tifa", "", "tifa binary (default: built from ./cmd/tifa)")
		work     = flag.String("work", "", "directory for the indexes (default: a temporary one, removed)")
		segMB    = flag.String("segment-mb", "0.5", "--segment-mb of the ingest runs")
		maxDelay = flag.Duration("max-delay", 3*time.Second, "kill each run after a random delay up to this")
		seed     = flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	)
	flag.Parse()
	rng := rand.New(rand.NewPCG(*seed, 0x736f616b))
	log.Printf("seed %d, corpus %s, %d kills", *seed, *input, *kills)

	tmp, err := os.MkdirTemp("", "tifa-soak-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if *work == "" {
		*work = tmp
	}
	if *bin == "" {
		*bin = filepath.Join(tmp, "tifa")
		build := exec.Command("go", "build", "-o", *bin, "./cmd/tifa")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			log.Fatalf("go build ./cmd/tifa (run from the repository root): %v", err)
		}
	}
	docs, hashes := readCorpus(*input)
	log.Printf("%d documents", len(docs))

	s := &soak{bin: *bin, input: *input, docs: docs, hashes: hashes, rng: rng, maxDelay: *maxDelay}
	start := time.Now()
	for round := 1; s.kills < *kills && (*duration == 0 || time.Since(start) < *duration); round++ {
		dir := filepath.Join(*work, fmt.Sprintf("index-%d", round))
		s.round(dir, *segMB, *kills, start, *duration)
		os.RemoveAll(dir)
	}
	el := time.Since(start).Round(time.Second)
	fmt.Printf("\n%d kills (%d of them after the last commit, in merging runs) in %d runs, %d rounds, %s; %d acknowledged documents verified after the kills; lost acknowledged documents: %d; unreadable indexes: %d; check failures: %d\n",
		s.kills, s.mergeKills, s.runs, s.rounds, el, s.verified, s.lost, s.unreadable, s.checkFailed)
	if s.lost > 0 || s.unreadable > 0 || s.checkFailed > 0 {
		os.Exit(1)
	}
}

type soak struct {
	bin, input string
	docs       []string // ids in input order
	hashes     map[string]uint64
	rng        *rand.Rand
	maxDelay   time.Duration

	kills, mergeKills, runs, rounds int
	verified, lost                  int
	unreadable, checkFailed         int
}

// readCorpus returns the ids of the documents tifa ingest hands to its
// writer, in that order, and their content hashes.
func readCorpus(path string) ([]string, map[string]uint64) {
	var ids []string
	hashes := map[string]uint64{}
	err := corpus.Walk(context.Background(), []string{path}, corpus.Options{}, func(r corpus.Record) error {
		if r.Err == nil {
			ids = append(ids, r.Doc.ID)
			hashes[r.Doc.ID] = index.ContentHash(&r.Doc) // the last version wins, as in the index
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return ids, hashes
}

// round ingests into a fresh index until a run finishes, then kills a few
// merging runs.
func (s *soak) round(dir, segMB string, maxKills int, start time.Time, limit time.Duration) {
	s.rounds++
	acked, kills0 := 0, s.kills
	merging := 0
	for s.kills < maxKills && (limit == 0 || time.Since(start) < limit) {
		seg := segMB
		if acked == len(s.docs) {
			if merging++; merging > 3 {
				break
			}
			seg = "64" // merges every small segment into one
		}
		n, killed := s.run(dir, seg)
		acked = max(acked, n)
		if killed {
			s.kills++
			if merging > 0 {
				s.mergeKills++
			}
		} else {
			// Exit 0: everything is committed, also when this run had
			// nothing left to commit (and so printed no line).
			acked = len(s.docs)
		}
		s.verify(dir, acked)
	}
	fmt.Printf("round %d: %d kills; %d lost, %d unreadable, %d check failures so far\n", s.rounds, s.kills-kills0, s.lost, s.unreadable, s.checkFailed)
}

// run starts one ingest, kills it after a random delay unless it ends
// first, and returns the largest N of its "committed N" lines.
func (s *soak) run(dir, segMB string) (acked int, killed bool) {
	s.runs++
	cmd := exec.Command(s.bin, "ingest", "--index", dir, "--segment-mb", segMB, "--log-commits", "--quiet", s.input)
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	lines := make(chan int)
	go readCommits(out, lines)
	timer := time.NewTimer(time.Duration(s.rng.Int64N(int64(s.maxDelay))))
	defer timer.Stop()
wait:
	for {
		select {
		case n, ok := <-lines:
			if !ok {
				break wait
			}
			acked = max(acked, n)
		case <-timer.C:
			cmd.Process.Kill()
			break wait
		}
	}
	for n := range lines {
		acked = max(acked, n)
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return acked, true
		}
	}
	if err != nil {
		log.Fatalf("tifa ingest failed: %v\n%s", err, stderr.String())
	}
	return acked, false
}

// verify opens and checks the index and looks up every acknowledged
// document.
func (s *soak) verify(dir string, acked int) {
	if acked == 0 {
		return
	}
	snap, err := store.Open(dir)
	if err != nil {
		s.unreadable++
		log.Printf("%s: UNREADABLE after a kill: %v", dir, err)
		return
	}
	defer snap.Close()
	if _, err := store.Check(dir); err != nil {
		s.checkFailed++
		log.Printf("%s: CHECK FAILED after a kill: %v", dir, err)
	}
	for _, id := range s.docs[:acked] {
		g, i, ok := snap.Find(id)
		if !ok || g.Hashes[i] != s.hashes[id] {
			s.lost++
			if s.lost <= 20 {
				log.Printf("%s: acknowledged document %s lost or changed (found %v)", dir, id, ok)
			}
		}
	}
	s.verified += acked
}

// readCommits sends N of each complete "committed N" line of r on ch and
// closes ch at the end of r.
func readCommits(r io.Reader, ch chan<- int) {
	defer close(ch)
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if f := strings.Fields(line); len(f) == 2 && f[0] == "committed" {
			if n, err := strconv.Atoi(f[1]); err == nil {
				ch <- n
			}
		}
	}
}

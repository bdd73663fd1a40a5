package server_test

import (
	"io"
	"net/http"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
)

// BenchmarkServe_Load sends b.N requests from 64 concurrent clients to a
// server on a loopback port over the example corpus: a mix of what the
// page asks for (trend of two formulations, search, KWIC, a document,
// validation, sources). It reports throughput, the 50th and 99th
// percentile latency, the peak of live heap during the run, and fails on
// any answer but 200 (the default bounds queue 64 clients without 503).
//
//	go test -run '^$' -bench Serve_Load -benchtime 20000x ./internal/server/
func BenchmarkServe_Load(b *testing.B) {
	const clients = 64
	dir := servertest.Index(b)
	ts := servertest.Start(b, dir, server.Config{})
	paths := loadPaths()
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() { peak <- heapPeak(stop) }()

	lat := make([]time.Duration, b.N)
	var next, bad atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				res, err := client.Get(ts.URL + paths[i%len(paths)])
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i] = time.Since(t0)
				if res.StatusCode != 200 {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	heap := <-peak
	if n := bad.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed or were refused", n, b.N)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
}

// heapPeak samples the bytes of heap objects (live and not yet swept)
// every millisecond until stop is closed and returns the largest. Reading
// runtime/metrics does not stop the world.
func heapPeak(stop <-chan struct{}) uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(s)
		peak = max(peak, s[0].Value.Uint64())
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

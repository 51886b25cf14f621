package privacy_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
	"github.com/cxprivacy/cxone/privacy"
)

// BenchmarkBatch submits 5,000 subjects through a batch of concurrency 32
// against the simulator with 10 ms of added latency per request. The ideal
// is concurrency / latency = 3,200 requests/s; the benchmark reports the
// achieved rate and its ratio to the ideal (target >= 0.85).
func BenchmarkBatch(b *testing.B) {
	const (
		subjects    = 5000
		concurrency = 32
		latency     = 10 * time.Millisecond
	)
	rs := make([][2]string, subjects)
	for i := range rs {
		rs[i] = [2]string{"Email", fmt.Sprintf("person.%05d@example.com", i)}
	}
	var elapsed time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		// A fresh simulator per round: its active-request cap and counters
		// start from zero. Requests complete at once, so the cap does not
		// throttle the measurement.
		srv, c := newSimClient(b, []cxonetest.Option{cxonetest.WithLatency(latency), cxonetest.WithErasureActiveTime(0)})
		bt, err := c.NewBatch(privacy.WithConcurrency(concurrency))
		if err != nil {
			b.Fatal(err)
		}
		items := rows(rs...)
		b.StartTimer()
		start := time.Now()
		n := 0
		for o, err := range bt.Run(context.Background(), items) {
			if err != nil || o.Status != privacy.StatusProcessed {
				b.Fatalf("line %d: %s %s %v", o.Line, o.Status, o.Reason, err)
			}
			n++
		}
		elapsed += time.Since(start)
		b.StopTimer()
		if n != subjects || srv.ErasureRequests() != subjects {
			b.Fatalf("%d outcomes, %d requests; want %d", n, srv.ErasureRequests(), subjects)
		}
		srv.Close()
		b.StartTimer()
	}
	rate := float64(subjects*b.N) / elapsed.Seconds()
	ideal := float64(concurrency) / latency.Seconds()
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(rate/ideal, "ratio-vs-ideal")
}

// BenchmarkBatchBaseline is the floor under BenchmarkBatch: 32 goroutines
// posting the same 5,000 erasures with a bare net/http client and a fixed
// token, against the same simulator and latency.
func BenchmarkBatchBaseline(b *testing.B) {
	const (
		subjects    = 5000
		concurrency = 32
		latency     = 10 * time.Millisecond
	)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		srv := cxonetest.NewServer(cxonetest.WithLatency(latency), cxonetest.WithErasureActiveTime(0))
		tok := simtest.Token(b, srv)
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		next := make(chan int)
		var wg sync.WaitGroup
		b.StartTimer()
		start := time.Now()
		for range concurrency {
			wg.Go(func() {
				for i := range next {
					body := fmt.Sprintf(`{"subjectIdentifier":"person.%05d@example.com","subjectIdentifierType":"EMAIL"}`, i)
					req, _ := http.NewRequest(http.MethodPost, srv.APIBase()+"/privacy/v1/erasure", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					resp, err := hc.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
		for i := range subjects {
			next <- i
		}
		close(next)
		wg.Wait()
		elapsed += time.Since(start)
		b.StopTimer()
		if srv.ErasureRequests() != subjects {
			b.Fatalf("%d requests, want %d", srv.ErasureRequests(), subjects)
		}
		srv.Close()
		hc.CloseIdleConnections()
		b.StartTimer()
	}
	rate := float64(subjects*b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(rate/(float64(concurrency)/latency.Seconds()), "ratio-vs-ideal")
}

package cxonetest

import (
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
)

// FaultKind is a failure the simulator can inject into an API request.
type FaultKind string

const (
	// FaultRateLimited answers 429 with Retry-After: 1.
	FaultRateLimited FaultKind = "429-retry-after"
	// FaultRateLimitedBare answers 429 without Retry-After (an integrator
	// reports CXone does not always send it).
	FaultRateLimitedBare FaultKind = "429"
	// FaultUnavailable answers 503.
	FaultUnavailable FaultKind = "503"
	// FaultResetBefore drops the connection before the handler runs: the
	// request had no effect, but the client cannot know that.
	FaultResetBefore FaultKind = "reset-before"
	// FaultResetAfter runs the handler, so its effect happens, then drops
	// the connection instead of answering: the lost answer that makes a
	// retried POST ambiguous.
	FaultResetAfter FaultKind = "reset-after"
	// FaultLatency delays the request (see [WithFaultLatency]), then serves
	// it normally.
	FaultLatency FaultKind = "latency"
)

// AllFaults lists every fault kind.
var AllFaults = []FaultKind{FaultRateLimited, FaultRateLimitedBare, FaultUnavailable, FaultResetBefore, FaultResetAfter, FaultLatency}

// faultInjector draws, per API request, whether to inject a fault and which,
// from a seeded generator behind a lock, so a run repeats.
type faultInjector struct {
	mu    sync.Mutex
	rate  float64
	kinds []FaultKind
	rng   *rand.Rand
}

func (f *faultInjector) set(rate float64, seed int64, kinds []FaultKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rate = min(max(rate, 0), 1)
	if rate != rate { // NaN
		f.rate = 0
	}
	f.kinds = nil
	for _, k := range kinds {
		for _, known := range AllFaults {
			if k == known {
				f.kinds = append(f.kinds, k)
			}
		}
	}
	if len(f.kinds) == 0 {
		f.kinds = append(f.kinds, AllFaults...)
	}
	f.rng = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

func (f *faultInjector) next() (FaultKind, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rate == 0 || f.rng == nil {
		return "", false
	}
	if f.rng.Float64() >= f.rate {
		return "", false
	}
	return f.kinds[f.rng.IntN(len(f.kinds))], true
}

// inject carries out fault kind. It returns false when the request is then to
// be served normally (latency).
func (s *Server) inject(w http.ResponseWriter, r *http.Request, kind FaultKind, h http.HandlerFunc) bool {
	switch kind {
	case FaultRateLimited:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"code": "TooManyRequests", "details": "rate limit exceeded"})
	case FaultRateLimitedBare:
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"code": "TooManyRequests", "details": "rate limit exceeded"})
	case FaultUnavailable:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "ServiceUnavailable", "details": "try again later"})
	case FaultResetBefore:
		resetConn(w)
	case FaultResetAfter:
		rec := httptest.NewRecorder()
		h(rec, r)
		s.stats.resetAfter()
		resetConn(w)
	case FaultLatency:
		s.mu.Lock()
		d := s.opts.spike
		s.mu.Unlock()
		sleep(r, d)
		return false
	default:
		return false
	}
	return true
}

// resetConn drops the client's connection with a TCP reset instead of an
// answer.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok { // HTTP/2 cannot be hijacked; the closest is an empty 502
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Stats is what the simulator saw. Maps are copies.
type Stats struct {
	// Requests counts requests per route pattern (such as RouteToken or
	// "POST /privacy/v1/erasure"), scripted and faulted ones included.
	Requests map[string]int
	// Unauthorized counts API requests refused with 401 for their token.
	Unauthorized int
	// FaultsInjected counts injected faults per kind; FaultsTotal is their
	// sum.
	FaultsInjected map[FaultKind]int
	FaultsTotal    int
	// ResetsAfterHandling counts FaultResetAfter: requests whose effect
	// happened but whose answer the client never got.
	ResetsAfterHandling int
}

type counters struct {
	mu sync.Mutex
	st Stats
}

func (c *counters) init() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st = Stats{Requests: map[string]int{}, FaultsInjected: map[FaultKind]int{}}
}

func (c *counters) request(pattern string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Requests[pattern]++
}

func (c *counters) unauthorized() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Unauthorized++
}

func (c *counters) fault(k FaultKind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.FaultsInjected[k]++
	c.st.FaultsTotal++
}

func (c *counters) resetAfter() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.ResetsAfterHandling++
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	st := s.stats.st
	st.Requests = make(map[string]int, len(s.stats.st.Requests))
	for k, v := range s.stats.st.Requests {
		st.Requests[k] = v
	}
	st.FaultsInjected = make(map[FaultKind]int, len(s.stats.st.FaultsInjected))
	for k, v := range s.stats.st.FaultsInjected {
		st.FaultsInjected[k] = v
	}
	return st
}

// ResetStats zeroes the counters (area counters such as erasure counts are
// kept by their own areas).
func (s *Server) ResetStats() { s.stats.init() }

// Package retry holds the client's retry policy: which failures are worth
// another attempt, how long to wait, and what the server's Retry-After asks.
package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryAfter reads a Retry-After header relative to now. It accepts
// delta-seconds and every HTTP-date form (RFC 1123, RFC 850, asctime, via
// http.ParseTime). ok is false when the header is absent or unreadable (such
// as "soon"), so the caller falls back to its own backoff. A date in the past
// asks for no wait.
func RetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		const maxSeconds = int64(1<<63-1) / int64(time.Second)
		if n > maxSeconds {
			n = maxSeconds
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// Backoff is exponential backoff with "equal jitter": the n-th retry (n from
// 0) waits between half and all of min(base·2ⁿ, max). Half is kept so a burst
// of clients still spreads out while none retries at once. jitter returns a
// value in [0, 1); nil means math/rand/v2.
func Backoff(base, max time.Duration, n int, jitter func() float64) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if max > 0 && d > max {
		d = max
	}
	if jitter == nil {
		jitter = rand.Float64
	}
	half := d / 2
	return half + time.Duration(float64(d-half)*jitter())
}

// Idempotent reports whether method may be repeated without changing the
// outcome, per RFC 9110 §9.2.2.
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// Status tells whether an answer with this status is worth another attempt.
// 429 and 503 say the server did not act, so any request is retried.
// 500, 502 and 504 may come after the server acted, so only an idempotent
// request is retried.
func Status(code int, idempotent bool) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// TransportError classifies an error from an HTTP round trip that got no
// answer. retry is false for errors another attempt cannot fix (a bad
// certificate). reached is true when the request may have reached the server
// before the connection failed (a reset or EOF after the request was written),
// so a retry may make the server act twice.
func TransportError(err error) (retry, reached bool) {
	if err == nil {
		return false, false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recHdr tls.RecordHeaderError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &invalid) || errors.As(err, &recHdr) {
		return false, false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound, false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true, false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true, false
	}
	return true, true
}

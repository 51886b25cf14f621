package retry

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header string
		want   time.Duration
		wantOK bool
	}{
		{"absent", "", 0, false},
		{"seconds", "3", 3 * time.Second, true},
		{"zero", "0", 0, true},
		{"spaces", " 7 ", 7 * time.Second, true},
		{"day", "86400", 24 * time.Hour, true},
		{"huge", "99999999999999999", time.Duration(int64(1<<63-1) / int64(time.Second) * int64(time.Second)), true},
		{"negative", "-1", 0, false},
		{"fraction", "1.5", 0, false},
		{"word", "soon", 0, false},
		{"RFC 1123", "Thu, 03 Dec 2026 15:00:02 GMT", 2 * time.Second, true},
		{"RFC 850", "Thursday, 03-Dec-26 15:00:02 GMT", 2 * time.Second, true},
		{"asctime", "Thu Dec  3 15:00:02 2026", 2 * time.Second, true},
		{"past date", "Thu, 03 Dec 2026 14:00:00 GMT", 0, true},
		{"bad date", "Thu, 33 Dec 2026 15:00:02 GMT", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.header != "" {
				h.Set("Retry-After", tt.header)
			}
			got, ok := RetryAfter(h, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"3", "soon", "Thu, 03 Dec 2026 15:00:02 GMT", "-0", "1e9"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := RetryAfter(http.Header{"Retry-After": {s}}, now)
		if d < 0 {
			t.Errorf("negative wait %v", d)
		}
		if !ok && d != 0 {
			t.Errorf("wait %v without ok", d)
		}
	})
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	base, max := 250*time.Millisecond, 2*time.Second
	tests := []struct {
		n      int
		jitter float64
		want   time.Duration
	}{
		{0, 0, 125 * time.Millisecond},
		{0, 0.5, 187500 * time.Microsecond},
		{1, 0, 250 * time.Millisecond},
		{2, 0, 500 * time.Millisecond},
		{3, 0.999999, 2*time.Second - 1000*time.Nanosecond},
		{10, 0, time.Second},
		{1000, 0, time.Second},
	}
	for _, tt := range tests {
		got := Backoff(base, max, tt.n, func() float64 { return tt.jitter })
		if got != tt.want {
			t.Errorf("Backoff(n=%d, jitter=%v) = %v, want %v", tt.n, tt.jitter, got, tt.want)
		}
	}
	for range 100 {
		if d := Backoff(base, max, 3, nil); d < time.Second || d > 2*time.Second {
			t.Fatalf("random backoff %v outside [1s, 2s]", d)
		}
	}
	if d := Backoff(0, max, 3, nil); d != 0 {
		t.Errorf("zero base gave %v", d)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code       int
		idempotent bool
		want       bool
	}{
		{429, false, true}, {503, false, true}, {500, false, false}, {500, true, true},
		{502, true, true}, {504, true, true}, {501, true, false}, {400, true, false},
		{401, true, false}, {404, true, false}, {200, true, false},
	}
	for _, tt := range tests {
		if got := Status(tt.code, tt.idempotent); got != tt.want {
			t.Errorf("Status(%d, %v) = %v, want %v", tt.code, tt.idempotent, got, tt.want)
		}
	}
}

func TestTransportError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		err         error
		wantRetry   bool
		wantReached bool
	}{
		{"nil", nil, false, false},
		{"dial refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true, false},
		{"refused wrapped", fmt.Errorf("x: %w", syscall.ECONNREFUSED), true, false},
		{"dns not found", &net.DNSError{IsNotFound: true}, false, false},
		{"dns timeout", &net.DNSError{IsTimeout: true}, true, false},
		{"reset on read", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true, true},
		{"eof", io.EOF, true, true},
		{"unexpected eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true, true},
		{"other", errors.New("boom"), true, true},
	}
	for _, tt := range tests {
		retry, reached := TransportError(tt.err)
		if retry != tt.wantRetry || reached != tt.wantReached {
			t.Errorf("%s: TransportError = %v, %v; want %v, %v", tt.name, retry, reached, tt.wantRetry, tt.wantReached)
		}
	}
}

func TestIdempotent(t *testing.T) {
	t.Parallel()
	for m, want := range map[string]bool{"GET": true, "PUT": true, "DELETE": true, "HEAD": true, "POST": false, "PATCH": false} {
		if got := Idempotent(m); got != want {
			t.Errorf("Idempotent(%s) = %v, want %v", m, got, want)
		}
	}
}

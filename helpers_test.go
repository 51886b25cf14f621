package cxone

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/clock"
)

// baseURLPath is a non-empty base path, so tests catch URLs built as if the
// API lived at the host's root (the DFO base does not: …/dfo/3.0).
const baseURLPath = "/api-v3"

// withClock and withJitter are test-only options: time and jitter the test
// controls, so waits are asserted exactly and never slept.
func withClock(c clock.Clock) Option { return func(cfg *config) error { cfg.clock = c; return nil } }

func withJitter(f func() float64) Option {
	return func(cfg *config) error { cfg.jitter = f; return nil }
}

func zeroJitter() float64 { return 0 }

// newFakeClock starts at the current second, so HTTP dates (whole seconds)
// computed from it are exact and deadlines of real contexts still compare
// sensibly.
func newFakeClock() *clock.Fake { return clock.NewFake(time.Now().Truncate(time.Second)) }

// setup starts a test server with a mux under baseURLPath and a client
// whose platform base is {server}/api-v3 and DFO base {server}/api-v3/dfo/3.0,
// with a static token, a fake clock and no jitter.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *clock.Fake) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s", r.URL.Path)
		http.Error(w, "outside base path", http.StatusBadRequest)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	fc := newFakeClock()
	base := []Option{
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token-1"})),
		WithAPIBase(srv.URL + baseURLPath),
		WithDigitalBase(srv.URL + baseURLPath + "/dfo/3.0"),
		withClock(fc),
		withJitter(zeroJitter),
	}
	c, err := NewClient(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mux, fc
}

// newSim starts a cxonetest server and a client of it on a fake clock.
func newSim(t *testing.T, srvOpts []cxonetest.Option, opts ...Option) (*cxonetest.Server, *Client, *clock.Fake) {
	t.Helper()
	srv := cxonetest.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	fc := newFakeClock()
	c, err := NewClient(context.Background(), append(simOptions(srv, fc), opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return srv, c, fc
}

func simOptions(srv *cxonetest.Server, fc *clock.Fake) []Option {
	return []Option{
		WithIssuer(srv.URL),
		WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		withClock(fc),
		withJitter(zeroJitter),
	}
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if got := r.Method; got != want {
		t.Errorf("request method: %v, want %v", got, want)
	}
}

func testHeader(t *testing.T, r *http.Request, header, want string) {
	t.Helper()
	if got := r.Header.Get(header); got != want {
		t.Errorf("header %s: %q, want %q", header, got, want)
	}
}

// testJSONBody decodes the request body and compares it with want, which
// is marshalled and decoded the same way so types line up.
func testJSONBody(t *testing.T, r *http.Request, want any) {
	t.Helper()
	data, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	var got, w any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	wb, _ := json.Marshal(want)
	_ = json.Unmarshal(wb, &w)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("request body mismatch (-want +got):\n%s", diff)
	}
}

func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// debugLogger logs everything as JSON into buf.
func debugLogger(buf io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// hijackReset drops the connection with a TCP reset, like cxonetest's
// FaultResetAfter.
func hijackReset(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	type linger interface{ SetLinger(int) error }
	if l, ok := conn.(linger); ok {
		_ = l.SetLinger(0)
	}
	conn.Close()
}

func realClock() clock.Clock { return clock.Real{} }

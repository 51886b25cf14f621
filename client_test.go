package cxone

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

func TestDo_getDecodesAnswer(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/dfo/3.0/messages/{id}/tags/{tagId}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "PUT")
		testHeader(t, r, "Authorization", "Bearer test-token-1")
		testHeader(t, r, "User-Agent", DefaultUserAgent)
		testHeader(t, r, "Accept", "application/json")
		if got, want := r.URL.EscapedPath(), "/dfo/3.0/messages/m%2F1/tags/7"; got != want {
			t.Errorf("path %q, want %q", got, want)
		}
		w.Header().Set("X-Request-Id", "req-42")
		jsonReply(w, 200, `{"id":"m/1","tags":[7]}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("unexpected %s", r.URL.Path) })
	var got struct {
		ID   string `json:"id"`
		Tags []int  `json:"tags"`
	}
	resp, err := c.Do(context.Background(), &Request{Method: "PUT", API: Digital, Path: "/messages/{id}/tags/{tagId}", Params: []string{"m/1", "7"}}, &got)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if diff := cmp.Diff(struct {
		ID   string `json:"id"`
		Tags []int  `json:"tags"`
	}{"m/1", []int{7}}, got); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if resp.RequestID != "req-42" || resp.Attempts != 1 || resp.Ambiguous {
		t.Errorf("response = {RequestID %q, Attempts %d, Ambiguous %v}, want {req-42, 1, false}", resp.RequestID, resp.Attempts, resp.Ambiguous)
	}
}

// Case 1: a POST that gets 503 then 200 sends byte-identical bodies with the
// same Content-Length both times.
func TestDo_retrySendsIdenticalBody(t *testing.T) {
	t.Parallel()
	c, mux, fc := setup(t)
	var mu sync.Mutex
	var bodies [][]byte
	var lengths []int64
	mux.HandleFunc("POST /privacy/v1/erasure", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		bodies = append(bodies, b)
		lengths = append(lengths, r.ContentLength)
		if len(bodies) == 1 {
			jsonReply(w, 503, `{"code":"ServiceUnavailable","details":"busy"}`)
			return
		}
		testHeader(t, r, "Content-Type", "application/json")
		jsonReply(w, 202, `{"requestId":"r-1"}`)
	})
	body := map[string]string{"subjectIdentifier": "ana.silva@example.com", "subjectIdentifierType": "EMAIL"}
	var got struct{ RequestID string }
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/privacy/v1/erasure", Body: body}, &got)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	want := []byte(`{"subjectIdentifier":"ana.silva@example.com","subjectIdentifierType":"EMAIL"}`)
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 {
		t.Fatalf("server got %d requests, want 2", len(bodies))
	}
	if !bytes.Equal(bodies[0], want) || !bytes.Equal(bodies[1], bodies[0]) {
		t.Errorf("bodies differ from each other or from the encoding (lengths %d and %d, want %d)", len(bodies[0]), len(bodies[1]), len(want))
	}
	if diff := cmp.Diff([]int64{int64(len(want)), int64(len(want))}, lengths); diff != "" {
		t.Errorf("Content-Length (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{125 * time.Millisecond}, fc.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if got.RequestID != "r-1" || resp.Attempts != 2 || resp.Ambiguous {
		t.Errorf("got requestId %q attempts %d ambiguous %v, want r-1 2 false", got.RequestID, resp.Attempts, resp.Ambiguous)
	}
}

// Case 2: Retry-After in seconds and in each HTTP-date form is waited;
// an unreadable one falls back to backoff; one beyond the cap is returned at
// once as a *RateLimitError carrying the asked wait.
func TestDo_retryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter func(now time.Time) string
		wantWaits  []time.Duration
		wantErr    *RateLimitError
		wantCalls  int
	}{
		{"seconds", func(time.Time) string { return "3" }, []time.Duration{3 * time.Second}, nil, 2},
		{"RFC 1123 date", func(now time.Time) string { return now.Add(2 * time.Second).UTC().Format(http.TimeFormat) }, []time.Duration{2 * time.Second}, nil, 2},
		{"RFC 850 date", func(now time.Time) string {
			return now.Add(2 * time.Second).UTC().Format("Monday, 02-Jan-06 15:04:05 GMT")
		}, []time.Duration{2 * time.Second}, nil, 2},
		{"asctime date", func(now time.Time) string { return now.Add(2 * time.Second).UTC().Format(time.ANSIC) }, []time.Duration{2 * time.Second}, nil, 2},
		{"date in the past", func(now time.Time) string { return now.Add(-time.Hour).UTC().Format(http.TimeFormat) }, nil, nil, 2},
		{"unreadable falls back to backoff", func(time.Time) string { return "soon" }, []time.Duration{125 * time.Millisecond}, nil, 2},
		{"beyond the cap", func(time.Time) string { return "86400" }, nil,
			&RateLimitError{RetryAfter: 24 * time.Hour, StatusCode: 429, Method: "GET", Path: "/x", Attempts: 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, fc := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.retryAfter(fc.Now()))
					jsonReply(w, 429, `{"code":"TooManyRequests"}`)
					return
				}
				jsonReply(w, 200, `{}`)
			})
			_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"}, nil)
			if tt.wantErr != nil {
				var rle *RateLimitError
				if !errors.As(err, &rle) {
					t.Fatalf("err = %v, want *RateLimitError", err)
				}
				if diff := cmp.Diff(tt.wantErr, rle); diff != "" {
					t.Errorf("RateLimitError (-want +got):\n%s", diff)
				}
				if !errors.Is(err, ErrRateLimited) {
					t.Errorf("errors.Is(err, ErrRateLimited) = false")
				}
			} else if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if diff := cmp.Diff(tt.wantWaits, fc.Sleeps()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if calls.Load() != int32(tt.wantCalls) {
				t.Errorf("server calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
		})
	}
}

// The 24h Retry-After with the real clock: returned before a 1 s context
// deadline runs out, so the error is the RateLimitError, not the deadline.
func TestDo_retryAfterBeyondCapRealClock(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, withClock(realClock()))
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "86400")
		jsonReply(w, 429, `{}`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.Do(ctx, &Request{Path: "/x"}, nil)
	var rle *RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != 24*time.Hour {
		t.Fatalf("err = %v, want *RateLimitError asking 24h", err)
	}
	if ctx.Err() != nil {
		t.Errorf("the context ran out before the error came back")
	}
}

// A Retry-After within the cap but past the context's deadline is not
// waited either.
func TestDo_retryAfterPastDeadline(t *testing.T) {
	t.Parallel()
	c, mux, fc := setup(t)
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		jsonReply(w, 503, `{}`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Do(ctx, &Request{Path: "/x"}, nil)
	var rle *RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != time.Minute || rle.StatusCode != 503 {
		t.Fatalf("err = %v, want *RateLimitError 503 asking 1m", err)
	}
	if len(fc.Sleeps()) != 0 {
		t.Errorf("waited %v, want no wait", fc.Sleeps())
	}
}

// Cancelling the context while the client waits to retry ends the wait at
// once with the context's error.
func TestDo_cancelDuringWait(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, withClock(realClock()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "100") // under the 2m cap: waited
		jsonReply(w, 429, `{}`)
		go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	})
	_, err := c.Do(ctx, &Request{Path: "/x"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 1 || te.Path != "/x" {
		t.Errorf("err = %#v, want *TransportError for GET /x after 1 attempt", err)
	}
}

// Case 3: no identifier, token or query value in an error or a log line.
func TestDo_noLeaks(t *testing.T) {
	t.Parallel()
	secrets := []string{"ana.silva", "example.com", "tok_SECRET_1"}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"500 echoing the query", func(w http.ResponseWriter, r *http.Request) {
			jsonReply(w, 500, `{"code":"Boom","details":"bad `+r.URL.Query().Get("email")+` with `+r.URL.Query().Get("token")+`"}`)
		}},
		{"500 html page echoing the URL", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			io.WriteString(w, "<html><body>Error for "+r.URL.String()+" and ana.silva@example.com</body></html>")
		}},
		{"connection reset", func(w http.ResponseWriter, r *http.Request) { hijackReset(t, w) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			var mu sync.Mutex
			c, mux, _ := setup(t, WithRetry(3, time.Second, time.Minute), WithLogger(debugLogger(&syncBuffer{b: &logs, mu: &mu})))
			var calls atomic.Int32
			mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.handler(w, r)
			})
			q := url.Values{"email": {"ana.silva@example.com"}, "token": {"tok_SECRET_1"}}
			_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x", Query: q}, nil)
			if err == nil {
				t.Fatal("Do succeeded, want an error")
			}
			mu.Lock()
			logged := logs.String()
			mu.Unlock()
			for i, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("err.Error() contains secret #%d", i)
				}
				if strings.Contains(logged, s) {
					t.Errorf("log contains secret #%d", i)
				}
			}
			if calls.Load() < 3 {
				t.Errorf("server calls = %d, want at least 3 (GET retried twice)", calls.Load())
			}
			if logged == "" {
				t.Errorf("nothing logged; the test would prove nothing")
			}
		})
	}
}

type syncBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Case 4: the service's code and message survive exhausted retries, with
// the attempts counted.
func TestDo_exhaustedRetriesKeepServiceError(t *testing.T) {
	t.Parallel()
	c, mux, fc := setup(t, WithRetry(3, time.Second, time.Minute))
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-7")
		jsonReply(w, 500, `{"code":"BackendUnavailable","details":"try later"}`)
	})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"}, nil)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	want := &APIError{StatusCode: 500, Code: "BackendUnavailable", Message: "try later", RequestID: "req-7", Attempts: 3, Method: "GET", Path: "/x"}
	if diff := cmp.Diff(want, ae); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{125 * time.Millisecond, 250 * time.Millisecond}, fc.Sleeps()); diff != "" {
		t.Errorf("backoff waits (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), "cxone: GET /x: 500 Internal Server Error: BackendUnavailable: try later (request id req-7; 3 attempts)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// A POST is not retried after a 500 (the server may have acted), only after
// 429 and 503; marked Idempotent, it is.
func TestDo_postRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		idempotent bool
		wantCalls  int
	}{
		{"500 not retried", 500, false, 1},
		{"502 not retried", 502, false, 1},
		{"503 retried", 503, false, 4},
		{"429 retried", 429, false, 4},
		{"500 retried when idempotent", 500, true, 4},
		{"400 never retried", 400, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			var calls atomic.Int32
			mux.HandleFunc("POST /x", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				jsonReply(w, tt.status, `{"code":"E"}`)
			})
			_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}, Idempotent: tt.idempotent}, nil)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || ae.Attempts != tt.wantCalls {
				t.Fatalf("err = %v, want *APIError %d after %d attempts", err, tt.status, tt.wantCalls)
			}
			if calls.Load() != int32(tt.wantCalls) {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
		})
	}
}

// A POST whose answer was lost (reset after the server read it) is retried,
// and the response says the server may have acted twice.
func TestDo_ambiguousPost(t *testing.T) {
	t.Parallel()
	t.Run("reset then success", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		var calls atomic.Int32
		mux.HandleFunc("POST /privacy/v1/erasure", func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body)
			if calls.Add(1) == 1 {
				hijackReset(t, w)
				return
			}
			jsonReply(w, 202, `{"requestId":"r-2"}`)
		})
		resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/privacy/v1/erasure", Body: map[string]string{"a": "b"}}, nil)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if resp.Attempts != 2 || !resp.Ambiguous {
			t.Errorf("attempts %d ambiguous %v, want 2 true", resp.Attempts, resp.Ambiguous)
		}
	})
	t.Run("always reset", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t, WithRetry(2, time.Second, time.Minute))
		mux.HandleFunc("POST /privacy/v1/erasure", func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body)
			hijackReset(t, w)
		})
		_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/privacy/v1/erasure", Body: []byte(`{}`)}, nil)
		var te *TransportError
		if !errors.As(err, &te) || te.Attempts != 2 || !te.Ambiguous || !IsAmbiguous(err) {
			t.Fatalf("err = %v, want ambiguous *TransportError after 2 attempts", err)
		}
	})
	t.Run("GET reset is not ambiguous", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t, WithRetry(2, time.Second, time.Minute))
		mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) { hijackReset(t, w) })
		resp, err := c.Do(context.Background(), &Request{Path: "/x"}, nil)
		if err == nil || IsAmbiguous(err) || resp != nil {
			t.Fatalf("err = %v (ambiguous %v), want a plain transport error", err, IsAmbiguous(err))
		}
	})
}

// The bearer token never follows a redirect to another host, and plain
// http is refused except on loopback.
func TestDo_redirectToOtherHostDropsToken(t *testing.T) {
	t.Parallel()
	var gotAuth []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		jsonReply(w, 200, `{}`)
	}))
	defer other.Close()
	// other runs on 127.0.0.1; reach it as "localhost" so the host differs.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+"/y", http.StatusFound)
	})
	if _, err := c.Do(context.Background(), &Request{Path: "/x"}, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if diff := cmp.Diff([]string{""}, gotAuth); diff != "" {
		t.Errorf("Authorization at the other host (-want +got):\n%s", diff)
	}
}

func TestDo_redirectToPlainHTTPRefused(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithRetry(1, time.Second, time.Minute))
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://cxone.example.com/y", http.StatusFound)
	})
	_, err := c.Do(context.Background(), &Request{Path: "/x"}, nil)
	if err == nil || !errors.Is(err, errInsecure) {
		t.Fatalf("err = %v, want the https-only refusal", err)
	}
}

// The caller's *http.Client is used but never changed.
func TestNewClient_copiesHTTPClient(t *testing.T) {
	t.Parallel()
	var used int
	var mu sync.Mutex
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		used++
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})
	hc := &http.Client{Transport: rt, Timeout: 7 * time.Second}
	before := *hc
	c, mux, _ := setup(t, WithHTTPClient(hc))
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{}`) })
	if _, err := c.Do(context.Background(), &Request{Path: "/x"}, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if hc.Timeout != before.Timeout || hc.CheckRedirect != nil || hc.Jar != nil {
		t.Errorf("the caller's client was changed")
	}
	if _, ok := hc.Transport.(roundTripFunc); !ok {
		t.Errorf("the caller's transport was replaced by %T", hc.Transport)
	}
	if used != 1 {
		t.Errorf("the caller's transport was used %d times, want 1", used)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Request.Limiter is waited before each attempt.
func TestDo_requestLimiter(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{}`) })
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	if _, err := c.Do(context.Background(), &Request{Path: "/x", Limiter: lim}, nil); err != nil {
		t.Fatalf("first Do: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Do(ctx, &Request{Path: "/x", Limiter: lim}, nil)
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 1 || te.Ambiguous {
		t.Fatalf("second Do: err = %v, want a non-ambiguous *TransportError from the limiter", err)
	}
}

func TestDo_badRequests(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	tests := []struct {
		name string
		req  *Request
	}{
		{"nil", nil},
		{"missing param", &Request{Path: "/a/{id}"}},
		{"extra param", &Request{Path: "/a", Params: []string{"x"}}},
		{"empty param", &Request{Path: "/a/{id}", Params: []string{""}}},
		{"unclosed placeholder", &Request{Path: "/a/{id", Params: []string{"x"}}},
		{"relative path", &Request{Path: "a"}},
		{"unknown API", &Request{Path: "/a", API: API(9)}},
		{"unencodable body", &Request{Method: "POST", Path: "/a", Body: func() {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Do(context.Background(), tt.req, nil); err == nil {
				t.Errorf("Do succeeded, want an error")
			}
		})
	}
}

func TestDo_rawBodyAndAnswer(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("POST /raw", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, map[string]any{"k": []int{1, 2}})
		jsonReply(w, 200, `{"ok":true}`)
	})
	var raw []byte
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/raw", Body: []byte(`{"k":[1,2]}`)}, &raw)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if got := string(raw); got != "{\"ok\":true}" {
		t.Errorf("raw answer %q", got)
	}
	again, _ := io.ReadAll(resp.Body)
	if !bytes.Equal(again, raw) {
		t.Errorf("resp.Body does not hold the answer again")
	}
}

func TestDo_status401FromStaticSourceIsAuthError(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		jsonReply(w, 401, `{"timestamp":"2026-01-01T00:00:00Z","status":401,"error":"Unauthorized","message":"Full authentication is required","path":"/x/ana.silva@example.com"}`)
	})
	_, err := c.Do(context.Background(), &Request{Path: "/x"}, nil)
	var ae *AuthError
	if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want *AuthError", err)
	}
	want := &AuthError{Op: "GET /x", StatusCode: 401, Code: "Unauthorized", Description: "Full authentication is required", Attempts: 2}
	if diff := cmp.Diff(want, ae); diff != "" {
		t.Errorf("AuthError (-want +got):\n%s", diff)
	}
	if calls.Load() != 2 {
		t.Errorf("calls = %d, want 2 (one retry after the 401)", calls.Load())
	}
}

func TestDo_transportErrorHasNoURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // connection refused from now on
	c, err := NewClient(context.Background(), WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})),
		WithAPIBase(base), WithDigitalBase(base), WithRetry(2, time.Millisecond, time.Second), withClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Path: "/u/{id}", Params: []string{"ana.silva@example.com"}, Query: url.Values{"q": {"tok_SECRET_1"}}}, nil)
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 2 || te.Ambiguous {
		t.Fatalf("err = %v, want non-ambiguous *TransportError after 2 attempts", err)
	}
	for _, s := range []string{"ana.silva", "tok_SECRET_1", strconv.Quote(base)} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error contains an identifier, a token or the URL")
		}
	}
}

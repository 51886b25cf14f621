package cxonetest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
)

// token gets an access token by the password grant with Basic client auth.
func token(t *testing.T, srv *cxonetest.Server) (access, refresh string) {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {cxonetest.DemoAccessKeyID}, "password": {cxonetest.DemoAccessKeySecret}}
	req, _ := http.NewRequest("POST", srv.URL+"/auth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(cxonetest.DemoClientID, cxonetest.DemoClientSecret)
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
		IDToken      string `json:"id_token"`
	}
	if status := do(t, req, &tok); status != 200 {
		t.Fatalf("token status %d", status)
	}
	return tok.AccessToken, tok.RefreshToken
}

func do(t *testing.T, req *http.Request, v any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	if v != nil {
		_ = json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode
}

func whoami(t *testing.T, srv *cxonetest.Server, access string) (int, error) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/cxonetest/whoami", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	}
	pw := "grant_type=password&username=" + cxonetest.DemoAccessKeyID + "&password=" + url.QueryEscape(cxonetest.DemoAccessKeySecret)
	tests := []struct {
		name, auth, body string
		wantStatus       int
		wantError        string
	}{
		{"basic", basic(cxonetest.DemoClientID, cxonetest.DemoClientSecret), pw, 200, ""},
		{"form", "", pw + "&client_id=demo-client&client_secret=demo-client-secret", 200, ""},
		{"both", basic(cxonetest.DemoClientID, cxonetest.DemoClientSecret), pw + "&client_secret=demo-client-secret", 400, "invalid_request"},
		{"wrong secret", basic(cxonetest.DemoClientID, "nope"), pw, 401, "invalid_client"},
		{"no client", "", pw, 401, "invalid_client"},
		{"wrong key secret", basic(cxonetest.DemoClientID, cxonetest.DemoClientSecret), "grant_type=password&username=DEMOKEY123&password=x", 400, "invalid_grant"},
		{"unknown refresh", basic(cxonetest.DemoClientID, cxonetest.DemoClientSecret), "grant_type=refresh_token&refresh_token=x", 400, "invalid_grant"},
		{"client credentials grant", basic(cxonetest.DemoClientID, cxonetest.DemoClientSecret), "grant_type=client_credentials", 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/auth/token", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			var got struct {
				Error       string `json:"error"`
				AccessToken string `json:"access_token"`
			}
			if status := do(t, req, &got); status != tt.wantStatus || got.Error != tt.wantError {
				t.Errorf("status %d error %q, want %d %q", status, got.Error, tt.wantStatus, tt.wantError)
			}
			if tt.wantStatus == 200 && got.AccessToken == "" {
				t.Errorf("no access token")
			}
		})
	}
}

func TestTokensExpireAgeAndRotate(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer(cxonetest.WithTokenLifetime(70*time.Second), cxonetest.WithMaxTokenAge(60*time.Second))
	defer srv.Close()
	access, refresh := token(t, srv)
	if status, _ := whoami(t, srv, access); status != 200 {
		t.Fatalf("fresh token: status %d", status)
	}
	srv.Advance(61 * time.Second)
	if status, _ := whoami(t, srv, access); status != 401 {
		t.Errorf("61 s old token: status %d, want 401 (max age 60 s)", status)
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	newAccess := ""
	for i, want := range []int{200, 400} { // refresh tokens rotate: the second use fails
		req, _ := http.NewRequest("POST", srv.URL+"/auth/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(cxonetest.DemoClientID, cxonetest.DemoClientSecret)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if status := do(t, req, &tok); status != want {
			t.Errorf("refresh #%d: status %d, want %d", i+1, status, want)
		}
		if i == 0 {
			newAccess = tok.AccessToken
		}
	}
	if status, _ := whoami(t, srv, newAccess); status != 200 {
		t.Errorf("refreshed token: status %d", status)
	}
	srv.RevokeAccessKey()
	if status, _ := whoami(t, srv, newAccess); status != 401 {
		t.Errorf("token of a revoked key: status %d, want 401", status)
	}
	if got := srv.TokenRequests(); got != 3 {
		t.Errorf("TokenRequests = %d, want 3", got)
	}
	if got := srv.Stats().Unauthorized; got != 2 {
		t.Errorf("Unauthorized = %d, want 2", got)
	}
}

// The same seed gives the same faults in the same order.
func TestFaultsRepeat(t *testing.T) {
	t.Parallel()
	run := func() []int {
		srv := cxonetest.NewServer(cxonetest.WithFaults(0.5, 42, cxonetest.FaultRateLimited, cxonetest.FaultUnavailable), cxonetest.WithFaultLatency(0))
		defer srv.Close()
		access, _ := token(t, srv)
		var statuses []int
		for range 20 {
			status, err := whoami(t, srv, access)
			if err != nil {
				t.Fatalf("whoami: %v", err)
			}
			statuses = append(statuses, status)
		}
		st := srv.Stats()
		if st.FaultsTotal != st.FaultsInjected[cxonetest.FaultRateLimited]+st.FaultsInjected[cxonetest.FaultUnavailable] {
			t.Errorf("fault counts do not add up: %+v", st)
		}
		return statuses
	}
	first, second := run(), run()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("second run differs (-first +second):\n%s", diff)
	}
	faults := 0
	for _, s := range first {
		if s != 200 {
			faults++
		}
	}
	if faults == 0 || faults == len(first) {
		t.Errorf("%d faults in %d requests at rate 0.5", faults, len(first))
	}
}

// FaultResetAfter runs the handler (its effect happens) and drops the
// answer; FaultResetBefore drops the connection without running it.
func TestFaultResets(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind    cxonetest.FaultKind
		wantRan int
	}{{cxonetest.FaultResetAfter, 1}, {cxonetest.FaultResetBefore, 0}} {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			srv := cxonetest.NewServer()
			defer srv.Close()
			var ran atomic.Int32
			srv.HandleAPI("POST /test/effect", func(w http.ResponseWriter, r *http.Request) {
				ran.Add(1)
				w.WriteHeader(204)
			})
			access, _ := token(t, srv)
			srv.SetFaults(1, 1, tt.kind)
			req, _ := http.NewRequest("POST", srv.URL+"/test/effect", strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+access)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d, want a connection error", resp.StatusCode)
			}
			srv.SetFaults(0, 0)
			st := srv.Stats()
			if int(ran.Load()) != tt.wantRan || st.FaultsInjected[tt.kind] != 1 || st.ResetsAfterHandling != tt.wantRan {
				t.Errorf("handler ran %d times, stats %+v; want %d and one %s", ran.Load(), st, tt.wantRan, tt.kind)
			}
		})
	}
}

func TestScript(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	access, _ := token(t, srv)
	srv.Script(cxonetest.RouteWhoAmI,
		cxonetest.Reply{Status: 503, Body: `{}`},
		cxonetest.Reply{Status: 429, Header: http.Header{"Retry-After": {"2"}}})
	var got []int
	for range 3 {
		status, err := whoami(t, srv, access)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{503, 429, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if n := srv.Stats().Requests[cxonetest.RouteWhoAmI]; n != 3 {
		t.Errorf("whoami requests = %d, want 3", n)
	}
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	var got map[string]any
	req, _ := http.NewRequest("GET", srv.URL+"/.well-known/cxone-configuration?tenantId="+cxonetest.DemoTenantID, nil)
	if status := do(t, req, &got); status != 200 || got["api_endpoint"] != srv.URL {
		t.Errorf("status %d, api_endpoint %v; want 200 and %s", status, got["api_endpoint"], srv.URL)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/.well-known/cxone-configuration?tenantId=other", nil)
	if status := do(t, req, nil); status != 404 {
		t.Errorf("unknown tenant: status %d, want 404", status)
	}
}

// Under a steady 30% of faults of every kind, the SDK's retries get every
// idempotent call through, and the simulator's counters show the faults.
func TestClientUnderFaults(t *testing.T) {
	t.Parallel()
	srv, c := simtest.New(t, []cxonetest.Option{cxonetest.WithFaultLatency(time.Millisecond)},
		cxone.WithRetry(10, 20*time.Millisecond, 2*time.Second))
	ctx := context.Background()
	srv.SetFaults(0.3, 7, cxonetest.FaultRateLimitedBare, cxonetest.FaultUnavailable, cxonetest.FaultResetBefore, cxonetest.FaultResetAfter, cxonetest.FaultLatency)
	for i := range 30 {
		if _, err := c.Do(ctx, &cxone.Request{Path: "/cxonetest/whoami"}, nil); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if st := srv.Stats(); st.FaultsTotal == 0 {
		t.Errorf("no faults injected: %+v", st)
	}
}

// Under faults, every POST gets through; each lost answer (reset after the
// handler ran) shows as one extra effect at the server and as an ambiguous
// response at the client: nothing is lost, and doubles are reported.
func TestClientPostsUnderFaultsNothingLostDoublesReported(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer(cxonetest.WithFaultLatency(time.Millisecond))
	defer srv.Close()
	var effects atomic.Int32
	srv.HandleAPI("POST /test/act", func(w http.ResponseWriter, r *http.Request) {
		effects.Add(1)
		w.WriteHeader(http.StatusAccepted)
	})
	ctx := context.Background()
	c := simtest.Client(t, srv, cxone.WithRetry(12, 5*time.Millisecond, time.Second))
	srv.SetFaults(0.4, 11, cxonetest.FaultRateLimitedBare, cxonetest.FaultUnavailable, cxonetest.FaultResetBefore, cxonetest.FaultResetAfter)
	const calls = 40
	ambiguous := 0
	for i := range calls {
		resp, err := c.Do(ctx, &cxone.Request{Method: "POST", Path: "/test/act", Body: map[string]int{"n": i}}, nil)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if resp.Ambiguous {
			ambiguous++
		}
	}
	st := srv.Stats()
	if got, want := int(effects.Load()), calls+st.ResetsAfterHandling; got != want {
		t.Errorf("effects = %d, want %d calls + %d lost answers", got, calls, st.ResetsAfterHandling)
	}
	if st.ResetsAfterHandling == 0 || ambiguous == 0 {
		t.Errorf("resets after handling %d, ambiguous responses %d: the seed should give some of each", st.ResetsAfterHandling, ambiguous)
	}
	if st.ResetsAfterHandling > 0 && ambiguous > st.ResetsAfterHandling+st.FaultsInjected[cxonetest.FaultResetBefore] {
		t.Errorf("%d ambiguous responses, more than the %d resets", ambiguous, st.ResetsAfterHandling+st.FaultsInjected[cxonetest.FaultResetBefore])
	}
}

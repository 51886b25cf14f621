package cxone

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cxprivacy/cxone/cxonetest"
)

func whoami(ctx context.Context, c *Client) (*Response, error) {
	var v struct {
		TenantID string `json:"tenantId"`
	}
	resp, err := c.Do(ctx, &Request{Method: "GET", Path: "/cxonetest/whoami"}, &v)
	if err == nil && v.TenantID != cxonetest.DemoTenantID {
		return resp, errors.New("whoami answered another tenant")
	}
	return resp, err
}

func TestNewClient_againstSimulator(t *testing.T) {
	t.Parallel()
	srv, c, _ := newSim(t, nil)
	if got, want := c.TenantID(), cxonetest.DemoTenantID; got != want {
		t.Errorf("TenantID = %q, want %q", got, want)
	}
	if got, want := c.UserID(), cxonetest.DemoKeyOwnerUserID; got != want {
		t.Errorf("UserID = %q, want %q", got, want)
	}
	if got, want := c.AccessKeyID(), cxonetest.DemoAccessKeyID; got != want {
		t.Errorf("AccessKeyID = %q, want %q", got, want)
	}
	if got, want := c.BaseURL(Platform), srv.APIBase(); got != want {
		t.Errorf("platform base = %q, want %q", got, want)
	}
	if got, want := c.BaseURL(Digital), srv.DigitalBase(); got != want {
		t.Errorf("digital base = %q, want %q", got, want)
	}
	if _, err := whoami(context.Background(), c); err != nil {
		t.Fatalf("whoami: %v", err)
	}
	st := srv.Stats()
	want := map[string]int{cxonetest.RouteOIDC: 1, cxonetest.RouteDiscovery: 1, cxonetest.RouteToken: 1, cxonetest.RouteWhoAmI: 1}
	if diff := cmp.Diff(want, st.Requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// Case 5: the exact bytes the token endpoint receives for each client-auth
// style, with a secret full of characters that need encoding.
func TestAuth_clientSecretEncoding(t *testing.T) {
	t.Parallel()
	const secret = `Zx9+/kQ==%!`
	tests := []struct {
		style    AuthStyle
		wantAuth string
		wantBody string
	}{
		{AuthStyleBasic,
			"Basic " + base64.StdEncoding.EncodeToString([]byte("demo-client:Zx9%2B%2FkQ%3D%3D%25%21")),
			"grant_type=password&password=demo-access-key-secret%3D%3D&scope=openid&username=DEMOKEY123"},
		{AuthStyleForm,
			"",
			"client_id=demo-client&client_secret=Zx9%2B%2FkQ%3D%3D%25%21&grant_type=password&password=demo-access-key-secret%3D%3D&scope=openid&username=DEMOKEY123"},
	}
	for _, tt := range tests {
		t.Run(tt.style.String(), func(t *testing.T) {
			t.Parallel()
			srv := cxonetest.NewServer(cxonetest.WithClientCredentials(cxonetest.DemoClientID, secret))
			defer srv.Close()
			c, err := NewClient(context.Background(), WithIssuer(srv.URL),
				WithClientCredentials(cxonetest.DemoClientID, secret),
				WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
				WithClientAuthStyle(tt.style))
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			got := srv.LastTokenRequest()
			// Compare without printing: these hold the secret.
			if got.Authorization != tt.wantAuth {
				t.Errorf("Authorization header differs (len %d, want %d)", len(got.Authorization), len(tt.wantAuth))
			}
			if got.Body != tt.wantBody {
				t.Errorf("body differs (len %d, want %d)", len(got.Body), len(tt.wantBody))
			}
			if got.ContentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", got.ContentType)
			}
			if _, err := whoami(context.Background(), c); err != nil {
				t.Fatalf("call with the token: %v", err)
			}
		})
	}
}

// Case 6: a 70 s token and an API refusing tokens older than 60 s: calls at
// t=0 and t=65 s cost exactly 2 token requests and no 401 reaches the caller.
func TestAuth_renewsBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv, c, fc := newSim(t, []cxonetest.Option{cxonetest.WithTokenLifetime(70 * time.Second), cxonetest.WithMaxTokenAge(60 * time.Second)})
	ctx := context.Background()
	if _, err := whoami(ctx, c); err != nil {
		t.Fatalf("call at t=0: %v", err)
	}
	fc.Advance(65 * time.Second)
	srv.Advance(65 * time.Second)
	resp, err := whoami(ctx, c)
	if err != nil {
		t.Fatalf("call at t=65s: %v", err)
	}
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
	if got := srv.Stats().Unauthorized; got != 0 || resp.Attempts != 1 {
		t.Errorf("401s at the server = %d, attempts = %d; want 0 and 1", got, resp.Attempts)
	}
	if !strings.Contains(srv.LastTokenRequest().Body, "grant_type=refresh_token") {
		t.Errorf("the renewal was not a refresh grant")
	}
}

// Case 6, continued: a 401 for a token that looked valid costs one token
// request and the call succeeds; a second 401 is an *AuthError after exactly
// 2 token requests.
func TestAuth_401RefreshesOnce(t *testing.T) {
	t.Parallel()
	t.Run("revoked token", func(t *testing.T) {
		t.Parallel()
		srv, c, _ := newSim(t, nil)
		srv.RevokeTokens()
		resp, err := whoami(context.Background(), c)
		if err != nil {
			t.Fatalf("whoami: %v", err)
		}
		if got := srv.TokenRequests(); got != 2 || resp.Attempts != 2 {
			t.Errorf("token requests %d, attempts %d; want 2 and 2", got, resp.Attempts)
		}
	})
	t.Run("401 twice", func(t *testing.T) {
		t.Parallel()
		srv, c, _ := newSim(t, nil)
		srv.Script(cxonetest.RouteWhoAmI,
			cxonetest.Reply{Status: 401, Body: `{"message":"token rejected"}`},
			cxonetest.Reply{Status: 401, Body: `{"message":"token rejected"}`})
		_, err := whoami(context.Background(), c)
		var ae *AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v, want *AuthError", err)
		}
		want := &AuthError{Op: "GET /cxonetest/whoami", StatusCode: 401, Description: "token rejected", Attempts: 2}
		if diff := cmp.Diff(want, ae); diff != "" {
			t.Errorf("AuthError (-want +got):\n%s", diff)
		}
		if got := srv.TokenRequests(); got != 2 {
			t.Errorf("token requests = %d, want 2", got)
		}
	})
}

// Case 7: transient token endpoint failures (502 HTML, 200 HTML) are
// retried; invalid_client is permanent after exactly one call.
func TestAuth_tokenEndpointFailures(t *testing.T) {
	t.Parallel()
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	t.Run("transient", func(t *testing.T) {
		t.Parallel()
		srv := cxonetest.NewServer()
		defer srv.Close()
		srv.Script(cxonetest.RouteToken,
			cxonetest.Reply{Status: 502, Header: html, Body: "<html><body>Bad Gateway</body></html>"},
			cxonetest.Reply{Status: 200, Header: html, Body: "<html><body>Maintenance</body></html>"})
		fc := newFakeClock()
		c, err := NewClient(context.Background(), simOptions(srv, fc)...)
		if err != nil {
			t.Fatalf("NewClient: %v", err)
		}
		if got := srv.TokenRequests(); got != 3 {
			t.Errorf("token requests = %d, want 3", got)
		}
		if diff := cmp.Diff([]time.Duration{125 * time.Millisecond, 250 * time.Millisecond}, fc.Sleeps()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
		if _, err := whoami(context.Background(), c); err != nil {
			t.Errorf("whoami: %v", err)
		}
	})
	t.Run("invalid_client", func(t *testing.T) {
		t.Parallel()
		srv := cxonetest.NewServer()
		defer srv.Close()
		srv.Script(cxonetest.RouteToken, cxonetest.Reply{Status: 400, Body: `{"error":"invalid_client"}`})
		fc := newFakeClock()
		_, err := NewClient(context.Background(), simOptions(srv, fc)...)
		var ae *AuthError
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v, want *AuthError", err)
		}
		want := &AuthError{Op: "password grant", Code: "invalid_client", StatusCode: 400, Attempts: 1}
		if diff := cmp.Diff(want, ae); diff != "" {
			t.Errorf("AuthError (-want +got):\n%s", diff)
		}
		if got := srv.TokenRequests(); got != 1 {
			t.Errorf("token requests = %d, want 1", got)
		}
		if strings.Contains(err.Error(), cxonetest.DemoClientSecret) || strings.Contains(err.Error(), cxonetest.DemoAccessKeySecret) {
			t.Errorf("the error shows a secret")
		}
		if got, want := err.Error(), "cxone: auth: password grant: status 400: invalid_client"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		t.Parallel()
		srv := cxonetest.NewServer()
		defer srv.Close()
		_, err := NewClient(context.Background(), WithIssuer(srv.URL),
			WithClientCredentials(cxonetest.DemoClientID, "not-the-secret"),
			WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret), withClock(newFakeClock()))
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Code != "invalid_client" || ae.Temporary || srv.TokenRequests() != 1 {
			t.Fatalf("err = %v after %d token requests, want permanent invalid_client after 1", err, srv.TokenRequests())
		}
	})
}

// Case 8: 50 goroutines calling at once on a fresh client cause exactly one
// token request; so do 50 calls at once when the token needs renewing.
func TestAuth_concurrentCallsShareOneToken(t *testing.T) {
	t.Parallel()
	srv, c, fc := newSim(t, nil)
	burst := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for range 50 {
			wg.Go(func() {
				if _, err := whoami(context.Background(), c); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("call: %v", err)
		}
	}
	burst()
	if got := srv.TokenRequests(); got != 1 {
		t.Errorf("token requests after the first burst = %d, want 1", got)
	}
	fc.Advance(time.Hour)
	srv.Advance(time.Hour)
	burst()
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("token requests after the renewal burst = %d, want 2", got)
	}
}

// Concurrent 401s for the same revoked token cause one new token, not one
// each.
func TestAuth_concurrent401sShareOneRenewal(t *testing.T) {
	t.Parallel()
	srv, c, _ := newSim(t, nil)
	srv.RevokeTokens()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := whoami(context.Background(), c); err != nil {
				t.Errorf("call: %v", err)
			}
		})
	}
	wg.Wait()
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
}

// When the refresh token is refused the client falls back to a fresh
// password grant.
func TestAuth_refreshFailsThenPasswordGrant(t *testing.T) {
	t.Parallel()
	srv, c, fc := newSim(t, nil)
	fc.Advance(time.Hour)
	srv.Advance(time.Hour)
	srv.Script(cxonetest.RouteToken, cxonetest.Reply{Status: 400, Body: `{"error":"invalid_grant"}`})
	if _, err := whoami(context.Background(), c); err != nil {
		t.Fatalf("whoami: %v", err)
	}
	if got := srv.TokenRequests(); got != 3 {
		t.Errorf("token requests = %d, want 3 (first, refused refresh, password grant)", got)
	}
	if !strings.Contains(srv.LastTokenRequest().Body, "grant_type=password") {
		t.Errorf("the last token request was not a password grant")
	}
}

// A revoked access key (its user deactivated) is a permanent *AuthError on
// the next renewal.
func TestAuth_revokedKey(t *testing.T) {
	t.Parallel()
	srv, c, _ := newSim(t, nil)
	srv.RevokeAccessKey()
	_, err := whoami(context.Background(), c)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != "invalid_grant" || ae.Temporary {
		t.Fatalf("err = %v, want permanent invalid_grant", err)
	}
	if got := srv.TokenRequests(); got != 3 {
		t.Errorf("token requests = %d, want 3 (first, refused refresh, refused password grant)", got)
	}
}

func TestAuth_accessKeyEndpoint(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	c, err := NewClient(context.Background(), WithIssuer(srv.URL), WithTenantID(cxonetest.DemoTenantID),
		WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		WithAccessKeyEndpoint(srv.URL+"/authentication/v1/token/access-key"))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if _, err := whoami(context.Background(), c); err != nil {
		t.Fatalf("whoami: %v", err)
	}
	st := srv.Stats()
	if st.Requests[cxonetest.RouteAccessKey] != 1 || st.Requests[cxonetest.RouteToken] != 0 || st.Requests[cxonetest.RouteOIDC] != 0 {
		t.Errorf("requests = %v, want one access-key request and no OIDC or token request", st.Requests)
	}
}

func TestAuth_tokenFetchHonoursContext(t *testing.T) {
	t.Parallel()
	srv, c, fc := newSim(t, nil)
	fc.Advance(time.Hour)
	srv.Advance(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := whoami(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDigitalBaseFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		viaAPI  bool
		d       discovery
		apiBase string
		want    string
		wantErr bool
	}{
		{"derived", false, discovery{Area: "na1", Domain: "niceincontact.com"}, "https://api-na1.niceincontact.com", "https://api-de-na1.niceincontact.com/dfo/3.0", false},
		{"fedramp", false, discovery{Area: "na2", Domain: "nicecxone-gov.com"}, "https://api-na2.nicecxone-gov.com", "https://api-de-na2.nicecxone-gov.com/dfo/3.0", false},
		{"via api host", true, discovery{Area: "eu1", Domain: "niceincontact.com"}, "https://api-eu1.niceincontact.com", "https://api-eu1.niceincontact.com/dfo/3.0", false},
		{"loopback simulator", false, discovery{Area: "sim1", Domain: "cxonetest.invalid"}, "http://127.0.0.1:8080", "http://127.0.0.1:8080/dfo/3.0", false},
		{"missing area", false, discovery{Domain: "niceincontact.com"}, "https://api-na1.niceincontact.com", "", true},
		{"malformed domain", false, discovery{Area: "na1", Domain: "evil.com/x?"}, "https://api-na1.niceincontact.com", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{cfg: config{digitalViaAPIHost: tt.viaAPI}}
			got, err := c.digitalBaseFrom(tt.d, tt.apiBase)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

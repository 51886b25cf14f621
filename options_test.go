package cxone

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestNewClient_badOptions(t *testing.T) {
	t.Parallel()
	ts := WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))
	bases := []Option{WithAPIBase("https://api-na1.niceincontact.com"), WithDigitalBase("https://api-de-na1.niceincontact.com/dfo/3.0")}
	tests := []struct {
		name    string
		opts    []Option
		wantSub string
	}{
		{"http issuer", []Option{WithIssuer("http://cxone.niceincontact.com")}, "WithIssuer: https is required"},
		{"relative issuer", []Option{WithIssuer("cxone.niceincontact.com")}, "WithIssuer: not an absolute URL"},
		{"issuer with query", []Option{WithIssuer("https://cxone.niceincontact.com/?a=b")}, "WithIssuer: URL must not carry"},
		{"api base with user info", []Option{WithAPIBase("https://u:p@api.example.com")}, "WithAPIBase: URL must not carry"},
		{"digital base http", []Option{WithDigitalBase("http://api-de-na1.example.com/dfo/3.0")}, "WithDigitalBase: https is required"},
		{"empty tenant", []Option{WithTenantID(" ")}, "WithTenantID"},
		{"tenant with slash", []Option{WithTenantID("a/b")}, "WithTenantID"},
		{"half client credentials", []Option{WithClientCredentials("id", "")}, "WithClientCredentials"},
		{"half access key", []Option{WithAccessKey("", "s")}, "WithAccessKey"},
		{"auth style zero", []Option{WithClientAuthStyle(0)}, "WithClientAuthStyle: unknown style 0"},
		{"nil http client", []Option{WithHTTPClient(nil)}, "WithHTTPClient: nil client"},
		{"nil logger", []Option{WithLogger(nil)}, "WithLogger: nil logger"},
		{"empty user agent", []Option{WithUserAgent("")}, "WithUserAgent"},
		{"header injection in user agent", []Option{WithUserAgent("x\r\nX-Evil: 1")}, "WithUserAgent"},
		{"zero attempts", []Option{WithRetry(0, time.Second, time.Second)}, "WithRetry: attempts 0 not in [1, 20]"},
		{"too many attempts", []Option{WithRetry(21, time.Second, time.Second)}, "WithRetry: attempts 21"},
		{"zero backoff", []Option{WithRetry(3, 0, time.Second)}, "WithRetry: max backoff"},
		{"negative retry-after cap", []Option{WithRetry(3, time.Second, -1)}, "WithRetry: max Retry-After"},
		{"zero rate", []Option{WithRateLimit(0, 1)}, "WithRateLimit"},
		{"zero burst", []Option{WithRateLimit(1, 0)}, "WithRateLimit"},
		{"nil limiter", []Option{WithRateLimiter(nil)}, "WithRateLimiter"},
		{"nil token source", []Option{WithTokenSource(nil)}, "WithTokenSource"},
		{"bad access-key endpoint", []Option{WithAccessKeyEndpoint("ftp://x")}, "WithAccessKeyEndpoint"},
		{"bad token url", []Option{WithTokenURL("http://auth.example.com/token")}, "WithTokenURL"},
		{"no credentials", bases, "no credentials"},
		{"no client credentials", append([]Option{WithAccessKey("k", "s")}, bases...), "needs WithClientCredentials"},
		{"token source and access-key endpoint", append([]Option{ts, WithAccessKeyEndpoint("")}, bases...), "exclude each other"},
		{"token source, no tenant, no bases", []Option{ts}, "no tenant id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(context.Background(), tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("NewClient succeeded, want an error containing %q", tt.wantSub)
			}
			if !strings.Contains(err.Error(), tt.wantSub) {
				t.Errorf("error %q does not contain %q", err, tt.wantSub)
			}
		})
	}
}

func TestNewClient_tokenSourceWithBases(t *testing.T) {
	t.Parallel()
	c, err := NewClient(context.Background(), WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})),
		WithAPIBase("https://api-na1.niceincontact.com/"), WithDigitalBase("https://api-de-na1.niceincontact.com/dfo/3.0/"), nil)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if got, want := c.BaseURL(Platform), "https://api-na1.niceincontact.com"; got != want {
		t.Errorf("platform base %q, want %q", got, want)
	}
	if got, want := c.BaseURL(Digital), "https://api-de-na1.niceincontact.com/dfo/3.0"; got != want {
		t.Errorf("digital base %q, want %q", got, want)
	}
	if c.Logger() == nil || c.UserID() != "" || c.AccessKeyID() != "" {
		t.Errorf("logger %v, user id %q, access key id %q; want a logger and empty ids", c.Logger(), c.UserID(), c.AccessKeyID())
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.8.9.1": true, "::1": true, "api.localhost": true,
		"example.com": false, "10.0.0.1": false, "localhost.example.com": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

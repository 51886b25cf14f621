package cxone

import (
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// DefaultIssuer is the commercial CXone OIDC issuer.
const DefaultIssuer = "https://cxone.niceincontact.com"

// AuthStyle says how the registered app's client id and secret reach the
// token endpoint. It is set explicitly, never auto-detected.
type AuthStyle int

const (
	// AuthStyleBasic sends them in an HTTP Basic Authorization header.
	AuthStyleBasic AuthStyle = AuthStyle(oauth2.AuthStyleInHeader)
	// AuthStyleForm sends them as client_id and client_secret form fields.
	AuthStyleForm AuthStyle = AuthStyle(oauth2.AuthStyleInParams)
)

type config struct {
	issuer                       string
	tenantID                     string
	clientID, clientSecret       string
	accessKeyID, accessKeySecret string
	authStyle                    AuthStyle
	apiBase, digitalBase         string
	httpClient                   *http.Client
	logger                       *slog.Logger
	userAgent                    string
	maxAttempts                  int
	maxBackoff, maxRetryAfter    time.Duration
	limiter                      *rate.Limiter
	tokenSource                  oauth2.TokenSource
}

func defaultConfig() config {
	return config{
		issuer:        DefaultIssuer,
		authStyle:     AuthStyleBasic,
		logger:        slog.New(slog.DiscardHandler),
		userAgent:     "cxone-go",
		maxAttempts:   4,
		maxBackoff:    30 * time.Second,
		maxRetryAfter: 2 * time.Minute,
	}
}

// Option configures a [Client]. A bad value makes [NewClient] return an error.
type Option func(*config) error

// WithIssuer sets the OIDC issuer (default [DefaultIssuer]).
func WithIssuer(issuer string) Option {
	return func(c *config) error {
		if issuer == "" {
			return errors.New("cxone: WithIssuer: empty issuer")
		}
		c.issuer = issuer
		return nil
	}
}

// WithTenantID sets the tenant id; by default it is read from the id_token.
func WithTenantID(id string) Option { return func(c *config) error { c.tenantID = id; return nil } }

// WithClientCredentials sets the registered application's client id and secret.
func WithClientCredentials(id, secret string) Option {
	return func(c *config) error { c.clientID, c.clientSecret = id, secret; return nil }
}

// WithAccessKey sets the access key id and secret used in the password grant.
func WithAccessKey(id, secret string) Option {
	return func(c *config) error { c.accessKeyID, c.accessKeySecret = id, secret; return nil }
}

// WithClientAuthStyle sets how the client credentials are sent.
func WithClientAuthStyle(s AuthStyle) Option {
	return func(c *config) error { c.authStyle = s; return nil }
}

// WithAPIBase overrides the platform API base URL found by discovery.
func WithAPIBase(u string) Option { return func(c *config) error { c.apiBase = u; return nil } }

// WithDigitalBase overrides the Digital Experience base URL (…/dfo/3.0).
func WithDigitalBase(u string) Option { return func(c *config) error { c.digitalBase = u; return nil } }

// WithHTTPClient sets the HTTP client; it is copied, never mutated.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { c.httpClient = hc; return nil }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(c *config) error { c.logger = l; return nil } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *config) error { c.userAgent = ua; return nil } }

// WithRetry sets the retry limits: total attempts, the longest backoff, and the
// longest Retry-After that is waited rather than returned as a [*RateLimitError].
func WithRetry(maxAttempts int, maxBackoff, maxRetryAfter time.Duration) Option {
	return func(c *config) error {
		c.maxAttempts, c.maxBackoff, c.maxRetryAfter = maxAttempts, maxBackoff, maxRetryAfter
		return nil
	}
}

// WithRateLimit sets a client-side limit on requests per second for all calls.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error { c.limiter = rate.NewLimiter(r, burst); return nil }
}

// WithTokenSource uses ts instead of the password grant.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error { c.tokenSource = ts; return nil }
}

func base64URLDecode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

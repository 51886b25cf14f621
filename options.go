package cxone

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/cxprivacy/cxone/internal/clock"
)

// DefaultIssuer is the commercial CXone OIDC issuer. FedRAMP tenants use
// https://cxone-gov.niceincontact.com.
const DefaultIssuer = "https://cxone.niceincontact.com"

// Defaults of the retry policy; see [WithRetry].
const (
	DefaultMaxAttempts   = 4
	DefaultMaxBackoff    = 30 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
	// DefaultUserAgent is sent unless [WithUserAgent] says otherwise.
	DefaultUserAgent = "cxone-go"
)

// AuthStyle says how the registered app's client id and secret reach the
// token endpoint. It is set explicitly, never auto-detected: probing would
// send the secret twice, once the wrong way.
type AuthStyle int

const (
	// AuthStyleBasic sends them in an HTTP Basic Authorization header, each
	// form-urlencoded first as RFC 6749 §2.3.1 requires (golang.org/x/oauth2
	// does this). The default. Whether CXone decodes them so is not
	// documented: if a secret with characters such as + / = is refused this
	// way, use AuthStyleForm.
	AuthStyleBasic AuthStyle = AuthStyle(oauth2.AuthStyleInHeader)
	// AuthStyleForm sends them as client_id and client_secret form fields.
	AuthStyleForm AuthStyle = AuthStyle(oauth2.AuthStyleInParams)
)

// String names the style, "basic" or "form".
func (s AuthStyle) String() string {
	switch s {
	case AuthStyleBasic:
		return "basic"
	case AuthStyleForm:
		return "form"
	}
	return fmt.Sprintf("AuthStyle(%d)", int(s))
}

type config struct {
	issuer                       string
	tenantID                     string
	clientID, clientSecret       string
	accessKeyID, accessKeySecret string
	authStyle                    AuthStyle
	tokenURL                     string
	apiBase, digitalBase         string
	digitalViaAPIHost            bool
	httpClient                   *http.Client
	logger                       *slog.Logger
	userAgent                    string
	maxAttempts                  int
	baseBackoff                  time.Duration
	maxBackoff, maxRetryAfter    time.Duration
	limiter                      *rate.Limiter
	tokenSource                  oauth2.TokenSource
	accessKeyEndpoint            *string // nil: password grant; "" derive from area

	// For tests in this package: time and jitter they control.
	clock  clock.Clock
	jitter func() float64
}

func defaultConfig() config {
	return config{
		issuer:        DefaultIssuer,
		authStyle:     AuthStyleBasic,
		logger:        slog.New(slog.DiscardHandler),
		userAgent:     DefaultUserAgent,
		maxAttempts:   DefaultMaxAttempts,
		baseBackoff:   250 * time.Millisecond,
		maxBackoff:    DefaultMaxBackoff,
		maxRetryAfter: DefaultMaxRetryAfter,
		clock:         clock.Real{},
	}
}

// Option configures a [Client]. A bad value makes [NewClient] return an
// error naming the option; it never panics.
type Option func(*config) error

// WithIssuer sets the OIDC issuer (default [DefaultIssuer]). It must be an
// https URL, or http on a loopback host (the [cxonetest] simulator).
func WithIssuer(issuer string) Option {
	return func(c *config) error {
		u, err := checkBaseURL("WithIssuer", issuer)
		if err != nil {
			return err
		}
		c.issuer = strings.TrimRight(u.String(), "/")
		return nil
	}
}

// WithTenantID sets the tenant id used for discovery. By default it is read
// from the id_token the password grant returns (claim tenantId).
func WithTenantID(id string) Option {
	return func(c *config) error {
		if strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/?#&% \t\r\n") {
			return errors.New("cxone: WithTenantID: empty or not an id")
		}
		c.tenantID = id
		return nil
	}
}

// WithClientCredentials sets the registered application's client id and
// secret, needed by the password grant.
func WithClientCredentials(id, secret string) Option {
	return func(c *config) error {
		if id == "" || secret == "" {
			return errors.New("cxone: WithClientCredentials: client id and secret must both be set")
		}
		c.clientID, c.clientSecret = id, secret
		return nil
	}
}

// WithAccessKey sets the access key id and secret: the username and password
// of the password grant, or the body of the access-key endpoint.
func WithAccessKey(id, secret string) Option {
	return func(c *config) error {
		if id == "" || secret == "" {
			return errors.New("cxone: WithAccessKey: access key id and secret must both be set")
		}
		c.accessKeyID, c.accessKeySecret = id, secret
		return nil
	}
}

// WithClientAuthStyle sets how the client credentials are sent to the token
// endpoint: [AuthStyleBasic] (default) or [AuthStyleForm].
func WithClientAuthStyle(s AuthStyle) Option {
	return func(c *config) error {
		if s != AuthStyleBasic && s != AuthStyleForm {
			return fmt.Errorf("cxone: WithClientAuthStyle: unknown style %d", int(s))
		}
		c.authStyle = s
		return nil
	}
}

// WithTokenURL sets the token endpoint and skips OIDC discovery.
func WithTokenURL(u string) Option {
	return func(c *config) error {
		p, err := checkBaseURL("WithTokenURL", u)
		if err != nil {
			return err
		}
		c.tokenURL = p.String()
		return nil
	}
}

// WithAPIBase overrides the platform API base URL that discovery finds
// (api_endpoint, such as https://api-na1.niceincontact.com).
func WithAPIBase(u string) Option {
	return func(c *config) error {
		p, err := checkBaseURL("WithAPIBase", u)
		if err != nil {
			return err
		}
		c.apiBase = p.String()
		return nil
	}
}

// WithDigitalBase overrides the Digital Experience (DFO) base URL, such as
// https://api-de-na1.niceincontact.com/dfo/3.0.
func WithDigitalBase(u string) Option {
	return func(c *config) error {
		p, err := checkBaseURL("WithDigitalBase", u)
		if err != nil {
			return err
		}
		c.digitalBase = p.String()
		return nil
	}
}

// WithDigitalViaAPIHost derives the DFO base from the platform host
// ({api_endpoint}/dfo/3.0) instead of https://api-de-{area}.{domain}/dfo/3.0;
// some tenants are routed that way.
func WithDigitalViaAPIHost() Option {
	return func(c *config) error { c.digitalViaAPIHost = true; return nil }
}

// WithHTTPClient sets the HTTP client whose transport, timeout, redirect
// policy and cookie jar the client uses. It is copied, never mutated.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("cxone: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLogger sets the logger (default: discard; the library never writes
// to stderr by itself). It logs at Debug each attempt and retry, and at
// Warn a retry that may repeat a non-idempotent request. No line holds a
// token, secret, identifier or query value.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("cxone: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default [DefaultUserAgent]).
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("cxone: WithUserAgent: empty or multi-line user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithRetry sets the retry limits: maxAttempts in total per call (1 means no
// retry; at most 20), the longest backoff between attempts, and the longest
// Retry-After that is waited; a longer one is returned at once as a
// [*RateLimitError].
func WithRetry(maxAttempts int, maxBackoff, maxRetryAfter time.Duration) Option {
	return func(c *config) error {
		switch {
		case maxAttempts < 1 || maxAttempts > 20:
			return fmt.Errorf("cxone: WithRetry: attempts %d not in [1, 20]", maxAttempts)
		case maxBackoff <= 0:
			return errors.New("cxone: WithRetry: max backoff must be positive")
		case maxRetryAfter < 0:
			return errors.New("cxone: WithRetry: max Retry-After must not be negative")
		}
		c.maxAttempts, c.maxBackoff, c.maxRetryAfter = maxAttempts, maxBackoff, maxRetryAfter
		if c.baseBackoff > maxBackoff {
			c.baseBackoff = maxBackoff
		}
		return nil
	}
}

// WithRateLimit limits all of the client's HTTP attempts (retries included)
// to r per second with bursts of burst. A [Request] may add its own limiter.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *config) error {
		if r <= 0 || burst < 1 {
			return errors.New("cxone: WithRateLimit: rate must be positive and burst at least 1")
		}
		c.limiter = rate.NewLimiter(r, burst)
		return nil
	}
}

// WithRateLimiter is [WithRateLimit] with a limiter the caller owns, so
// several clients can share it.
func WithRateLimiter(l *rate.Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("cxone: WithRateLimiter: nil limiter")
		}
		c.limiter = l
		return nil
	}
}

// WithTokenSource uses ts for bearer tokens instead of the password grant;
// no client credentials or access key are needed. With it, a 401 is still
// retried once (ts may hand out a new token), and the tenant id must be
// given with [WithTenantID] unless both bases are overridden.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("cxone: WithTokenSource: nil token source")
		}
		c.tokenSource = ts
		return nil
	}
}

// WithAccessKeyEndpoint authenticates with the access-key endpoint
// (POST {endpoint} with {"accessKeyId","accessKeySecret"}) instead of the
// OAuth2 password grant. NICE documents it but advises integrations against
// it; it is here for tenants without a registered app. endpoint "" means
// https://{area}.nice-incontact.com/authentication/v1/token/access-key, an
// inferred URL, with the area from discovery (which then needs
// [WithTenantID]).
func WithAccessKeyEndpoint(endpoint string) Option {
	return func(c *config) error {
		if endpoint != "" {
			u, err := checkBaseURL("WithAccessKeyEndpoint", endpoint)
			if err != nil {
				return err
			}
			endpoint = u.String()
		}
		c.accessKeyEndpoint = &endpoint
		return nil
	}
}

// checkBaseURL accepts an absolute https URL, or http on a loopback host, with
// no query, fragment or user info (which would leak into logs).
func checkBaseURL(opt, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || !u.IsAbs() {
		return nil, fmt.Errorf("cxone: %s: not an absolute URL", opt)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("cxone: %s: URL must not carry user info, query or fragment", opt)
	}
	if err := checkScheme(u); err != nil {
		return nil, fmt.Errorf("cxone: %s: %w", opt, err)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// errInsecure is returned for plain-http URLs on hosts other than loopback.
var errInsecure = errors.New("https is required (plain http only on loopback hosts)")

func checkScheme(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return errInsecure
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

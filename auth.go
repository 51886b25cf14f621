package cxone

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/cxprivacy/cxone/internal/redact"
	"github.com/cxprivacy/cxone/internal/retry"
)

// renewEarly is how long before its expiry a token is renewed, so a call
// never leaves with a token that dies on the way or mid-retry.
const renewEarly = 60 * time.Second

// tokenProvider hands out bearer tokens to every attempt of every call.
type tokenProvider interface {
	// token returns a valid token, fetching one if needed; ctx bounds the
	// fetch.
	token(ctx context.Context) (*oauth2.Token, error)
	// invalidate drops access token bad after the API refused it (401), so
	// the next token call fetches a new one. A stale report (the token was
	// already replaced) is ignored, so N calls refused at once cause one
	// fetch.
	invalidate(bad string)
}

// cachedToken is a token and the time (on the client's clock) to renew it.
type cachedToken struct {
	tok   *oauth2.Token
	renew time.Time // zero: no known expiry
}

// cachingSource is the one shared token source of a client: a fast path
// that reads the cached token without locking, and a one-slot semaphore
// around fetches so N concurrent calls cause one fetch, while each waiter
// still honours its own context.
type cachingSource struct {
	c   *Client
	cur atomic.Pointer[cachedToken]
	sem chan struct{}
	// fetch gets a new token; prev is the last token (for its refresh
	// token), nil at first.
	fetch func(ctx context.Context, prev *oauth2.Token) (*oauth2.Token, error)
}

func newCachingSource(c *Client, fetch func(context.Context, *oauth2.Token) (*oauth2.Token, error)) *cachingSource {
	return &cachingSource{c: c, sem: make(chan struct{}, 1), fetch: fetch}
}

func (s *cachingSource) valid() *oauth2.Token {
	ct := s.cur.Load()
	if ct == nil || ct.tok.AccessToken == "" {
		return nil
	}
	if !ct.renew.IsZero() && !s.c.clock.Now().Before(ct.renew) {
		return nil
	}
	return ct.tok
}

func (s *cachingSource) token(ctx context.Context) (*oauth2.Token, error) {
	if t := s.valid(); t != nil {
		return t, nil
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	if t := s.valid(); t != nil { // another call fetched it while we waited
		return t, nil
	}
	var prev *oauth2.Token
	if ct := s.cur.Load(); ct != nil {
		prev = ct.tok
	}
	now := s.c.clock.Now()
	tok, err := s.fetch(ctx, prev)
	if err != nil {
		return nil, err
	}
	s.cur.Store(&cachedToken{tok: tok, renew: renewAt(tok, now)})
	return tok, nil
}

// renewAt is when to renew tok fetched at now: renewEarly before its
// expiry, or half way through a lifetime shorter than that.
func renewAt(tok *oauth2.Token, now time.Time) time.Time {
	life := time.Duration(tok.ExpiresIn) * time.Second
	if life <= 0 {
		if tok.Expiry.IsZero() {
			return time.Time{}
		}
		life = time.Until(tok.Expiry)
	}
	early := renewEarly
	if life <= renewEarly {
		early = life / 2
	}
	return now.Add(life - early)
}

func (s *cachingSource) invalidate(bad string) {
	ct := s.cur.Load()
	if ct == nil || ct.tok.AccessToken != bad {
		return
	}
	// Keep the refresh token, drop the access token.
	t := *ct.tok
	t.AccessToken = ""
	s.cur.CompareAndSwap(ct, &cachedToken{tok: &t})
}

// externalSource wraps a caller's oauth2.TokenSource.
type externalSource struct{ ts oauth2.TokenSource }

func (e externalSource) token(ctx context.Context) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := e.ts.Token()
	if err != nil {
		return nil, &AuthError{Op: "token source", Err: safeErr(err)}
	}
	return t, nil
}

func (externalSource) invalidate(string) {}

// oauthConfig is the password grant's configuration.
func (c *Client) oauthConfig(tokenURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.cfg.clientID,
		ClientSecret: c.cfg.clientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyle(c.cfg.authStyle)},
		Scopes:       []string{"openid"},
	}
}

// passwordFetch refreshes prev when it has a refresh token, and falls back
// to a fresh password grant when that fails (the refresh token expired, or
// the server forgot it).
func (c *Client) passwordFetch(oc *oauth2.Config) func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
	return func(ctx context.Context, prev *oauth2.Token) (*oauth2.Token, error) {
		octx := context.WithValue(ctx, oauth2.HTTPClient, c.plain)
		if prev != nil && prev.RefreshToken != "" {
			tok, err := oc.TokenSource(octx, &oauth2.Token{RefreshToken: prev.RefreshToken}).Token()
			if err == nil {
				c.logger.DebugContext(ctx, "cxone: token refreshed")
				return tok, nil
			}
			if ctx.Err() != nil {
				return nil, &AuthError{Op: "refresh", Err: ctx.Err()}
			}
			ae := tokenError("refresh", err, 1)
			c.logger.DebugContext(ctx, "cxone: refresh failed, using the password grant", "code", ae.Code, "status", ae.StatusCode)
		}
		return c.retryToken(ctx, "password grant", func() (*oauth2.Token, error) {
			return oc.PasswordCredentialsToken(octx, c.cfg.accessKeyID, c.cfg.accessKeySecret)
		})
	}
}

// retryToken calls get until it succeeds, fails permanently, or attempts run
// out. Transient failures are the endpoint's 5xx and 429, an answer that is
// not JSON (an HTML page from a gateway), and network errors.
func (c *Client) retryToken(ctx context.Context, op string, get func() (*oauth2.Token, error)) (*oauth2.Token, error) {
	for attempt := 1; ; attempt++ {
		tok, err := get()
		if err == nil {
			c.logger.DebugContext(ctx, "cxone: token fetched", "op", op, "attempts", attempt)
			return tok, nil
		}
		if ctx.Err() != nil {
			return nil, &AuthError{Op: op, Attempts: attempt, Err: ctx.Err()}
		}
		ae := tokenError(op, err, attempt)
		if !ae.Temporary || attempt >= c.cfg.maxAttempts {
			return nil, ae
		}
		wait := retry.Backoff(c.cfg.baseBackoff, c.cfg.maxBackoff, attempt-1, c.cfg.jitter)
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			if ra, ok := retry.RetryAfter(re.Response.Header, c.clock.Now()); ok {
				if ra > c.cfg.maxRetryAfter {
					return nil, ae
				}
				wait = ra
			}
		}
		c.logger.DebugContext(ctx, "cxone: token endpoint failed, retrying", "op", op, "status", ae.StatusCode, "attempt", attempt, "wait", wait)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return nil, &AuthError{Op: op, Attempts: attempt, Err: err}
		}
	}
}

// tokenError turns a token endpoint failure into an *AuthError without the
// endpoint's raw body (it may echo what was sent).
func tokenError(op string, err error, attempts int) *AuthError {
	ae := &AuthError{Op: op, Attempts: attempts}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		ae.Code = shorten(redact.String(re.ErrorCode), 60)
		ae.Description = shorten(redact.String(re.ErrorDescription), maxMessage)
		if re.Response != nil {
			ae.StatusCode = re.Response.StatusCode
		}
		if ae.Description == "" && len(re.Body) > 0 {
			var alt struct {
				Desc string `json:"errorDescription"`
			}
			if json.Unmarshal(re.Body, &alt) == nil {
				ae.Description = shorten(redact.String(alt.Desc), maxMessage)
			}
		}
		switch {
		case ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode >= 500:
			ae.Temporary = true
		case ae.Code == "temporarily_unavailable":
			ae.Temporary = true
		case ae.Code == "":
			// No OAuth error in the body: a gateway's page, not the
			// authorization server's verdict.
			ae.Temporary = !json.Valid(re.Body)
		}
		return ae
	}
	// Network errors, and a 2xx whose body is not a token (an HTML page:
	// "cannot parse json", "missing access_token").
	ae.Temporary = true
	var ue *url.Error
	if errors.As(err, &ue) {
		ae.Err = safeErr(err)
	}
	return ae
}

// safeErr keeps context errors and network causes, and drops any error text
// that could carry a URL, a body or a token.
func safeErr(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New(redact.String(stripURL(ue).Error()))
	}
	return errors.New("token source failed")
}

// accessKeyFetch uses the access-key endpoint: POST JSON
// {"accessKeyId","accessKeySecret"} → {"access_token","expires_in",...}.
func (c *Client) accessKeyFetch(endpoint string) func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
	body, _ := json.Marshal(map[string]string{"accessKeyId": c.cfg.accessKeyID, "accessKeySecret": c.cfg.accessKeySecret})
	return func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		return c.retryToken(ctx, "access key", func() (*oauth2.Token, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", c.cfg.userAgent)
			resp, err := c.plain.Do(req)
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if err != nil {
				return nil, err
			}
			var tj struct {
				AccessToken  string `json:"access_token"`
				TokenType    string `json:"token_type"`
				RefreshToken string `json:"refresh_token"`
				ExpiresIn    int64  `json:"expires_in"`
				IDToken      string `json:"id_token"`
				Error        string `json:"error"`
				Code         string `json:"code"`
				Desc         string `json:"error_description"`
			}
			jerr := json.Unmarshal(data, &tj)
			if resp.StatusCode/100 != 2 || jerr != nil || tj.AccessToken == "" {
				code := tj.Error
				if code == "" {
					code = tj.Code
				}
				return nil, &oauth2.RetrieveError{Response: resp, Body: data, ErrorCode: code, ErrorDescription: tj.Desc}
			}
			tok := &oauth2.Token{AccessToken: tj.AccessToken, TokenType: tj.TokenType, RefreshToken: tj.RefreshToken, ExpiresIn: tj.ExpiresIn}
			if tj.IDToken != "" {
				tok = tok.WithExtra(map[string]any{"id_token": tj.IDToken})
			}
			return tok, nil
		})
	}
}

// claims are what the SDK reads from the id_token. The signature is not
// checked: the token came straight from the token endpoint over TLS, and the
// claims only steer discovery and a safety check.
type claims struct {
	TenantID string `json:"tenantId"`
	UserID   string `json:"userId"`
	Sub      string `json:"sub"`
	Area     string `json:"area"`
}

func idTokenClaims(tok *oauth2.Token) claims {
	var c claims
	idt, _ := tok.Extra("id_token").(string)
	parts := strings.Split(idt, ".")
	if len(parts) < 2 {
		return c
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c
	}
	_ = json.Unmarshal(b, &c)
	return c
}

// discovery is the cxone-configuration answer.
type discovery struct {
	APIEndpoint string `json:"api_endpoint"`
	Area        string `json:"area"`
	Domain      string `json:"domain"`
}

// discoverTokenURL reads the token endpoint from OIDC discovery.
func (c *Client) discoverTokenURL(ctx context.Context) (string, error) {
	var oidc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := c.getJSON(ctx, "oidc discovery", c.cfg.issuer+"/.well-known/openid-configuration", &oidc); err != nil {
		return "", err
	}
	u, err := checkBaseURL("oidc discovery: token_endpoint", oidc.TokenEndpoint)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// discoverHosts reads the tenant's hosts from cxone-configuration.
func (c *Client) discoverHosts(ctx context.Context, tenantID string) (discovery, error) {
	var d discovery
	if tenantID == "" {
		return d, errors.New("cxone: tenant discovery: no tenant id (set WithTenantID, or the base URLs)")
	}
	u := c.cfg.issuer + "/.well-known/cxone-configuration?tenantId=" + url.QueryEscape(tenantID)
	if err := c.getJSON(ctx, "tenant discovery", u, &d); err != nil {
		return d, err
	}
	return d, nil
}

// digitalBaseFrom derives the DFO base: https://api-de-{area}.{domain}/dfo/3.0,
// or {api_endpoint}/dfo/3.0 when asked (some tenants are routed so) or when
// api_endpoint is a loopback host (the simulator serves everything itself).
func (c *Client) digitalBaseFrom(d discovery, apiBase string) (string, error) {
	if c.cfg.digitalViaAPIHost || (apiBase != "" && loopbackURL(apiBase)) {
		return strings.TrimRight(apiBase, "/") + "/dfo/3.0", nil
	}
	if !hostLabel(d.Area) || !hostName(d.Domain) {
		return "", errors.New("cxone: tenant discovery: area or domain missing or malformed; set WithDigitalBase")
	}
	return "https://api-de-" + d.Area + "." + d.Domain + "/dfo/3.0", nil
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && isLoopback(u.Hostname())
}

func hostLabel(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func hostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for l := range strings.SplitSeq(s, ".") {
		if !hostLabel(l) {
			return false
		}
	}
	return true
}

// getJSON fetches an unauthenticated discovery document, retrying what is
// transient like any idempotent call.
func (c *Client) getJSON(ctx context.Context, op, u string, v any) error {
	for attempt := 1; ; attempt++ {
		retryable, err := c.getJSONOnce(ctx, u, v)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("cxone: %s: %w", op, ctx.Err())
		}
		if !retryable || attempt >= c.cfg.maxAttempts {
			return fmt.Errorf("cxone: %s: %w", op, err)
		}
		if err := c.clock.Sleep(ctx, retry.Backoff(c.cfg.baseBackoff, c.cfg.maxBackoff, attempt-1, c.cfg.jitter)); err != nil {
			return fmt.Errorf("cxone: %s: %w", op, err)
		}
	}
}

func (c *Client) getJSONOnce(ctx context.Context, u string, v any) (retryable bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, errors.New("bad URL")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.userAgent)
	resp, err := c.plain.Do(req)
	if err != nil {
		r, _ := retry.TransportError(err)
		return r, stripURL(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return true, stripURL(err)
	}
	if resp.StatusCode != http.StatusOK {
		return retry.Status(resp.StatusCode, true), fmt.Errorf("status %d", resp.StatusCode)
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "text/html" || !json.Valid(data) {
		return true, errors.New("answer is not JSON")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, errors.New("answer does not have the expected shape")
	}
	return false, nil
}

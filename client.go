package cxone

// CONTRACT SKELETON (to be hardened by the core work, issue 2). The exported
// names and signatures in this file are the contract the privacy, digital and
// examples packages build against: keep them, extend them, but do not rename.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// API names one of the two CXone services a request goes to.
type API int

const (
	// Platform is the CXone platform API (privacy, user management), on the
	// api_endpoint found by discovery.
	Platform API = iota + 1
	// Digital is the Digital Experience (DFO) API, base …/dfo/3.0.
	Digital
)

// Client is one authenticated, retrying connection to one CXone tenant. It is
// safe for concurrent use.
type Client struct {
	cfg        config
	httpClient *http.Client
	logger     *slog.Logger

	mu          sync.Mutex
	apiBase     *url.URL
	digitalBase *url.URL
	ts          oauth2.TokenSource
	userID      string
}

// Request is one call through the low-level door [Client.Do]. Path is a
// template such as "/messages/{id}/tags/{tagId}"; each {placeholder} is
// replaced, in order, by the path-escaped Params. Only the template appears in
// errors and logs, so identifiers in Params never leak.
type Request struct {
	Method string
	API    API
	Path   string
	Params []string
	Query  url.Values
	// Body is JSON-encoded once into bytes, so every attempt sends the same bytes.
	Body any
	// Idempotent marks a request that may be retried after an ambiguous
	// failure (the request may have reached the server). GET, PUT and DELETE
	// are idempotent by default; a POST is not unless this is set.
	Idempotent bool
}

// Response is the outcome of [Client.Do]; it is returned even with an error
// when the server answered.
type Response struct {
	*http.Response
	// Attempts is how many HTTP attempts were made.
	Attempts int
	// Ambiguous is true when an earlier attempt failed after the request may
	// have reached the server (the answer was lost) and a retry followed: the
	// server may have acted twice.
	Ambiguous bool
	// RequestID is the server's request or correlation id, if it sent one.
	RequestID string
}

// NewClient discovers the tenant's hosts and prepares authentication.
func NewClient(ctx context.Context, opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	hc := &http.Client{}
	if cfg.httpClient != nil {
		cp := *cfg.httpClient
		hc = &cp
	}
	c := &Client{cfg: cfg, httpClient: hc, logger: cfg.logger}
	if err := c.setup(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) setup(ctx context.Context) error {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.httpClient)
	var oidc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if c.cfg.tokenSource == nil {
		if err := c.getJSON(ctx, strings.TrimRight(c.cfg.issuer, "/")+"/.well-known/openid-configuration", &oidc); err != nil {
			return fmt.Errorf("cxone: oidc discovery: %w", err)
		}
		oc := &oauth2.Config{ClientID: c.cfg.clientID, ClientSecret: c.cfg.clientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: oidc.TokenEndpoint, AuthStyle: oauth2.AuthStyle(c.cfg.authStyle)}, Scopes: []string{"openid"}}
		tok, err := oc.PasswordCredentialsToken(ctx, c.cfg.accessKeyID, c.cfg.accessKeySecret)
		if err != nil {
			return &AuthError{Op: "password grant", Err: err}
		}
		c.ts = oc.TokenSource(context.WithoutCancel(ctx), tok)
		claims := idTokenClaims(tok)
		if c.cfg.tenantID == "" {
			c.cfg.tenantID = claims.TenantID
		}
		c.userID = claims.UserID
		if c.userID == "" {
			c.userID = strings.TrimPrefix(claims.Sub, "user:")
		}
	} else {
		c.ts = c.cfg.tokenSource
	}
	if c.cfg.apiBase == "" || c.cfg.digitalBase == "" {
		var d struct {
			APIEndpoint string `json:"api_endpoint"`
			Area        string `json:"area"`
			Domain      string `json:"domain"`
		}
		u := strings.TrimRight(c.cfg.issuer, "/") + "/.well-known/cxone-configuration?tenantId=" + url.QueryEscape(c.cfg.tenantID)
		if err := c.getJSON(ctx, u, &d); err != nil {
			return fmt.Errorf("cxone: tenant discovery: %w", err)
		}
		if c.cfg.apiBase == "" {
			c.cfg.apiBase = d.APIEndpoint
		}
		if c.cfg.digitalBase == "" {
			c.cfg.digitalBase = "https://api-de-" + d.Area + "." + d.Domain + "/dfo/3.0"
		}
	}
	var err error
	if c.apiBase, err = url.Parse(c.cfg.apiBase); err != nil {
		return fmt.Errorf("cxone: platform base: %w", err)
	}
	if c.digitalBase, err = url.Parse(c.cfg.digitalBase); err != nil {
		return fmt.Errorf("cxone: digital base: %w", err)
	}
	return nil
}

type claims struct {
	TenantID string `json:"tenantId"`
	UserID   string `json:"userId"`
	Sub      string `json:"sub"`
}

func idTokenClaims(tok *oauth2.Token) claims {
	var c claims
	idt, _ := tok.Extra("id_token").(string)
	parts := strings.Split(idt, ".")
	if len(parts) < 2 {
		return c
	}
	b, err := base64URLDecode(parts[1])
	if err != nil {
		return c
	}
	_ = json.Unmarshal(b, &c)
	return c
}

func (c *Client) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// TenantID is the tenant this client talks to.
func (c *Client) TenantID() string { return c.cfg.tenantID }

// AccessKeyID is the id of the access key the client authenticates with
// (empty with a caller's token source). The privacy package uses it to refuse
// deactivating the key's own user.
func (c *Client) AccessKeyID() string { return c.cfg.accessKeyID }

// UserID is the id of the user that owns the access key, read from the
// id_token (claim userId, else sub "user:<id>"); empty when unknown. The
// privacy package uses it to refuse deactivating the key's own user.
func (c *Client) UserID() string { return c.userID }

// Logger is the client's logger (never nil).
func (c *Client) Logger() *slog.Logger { return c.logger }

// Do sends req and, when v is non-nil and the call succeeded, decodes the JSON
// answer into v. Every failure from the server is an [*APIError] (or
// [*RateLimitError], [*AuthError]).
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	base := c.apiBase
	if req.API == Digital {
		base = c.digitalBase
	}
	p, err := expandPath(req.Path, req.Params)
	if err != nil {
		return nil, err
	}
	u := *base
	u.Path = strings.TrimRight(u.Path, "/") + p
	u.RawPath = ""
	if len(req.Query) > 0 {
		u.RawQuery = req.Query.Encode()
	}
	var body []byte
	if req.Body != nil {
		if body, err = json.Marshal(req.Body); err != nil {
			return nil, fmt.Errorf("cxone: encode %s %s: %w", req.Method, req.Path, err)
		}
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.URL.RawPath = ""
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("Accept", "application/json")
	tok, err := c.ts.Token()
	if err != nil {
		return nil, &AuthError{Op: "token", Err: err}
	}
	tok.SetAuthHeader(hr)
	hresp, err := c.httpClient.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("cxone: %s %s: %w", req.Method, req.Path, err)
	}
	defer hresp.Body.Close()
	resp := &Response{Response: hresp, Attempts: 1}
	data, err := io.ReadAll(hresp.Body)
	if err != nil {
		return resp, err
	}
	if hresp.StatusCode >= 300 {
		return resp, newAPIError(req, hresp, data, 1)
	}
	if v != nil && len(data) > 0 {
		if err := json.Unmarshal(data, v); err != nil {
			return resp, fmt.Errorf("cxone: decode %s %s: %w", req.Method, req.Path, err)
		}
	}
	return resp, nil
}

func expandPath(tmpl string, params []string) (string, error) {
	var b strings.Builder
	i := 0
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("cxone: bad path template %q", tmpl)
		}
		if i >= len(params) {
			return "", fmt.Errorf("cxone: path template %q needs more params", tmpl)
		}
		b.WriteString(tmpl[:open])
		b.WriteString(url.PathEscape(params[i]))
		i++
		tmpl = tmpl[open+end+1:]
	}
	if i != len(params) {
		return "", fmt.Errorf("cxone: path template has %d placeholders, got %d params", i, len(params))
	}
	return b.String(), nil
}

var _ = errors.New
var _ = time.Second

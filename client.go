package cxone

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

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/cxprivacy/cxone/internal/clock"
)

// API names one of the two CXone services a request goes to.
type API int

const (
	// Platform is the CXone platform API (privacy, user management), on the
	// api_endpoint found by discovery. A zero API means Platform.
	Platform API = iota + 1
	// Digital is the Digital Experience (DFO) API, base …/dfo/3.0.
	Digital
)

// String names the API in logs.
func (a API) String() string {
	switch a {
	case Platform, 0:
		return "platform"
	case Digital:
		return "digital"
	}
	return fmt.Sprintf("API(%d)", int(a))
}

// Client is one authenticated, retrying connection to one CXone tenant. It is
// safe for concurrent use; share one per tenant, so all calls share its token
// and its rate limit.
type Client struct {
	cfg    config
	logger *slog.Logger
	clock  clock.Clock

	apiBase     *url.URL
	digitalBase *url.URL
	tokens      tokenProvider
	userID      string

	// plain sends unauthenticated requests (discovery, the token endpoint);
	// rc sends API calls through the retrying and the token transports.
	plain *http.Client
	rc    *retryablehttp.Client
}

// Request is one call through the low-level door [Client.Do]. Path is a
// template such as "/messages/{id}/tags/{tagId}"; each {placeholder} is
// replaced, in order, by the path-escaped Params. Only the template appears in
// errors and logs, so identifiers in Params never leak; neither do Query
// values.
type Request struct {
	Method string
	API    API
	Path   string
	Params []string
	Query  url.Values
	// Body is JSON-encoded once into bytes (a []byte or json.RawMessage is
	// sent as is), so every attempt sends the same bytes.
	Body any
	// Idempotent marks a request that may be repeated without changing the
	// outcome, so it is retried after a 500, 502 or 504 and after a
	// connection lost mid-call, without being reported as ambiguous. GET,
	// HEAD, PUT and DELETE are idempotent anyway; a POST is not unless this
	// is set.
	Idempotent bool
	// Limiter, if set, is waited before each attempt of this request, in
	// addition to the client's own limit ([WithRateLimit]). The digital
	// package uses it to respect the documented per-endpoint quotas.
	Limiter *rate.Limiter
}

// Response is the outcome of [Client.Do]; it is returned even with an error
// when the server answered. Its Body has been read and holds the same bytes
// again, so it may be read without closing.
type Response struct {
	*http.Response
	// Attempts is how many HTTP attempts were made (both rounds of a 401
	// refresh included).
	Attempts int
	// Ambiguous is true when an attempt of this non-idempotent request may
	// have reached the server but its answer was lost (connection reset
	// after the request was written), and a retry followed: the server may
	// have acted twice. See the package doc, "Retries and idempotency".
	Ambiguous bool
	// RequestID is the server's request or correlation id, if it sent one.
	RequestID string
}

// NewClient validates opts, discovers the tenant's hosts and obtains a first
// token, so bad credentials fail here rather than on the first call.
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
	c := &Client{cfg: cfg, logger: cfg.logger, clock: cfg.clock}
	if err := c.checkConfig(); err != nil {
		return nil, err
	}
	c.buildTransports()
	if err := c.setup(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) checkConfig() error {
	cfg := &c.cfg
	switch {
	case cfg.tokenSource != nil && cfg.accessKeyEndpoint != nil:
		return errors.New("cxone: WithTokenSource and WithAccessKeyEndpoint exclude each other")
	case cfg.tokenSource != nil:
		return nil
	case cfg.accessKeyID == "":
		return errors.New("cxone: no credentials: set WithAccessKey (and WithClientCredentials), or WithTokenSource")
	case cfg.accessKeyEndpoint == nil && cfg.clientID == "":
		return errors.New("cxone: the password grant needs WithClientCredentials")
	}
	return nil
}

// buildTransports layers, from the wire up: the caller's transport (or a
// pooled clone of http.DefaultTransport), an https-only guard, then for API
// calls the token transport, under go-retryablehttp.
func (c *Client) buildTransports() {
	var base http.RoundTripper
	hc := http.Client{}
	if c.cfg.httpClient != nil {
		hc = *c.cfg.httpClient // a copy: the caller's client is never mutated
		base = hc.Transport
	}
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		base = t
	}
	guarded := guardTransport{next: base}
	plain := hc
	plain.Transport = guarded
	c.plain = &plain
	api := hc
	api.Transport = &tokenTransport{c: c, next: guarded}
	c.rc = &retryablehttp.Client{
		HTTPClient:   &api,
		Logger:       nil, // it would log full URLs; we log templates ourselves
		RetryMax:     c.cfg.maxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      noWait,
		PrepareRetry: c.prepareRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

func (c *Client) setup(ctx context.Context) error {
	cfg := &c.cfg
	switch {
	case cfg.tokenSource != nil:
		c.tokens = externalSource{cfg.tokenSource}
	case cfg.accessKeyEndpoint != nil && *cfg.accessKeyEndpoint != "":
		c.tokens = newCachingSource(c, c.accessKeyFetch(*cfg.accessKeyEndpoint))
	case cfg.accessKeyEndpoint != nil:
		// The endpoint depends on the area: discovery comes first.
	default:
		tokenURL := cfg.tokenURL
		if tokenURL == "" {
			var err error
			if tokenURL, err = c.discoverTokenURL(ctx); err != nil {
				return err
			}
		}
		c.tokens = newCachingSource(c, c.passwordFetch(c.oauthConfig(tokenURL)))
	}
	if src, ok := c.tokens.(*cachingSource); ok {
		// The first token now: bad credentials fail in NewClient, and the
		// id_token names the tenant (for discovery) and the key's owner.
		tok, err := src.token(ctx)
		if err != nil {
			return err
		}
		cl := idTokenClaims(tok)
		if cfg.tenantID == "" {
			cfg.tenantID = cl.TenantID
		}
		c.userID = cl.UserID
		if c.userID == "" {
			c.userID = strings.TrimPrefix(cl.Sub, "user:")
		}
	}

	var d discovery
	needArea := cfg.accessKeyEndpoint != nil && *cfg.accessKeyEndpoint == ""
	if cfg.apiBase == "" || cfg.digitalBase == "" || needArea {
		var err error
		if d, err = c.discoverHosts(ctx, cfg.tenantID); err != nil {
			return err
		}
	}
	if cfg.apiBase == "" {
		u, err := checkBaseURL("tenant discovery: api_endpoint", d.APIEndpoint)
		if err != nil {
			return err
		}
		cfg.apiBase = u.String()
	}
	if cfg.digitalBase == "" {
		db, err := c.digitalBaseFrom(d, cfg.apiBase)
		if err != nil {
			return err
		}
		cfg.digitalBase = db
	}
	if needArea {
		if !hostLabel(d.Area) {
			return errors.New("cxone: tenant discovery: no area for the access-key endpoint; pass its URL to WithAccessKeyEndpoint")
		}
		src := newCachingSource(c, c.accessKeyFetch("https://"+d.Area+".nice-incontact.com/authentication/v1/token/access-key"))
		c.tokens = src
		if _, err := src.token(ctx); err != nil {
			return err
		}
	}
	var err error
	if c.apiBase, err = url.Parse(cfg.apiBase); err != nil {
		return errors.New("cxone: platform base: not a URL")
	}
	if c.digitalBase, err = url.Parse(cfg.digitalBase); err != nil {
		return errors.New("cxone: digital base: not a URL")
	}
	c.logger.DebugContext(ctx, "cxone: client ready", "platform", c.apiBase.Host, "digital", c.digitalBase.Host)
	return nil
}

// TenantID is the tenant this client talks to (empty if neither given nor
// found in the id_token, which only happens with both bases overridden).
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

// BaseURL is the base URL of api, found by discovery or set by an option.
func (c *Client) BaseURL(api API) string {
	if api == Digital {
		return c.digitalBase.String()
	}
	return c.apiBase.String()
}

// maxBody bounds what is read of an answer: CXone's pages are small, and an
// unbounded read would let a broken proxy exhaust memory.
const maxBody = 64 << 20

// Do sends req and, when v is non-nil and the call succeeded, decodes the JSON
// answer into v (a *[]byte receives the raw body). Every failure is typed:
// [*APIError] when the server answered with an error, [*RateLimitError] when
// it asked for too long a wait, [*AuthError] when authentication failed,
// [*TransportError] when no answer came; see [IsAmbiguous].
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	if req == nil {
		return nil, errors.New("cxone: Do: nil request")
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	base := c.apiBase
	if req.API == Digital {
		base = c.digitalBase
	} else if req.API != Platform && req.API != 0 {
		return nil, fmt.Errorf("cxone: %s %s: unknown API %d", method, req.Path, int(req.API))
	}
	p, err := expandPath(req.Path, req.Params)
	if err != nil {
		return nil, err
	}
	u := base.Scheme + "://" + base.Host + strings.TrimRight(base.EscapedPath(), "/") + p
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	var body []byte
	switch b := req.Body.(type) {
	case nil:
	case []byte:
		body = b
	case json.RawMessage:
		body = b
	default:
		if body, err = json.Marshal(req.Body); err != nil {
			return nil, fmt.Errorf("cxone: %s %s: encode body: %w", method, req.Path, err)
		}
	}
	st := &call{
		method:     method,
		path:       req.Path,
		host:       base.Host,
		idempotent: req.Idempotent || idempotentMethod(method),
		limiter:    req.Limiter,
		params:     req.Params,
		query:      req.Query,
	}
	ctx = context.WithValue(ctx, callKey{}, st)

	var hresp *http.Response
	for round := 0; ; round++ {
		var rbody any
		if body != nil {
			rbody = body
		}
		rr, err := retryablehttp.NewRequestWithContext(ctx, method, u, rbody)
		if err != nil {
			return nil, fmt.Errorf("cxone: %s %s: bad request", method, req.Path)
		}
		rr.Header.Set("Accept", "application/json")
		rr.Header.Set("User-Agent", c.cfg.userAgent)
		if body != nil {
			rr.Header.Set("Content-Type", "application/json")
		}
		hresp, err = c.rc.Do(rr)
		if err != nil {
			if hresp != nil {
				hresp.Body.Close()
			}
			return c.callError(st, err)
		}
		if hresp.StatusCode == http.StatusUnauthorized && round == 0 && st.token != "" {
			// The token looked valid to us but not to the server (revoked,
			// clock skew): drop it and try once more with a new one.
			drain(hresp.Body)
			c.logger.DebugContext(ctx, "cxone: 401, renewing the token", "method", method, "path", req.Path)
			c.tokens.invalidate(st.token)
			st.token = ""
			continue
		}
		break
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxBody))
	resp := &Response{Response: hresp, Attempts: st.attempts, Ambiguous: st.ambiguous, RequestID: requestID(hresp.Header)}
	hresp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return resp, &TransportError{Method: method, Path: req.Path, Attempts: st.attempts, Ambiguous: st.ambiguous, Err: stripURL(err)}
	}
	if hresp.StatusCode >= 300 {
		ae := newAPIError(method, req.Path, hresp, data, st.attempts, st.ambiguous, st.sensitive())
		if resp.RequestID == "" {
			resp.RequestID = ae.RequestID
		}
		if hresp.StatusCode == http.StatusUnauthorized {
			return resp, &AuthError{Op: method + " " + req.Path, StatusCode: ae.StatusCode, Code: ae.Code, Description: ae.Message, Attempts: st.attempts}
		}
		c.logger.DebugContext(ctx, "cxone: call failed", "method", method, "path", req.Path, "status", ae.StatusCode, "code", ae.Code, "attempts", st.attempts)
		return resp, ae
	}
	if v != nil && len(data) > 0 {
		if raw, ok := v.(*[]byte); ok {
			*raw = data
		} else if err := json.Unmarshal(data, v); err != nil {
			return resp, fmt.Errorf("cxone: %s %s: decode answer: %w", method, req.Path, redactJSONError(err))
		}
	}
	return resp, nil
}

// callError types an error that came without an answer from the server.
func (c *Client) callError(st *call, err error) (*Response, error) {
	var rle *RateLimitError
	var ae *AuthError
	switch {
	case errors.As(err, &rle):
		rle.Attempts, rle.Ambiguous = st.attempts, st.ambiguous
		return nil, rle
	case errors.As(err, &ae):
		return nil, ae
	}
	te := &TransportError{Method: st.method, Path: st.path, Attempts: st.attempts, Ambiguous: st.ambiguous, Err: stripURL(err)}
	var le *localError
	if errors.As(err, &le) {
		te.Err = le.err
	}
	c.logger.Debug("cxone: call failed without an answer", "method", st.method, "path", st.path, "attempts", st.attempts, "ambiguous", st.ambiguous, "error", te.Err.Error())
	return nil, te
}

// redactJSONError keeps a decode error's kind but not the offending value.
func redactJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("json: field %s: cannot decode %s into %s", te.Field, te.Value, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("json: syntax error at offset %d", se.Offset)
	}
	return errors.New("json: cannot decode")
}

func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<16))
	r.Close()
}

func expandPath(tmpl string, params []string) (string, error) {
	if tmpl == "" || tmpl[0] != '/' {
		return "", fmt.Errorf("cxone: path template %q must start with /", tmpl)
	}
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
		if params[i] == "" {
			return "", fmt.Errorf("cxone: path template %q: param %d is empty", tmpl, i+1)
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

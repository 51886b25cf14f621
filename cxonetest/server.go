// Package cxonetest is an in-memory CXone for tests and examples: one
// loopback httptest server that plays the OIDC issuer, the tenant discovery,
// the token endpoint and the platform and Digital Experience APIs.
//
// Point a client at it with the issuer URL and the demo credentials:
//
//	srv := cxonetest.NewServer()
//	defer srv.Close()
//	c, err := cxone.NewClient(ctx,
//		cxone.WithIssuer(srv.URL),
//		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
//		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret))
//
// Discovery answers with the server's own URL as api_endpoint, so both the
// platform and the DFO base (URL + "/dfo/3.0") point back at it.
//
// The front door (this file) is a model of what public material says about
// CXone authentication, with the simulator's own choices marked as such. It
// injects faults on every API route (see [FaultKind]) from a seed, and counts
// what it saw (see [Server.Stats]).
package cxonetest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Demo credentials of the simulator's tenant. They are fictional.
const (
	DemoTenantID        = "11111111-2222-4333-8444-555555555555"
	DemoClientID        = "demo-client"
	DemoClientSecret    = "demo-client-secret"
	DemoAccessKeyID     = "DEMOKEY123"
	DemoAccessKeySecret = "demo-access-key-secret=="
	// DemoKeyOwnerUserID is the id of the employee who owns the demo access
	// key; the id_token names it (claims userId and sub "user:<id>").
	DemoKeyOwnerUserID = "0b9f1c2e-7a55-4c1d-9e0a-00000000a11c"
)

// Routes of the front door, as patterns for [Server.Script] and keys of
// [Stats].Requests.
const (
	RouteOIDC        = "GET /.well-known/openid-configuration"
	RouteDiscovery   = "GET /.well-known/cxone-configuration"
	RouteToken       = "POST /auth/token"
	RouteAccessKey   = "POST /authentication/v1/token/access-key"
	RouteWhoAmI      = "GET /cxonetest/whoami"
	simulatorArea    = "sim1"
	simulatorDomain  = "cxonetest.invalid"
	defaultSpikeTime = 50 * time.Millisecond
)

// Server is a running simulator. Its zero value is not usable; call NewServer.
type Server struct {
	// URL is the issuer URL (and the platform and DFO base host).
	URL string

	ts  *httptest.Server
	mux *http.ServeMux

	// mu guards the fields below it. Area handlers must not be called with
	// it held.
	mu         sync.Mutex
	tokens     map[string]tokenInfo // access token → when issued, expires
	refresh    map[string]time.Time // refresh token → expiry
	nextID     int
	opts       options
	offset     time.Duration // added to time.Now: see Advance
	keyRevoked bool
	scripts    map[string][]Reply
	lastToken  TokenRequest

	faults faultInjector
	stats  counters

	// State of each area, defined in that area's file.
	privacy privacyState
	users   userState
	digital digitalState
}

type tokenInfo struct {
	issued, expires time.Time
}

type options struct {
	clientID        string
	clientSecret    string
	tokenLifetime   time.Duration
	refreshLifetime time.Duration
	maxTokenAge     time.Duration
	latency         time.Duration
	spike           time.Duration
	faultRate       float64
	faultSeed       int64
	faultKinds      []FaultKind

	// Options of each area, defined in that area's file.
	privacy privacyOptions
	digital digitalOptions
}

// Option configures a Server. Out-of-range values are clamped, never
// panicked on.
type Option func(*options)

// WithClientCredentials changes the registered app's client id and secret
// the token endpoint accepts (default [DemoClientID], [DemoClientSecret]),
// to test secrets with characters that need encoding.
func WithClientCredentials(id, secret string) Option {
	return func(o *options) { o.clientID, o.clientSecret = id, secret }
}

// WithTokenLifetime sets the access token lifetime (default 1h, as CXone's
// samples show).
func WithTokenLifetime(d time.Duration) Option {
	return func(o *options) { o.tokenLifetime = max(d, time.Second) }
}

// WithRefreshLifetime sets the refresh token lifetime (default 2h, as a
// sample shows).
func WithRefreshLifetime(d time.Duration) Option {
	return func(o *options) { o.refreshLifetime = max(d, time.Second) }
}

// WithMaxTokenAge makes API routes refuse (401) tokens issued longer ago
// than d, however long their stated lifetime: a model of a token revoked or
// a server clock ahead of the client's. 0 (default) disables it.
func WithMaxTokenAge(d time.Duration) Option {
	return func(o *options) { o.maxTokenAge = max(d, 0) }
}

// WithLatency delays every API request by d, to model a network.
func WithLatency(d time.Duration) Option { return func(o *options) { o.latency = max(d, 0) } }

// WithFaultLatency sets how long a [FaultLatency] spike lasts (default 50ms).
func WithFaultLatency(d time.Duration) Option { return func(o *options) { o.spike = max(d, 0) } }

// WithFaults injects faults into a fraction rate (clamped to [0, 1]) of API
// requests, choosing among kinds (all kinds when none are given) from a
// random sequence seeded by seed, so a run repeats. With concurrent clients
// the sequence of decisions repeats, though which request gets which may not.
func WithFaults(rate float64, seed int64, kinds ...FaultKind) Option {
	return func(o *options) {
		o.faultRate, o.faultSeed, o.faultKinds = rate, seed, append([]FaultKind(nil), kinds...)
	}
}

// NewServer starts a simulator on loopback. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		mux:     http.NewServeMux(),
		tokens:  map[string]tokenInfo{},
		refresh: map[string]time.Time{},
		scripts: map[string][]Reply{},
		opts:    options{clientID: DemoClientID, clientSecret: DemoClientSecret, tokenLifetime: time.Hour, refreshLifetime: 2 * time.Hour, spike: defaultSpikeTime},
	}
	for _, o := range opts {
		if o != nil {
			o(&s.opts)
		}
	}
	s.faults.set(s.opts.faultRate, s.opts.faultSeed, s.opts.faultKinds)
	s.stats.init()
	s.handle(RouteOIDC, s.handleOIDC)
	s.handle(RouteDiscovery, s.handleCXoneConfig)
	s.handle(RouteToken, s.handleToken)
	s.handle(RouteAccessKey, s.handleAccessKey)
	s.handleAPI(RouteWhoAmI, s.handleWhoAmI)
	s.registerPrivacyRoutes()
	s.registerUserRoutes()
	s.registerDigitalRoutes()
	s.ts = httptest.NewServer(s.mux)
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// APIBase is the platform API base URL.
func (s *Server) APIBase() string { return s.URL }

// DigitalBase is the DFO base URL.
func (s *Server) DigitalBase() string { return s.URL + "/dfo/3.0" }

// Client returns an HTTP client for the server (as httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Now is the simulator's clock: the wall clock moved by [Server.Advance].
// Area handlers use it so tokens, erasures and messages age together.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

// Advance moves the simulator's clock forward, so tokens age without the
// test sleeping.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// RevokeAccessKey makes the demo access key stop working, as when its user
// is deactivated: password grants and refreshes fail with invalid_grant and
// every issued token is refused.
func (s *Server) RevokeAccessKey() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyRevoked = true
	clear(s.tokens)
	clear(s.refresh)
}

// RestoreAccessKey undoes RevokeAccessKey.
func (s *Server) RestoreAccessKey() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyRevoked = false
}

// RevokeTokens forgets every issued access token (refresh tokens still
// work): the next API call with a token that looks valid gets a 401.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// SetMaxTokenAge is [WithMaxTokenAge] at run time.
func (s *Server) SetMaxTokenAge(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.maxTokenAge = max(d, 0)
}

// SetLatency is [WithLatency] at run time.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.latency = max(d, 0)
}

// SetFaults is [WithFaults] at run time; SetFaults(0, 0) switches faults
// off. The random sequence restarts from seed.
func (s *Server) SetFaults(rate float64, seed int64, kinds ...FaultKind) {
	s.faults.set(rate, seed, kinds)
}

// Reply is a scripted answer; see [Server.Script].
type Reply struct {
	Status int
	Header http.Header
	Body   string
	// Fault, if set, is injected instead of an answer (Status and Body are
	// ignored; FaultResetAfter runs the real handler first).
	Fault FaultKind
}

// Script queues replies for the route pattern (as registered, such as
// [RouteToken] or "POST /privacy/v1/erasure"). The next requests to that
// route get them in order, before any authentication check or fault; then
// the route behaves normally again.
func (s *Server) Script(pattern string, replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[pattern] = append(s.scripts[pattern], replies...)
}

func (s *Server) nextScripted(pattern string) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.scripts[pattern]
	if len(q) == 0 {
		return Reply{}, false
	}
	s.scripts[pattern] = q[1:]
	return q[0], true
}

// TokenRequest is what the token endpoint last received, byte for byte, so
// a test can pin how client credentials are sent. It holds secrets: never
// print it.
type TokenRequest struct {
	ContentType   string
	Authorization string
	Body          string
}

// LastTokenRequest returns the last request the token endpoint received.
func (s *Server) LastTokenRequest() TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastToken
}

// TokenRequests is how many requests the token and access-key endpoints got.
func (s *Server) TokenRequests() int {
	st := s.Stats()
	return st.Requests[RouteToken] + st.Requests[RouteAccessKey]
}

// HandleAPI adds an authenticated route to the simulator, with fault
// injection and counting like the built-in ones, for endpoints a test needs
// that the simulator does not model.
func (s *Server) HandleAPI(pattern string, h http.HandlerFunc) { s.handleAPI(pattern, h) }

// handle registers an unauthenticated route (discovery, token): counted and
// scriptable, never faulted.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.stats.request(pattern)
		if rep, ok := s.nextScripted(pattern); ok {
			s.serveScripted(w, r, rep, h)
			return
		}
		h(w, r)
	})
}

// handleAPI registers an authenticated API route: counted, scriptable, its
// bearer token checked, then faults injected.
func (s *Server) handleAPI(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.stats.request(pattern)
		if rep, ok := s.nextScripted(pattern); ok {
			s.serveScripted(w, r, rep, h)
			return
		}
		s.mu.Lock()
		latency := s.opts.latency
		s.mu.Unlock()
		if latency > 0 {
			sleep(r, latency)
		}
		if !s.authorized(r) {
			s.stats.unauthorized()
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Invalid or expired token"})
			return
		}
		if kind, ok := s.faults.next(); ok {
			s.stats.fault(kind)
			if s.inject(w, r, kind, h) {
				return
			}
		}
		h(w, r)
	})
}

func (s *Server) serveScripted(w http.ResponseWriter, r *http.Request, rep Reply, h http.HandlerFunc) {
	if rep.Fault != "" {
		s.stats.fault(rep.Fault)
		if s.inject(w, r, rep.Fault, h) {
			return
		}
		h(w, r)
		return
	}
	for k, vs := range rep.Header {
		w.Header()[k] = vs
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(rep.Body))
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().Add(s.offset)
	ti, ok := s.tokens[tok]
	if !ok || !now.Before(ti.expires) {
		return false
	}
	return s.opts.maxTokenAge == 0 || now.Sub(ti.issued) <= s.opts.maxTokenAge
}

func (s *Server) handleOIDC(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.URL,
		"token_endpoint":                        s.URL + "/auth/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"grant_types_supported":                 []string{"password", "refresh_token"},
		"scopes_supported":                      []string{"openid"},
	})
}

// handleCXoneConfig answers tenant discovery. api_endpoint is the server
// itself; the client derives the DFO base from a loopback api_endpoint as
// api_endpoint + "/dfo/3.0". area and domain are the simulator's (a real
// tenant says, say, na1 and niceincontact.com).
func (s *Server) handleCXoneConfig(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("tenantId") != DemoTenantID {
		writeJSON(w, http.StatusNotFound, map[string]string{"code": "TenantNotFound", "details": "unknown tenant"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"api_endpoint": s.URL, "area": simulatorArea, "domain": simulatorDomain,
		"ui_endpoint": s.URL, "auth_endpoint": s.URL, "cluster": "SIM1", "private": false,
	})
}

// handleToken is the OAuth2 token endpoint: password and refresh_token
// grants, client authentication by HTTP Basic (id and secret
// form-urlencoded first, RFC 6749 §2.3.1 — what CXone does here is not
// documented) or by client_id/client_secret form fields, not both.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	raw, err := readBody(r)
	if err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	s.mu.Lock()
	s.lastToken = TokenRequest{ContentType: r.Header.Get("Content-Type"), Authorization: r.Header.Get("Authorization"), Body: raw}
	s.mu.Unlock()
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	form, err := url.ParseQuery(raw)
	if err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		if form.Has("client_secret") {
			tokenError(w, http.StatusBadRequest, "invalid_request")
			return
		}
		var e1, e2 error
		id, e1 = url.QueryUnescape(id)
		secret, e2 = url.QueryUnescape(secret)
		if e1 != nil || e2 != nil {
			tokenError(w, http.StatusUnauthorized, "invalid_client")
			return
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	s.mu.Lock()
	okClient := id == s.opts.clientID && secret == s.opts.clientSecret
	s.mu.Unlock()
	if !okClient {
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	switch form.Get("grant_type") {
	case "password":
		s.mu.Lock()
		ok := !s.keyRevoked && form.Get("username") == DemoAccessKeyID && form.Get("password") == DemoAccessKeySecret
		s.mu.Unlock()
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
	case "refresh_token":
		rt := form.Get("refresh_token")
		s.mu.Lock()
		exp, ok := s.refresh[rt]
		ok = ok && !s.keyRevoked && time.Now().Add(s.offset).Before(exp)
		delete(s.refresh, rt) // refresh tokens rotate
		s.mu.Unlock()
		if !ok {
			tokenError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	writeJSON(w, http.StatusOK, s.issue(true))
}

// handleAccessKey is the access-key endpoint: JSON
// {"accessKeyId","accessKeySecret"} → a token. Its answer's shape beyond
// access_token is the simulator's guess.
func (s *Server) handleAccessKey(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ID     string `json:"accessKeyId"`
		Secret string `json:"accessKeySecret"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	s.mu.Lock()
	ok := !s.keyRevoked && body.ID == DemoAccessKeyID && body.Secret == DemoAccessKeySecret
	s.mu.Unlock()
	if !ok {
		tokenError(w, http.StatusUnauthorized, "invalid_grant")
		return
	}
	writeJSON(w, http.StatusOK, s.issue(false))
}

// issue mints an access token (and a refresh token if asked) with an
// id_token naming the tenant and the key's owner. The id_token is unsigned:
// the client reads it, it does not verify it.
func (s *Server) issue(withRefresh bool) map[string]any {
	s.mu.Lock()
	s.nextID++
	now := time.Now().Add(s.offset)
	tok := fmt.Sprintf("sim-access-%d-%s", s.nextID, randHex(8))
	s.tokens[tok] = tokenInfo{issued: now, expires: now.Add(s.opts.tokenLifetime)}
	rt := ""
	if withRefresh {
		rt = fmt.Sprintf("sim-refresh-%d-%s", s.nextID, randHex(8))
		s.refresh[rt] = now.Add(s.opts.refreshLifetime)
	}
	life := s.opts.tokenLifetime
	s.mu.Unlock()
	claims, _ := json.Marshal(map[string]any{
		"iss": s.URL, "tenantId": DemoTenantID, "userId": DemoKeyOwnerUserID,
		"sub": "user:" + DemoKeyOwnerUserID, "area": simulatorArea, "iat": now.Unix(),
	})
	idt := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString(claims) + "."
	out := map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(life / time.Second),
		"id_token": idt, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
	}
	if rt != "" {
		out["refresh_token"] = rt
	}
	return out
}

// handleWhoAmI is a simulator-only route (not CXone's): it answers who the
// bearer token belongs to, for checking a client's setup.
func (s *Server) handleWhoAmI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"tenantId": DemoTenantID, "userId": DemoKeyOwnerUserID})
}

func tokenError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func readBody(r *http.Request) (string, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<16))
	return string(b), err
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sleep(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

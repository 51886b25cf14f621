// Package cxonetest is an in-memory CXone for tests and examples.
package cxonetest

// CONTRACT SKELETON (to be hardened by the core work, issue 2). Routes of the
// other areas plug in through the register* functions called in NewServer;
// each area lives in its own file (privacy.go, users.go, digital.go).

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// Server is a running simulator. Its zero value is not usable; call NewServer.
type Server struct {
	// URL is the issuer URL (and the platform and DFO base host).
	URL string

	ts  *httptest.Server
	mux *http.ServeMux

	mu     sync.Mutex
	tokens map[string]time.Time // access token → expiry
	nextID int
	opts   options

	// State of each area, defined in that area's file.
	privacy privacyState
	users   userState
	digital digitalState
}

type options struct {
	tokenLifetime time.Duration

	// Options of each area, defined in that area's file.
	privacy privacyOptions
	digital digitalOptions
}

// Option configures a Server.
type Option func(*options)

// WithTokenLifetime sets the access token lifetime (default 1h).
func WithTokenLifetime(d time.Duration) Option { return func(o *options) { o.tokenLifetime = d } }

// NewServer starts a simulator on loopback. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{mux: http.NewServeMux(), tokens: map[string]time.Time{}, opts: options{tokenLifetime: time.Hour}}
	for _, o := range opts {
		o(&s.opts)
	}
	s.mux.HandleFunc("GET /.well-known/openid-configuration", s.handleOIDC)
	s.mux.HandleFunc("GET /.well-known/cxone-configuration", s.handleCXoneConfig)
	s.mux.HandleFunc("POST /auth/token", s.handleToken)
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

// handleAPI registers an authenticated API route.
func (s *Server) handleAPI(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "invalid token"})
			return
		}
		h(w, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && time.Now().Before(exp)
}

func (s *Server) handleOIDC(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.URL,
		"token_endpoint":                        s.URL + "/auth/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"grant_types_supported":                 []string{"password", "refresh_token"},
	})
}

func (s *Server) handleCXoneConfig(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"api_endpoint": s.URL, "area": "sim1", "domain": strings.TrimPrefix(s.URL, "http://"),
	})
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != DemoClientID || secret != DemoClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") != "password" || r.PostForm.Get("username") != DemoAccessKeyID || r.PostForm.Get("password") != DemoAccessKeySecret {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	s.mu.Lock()
	s.nextID++
	tok := fmt.Sprintf("sim-access-%d", s.nextID)
	s.tokens[tok] = time.Now().Add(s.opts.tokenLifetime)
	s.mu.Unlock()
	claims, _ := json.Marshal(map[string]string{"tenantId": DemoTenantID, "userId": DemoKeyOwnerUserID, "sub": "user:" + DemoKeyOwnerUserID})
	idt := "e30." + base64.RawURLEncoding.EncodeToString(claims) + ".sig"
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer", "expires_in": int(s.opts.tokenLifetime.Seconds()),
		"refresh_token": tok + "-refresh", "id_token": idt,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

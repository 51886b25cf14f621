// Package simtest sets up the module's own tests against the cxonetest
// simulator: it logs a cxone client in with the demo credentials, or fetches
// a bearer token by hand for wire-level tests and net/http baselines, so each
// test package does not carry its own copy of that setup.
//
// It is for tests only. Example functions do not use it: they are
// documentation and show the whole setup themselves.
package simtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
)

// Options are the cxone options that log in to srv with the simulator's demo
// credentials. The bases are left to discovery; callers that want them
// pinned add cxone.WithAPIBase and cxone.WithDigitalBase.
func Options(srv *cxonetest.Server) []cxone.Option {
	return []cxone.Option{
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
	}
}

// Client returns a cxone client of srv logged in with the demo credentials;
// opts come after [Options], so they add to or override them. It stops the
// test if the client cannot be built.
func Client(t testing.TB, srv *cxonetest.Server, opts ...cxone.Option) *cxone.Client {
	t.Helper()
	c, err := cxone.NewClient(context.Background(), append(Options(srv), opts...)...)
	if err != nil {
		t.Fatalf("cxone.NewClient: %v", err)
	}
	return c
}

// New starts a simulator with simOpts, closes it when the test ends, and
// returns it with a [Client] of it built with opts.
func New(t testing.TB, simOpts []cxonetest.Option, opts ...cxone.Option) (*cxonetest.Server, *cxone.Client) {
	t.Helper()
	srv := cxonetest.NewServer(simOpts...)
	t.Cleanup(srv.Close)
	return srv, Client(t, srv, opts...)
}

// Token gets a bearer token from srv's token endpoint (password grant with
// the demo credentials) with a bare net/http client, without the SDK: for
// tests of the simulator's wire and for baselines the SDK is measured
// against. It stops the test unless a non-empty token comes back; the
// failure names the status, never the token.
func Token(t testing.TB, srv *cxonetest.Server) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {cxonetest.DemoAccessKeyID}, "password": {cxonetest.DemoAccessKeySecret}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/auth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(cxonetest.DemoClientID, cxonetest.DemoClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: status %d, err %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

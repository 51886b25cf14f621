package cxone_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
)

type whoAmI struct {
	TenantID string `json:"tenantId"`
	UserID   string `json:"userId"`
}

// BenchmarkClientCall is one authenticated GET through the SDK (retrying
// transport, shared token, typed errors, JSON decoding) against cxonetest.
// Compare with BenchmarkRawHTTPCall: same server, same request.
func BenchmarkClientCall(b *testing.B) {
	_, c := simtest.New(b, nil)
	ctx := context.Background()
	req := &cxone.Request{Method: "GET", Path: "/cxonetest/whoami"}
	b.ReportAllocs()
	for b.Loop() {
		var v whoAmI
		if _, err := c.Do(ctx, req, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawHTTPCall is the same GET with a bare net/http client and a
// fixed bearer header: the floor the SDK's overhead is measured against.
func BenchmarkRawHTTPCall(b *testing.B) {
	srv, c := simtest.New(b, nil)
	ctx := context.Background()
	// Borrow a token the ordinary way, then call by hand.
	tok := bearer(b, srv, c)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	u := srv.URL + "/cxonetest/whoami"
	b.ReportAllocs()
	for b.Loop() {
		r, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("Accept", "application/json")
		r.Header.Set("User-Agent", cxone.DefaultUserAgent)
		resp, err := hc.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		var v whoAmI
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// bearer captures the token the client sends, through a test route.
func bearer(b *testing.B, srv *cxonetest.Server, c *cxone.Client) string {
	var tok string
	srv.HandleAPI("GET /bench/token", func(w http.ResponseWriter, r *http.Request) {
		tok = r.Header.Get("Authorization")[len("Bearer "):]
		w.WriteHeader(204)
	})
	if _, err := c.Do(context.Background(), &cxone.Request{Path: "/bench/token"}, nil); err != nil {
		b.Fatal(err)
	}
	return tok
}

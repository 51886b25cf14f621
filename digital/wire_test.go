package digital_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/digital"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

// setupMux serves the DFO API under a non-empty base path, go-github style,
// so the tests see exactly what goes over the wire.
func setupMux(t *testing.T) (*digital.Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	c, err := cxone.NewClient(context.Background(),
		cxone.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-token"})),
		cxone.WithAPIBase(ts.URL+"/api"), cxone.WithDigitalBase(ts.URL+"/api/dfo/3.0"), cxone.WithTenantID("t"))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := digital.NewClient(c, digital.WithLimits(digital.NoLimits()))
	if err != nil {
		t.Fatal(err)
	}
	return dc, mux
}

func testJSONBody(t *testing.T, r *http.Request, want any) {
	t.Helper()
	data, _ := io.ReadAll(r.Body)
	var got, w any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Errorf("body is not JSON")
		return
	}
	b, _ := json.Marshal(want)
	_ = json.Unmarshal(b, &w)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestWire(t *testing.T) {
	t.Parallel()
	c, mux := setupMux(t)
	ctx := context.Background()
	var seen []string
	mux.HandleFunc("/api/dfo/3.0/", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.EscapedPath())
		if r.Header.Get("Authorization") != "Bearer test-token" {
			t.Errorf("%s: missing bearer token", r.URL.Path)
		}
		switch r.URL.Path {
		case "/api/dfo/3.0/tags":
			testJSONBody(t, r, map[string]string{"title": "Privacy Erasure Requested", "color": "#FFC20A"})
			_, _ = io.WriteString(w, `{"id":7,"title":"Privacy Erasure Requested","color":"#FFC20A"}`)
		case "/api/dfo/3.0/messages/m%2F1/content-removal", "/api/dfo/3.0/messages/m/1/content-removal":
			testJSONBody(t, r, map[string]string{"reason": "GDPR"})
			_, _ = io.WriteString(w, `{"id":"m/1","contactNumber":12345,"contentRemoved":{"reason":"GDPR","removedAt":"2026-03-01T00:00:00Z"}}`)
		default:
			_, _ = io.WriteString(w, `{"id":"x","contactNumber":"99","tags":[{"id":7,"title":"T","color":"#289D29"}]}`)
		}
	})
	tag, err := c.Tags.Create(ctx, "Privacy Erasure Requested", digital.ColorYellow)
	if err != nil || tag.ID != 7 {
		t.Fatalf("Create: %v %+v", err, tag)
	}
	m, err := c.Messages.RemoveContent(ctx, "m/1", digital.ReasonGDPR)
	if err != nil {
		t.Fatal(err)
	}
	if m.ContactNumber != "12345" || m.ContentRemoved.Reason != digital.ReasonGDPR {
		t.Errorf("decoded %+v", m)
	}
	m, err = c.Messages.AddTag(ctx, "x", 7)
	if err != nil || !m.HasTag(7) || m.ContactNumber != "99" {
		t.Errorf("AddTag: %v", err)
	}
	if _, err := c.Messages.RemoveTag(ctx, "x", 7); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"PUT /api/dfo/3.0/tags",
		"POST /api/dfo/3.0/messages/m%2F1/content-removal",
		"PUT /api/dfo/3.0/messages/x/tags/7",
		"DELETE /api/dfo/3.0/messages/x/tags/7",
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

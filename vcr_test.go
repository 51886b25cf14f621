package cxone_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/vcr"
)

// Recorded-HTTP tests of the core: the token exchange, discovery and one API
// call. They replay testdata/cassettes/core.yaml; CXONE_RECORD=1 re-records it
// from cxonetest (or from a real tenant; see package internal/vcr).

// vcrRecordUA is the User-Agent the cassette is recorded with; replay uses
// the default one, so replaying proves the matcher ignores it.
const vcrRecordUA = "cxone-go/vcr-recorder"

func TestVcrCore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	username := vcr.Identifier(t, "CXONE_VCR_USERNAME", cxonetest.DemoAgentUserName)
	ua := cxone.DefaultUserAgent
	if vcr.CurrentMode() != vcr.Replay {
		ua = vcrRecordUA
	}
	s := vcr.Connect(ctx, t, vcr.Config{
		Cassette:  "core",
		IDs:       map[string]string{username: "user-placeholder-1"},
		UserAgent: ua,
	})

	// Discovery and the token exchange happened in Connect (NewClient).
	if !s.FromTenant {
		if got, want := s.API.TenantID(), cxonetest.DemoTenantID; got != want {
			t.Errorf("TenantID() = %q, want %q", got, want)
		}
		if got, want := s.API.UserID(), cxonetest.DemoKeyOwnerUserID; got != want {
			t.Errorf("UserID() = %q, want %q", got, want)
		}
	}
	if s.Mode == vcr.Replay && !s.FromTenant {
		// The recorded discovery named the simulator, whose host the
		// cassette holds as vcr.ReplayHost.
		for api, want := range map[cxone.API]string{cxone.Platform: vcr.ReplayIssuer, cxone.Digital: vcr.ReplayIssuer + "/dfo/3.0"} {
			if got := s.API.BaseURL(api); got != want {
				t.Errorf("BaseURL(%v) = %q, want %q", api, got, want)
			}
		}
	}

	type user struct {
		ID       string `json:"id"`
		UserName string `json:"userName"`
		Status   string `json:"status"`
	}
	var ans struct {
		TotalRecords int    `json:"totalRecords"`
		Users        []user `json:"users"`
	}
	resp, err := s.API.Do(ctx, &cxone.Request{
		Method: http.MethodPost, Path: "/user-management/v2/users/search",
		Body: map[string]any{
			"filter": map[string][]string{"userName": {username}},
			"fields": []string{"id", "userName", "status"},
			"skip":   0, "top": 100,
		},
		Idempotent: true,
	}, &ans)
	if err != nil {
		t.Fatalf("user search: %v", err)
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 1 {
		t.Errorf("user search: status %d after %d attempts, want 200 after 1", resp.StatusCode, resp.Attempts)
	}
	if s.FromTenant {
		return // the tenant's ids are not the demo's
	}
	// The placeholder in the cassette came back as the username sent.
	want := []user{{ID: cxonetest.DemoAgentUserID, UserName: username, Status: cxonetest.StatusActive}}
	if diff := cmp.Diff(want, ans.Users); diff != "" {
		t.Errorf("user search (-want +got):\n%s", diff)
	}
	if ans.TotalRecords != 1 {
		t.Errorf("totalRecords = %d, want 1", ans.TotalRecords)
	}
}

// TestVcrCoreCassette pins what the cassette holds: the exchanges in order,
// recorded with a User-Agent other than the one TestVcrCore replays with, and
// the placeholders instead of the username, the host and the secrets.
func TestVcrCoreCassette(t *testing.T) {
	if vcr.Recording() {
		t.Skip("the cassette is being recorded")
	}
	t.Parallel()
	c, err := cassette.Load("testdata/cassettes/core")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range c.Interactions {
		got = append(got, i.Request.Method+" "+i.Request.URL)
		// The token request goes through golang.org/x/oauth2, which sends
		// no User-Agent of the client's.
		if ua := i.Request.Headers.Get("User-Agent"); ua != vcrRecordUA && !strings.HasSuffix(i.Request.URL, "/auth/token") {
			t.Errorf("interaction %d recorded with User-Agent %q, want %q", i.ID, ua, vcrRecordUA)
		}
		if a := i.Request.Headers.Get("Authorization"); a != "" && a != vcr.Redacted {
			t.Errorf("interaction %d: Authorization not redacted", i.ID)
		}
	}
	want := []string{
		"GET " + vcr.ReplayIssuer + "/.well-known/openid-configuration",
		"POST " + vcr.ReplayIssuer + "/auth/token",
		"GET " + vcr.ReplayIssuer + "/.well-known/cxone-configuration?tenantId=" + cxonetest.DemoTenantID,
		"POST " + vcr.ReplayIssuer + "/user-management/v2/users/search",
	}
	if len(got) > 0 && !strings.HasPrefix(got[0], "GET "+vcr.ReplayIssuer+"/") {
		return // recorded from a real tenant: its hosts, its request bodies
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("interactions (-want +got):\n%s", diff)
	}
	if len(c.Interactions) == 4 {
		if got, want := c.Interactions[1].Request.Body, "grant_type=password&password=REDACTED&scope=openid&username=REDACTED"; got != want {
			t.Errorf("token request body = %q, want %q", got, want)
		}
		if got, want := c.Interactions[3].Request.Body, `{"fields":["id","userName","status"],"filter":{"userName":["user-placeholder-1"]},"skip":0,"top":100}`; got != want {
			t.Errorf("search body = %q, want %q", got, want)
		}
	}
}

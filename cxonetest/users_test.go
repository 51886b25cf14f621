package cxonetest_test

import (
	"testing"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
	"github.com/google/go-cmp/cmp"
)

func TestUserSearch(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer(cxonetest.WithUsers(cxonetest.User{ID: "u-9", UserName: "agent-9", Status: cxonetest.StatusPending}))
	defer srv.Close()
	tok := simtest.Token(t, srv)
	tests := []struct {
		body  string
		total float64
		ids   []any
	}{
		{`{"filter":{"userName":["AGENT-4711"]},"fields":["id","userName","status"]}`, 1, []any{cxonetest.DemoAgentUserID}},
		{`{"filter":{"userName":["nobody"]}}`, 0, []any{}},
		{`{"filter":{}}`, 4, []any{cxonetest.DemoKeyOwnerUserID, cxonetest.DemoAgentUserID, cxonetest.DemoAgent2UserID, "u-9"}},
		{`{"filter":{},"skip":1,"top":2}`, 4, []any{cxonetest.DemoAgentUserID, cxonetest.DemoAgent2UserID}},
		{`{"filter":{"status":["PENDING"]}}`, 1, []any{"u-9"}},
	}
	for _, tt := range tests {
		a := privPost(t, srv, tok, "/user-management/v2/users/search", tt.body)
		ids := []any{}
		for _, u := range a.Body["users"].([]any) {
			ids = append(ids, u.(map[string]any)["id"])
		}
		if diff := cmp.Diff(tt.ids, ids); diff != "" || a.Body["totalRecords"] != tt.total {
			t.Errorf("%s: total %v want %v; ids (-want +got):\n%s", tt.body, a.Body["totalRecords"], tt.total, diff)
		}
	}
}

func TestUserDeactivate(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	tok := simtest.Token(t, srv)
	srv.RefuseDeactivation(cxonetest.DemoAgent2UserID)
	a := privPost(t, srv, tok, "/user-management/v1/users/deactivate",
		`{"userIds":["`+cxonetest.DemoAgentUserID+`","`+cxonetest.DemoAgent2UserID+`","unknown"]}`)
	want := map[string]any{"notDeletedUserIds": []any{cxonetest.DemoAgent2UserID, "unknown"}}
	if diff := cmp.Diff(want, a.Body); diff != "" || a.Status != 200 {
		t.Errorf("status %d; body (-want +got):\n%s", a.Status, diff)
	}
	st1, _ := srv.UserStatus(cxonetest.DemoAgentUserID)
	st2, _ := srv.UserStatus(cxonetest.DemoAgent2UserID)
	if diff := cmp.Diff([]any{cxonetest.StatusDeleted, cxonetest.StatusActive, 1}, []any{st1, st2, srv.Deactivations()}); diff != "" {
		t.Errorf("statuses, deactivations (-want +got):\n%s", diff)
	}
	// Deactivating again is harmless and not counted twice; now USER erasure is allowed.
	privPost(t, srv, tok, "/user-management/v1/users/deactivate", `{"userIds":["`+cxonetest.DemoAgentUserID+`"]}`)
	if e := privPost(t, srv, tok, "/privacy/v1/erasure", `{"subjectIdentifier":"agent-4711","subjectIdentifierType":"USER"}`); e.Status != 202 {
		t.Errorf("USER erasure after deactivation: status %d, want 202", e.Status)
	}
	if a := privPost(t, srv, tok, "/user-management/v1/users/deactivate", `{"userIds":[]}`); a.Status != 400 || a.Body["code"] != "InvalidRequest" {
		t.Errorf("empty userIds: %d %v, want 400 InvalidRequest", a.Status, a.Body["code"])
	}
	if got := srv.Deactivations(); got != 1 {
		t.Errorf("Deactivations = %d, want 1", got)
	}
}

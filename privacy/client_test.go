package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

// newSimClient starts a simulator and a privacy client on it, with short
// retry waits so tests stay fast.
func newSimClient(t testing.TB, simOpts []cxonetest.Option, opts ...privacy.ClientOption) (*cxonetest.Server, *privacy.Client) {
	t.Helper()
	srv := cxonetest.NewServer(simOpts...)
	t.Cleanup(srv.Close)
	c := simtest.Client(t, srv,
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()),
		cxone.WithRetry(4, 2*time.Millisecond, 5*time.Millisecond))
	pc, err := privacy.NewClient(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, pc
}

// newMuxClient serves mux under a non-empty base path and returns a privacy
// client on it (go-github style: the test sees exactly what is sent).
func newMuxClient(t *testing.T, opts ...privacy.ClientOption) (*http.ServeMux, *privacy.Client) {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle("/api/", http.StripPrefix("/api", mux))
	ts := httptest.NewServer(outer)
	t.Cleanup(ts.Close)
	c, err := cxone.NewClient(context.Background(),
		cxone.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)})),
		cxone.WithAPIBase(ts.URL+"/api"), cxone.WithDigitalBase(ts.URL+"/api/dfo/3.0"),
		cxone.WithRetry(2, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := privacy.NewClient(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return mux, pc
}

// testJSONBody checks a request's method and JSON body.
func testJSONBody(t *testing.T, r *http.Request, method, want string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	b, _ := io.ReadAll(r.Body)
	var got, w any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func mustSubject(t testing.TB, typ, raw string) privacy.Subject {
	t.Helper()
	s, err := privacy.ParseSubject(typ, raw)
	if err != nil {
		t.Fatalf("ParseSubject(%s, <len %d>): %v", typ, len(raw), err)
	}
	return s
}

func TestEraseWireBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, raw string
		opts     []privacy.ClientOption
		want     string
	}{
		{"Email", "Ana.Silva@Example.COM", nil, `{"subjectIdentifier":"Ana.Silva@example.com","subjectIdentifierType":"EMAIL"}`},
		{"Phone", "+1 (202) 555-0143", nil, `{"subjectIdentifier":"+12025550143","subjectIdentifierType":"PHONENO"}`},
		{"User", "agent-4711", []privacy.ClientOption{privacy.WithTenant("t-1")}, `{"subjectIdentifier":"agent-4711","subjectIdentifierType":"USER","tenantId":"t-1"}`},
	}
	for _, tt := range tests {
		mux, c := newMuxClient(t, tt.opts...)
		mux.HandleFunc("/privacy/v1/erasure", func(w http.ResponseWriter, r *http.Request) {
			testJSONBody(t, r, http.MethodPost, tt.want)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"requestId":"r-1"}`)
		})
		got, err := c.Erase(context.Background(), mustSubject(t, tt.typ, tt.raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.typ, err)
		}
		want := privacy.Request{RequestID: "r-1", Type: privacy.IdentifierType(tt.typ), Attempts: 1}
		if diff := cmp.Diff(want, got, cmpIgnoreTime); diff != "" {
			t.Errorf("%s: request (-want +got):\n%s", tt.typ, diff)
		}
		if got.SubmittedAt.IsZero() {
			t.Errorf("%s: SubmittedAt is zero", tt.typ)
		}
	}
}

var cmpIgnoreTime = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".SubmittedAt" }, cmp.Ignore())

func TestEraseRefused(t *testing.T) {
	t.Parallel()
	mux, c := newMuxClient(t)
	mux.HandleFunc("/privacy/v1/erasure", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"InvalidRequest","details":"bad","hostName":"h","entityType":"e","errors":[]}`)
	})
	got, err := c.Erase(context.Background(), mustSubject(t, "Email", "ana.silva@example.com"))
	var ae *cxone.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Code != "InvalidRequest" {
		t.Fatalf("err = %v, want *cxone.APIError 400 InvalidRequest", err)
	}
	if diff := cmp.Diff(privacy.Request{Type: privacy.Email, Attempts: 1}, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if strings.Contains(err.Error(), "ana.silva") {
		t.Error("error text holds the identifier")
	}
}

func TestEraseInvalidSubject(t *testing.T) {
	t.Parallel()
	_, c := newMuxClient(t)
	if _, err := c.Erase(context.Background(), privacy.Subject{}); err == nil {
		t.Fatal("Erase of a zero subject: want an error")
	}
}

func TestUsersWireBodies(t *testing.T) {
	t.Parallel()
	mux, c := newMuxClient(t)
	mux.HandleFunc("/user-management/v2/users/search", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, http.MethodPost, `{"filter":{"userName":["Agent-4711"]},"fields":["id","userName","status"],"skip":0,"top":100}`)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"totalRecords":2,"users":[{"id":"u1","userName":"agent-4711","status":"ACTIVE"},{"id":"u2","userName":"agent-47110","status":"ACTIVE"}]}`)
	})
	mux.HandleFunc("/user-management/v1/users/deactivate", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, http.MethodPost, `{"userIds":["u1","u3"]}`)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"notDeletedUserIds":["u3"]}`)
	})
	got, err := c.Users.Find(context.Background(), "Agent-4711")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(privacy.Employee{ID: "u1", UserName: "agent-4711", Status: privacy.UserActive}, got); diff != "" {
		t.Errorf("Find (-want +got):\n%s", diff)
	}
	err = c.Users.Deactivate(context.Background(), "u1", "u3")
	var de *privacy.DeactivateError
	if !errors.As(err, &de) || !errors.Is(err, privacy.ErrNotDeactivated) {
		t.Fatalf("err = %v, want *DeactivateError", err)
	}
	if diff := cmp.Diff([]string{"u3"}, de.UserIDs); diff != "" {
		t.Errorf("not deactivated (-want +got):\n%s", diff)
	}
}

func TestUsersSearchCustomFilterAndPaging(t *testing.T) {
	t.Parallel()
	mux, c := newMuxClient(t, privacy.WithUserSearchFilter(func(u string) any { return map[string]string{"searchText": u} }))
	calls := 0
	mux.HandleFunc("/user-management/v2/users/search", func(w http.ResponseWriter, r *http.Request) {
		calls++
		var body struct {
			Filter map[string]string `json:"filter"`
			Skip   int               `json:"skip"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		if body.Filter["searchText"] != "x" {
			t.Errorf("filter = %v, want the custom shape", body.Filter)
		}
		w.Header().Set("Content-Type", "application/json")
		if body.Skip == 0 {
			io.WriteString(w, `{"totalRecords":2,"users":[{"id":"u1","userName":"a","status":"ACTIVE"}]}`)
			return
		}
		io.WriteString(w, `{"totalRecords":2,"users":[{"id":"u2","userName":"b","status":"DELETED"}]}`)
	})
	var ids []string
	for u, err := range c.Users.Search(context.Background(), "x") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if diff := cmp.Diff([]string{"u1", "u2"}, ids); diff != "" || calls != 2 {
		t.Errorf("calls %d, ids (-want +got):\n%s", calls, diff)
	}
}

func TestUserStatusDeactivated(t *testing.T) {
	t.Parallel()
	got := map[privacy.UserStatus]bool{}
	for _, s := range []privacy.UserStatus{privacy.UserUnregistered, privacy.UserPending, privacy.UserActive, privacy.UserBlocked, privacy.UserDeleted, "INACTIVE", "inactive", "SOMETHING_NEW"} {
		got[s] = s.Deactivated()
	}
	want := map[privacy.UserStatus]bool{"UNREGISTERED": false, "PENDING": false, "ACTIVE": false, "BLOCKED": false, "DELETED": true, "INACTIVE": true, "inactive": true, "SOMETHING_NEW": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Deactivated (-want +got):\n%s", diff)
	}
}

// Case 6: the key owner is refused and nothing is deactivated; an active
// employee is deactivated, then one USER erasure is filed.
func TestEraseUser(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	ctx := context.Background()

	got, err := c.EraseUser(ctx, cxonetest.DemoKeyOwnerUserName)
	if !errors.Is(err, privacy.ErrKeyOwner) {
		t.Fatalf("EraseUser(key owner) err = %v, want ErrKeyOwner", err)
	}
	if got.Deactivated || got.Request.RequestID != "" {
		t.Errorf("key owner: deactivated %v, request id %q; want neither", got.Deactivated, got.Request.RequestID)
	}
	st, _ := srv.UserStatus(cxonetest.DemoKeyOwnerUserID)
	if diff := cmp.Diff([]any{cxonetest.StatusActive, 0, 0}, []any{st, srv.Deactivations(), srv.ErasureRequests()}); diff != "" {
		t.Errorf("key owner: status, deactivations, erasures (-want +got):\n%s", diff)
	}

	got, err = c.EraseUser(ctx, "Agent-4711")
	if err != nil {
		t.Fatal(err)
	}
	rid, _ := srv.ErasureRequestID("USER", cxonetest.DemoAgentUserName)
	want := privacy.UserErasure{
		Employee:    privacy.Employee{ID: cxonetest.DemoAgentUserID, UserName: cxonetest.DemoAgentUserName, Status: privacy.UserDeleted},
		Deactivated: true,
		Request:     privacy.Request{RequestID: rid, Type: privacy.User, Attempts: 1},
	}
	if diff := cmp.Diff(want, got, cmpIgnoreTime); diff != "" {
		t.Errorf("EraseUser (-want +got):\n%s", diff)
	}
	st, _ = srv.UserStatus(cxonetest.DemoAgentUserID)
	if diff := cmp.Diff([]any{cxonetest.StatusDeleted, 1, 1, 1}, []any{st, srv.Deactivations(), srv.ErasureRequests(), srv.ErasureCount("USER", cxonetest.DemoAgentUserName)}); diff != "" {
		t.Errorf("employee: status, deactivations, erasures, USER erasures (-want +got):\n%s", diff)
	}

	// Again: already deactivated, so no deactivate call, one more erasure.
	_, deact0 := srv.UserCalls()
	got, err = c.EraseUser(ctx, cxonetest.DemoAgentUserName)
	if _, deact := srv.UserCalls(); err != nil || got.Deactivated || deact != deact0 {
		t.Errorf("second EraseUser: err %v, deactivated %v, deactivate calls %d→%d; want no deactivation", err, got.Deactivated, deact0, deact)
	}
}

func TestEraseUserFailures(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, []cxonetest.Option{cxonetest.WithUsers(
		cxonetest.User{ID: "dup-1", UserName: "twin", Status: cxonetest.StatusActive},
		cxonetest.User{ID: "dup-2", UserName: "TWIN", Status: cxonetest.StatusActive},
	)})
	srv.RefuseDeactivation(cxonetest.DemoAgent2UserID)
	ctx := context.Background()
	tests := []struct {
		username string
		want     error
	}{
		{"nobody.here", privacy.ErrUserNotFound},
		{"", privacy.ErrUserNotFound},
		{"twin", privacy.ErrAmbiguousUser},
		{cxonetest.DemoAgent2UserName, privacy.ErrNotDeactivated},
	}
	for _, tt := range tests {
		_, err := c.EraseUser(ctx, tt.username)
		if !errors.Is(err, tt.want) {
			t.Errorf("EraseUser(<len %d>) err = %v, want %v", len(tt.username), err, tt.want)
		}
		if tt.username != "" && err != nil && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.username)) {
			t.Errorf("error text holds the username (len %d)", len(tt.username))
		}
	}
	if n := srv.ErasureRequests(); n != 0 {
		t.Errorf("ErasureRequests = %d, want 0", n)
	}
}

func TestEraseUserKeyOwnerUnknown(t *testing.T) {
	t.Parallel()
	_, c := newMuxClient(t) // a caller's token source: no id_token, so no key owner
	if _, err := c.EraseUser(context.Background(), "agent-4711"); !errors.Is(err, privacy.ErrKeyOwnerUnknown) {
		t.Fatalf("err = %v, want ErrKeyOwnerUnknown", err)
	}
}

func TestNewClientOptions(t *testing.T) {
	t.Parallel()
	if _, err := privacy.NewClient(nil); err == nil {
		t.Error("NewClient(nil): want an error")
	}
	_, c := newSimClient(t, nil)
	_ = c
	for name, o := range map[string]privacy.ClientOption{
		"tenant":    privacy.WithTenant(""),
		"key owner": privacy.WithKeyOwner(""),
		"filter":    privacy.WithUserSearchFilter(nil),
	} {
		cc, _ := cxone.NewClient(context.Background(), cxone.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})),
			cxone.WithAPIBase("http://127.0.0.1:1"), cxone.WithDigitalBase("http://127.0.0.1:1/dfo/3.0"))
		if _, err := privacy.NewClient(cc, o); err == nil {
			t.Errorf("%s: want an error for an empty value", name)
		}
	}
}

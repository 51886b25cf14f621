package cxonetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
	"github.com/google/go-cmp/cmp"
)

type privAnswer struct {
	Status     int
	RetryAfter string
	Body       map[string]any
}

// privPost posts body as JSON and decodes the JSON answer.
func privPost(t *testing.T, srv *cxonetest.Server, tok, path, body string) privAnswer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.APIBase()+path, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	a := privAnswer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &a.Body); err != nil {
			t.Fatalf("decode answer: %v", err)
		}
	}
	return a
}

func TestErasureValidation(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	tok := simtest.Token(t, srv)
	fieldErr := func(field, msg string) any { return map[string]any{"field": field, "message": msg} }
	tests := []struct {
		name, body string
		status     int
		code       string
		errs       []any
	}{
		{"not json", `{`, 400, "InvalidRequest", []any{}},
		{"missing identifier", `{"subjectIdentifierType":"EMAIL"}`, 400, "InvalidRequest",
			[]any{fieldErr("subjectIdentifier", "is required")}},
		{"bad type", `{"subjectIdentifier":"ana.silva@example.com","subjectIdentifierType":"Email"}`, 400, "InvalidRequest",
			[]any{fieldErr("subjectIdentifierType", "must be one of EMAIL, PHONENO, USER")}},
		{"missing both", `{}`, 400, "InvalidRequest",
			[]any{fieldErr("subjectIdentifier", "is required"), fieldErr("subjectIdentifierType", "must be one of EMAIL, PHONENO, USER")}},
		{"bad email", `{"subjectIdentifier":"+447700900123","subjectIdentifierType":"EMAIL"}`, 400, "InvalidRequest",
			[]any{fieldErr("subjectIdentifier", "is not an email address")}},
		{"bad phone", `{"subjectIdentifier":"07700 900123","subjectIdentifierType":"PHONENO"}`, 400, "InvalidRequest",
			[]any{fieldErr("subjectIdentifier", "is not an E.164 phone number")}},
		{"other tenant", `{"subjectIdentifier":"+447700900123","subjectIdentifierType":"PHONENO","tenantId":"x"}`, 404, "TenantNotFound", []any{}},
		{"active user", `{"subjectIdentifier":"AGENT-4711","subjectIdentifierType":"USER"}`, 400, cxonetest.CodeUserNotDeactivated, []any{}},
	}
	for _, tt := range tests {
		a := privPost(t, srv, tok, "/privacy/v1/erasure", tt.body)
		want := privAnswer{Status: tt.status, Body: map[string]any{"code": tt.code, "entityType": "ErasureRequest", "hostName": "cxonetest", "errors": tt.errs}}
		details, _ := a.Body["details"].(string)
		if details == "" || strings.Contains(details, "4711") || strings.Contains(details, "example") {
			t.Errorf("%s: details empty or echoing the identifier (len %d)", tt.name, len(details))
		}
		delete(a.Body, "details")
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("%s: answer (-want +got):\n%s", tt.name, diff)
		}
	}
	if got := srv.ErasureRequests(); got != 0 {
		t.Errorf("ErasureRequests = %d, want 0", got)
	}
}

func TestErasureCountsAndDuplicates(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	tok := simtest.Token(t, srv)
	bodies := []string{
		`{"subjectIdentifier":"ana.silva@example.com","subjectIdentifierType":"EMAIL"}`,
		`{"subjectIdentifier":"Ana.Silva@example.com","subjectIdentifierType":"EMAIL"}`,
		`{"subjectIdentifier":"+12025550143","subjectIdentifierType":"PHONENO","tenantId":"` + cxonetest.DemoTenantID + `"}`,
	}
	var ids []any
	for _, b := range bodies {
		a := privPost(t, srv, tok, "/privacy/v1/erasure", b)
		if a.Status != http.StatusAccepted {
			t.Fatalf("status %d, want 202", a.Status)
		}
		ids = append(ids, a.Body["requestId"])
	}
	want := []any{"5e7a0c1d-0000-4000-8000-000000000001", "5e7a0c1d-0000-4000-8000-000000000002", "5e7a0c1d-0000-4000-8000-000000000003"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("request ids (-want +got):\n%s", diff)
	}
	got := []int{srv.ErasureRequests(), srv.DuplicateErasures(), srv.ErasureSubjects(),
		srv.ErasureCount("EMAIL", "ana.silva@example.com"), srv.ErasureCount("PHONENO", "+12025550143"), srv.ErasureCount("USER", "agent-4711")}
	if diff := cmp.Diff([]int{3, 1, 2, 2, 1, 0}, got); diff != "" {
		t.Errorf("requests, duplicates, subjects, counts (-want +got):\n%s", diff)
	}
}

func TestErasureActiveCap(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer(cxonetest.WithErasureActiveLimit(2), cxonetest.WithErasureActiveTime(time.Hour))
	defer srv.Close()
	tok := simtest.Token(t, srv)
	var got []int
	for _, p := range []string{"+447700900101", "+447700900102", "+447700900103"} {
		got = append(got, privPost(t, srv, tok, "/privacy/v1/erasure", `{"subjectIdentifier":"`+p+`","subjectIdentifierType":"PHONENO"}`).Status)
	}
	if diff := cmp.Diff([]int{202, 202, 429}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	a := privPost(t, srv, tok, "/privacy/v1/erasure", `{"subjectIdentifier":"+447700900104","subjectIdentifierType":"PHONENO"}`)
	if a.Status != 429 || a.Body["code"] != cxonetest.CodeActiveRequestLimitExceeded || a.RetryAfter != "3600" {
		t.Errorf("cap answer = %d %v Retry-After %q, want 429 %s 3600", a.Status, a.Body["code"], a.RetryAfter, cxonetest.CodeActiveRequestLimitExceeded)
	}
	if diff := cmp.Diff([]int{2, 2, 2}, []int{srv.ErasureRequests(), srv.ActiveErasures(), srv.ErasureCapHits()}); diff != "" {
		t.Errorf("requests, active, cap hits (-want +got):\n%s", diff)
	}
}

func TestErasureActiveRequestsComplete(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer(cxonetest.WithErasureActiveLimit(1), cxonetest.WithErasureActiveTime(0))
	defer srv.Close()
	tok := simtest.Token(t, srv)
	for _, p := range []string{"+447700900101", "+447700900102"} {
		if a := privPost(t, srv, tok, "/privacy/v1/erasure", `{"subjectIdentifier":"`+p+`","subjectIdentifierType":"PHONENO"}`); a.Status != 202 {
			t.Errorf("status %d, want 202 (requests complete at once)", a.Status)
		}
	}
}

func TestErasureOutageAndDrop(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	defer srv.Close()
	tok := simtest.Token(t, srv)
	body := `{"subjectIdentifier":"+447700900101","subjectIdentifierType":"PHONENO"}`
	srv.FailErasuresAfter(0, http.StatusServiceUnavailable)
	if a := privPost(t, srv, tok, "/privacy/v1/erasure", body); a.Status != 503 || a.Body != nil {
		t.Errorf("outage answer = %d %v, want 503 with an HTML body", a.Status, a.Body)
	}
	srv.FailErasuresAfter(-1, 0)
	srv.DropErasureAnswers(1)
	req, _ := http.NewRequest(http.MethodPost, srv.APIBase()+"/privacy/v1/erasure", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped answer: got status %d, want a transport error", resp.StatusCode)
	}
	if diff := cmp.Diff([]int{1, 1}, []int{srv.ErasureRequests(), srv.DroppedErasureAnswers()}); diff != "" {
		t.Errorf("requests, dropped (-want +got):\n%s", diff)
	}
}

// With the defaults, the 501st active request is pushed back.
func TestErasureDefaultCap(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer(cxonetest.WithErasureActiveTime(time.Hour))
	defer srv.Close()
	tok := simtest.Token(t, srv)
	statuses := map[int]int{}
	for i := range cxonetest.DefaultErasureActiveLimit + 1 {
		a := privPost(t, srv, tok, "/privacy/v1/erasure", fmt.Sprintf(`{"subjectIdentifier":"+1202555%04d","subjectIdentifierType":"PHONENO"}`, i))
		statuses[a.Status]++
	}
	if diff := cmp.Diff(map[int]int{202: 500, 429: 1}, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

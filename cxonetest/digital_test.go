package cxonetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/simtest"
	"github.com/google/go-cmp/cmp"
)

// dfoCall sends one DFO request and decodes the JSON answer.
func dfoCall(t *testing.T, srv *cxonetest.Server, tok, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, _ := http.NewRequest(method, srv.DigitalBase()+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON", method, path)
	}
	return resp.StatusCode, out
}

// errShape reduces a DFO error body to what the tests compare; uid must be set.
func errShape(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	if uid, _ := body["uid"].(string); uid == "" {
		t.Errorf("error body has no uid")
	}
	var out []map[string]any
	errs, _ := body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any))
	}
	return out
}

func TestDigitalValidationErrors(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	t.Cleanup(srv.Close)
	tok := simtest.Token(t, srv)
	msg := srv.DigitalMessages()[0].ID
	e := func(field, code, message string) []map[string]any {
		return []map[string]any{{"field": field, "errorCode": code, "message": message, "parameters": map[string]any{}}}
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     []map[string]any
	}{
		{"blank title", "PUT", "/tags", `{"title":" ","color":"#289D29"}`, 400, e("title", "NotBlank", "title must not be blank")},
		{"bad color", "PUT", "/tags", `{"title":"x","color":"#000000"}`, 400, e("color", "InvalidChoice", "color must be one of the tag palette")},
		{"bad reason", "POST", "/messages/" + msg + "/content-removal", `{"reason":"gdpr"}`, 400, e("reason", "InvalidChoice", "reason must be one of GDPR, TTL, other")},
		{"unknown message", "GET", "/messages/nope", "", 404, e("id", "NotFound", "message not found")},
		{"unknown tag", "PUT", "/messages/" + msg + "/tags/999", "", 404, e("tagId", "NotFound", "tag not found")},
		{"bad direction", "GET", "/messages?direction=sideways", "", 400, e("direction", "InvalidChoice", "direction must be inbound or outbound")},
		{"bad tag id", "GET", "/messages?tag[]=abc", "", 400, e("tag", "InvalidParameter", "tag must hold tag ids")},
		{"bad scroll token", "GET", "/contacts?scrollToken=%21%21", "", 400, e("scrollToken", "InvalidScrollToken", "scrollToken is not valid")},
		{"bad status", "GET", "/contacts?status[]=lost", "", 400, e("status", "InvalidChoice", "status must be a case status")},
		{"bad page", "GET", "/tags?page=0", "", 400, e("page", "InvalidParameter", "page must be a positive integer")},
		{"bad query", "GET", "/customers?query=" + url.QueryEscape(`fullName = "unterminated`), "", 400, e("query", "InvalidQuery", "unterminated string")},
		{"unknown customer", "GET", "/customers/nope", "", 404, e("id", "NotFound", "customer not found")},
		{"unknown contact", "GET", "/contacts/0/messages", "", 404, e("id", "NotFound", "contact not found")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := dfoCall(t, srv, tok, tt.method, tt.path, tt.body)
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			if diff := cmp.Diff(tt.want, errShape(t, body)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	if status, _ := dfoCall(t, srv, "", "GET", "/tags", ""); status != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", status)
	}
}

func TestDigitalRemovalAndTags(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	t.Cleanup(srv.Close)
	tok := simtest.Token(t, srv)
	m := srv.DigitalMessages()[0]
	status, tag := dfoCall(t, srv, tok, "PUT", "/tags", `{"title":"Keep","color":"#e11616"}`)
	if status != 200 || tag["color"] != "#E11616" {
		t.Fatalf("create tag: %d %v", status, tag)
	}
	if status, _ := dfoCall(t, srv, tok, "PUT", "/messages/"+m.ID+"/tags/1", ""); status != 200 {
		t.Fatalf("add tag: %d", status)
	}
	_, ct := dfoCall(t, srv, tok, "GET", "/contacts/"+m.ContactNumber, "")
	if diff := cmp.Diff([]any{map[string]any{"id": 1.0, "title": "Keep", "color": "#E11616"}}, ct["tags"]); diff != "" {
		t.Errorf("case tags (-want +got):\n%s", diff)
	}
	for _, p := range []string{"/content-removal", "/author-name-removal"} {
		if status, _ := dfoCall(t, srv, tok, "POST", "/messages/"+m.ID+p, `{"reason":"GDPR"}`); status != 200 {
			t.Fatalf("%s: %d", p, status)
		}
		status, body := dfoCall(t, srv, tok, "POST", "/messages/"+m.ID+p, `{"reason":"GDPR"}`)
		if status != http.StatusConflict || errShape(t, body)[0]["errorCode"] != "AlreadyRemoved" {
			t.Errorf("second %s: %d %v", p, status, body)
		}
	}
	_, got := dfoCall(t, srv, tok, "GET", "/messages/"+m.ID, "")
	author := got["authorEndUserIdentity"].(map[string]any)
	if author["firstName"] != "" || author["lastName"] != "" || author["idOnExternalPlatform"] != m.AuthorID {
		t.Errorf("author after name removal: names not emptied or id lost")
	}
	if got["messageContent"].(map[string]any)["payload"].(map[string]any)["text"] != "" {
		t.Errorf("content not emptied")
	}
	for _, k := range []string{"contentRemoved", "authorNameRemoved"} {
		r, _ := got[k].(map[string]any)
		if r["reason"] != "GDPR" || r["removedAt"] == "" || r["removedAt"] == nil {
			t.Errorf("%s = %v, want reason GDPR and a time", k, r)
		}
	}
}

func TestDigitalPaging(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	t.Cleanup(srv.Close)
	tok := simtest.Token(t, srv)
	// Ben's 30 cases: 25 then 5, the token empty on the last page.
	_, cust := dfoCall(t, srv, tok, "GET", "/customers?query="+url.QueryEscape(`identityIdOnExternalPlatform IN ("`+cxonetest.DemoDigitalEmailBen+`")`), "")
	id := cust["data"].([]any)[0].(map[string]any)["id"].(string)
	var sizes []int
	tokn := ""
	for range 5 {
		p := "/contacts?sorting=createdAt&sortingType=desc&customerId=" + url.QueryEscape(id)
		if tokn != "" {
			p += "&scrollToken=" + url.QueryEscape(tokn)
		}
		_, page := dfoCall(t, srv, tok, "GET", p, "")
		sizes = append(sizes, len(page["data"].([]any)))
		if page["hits"] != 30.0 {
			t.Errorf("hits = %v, want 30", page["hits"])
		}
		tokn, _ = page["scrollToken"].(string)
		if tokn == "" {
			break
		}
	}
	if diff := cmp.Diff([]int{25, 5}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	// Customers page with page and size.
	var names []string
	for p := 1; p <= 3; p++ {
		_, page := dfoCall(t, srv, tok, "GET", "/customers?size=4&page="+string(rune('0'+p)), "")
		for _, c := range page["data"].([]any) {
			names = append(names, c.(map[string]any)["fullName"].(string))
		}
	}
	want := []string{"Ana Silva", "Ben Okafor", "Chloe Martin", "Dev Patel", "Eva Novak", "Ana S.", "Gus Lee", "Hana Kim"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
}

func TestDigitalDemoTenant(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	t.Cleanup(srv.Close)
	got := map[string]int{}
	for _, id := range cxonetest.DemoDigitalSubjects() {
		got[id] = len(srv.DigitalCases(id))
	}
	want := map[string]int{
		cxonetest.DemoDigitalEmailAna: 5, cxonetest.DemoDigitalPhoneAna: 5, cxonetest.DemoDigitalEmailBen: 30,
		cxonetest.DemoDigitalEmailChloe: 4, cxonetest.DemoDigitalPhoneChloe: 4, cxonetest.DemoDigitalEmailDev: 3,
		cxonetest.DemoDigitalPhoneDev: 3, cxonetest.DemoDigitalEmailEva: 2, cxonetest.DemoDigitalEmailPlus: 2,
		cxonetest.DemoDigitalPhoneEndUserOnly: 2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cases per demo subject (-want +got):\n%s", diff)
	}
	in, out := 0, 0
	for _, m := range srv.DigitalMessages() {
		if m.Direction == "inbound" {
			in++
		} else {
			out++
		}
	}
	if in == 0 || out == 0 {
		t.Errorf("want inbound and outbound messages, got %d and %d", in, out)
	}
	empty := cxonetest.NewServer(cxonetest.WithoutDigitalDemo(), cxonetest.WithDigitalLargeTenant(3, 2))
	defer empty.Close()
	if n := len(empty.DigitalMessages()); n != 3*2*3 {
		t.Errorf("large tenant messages = %d, want 18", n)
	}
	if n := len(empty.DigitalCases(cxonetest.LargeTenantEmail(2))); n != 2 {
		t.Errorf("large tenant cases of customer 2 = %d, want 2", n)
	}
}

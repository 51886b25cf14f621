package vcr

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// echoServer answers with the identifiers it was sent, plus a stranger's
// address and phone number the test never named, and a name field.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"q":         r.URL.Query().Get("q"),
			"subject":   in["subject"],
			"ua":        r.UserAgent(),
			"cc":        "gus.lee@example.com",
			"ccPhone":   "+447700900789",
			"firstName": "Gus",
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, hc *http.Client, base, ua, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/v1/things?q="+url.QueryEscape("ana+gdpr@example.com"), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Authorization", "Bearer tok-secret-1")
	req.Header.Set("X-Request-Id", ua) // differs between the runs too
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength >= 0 && resp.ContentLength != int64(len(data)) {
		t.Errorf("ContentLength %d, body %d bytes", resp.ContentLength, len(data))
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return out
}

// TestRecordThenReplay records an exchange with one User-Agent, request id
// and port, then replays it with others and the JSON body's keys reordered:
// the matcher ignores all of that, and the replayed answer holds the test's
// own identifiers again, while strangers keep their placeholders.
func TestRecordThenReplay(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "testdata", "cassettes", "echo")
	ids := map[string]string{
		"ana+gdpr@example.com": "name-1@" + PlaceholderDomain,
		"+447700900123":        "+000000000001",
	}
	var recorded map[string]any
	t.Run("record", func(t *testing.T) {
		srv := echoServer(t)
		hc := newClient(t, path, NewScrubber(ids), true)
		recorded = post(t, hc, srv.URL, "recorder/1", `{"subject":"+447700900123","n":1}`)
	})
	raw, err := os.ReadFile(path + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	if leaks := Leaks(string(raw), "tok-secret-1", "Gus"); len(leaks) > 0 {
		t.Errorf("recorded cassette leaks: %q", leaks)
	}
	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	i := c.Interactions[0]
	if got, want := i.Request.URL, "q="+url.QueryEscape("name-1@"+PlaceholderDomain); !strings.HasSuffix(got, want) {
		t.Errorf("recorded URL %q, want it to end in %q", got, want)
	}
	var ans map[string]any
	if err := json.Unmarshal([]byte(i.Response.Body), &ans); err != nil {
		t.Fatal(err)
	}
	wantRecorded := map[string]any{
		"q": "name-1@" + PlaceholderDomain, "subject": "+000000000001", "ua": "recorder/1",
		"cc": "redacted-1@" + PlaceholderDomain, "ccPhone": "+000000009001", "firstName": Redacted,
	}
	if diff := cmp.Diff(wantRecorded, ans); diff != "" {
		t.Errorf("recorded answer (-want +got):\n%s", diff)
	}
	if got, want := i.Response.ContentLength, int64(len(i.Response.Body)); got != want {
		t.Errorf("recorded content length %d, body %d bytes", got, want)
	}

	t.Run("replay", func(t *testing.T) {
		hc := newClient(t, path, NewScrubber(ids), false)
		// Another host (never dialled), User-Agent and key order.
		got := post(t, hc, "http://127.0.0.1:9", "replayer/2", `{"n":1,"subject":"+447700900123"}`)
		want := map[string]any{
			"q": "ana+gdpr@example.com", "subject": "+447700900123", "ua": "recorder/1",
			"cc": "redacted-1@" + PlaceholderDomain, "ccPhone": "+000000009001", "firstName": Redacted,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("replayed answer (-want +got):\n%s", diff)
		}
		if recorded["ua"] != "recorder/1" {
			t.Errorf("recording saw User-Agent %v", recorded["ua"])
		}
	})

	t.Run("mismatch", func(t *testing.T) {
		hc := newClient(t, path, NewScrubber(ids), false)
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/v1/things?q=other", strings.NewReader(`{"subject":"+447700900123","n":1}`))
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			t.Error("a request with another query replayed; want no match")
		}
	})
}

func TestUnscrubLongestPlaceholderFirst(t *testing.T) {
	t.Parallel()
	sc := NewScrubber(map[string]string{"alice": "user-placeholder-1", "bob": "user-placeholder-10"})
	if got, want := sc.Unscrub("user-placeholder-10 user-placeholder-1"), "bob alice"; got != want {
		t.Errorf("Unscrub = %q, want %q", got, want)
	}
}

func TestAutoScrubTakesTheAddressAlone(t *testing.T) {
	t.Parallel()
	sc := NewScrubber(nil)
	a := &autoScrub{sc: sc}
	q := url.Values{"query": {`identityIdOnExternalPlatform IN ("gus.lee@example.com")`}}.Encode()
	i := &cassette.Interaction{
		Request:  cassette.Request{URL: "http://127.0.0.1:9/customers?" + q},
		Response: cassette.Response{Body: `{"id":"gus.lee@example.com","phone":"+447700900789"}`},
	}
	if err := a.hook(i); err != nil {
		t.Fatal(err)
	}
	wantQ := url.Values{"query": {`identityIdOnExternalPlatform IN ("redacted-1@placeholder.invalid")`}}.Encode()
	if got, want := i.Request.URL, "http://127.0.0.1:9/customers?"+wantQ; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if got, want := i.Response.Body, `{"id":"redacted-1@placeholder.invalid","phone":"+000000009001"}`; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestRedactPersonalFields(t *testing.T) {
	t.Parallel()
	in := `{"fullName":"Ana Silva","identities":[{"firstName":"Ana","lastName":"Sil\"va","nickname":""}],"payload":{"text":"Hi"},"title":"Privacy Erasure Requested"}`
	want := `{"fullName":"REDACTED","identities":[{"firstName":"REDACTED","lastName":"REDACTED","nickname":"REDACTED"}],"payload":{"text":"REDACTED"},"title":"Privacy Erasure Requested"}`
	if got := redactPersonalFields(in); got != want {
		t.Errorf("redactPersonalFields:\n got %s\nwant %s", got, want)
	}
}

func TestMatcherTokenRequests(t *testing.T) {
	t.Parallel()
	m := matcher(NewScrubber(nil))
	recorded := cassette.Request{Method: http.MethodPost, URL: ReplayIssuer + "/auth/token", Body: "grant_type=password&password=REDACTED&username=REDACTED"}
	tests := []struct {
		body string
		want bool
	}{
		{"grant_type=password&username=OTHERKEY&password=other", true},
		{"grant_type=refresh_token&refresh_token=r1", false},
	}
	for i, tt := range tests {
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:4242/auth/token", strings.NewReader(tt.body))
		if got := m(r, recorded); got != tt.want {
			t.Errorf("case %d: match = %v, want %v", i, got, tt.want)
		}
	}
}

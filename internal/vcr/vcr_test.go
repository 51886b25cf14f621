package vcr

import (
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

func TestScrubberForms(t *testing.T) {
	t.Parallel()
	sc := NewScrubber(map[string]string{
		"ana+gdpr@example.com": "email-1@" + PlaceholderDomain,
		"+447700900123":        "+000000000001",
		"s3cr3t":               Redacted,
	})
	tests := []struct{ in, want string }{
		{`{"subjectIdentifier":"ana+gdpr@example.com"}`, `{"subjectIdentifier":"email-1@placeholder.invalid"}`},
		{`query=ana%2Bgdpr%40example.com&p=%2B447700900123`, `query=email-1%40placeholder.invalid&p=%2B000000000001`},
		{`/customers/+447700900123/x`, `/customers/+000000000001/x`},
		{`key=s3cr3t`, `key=REDACTED`},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, sc.Scrub(tt.in)); diff != "" {
			t.Errorf("Scrub mismatch (-want +got):\n%s", diff)
		}
	}
	// Unscrub restores identifiers but never secrets.
	if got, want := sc.Unscrub(`{"a":"email-1@placeholder.invalid","k":"REDACTED"}`), `{"a":"ana+gdpr@example.com","k":"REDACTED"}`; got != want {
		t.Errorf("Unscrub = %q, want %q", got, want)
	}
}

func TestScrubInteractionTokenExchange(t *testing.T) {
	t.Parallel()
	claims, _ := json.Marshal(map[string]string{"tenantId": "t-1", "email": "ana.silva@example.com"})
	idt := "e30." + base64.RawURLEncoding.EncodeToString(claims) + ".sig"
	body, _ := json.Marshal(map[string]any{"access_token": "tok_SECRET_1", "refresh_token": "ref_SECRET", "id_token": idt, "expires_in": 3600})
	i := &cassette.Interaction{
		Request: cassette.Request{
			URL:     "http://127.0.0.1:1/auth/token",
			Method:  "POST",
			Body:    "grant_type=password&username=KEYID&password=Zx9%2B%2FkQ%3D%3D",
			Headers: map[string][]string{"Authorization": {"Basic ZGVtbzpzZWNyZXQ="}},
		},
		Response: cassette.Response{Body: string(body)},
	}
	if err := scrubInteraction(i, NewScrubber(nil)); err != nil {
		t.Fatal(err)
	}
	text := i.Request.Body + i.Response.Body + strings.Join(i.Request.Headers["Authorization"], "")
	for _, secret := range []string{"KEYID", "Zx9", "tok_SECRET_1", "ref_SECRET", "ana.silva", "ZGVtbzpzZWNyZXQ"} {
		if strings.Contains(text, secret) {
			t.Errorf("scrubbed token exchange still holds secret #%d", len(secret))
		}
	}
	if !strings.Contains(i.Response.Body, base64.RawURLEncoding.EncodeToString([]byte(`{"tenantId":"t-1"}`))) {
		t.Errorf("id_token lost its tenantId claim: %s", i.Response.Body)
	}
	if got, want := i.Request.Body, "grant_type=password&password=REDACTED&username=REDACTED"; got != want {
		t.Errorf("token request body = %q, want %q", got, want)
	}
}

func TestLeaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want int
	}{
		{"subjectIdentifier: email-1@placeholder.invalid", 0},
		{"subjectIdentifier: ana.silva@example.com", 1},
		{"q=ana.silva%40example.com", 1},
		{"phone +447700900123", 1},
		{"phone %2B447700900123", 1},
		{"phone +000000000001", 0},
		{"Authorization: Bearer REDACTED", 0},
		{"Authorization: Bearer sim-access-1", 1},
		{"created 2026-12-03T15:00:00+00:00", 0},
	}
	for _, tt := range tests {
		if got := Leaks(tt.text); len(got) != tt.want {
			t.Errorf("Leaks(case %q…) found %d, want %d", tt.text[:8], len(got), tt.want)
		}
	}
	if got := Leaks("x demo-client-secret y", "demo-client-secret"); len(got) != 1 {
		t.Errorf("Leaks missed a named secret: %v", got)
	}
}

// TestCassettesHoldNoSecrets is the guard: every cassette in the module must
// be free of bearer tokens, the simulator's secrets and any email address or
// phone number that is not a placeholder.
func TestCassettesHoldNoSecrets(t *testing.T) {
	t.Parallel()
	root := "../.."
	secrets := []string{"demo-client-secret", "demo-access-key-secret", "DEMOKEY123", "sim-access-", os.Getenv("CXONE_CLIENT_SECRET"), os.Getenv("CXONE_ACCESS_KEY_SECRET"), os.Getenv("CXONE_ACCESS_KEY_ID")}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".yaml") || !strings.Contains(filepath.ToSlash(path), "/testdata/") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		for _, leak := range Leaks(string(b), secrets...) {
			t.Errorf("%s holds %s", path, leak)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scanned %d cassettes", n)
}

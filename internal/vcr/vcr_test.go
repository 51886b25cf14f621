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

	"github.com/cxprivacy/cxone/cxonetest"
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

// minCassettes is how many cassettes the module's recorded-HTTP tests hold
// (core; privacy: erase, erase_user; digital: ensure_tags, erase_message).
// The guard fails below it, so a walk that finds nothing cannot pass.
const minCassettes = 5

// guardSecrets are the strings no cassette may hold: the simulator's
// credentials and tokens, its demo identifiers, and the real tenant's
// credentials when they are in the environment.
func guardSecrets() []string {
	secrets := []string{
		cxonetest.DemoClientSecret, cxonetest.DemoAccessKeySecret, cxonetest.DemoAccessKeyID, "sim-access-", "sim-refresh-",
		os.Getenv(EnvClientSecret), os.Getenv(EnvAccessKeySecret), os.Getenv(EnvAccessKeyID),
	}
	for real := range DemoPlaceholders() {
		secrets = append(secrets, real)
	}
	return secrets
}

// scanCassettes checks every testdata/**/*.yaml under root.
func scanCassettes(root string, secrets []string) (n int, leaks []string, err error) {
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
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
			leaks = append(leaks, path+" holds "+leak)
		}
		return nil
	})
	return n, leaks, err
}

// TestCassettesHoldNoSecrets is the guard: every cassette in the module must
// be free of bearer tokens, the simulator's secrets and demo identifiers, and
// any email address or phone number that is not a placeholder.
func TestCassettesHoldNoSecrets(t *testing.T) {
	t.Parallel()
	n, leaks, err := scanCassettes("../..", guardSecrets())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leaks {
		t.Error(l)
	}
	if n < minCassettes {
		t.Errorf("scanned %d cassettes, want at least %d", n, minCassettes)
	}
	t.Logf("scanned %d cassettes", n)
}

// TestGuardCatchesPlantedLeak plants one leak of each kind in a cassette of
// a temporary module and checks that the guard reports every one of them.
func TestGuardCatchesPlantedLeak(t *testing.T) {
	t.Parallel()
	jwt := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"tenantId":"t"}`)) + ".c2lnbmF0dXJl"
	leaks := []struct {
		name, text, want string
	}{
		{"bearer", "Authorization: [Bearer sim-access-7-0a1b2c3d]", "a bearer token"},
		{"basic", "Authorization: [Basic ZGVtby1jbGllbnQ6c2VjcmV0]", "basic credentials"},
		{"email", `body: '{"subjectIdentifier":"ana.silva@example.com"}'`, "an email address (21 chars)"},
		{"encoded email", "url: http://127.0.0.1:9/x?q=ana.silva%40example.com", "an email address (23 chars)"},
		{"phone", `body: '{"subjectIdentifier":"+447700900123"}'`, "a phone number"},
		{"encoded phone", "url: http://127.0.0.1:9/x?p=%2B12025550143", "a phone number"},
		{"signed JWT", `body: '{"id_token":"` + jwt + `"}'`, "a signed JWT"},
		{"access token", `body: '{"access_token":"opaque-7"}'`, "a token in a token response"},
		{"demo secret", "body: password=" + cxonetest.DemoAccessKeySecret, "secret #1"},
		{"demo username", `body: '{"userName":"` + cxonetest.DemoAgentUserName + `"}'`, "secret #"},
	}
	for _, tt := range leaks {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			dir := filepath.Join(root, "pkg", "testdata", "cassettes")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			text := "---\nversion: 2\ninteractions:\n  - " + tt.text + "\n"
			if err := os.WriteFile(filepath.Join(dir, "planted.yaml"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			n, got, err := scanCassettes(root, guardSecrets())
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || len(got) == 0 {
				t.Fatalf("guard scanned %d cassettes and found %d leaks, want 1 and at least 1", n, len(got))
			}
			found := false
			for _, g := range got {
				found = found || strings.Contains(g, tt.want)
			}
			if !found {
				t.Errorf("guard reports %q, want one with %q", got, tt.want)
			}
			// The report names the kind of leak, never the value.
			for _, g := range got {
				for _, v := range []string{"ana.silva", "7700900123", "sim-access-7", "opaque-7", cxonetest.DemoAccessKeySecret, cxonetest.DemoAgentUserName} {
					if strings.Contains(g, v) {
						t.Errorf("guard report repeats a planted value")
					}
				}
			}
		})
	}
	// A scrubbed cassette passes.
	clean := `{"access_token":"REDACTED","id_token":"e30.eyJ0ZW5hbnRJZCI6InQifQ.REDACTED"} Authorization: [Bearer REDACTED] name-1@placeholder.invalid %2B000000000001 +000000008001 user-placeholder-1`
	if got := Leaks(clean, guardSecrets()...); len(got) != 0 {
		t.Errorf("Leaks(scrubbed text) = %q, want none", got)
	}
}

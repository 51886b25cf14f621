// Package vcr records and replays the SDK's HTTP exchanges with go-vcr v4,
// scrubbing secrets and personal data before a cassette reaches the disk.
//
// Cassettes are replayed in replay-only mode unless CXONE_RECORD=1 is set;
// then the test records afresh (against cxonetest, or against a real tenant
// when the test is given credentials). Scrubbing replaces the Authorization
// header, client secrets, access keys, tokens in token responses and every
// subject identifier the test names with stable placeholders. The matcher
// compares method, path, query and body after the same scrubbing, and ignores
// the host and every header (Authorization, User-Agent, request ids), so a
// cassette recorded with one user agent or port replays with another. On
// replay, placeholders in response bodies are mapped back to the test's own
// identifiers, so the code under test sees the values it asked for.
package vcr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// RecordEnv is the environment variable that switches tests to recording.
const RecordEnv = "CXONE_RECORD"

// Recording reports whether tests should record new cassettes.
func Recording() bool { return os.Getenv(RecordEnv) == "1" }

// Placeholders used in cassettes. The guard test accepts these and nothing
// else that looks like an identifier or a secret.
const (
	PlaceholderDomain = "placeholder.invalid"
	Redacted          = "REDACTED"
)

// Scrubber replaces known identifiers and secrets with placeholders, and maps
// placeholders back on replay. Replacements are applied longest first, in the
// raw, URL-encoded (query and path) and JSON-escaped forms.
type Scrubber struct {
	pairs []pair // real → placeholder, longest real first
}

type pair struct{ real, placeholder string }

// NewScrubber builds a scrubber from real → placeholder pairs. Secrets map to
// [Redacted]; identifiers should map to placeholders of the same kind
// (an email to name@placeholder.invalid, a phone to +000…, a username to
// user-placeholder-N) so the code under test still parses them.
func NewScrubber(m map[string]string) *Scrubber {
	s := &Scrubber{}
	for real, ph := range m {
		if real == "" {
			continue
		}
		for _, form := range forms(real) {
			s.pairs = append(s.pairs, pair{form, encodeLike(form, real, ph)})
		}
	}
	sort.SliceStable(s.pairs, func(i, j int) bool {
		if len(s.pairs[i].real) != len(s.pairs[j].real) {
			return len(s.pairs[i].real) > len(s.pairs[j].real)
		}
		return s.pairs[i].real < s.pairs[j].real
	})
	return s
}

// forms are the spellings of v that may appear on the wire.
func forms(v string) []string {
	out := []string{v}
	for _, f := range []string{url.QueryEscape(v), url.PathEscape(v), jsonEscape(v)} {
		if f != v && !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// encodeLike encodes ph the way form encodes real.
func encodeLike(form, real, ph string) string {
	switch form {
	case real:
		return ph
	case url.QueryEscape(real):
		return url.QueryEscape(ph)
	case url.PathEscape(real):
		return url.PathEscape(ph)
	default:
		return jsonEscape(ph)
	}
}

func jsonEscape(v string) string {
	b, _ := json.Marshal(v)
	return string(b[1 : len(b)-1])
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Scrub replaces every known real value in s by its placeholder.
func (sc *Scrubber) Scrub(s string) string {
	for _, p := range sc.pairs {
		s = strings.ReplaceAll(s, p.real, p.placeholder)
	}
	return s
}

// Unscrub maps placeholders back to the real values (used on replay).
func (sc *Scrubber) Unscrub(s string) string {
	for _, p := range sc.pairs {
		if p.placeholder == Redacted || strings.Contains(p.placeholder, Redacted) {
			continue
		}
		s = strings.ReplaceAll(s, p.placeholder, p.real)
	}
	return s
}

// New starts a recorder for the named cassette (testdata/cassettes/NAME.yaml
// of the calling package) and returns an HTTP client that goes through it.
// In replay mode a missing cassette fails the test with a hint.
func New(t testing.TB, name string, sc *Scrubber) *http.Client {
	t.Helper()
	mode := recorder.ModeReplayOnly
	if Recording() {
		mode = recorder.ModeRecordOnly
	}
	path := "testdata/cassettes/" + name
	if mode == recorder.ModeReplayOnly {
		if _, err := os.Stat(path + ".yaml"); err != nil {
			t.Fatalf("cassette %s.yaml is missing; record it with %s=1 go test", path, RecordEnv)
		}
	}
	rec, err := recorder.New(path,
		recorder.WithMode(mode),
		recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(matcher(sc)),
		recorder.WithHook(func(i *cassette.Interaction) error { return scrubInteraction(i, sc) }, recorder.BeforeSaveHook),
		recorder.WithHook(func(i *cassette.Interaction) error {
			if mode == recorder.ModeReplayOnly {
				i.Response.Body = sc.Unscrub(i.Response.Body)
			}
			return nil
		}, recorder.BeforeResponseReplayHook),
	)
	if err != nil {
		t.Fatalf("vcr: %v", err)
	}
	t.Cleanup(func() {
		if err := rec.Stop(); err != nil {
			t.Errorf("vcr: saving cassette: %v", err)
		}
	})
	return &http.Client{Transport: rec}
}

// matcher compares method, path, query and body after scrubbing; the token
// endpoint's body (credentials) is not compared.
func matcher(sc *Scrubber) recorder.MatcherFunc {
	return func(r *http.Request, i cassette.Request) bool {
		if r.Method != i.Method {
			return false
		}
		ru := *r.URL
		iu, err := url.Parse(i.URL)
		if err != nil {
			return false
		}
		if sc.Scrub(ru.EscapedPath()) != iu.EscapedPath() {
			return false
		}
		if !sameQuery(sc.Scrub(ru.RawQuery), iu.RawQuery) {
			return false
		}
		if isTokenRequest(iu.Path) {
			return true
		}
		var body []byte
		if r.Body != nil {
			body, err = io.ReadAll(r.Body)
			if err != nil {
				return false
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		return sc.Scrub(string(body)) == i.Body
	}
}

func sameQuery(a, b string) bool {
	qa, err1 := url.ParseQuery(a)
	qb, err2 := url.ParseQuery(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return qa.Encode() == qb.Encode()
}

func isTokenRequest(path string) bool {
	return strings.HasSuffix(path, "/token") || strings.Contains(path, "/token/")
}

var tokenFields = []string{"access_token", "refresh_token", "id_token", "accessToken", "refreshToken", "idToken"}

// scrubInteraction removes secrets and identifiers from one interaction.
func scrubInteraction(i *cassette.Interaction, sc *Scrubber) error {
	i.Request.Headers = scrubHeaders(i.Request.Headers)
	i.Response.Headers = scrubHeaders(i.Response.Headers)
	i.Request.RemoteAddr = ""
	u, err := url.Parse(i.Request.URL)
	if err != nil {
		return fmt.Errorf("vcr: unparsable URL in interaction %d", i.ID)
	}
	if isTokenRequest(u.Path) {
		// The form holds the access key and possibly the client secret.
		form, _ := url.ParseQuery(i.Request.Body)
		for k := range form {
			if k != "grant_type" && k != "scope" {
				form[k] = []string{Redacted}
			}
		}
		i.Request.Body = form.Encode()
		i.Request.Form = form
		i.Response.Body = scrubTokenResponse(i.Response.Body)
	}
	i.Request.URL = sc.Scrub(i.Request.URL)
	i.Request.RequestURI = sc.Scrub(i.Request.RequestURI)
	i.Request.Body = sc.Scrub(i.Request.Body)
	i.Request.ContentLength = int64(len(i.Request.Body))
	form := url.Values{}
	for k, vs := range i.Request.Form {
		for _, v := range vs {
			form.Add(sc.Scrub(k), sc.Scrub(v))
		}
	}
	i.Request.Form = form
	i.Response.Body = sc.Scrub(i.Response.Body)
	i.Response.ContentLength = int64(len(i.Response.Body))
	return nil
}

func scrubHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization":
			out[k] = []string{Redacted}
		default:
			out[k] = vs
		}
	}
	return out
}

// scrubTokenResponse replaces tokens; the id_token becomes an unsigned JWT
// that keeps only the non-secret claims the client reads.
func scrubTokenResponse(body string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return body
	}
	for _, f := range tokenFields {
		v, ok := m[f].(string)
		if !ok {
			continue
		}
		if f == "id_token" || f == "idToken" {
			m[f] = safeIDToken(v)
			continue
		}
		m[f] = Redacted
	}
	b, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return string(b)
}

func safeIDToken(jwt string) string {
	keep := map[string]any{}
	if parts := strings.Split(jwt, "."); len(parts) >= 2 {
		if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "=")); err == nil {
			var claims map[string]any
			if json.Unmarshal(b, &claims) == nil {
				for _, k := range []string{"tenantId", "userId", "sub", "area", "iss"} {
					if v, ok := claims[k]; ok {
						keep[k] = v
					}
				}
			}
		}
	}
	b, _ := json.Marshal(keep)
	return "e30." + base64.RawURLEncoding.EncodeToString(b) + "." + Redacted
}

// Patterns the guard looks for in cassettes.
var (
	emailRE  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+(@|%40)[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	phoneRE  = regexp.MustCompile(`(\+|%2B)[1-9][0-9]{7,14}`)
	bearerRE = regexp.MustCompile(`Bearer\s+[A-Za-z0-9\-._~+/]+=*`)
)

// Leaks lists what in a cassette's text looks like a bearer token, an email
// address or a phone number that is not a placeholder, or contains one of the
// given secrets. It returns short descriptions, never the values themselves.
func Leaks(text string, secrets ...string) []string {
	var out []string
	for _, m := range emailRE.FindAllString(text, -1) {
		if !strings.HasSuffix(strings.ToLower(m), PlaceholderDomain) {
			out = append(out, fmt.Sprintf("an email address (%d chars)", len(m)))
		}
	}
	for range phoneRE.FindAllString(text, -1) {
		out = append(out, "a phone number")
	}
	for _, m := range bearerRE.FindAllString(text, -1) {
		if !strings.HasSuffix(m, Redacted) {
			out = append(out, "a bearer token")
		}
	}
	for i, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			out = append(out, fmt.Sprintf("secret #%d", i))
		}
	}
	return out
}

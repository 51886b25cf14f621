// Package vcr records and replays the SDK's HTTP exchanges with go-vcr v4,
// scrubbing secrets and personal data before a cassette reaches the disk.
//
// Cassettes are replayed in replay-only mode unless CXONE_RECORD=1 is set;
// then the test records afresh, against cxonetest, or against a real tenant
// when CXONE_CLIENT_ID and the other credentials are set too (see [Connect]).
//
// Scrubbing replaces the Authorization header, client secrets, access keys,
// tokens in token responses and every identifier the test names
// ([NewScrubber]) with stable placeholders. As a safety net, any other e-mail
// address or E.164 phone number left in a cassette gets a placeholder of its
// own (stable within the cassette), and the values of name fields (firstName,
// lastName, fullName, nickname) and message text in response bodies become
// [Redacted]: a recording from a real tenant brings back other people's data.
//
// The matcher compares method, path, query and body (as JSON when both are
// JSON) after the same scrubbing, and ignores the host and every header
// (Authorization, User-Agent, request ids), so a cassette recorded with one
// user agent or port replays with another. On replay, placeholders in
// response bodies are mapped back to the test's own identifiers, so the code
// under test sees the values it asked for.
//
// # Recording
//
// go test ./... replays, offline: the client's issuer is [ReplayIssuer], and
// the recorder answers every request from the cassette without dialling.
// To re-record from the simulator (each test starts its own cxonetest server
// and the cassette holds its loopback host as [ReplayHost]):
//
//	CXONE_RECORD=1 go test -run Vcr ./...
//
// To record from a real tenant, set its credentials too: CXONE_CLIENT_ID,
// CXONE_CLIENT_SECRET, CXONE_ACCESS_KEY_ID, CXONE_ACCESS_KEY_SECRET, and
// optionally CXONE_ISSUER and CXONE_TENANT_ID. The tests then act on
// identifiers named by further variables (see [Identifier]), never on the
// simulator's demo values, and skip an exchange whose variable is unset:
// CXONE_VCR_USERNAME (searched), CXONE_VCR_ERASE_EMAIL and
// CXONE_VCR_ERASE_PHONE (an erasure request is filed for each),
// CXONE_VCR_ERASE_USERNAME (that employee is DEACTIVATED and erased), and
// CXONE_VCR_DFO_EMAIL (the first inbound message of their newest case is
// tagged and its content and author name removed); the DFO tag test runs
// unconditionally and creates the procedure's two tags if they are missing.
// Use test data of your own tenant only. The tenant's id and the key
// owner's user id get placeholders ([PlaceholderTenantID],
// [PlaceholderUserID]); its hosts are kept. Replaying such a cassette works the same way (hosts are not
// matched); the tests notice it ([Session.FromTenant]) and skip the
// simulator's pinned ids. Read the cassettes before committing them: the
// guard test catches e-mail addresses, phone numbers, tokens and known
// secrets, not every kind of personal data.
//
// Placeholders: e-mail addresses become NAME@placeholder.invalid, phone
// numbers +000000000NNN (a leading 0 after the + is not valid E.164, so the
// guard never confuses one with a number; the SDK does not re-parse phone
// numbers it reads from responses), usernames user-placeholder-N, secrets
// [Redacted].
package vcr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/cxprivacy/cxone/internal/redact"
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
	// ReplayHost is the host:port that stands for the recording's loopback
	// host in cassettes; replay uses it as the issuer and never dials it.
	ReplayHost = "127.0.0.1:9"
	// ReplayIssuer is the issuer URL a replaying test gives the client.
	ReplayIssuer = "http://" + ReplayHost
)

// Scrubber replaces known identifiers and secrets with placeholders, and maps
// placeholders back on replay. Replacements are applied longest first, in the
// raw, URL-encoded (query and path) and JSON-escaped forms. It is safe for
// concurrent use.
type Scrubber struct {
	mu    sync.RWMutex
	pairs []pair // real → placeholder, longest real first
	back  []pair // the same, longest placeholder first (for Unscrub)
	seen  map[string]bool
}

type pair struct{ real, placeholder string }

// NewScrubber builds a scrubber from real → placeholder pairs. Secrets map to
// [Redacted]; identifiers should map to placeholders of the same kind
// (an email to name@placeholder.invalid, a phone to +000…, a username to
// user-placeholder-N) so the code under test still reads them as such.
func NewScrubber(m map[string]string) *Scrubber {
	s := &Scrubber{seen: map[string]bool{}}
	// Deterministic order, whatever the map's.
	reals := make([]string, 0, len(m))
	for real := range m {
		reals = append(reals, real)
	}
	sort.Strings(reals)
	for _, real := range reals {
		s.add(real, m[real])
	}
	return s
}

// Add maps one more real value to its placeholder.
func (sc *Scrubber) Add(real, placeholder string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.add(real, placeholder)
}

func (sc *Scrubber) add(real, ph string) {
	if real == "" || real == ph || sc.seen[real] {
		return
	}
	sc.seen[real] = true
	for _, form := range forms(real) {
		sc.pairs = append(sc.pairs, pair{form, encodeLike(form, real, ph)})
	}
	sort.SliceStable(sc.pairs, func(i, j int) bool {
		if len(sc.pairs[i].real) != len(sc.pairs[j].real) {
			return len(sc.pairs[i].real) > len(sc.pairs[j].real)
		}
		return sc.pairs[i].real < sc.pairs[j].real
	})
	sc.back = append(sc.back[:0], sc.pairs...)
	// Longest placeholder first, so user-placeholder-1 never rewrites the
	// front of user-placeholder-10.
	sort.SliceStable(sc.back, func(i, j int) bool {
		return len(sc.back[i].placeholder) > len(sc.back[j].placeholder)
	})
}

// known reports whether real (in any form) is already mapped.
func (sc *Scrubber) known(real string) bool {
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	return sc.seen[real]
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
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	for _, p := range sc.pairs {
		s = strings.ReplaceAll(s, p.real, p.placeholder)
	}
	return s
}

// Unscrub maps placeholders back to the real values (used on replay).
// Secrets are never restored.
func (sc *Scrubber) Unscrub(s string) string {
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	for _, p := range sc.back {
		if strings.Contains(p.placeholder, Redacted) {
			continue
		}
		s = strings.ReplaceAll(s, p.placeholder, p.real)
	}
	return s
}

// New starts a recorder for the named cassette (testdata/cassettes/NAME.yaml
// of the calling package) and returns an HTTP client that goes through it.
// It records when [Recording], and replays only otherwise; in replay mode
// a missing cassette fails the test with a hint. The cassette is saved when
// the test ends.
func New(t testing.TB, name string, sc *Scrubber) *http.Client {
	t.Helper()
	return newClient(t, "testdata/cassettes/"+name, sc, Recording())
}

func newClient(t testing.TB, path string, sc *Scrubber, record bool) *http.Client {
	t.Helper()
	if sc == nil {
		sc = NewScrubber(nil)
	}
	mode := recorder.ModeReplayOnly
	if record {
		mode = recorder.ModeRecordOnly
	} else if _, err := os.Stat(path + ".yaml"); err != nil {
		t.Fatalf("cassette %s.yaml is missing; record it with %s=1 go test", path, RecordEnv)
	}
	auto := &autoScrub{sc: sc}
	rec, err := recorder.New(path,
		recorder.WithMode(mode),
		recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(matcher(sc)),
		recorder.WithHook(func(i *cassette.Interaction) error { return scrubInteraction(i, sc) }, recorder.BeforeSaveHook),
		// A second pass, once every interaction has had its known values
		// scrubbed, gives what is left a placeholder of its own.
		recorder.WithHook(auto.hook, recorder.BeforeSaveHook),
		recorder.WithHook(func(i *cassette.Interaction) error {
			if mode == recorder.ModeReplayOnly {
				i.Response.Body = sc.Unscrub(i.Response.Body)
				fixLength(&i.Response.ContentLength, i.Response.Headers, i.Response.Body)
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
	if !record {
		return &http.Client{Transport: missReporter{t: t, next: rec, sc: sc, path: path}}
	}
	return &http.Client{Transport: rec}
}

// missReporter names, in the test's log, a replayed request that no
// interaction matches: the client under test sees only a transport error
// (and may retry it), which does not say what differed.
type missReporter struct {
	t    testing.TB
	next http.RoundTripper
	sc   *Scrubber
	path string
}

func (m missReporter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := m.next.RoundTrip(r)
	if errors.Is(err, cassette.ErrInteractionNotFound) {
		// The path after scrubbing, then redaction of what the test did
		// not name; the query and body are left out.
		m.t.Logf("vcr: no unused interaction of %s.yaml matches %s %s (changed request? re-record with %s=1)",
			m.path, r.Method, redact.String(m.sc.Scrub(r.URL.EscapedPath())), RecordEnv)
	}
	return resp, err
}

// fixLength keeps the recorded length in step with a body that scrubbing
// changed.
func fixLength(n *int64, h http.Header, body string) {
	*n = int64(len(body))
	if h != nil && h.Get("Content-Length") != "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
}

// matcher compares method, path, query and body after scrubbing; of the
// token endpoint's body (credentials) only the grant type is compared; the
// host and the headers are not.
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
		var body []byte
		if r.Body != nil {
			body, err = io.ReadAll(r.Body)
			if err != nil {
				return false
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if isTokenRequest(iu.Path) {
			// The credentials were redacted; the grant (password or
			// refresh_token) still tells two token requests apart.
			return grantType(string(body)) == grantType(i.Body)
		}
		return sameBody(sc.Scrub(string(body)), i.Body)
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

// sameBody compares JSON bodies by value (key order and spacing aside) and
// anything else byte for byte.
func sameBody(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func grantType(body string) string {
	form, err := url.ParseQuery(body)
	if err != nil {
		return ""
	}
	return form.Get("grant_type")
}

func isTokenRequest(path string) bool {
	return strings.HasSuffix(path, "/token") || strings.Contains(path, "/token/")
}

var tokenFields = []string{"access_token", "refresh_token", "id_token", "accessToken", "refreshToken", "idToken", "token"}

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
		// The form (or JSON body of the access-key endpoint) holds the
		// access key and possibly the client secret.
		if form, err := url.ParseQuery(i.Request.Body); err == nil && !json.Valid([]byte(i.Request.Body)) {
			for k := range form {
				if k != "grant_type" && k != "scope" {
					form[k] = []string{Redacted}
				}
			}
			i.Request.Body = form.Encode()
		} else {
			i.Request.Body = redactJSONStrings(i.Request.Body)
		}
		i.Request.Form = nil
		i.Response.Body = scrubTokenResponse(i.Response.Body, sc)
	}
	i.Request.Host = sc.Scrub(i.Request.Host)
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
	if len(form) == 0 {
		i.Request.Form = nil
	}
	for k, vs := range i.Response.Headers {
		for j, v := range vs {
			vs[j] = sc.Scrub(v) // a Location header may name a subject
		}
		i.Response.Headers[k] = vs
	}
	i.Response.Body = sc.Scrub(redactPersonalFields(i.Response.Body))
	fixLength(&i.Response.ContentLength, i.Response.Headers, i.Response.Body)
	return nil
}

func scrubHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization", "X-Api-Key":
			out[k] = []string{Redacted}
		default:
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// personalFieldRE finds the JSON string values of fields that hold a
// person's name or a message's words. No test matches on them, so they are
// redacted outright rather than mapped.
var personalFieldRE = regexp.MustCompile(`("(?:firstName|lastName|fullName|nickname|text)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

func redactPersonalFields(body string) string {
	return personalFieldRE.ReplaceAllString(body, `${1}"`+Redacted+`"`)
}

// redactJSONStrings replaces every string value of a JSON object.
func redactJSONStrings(body string) string {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return Redacted
	}
	for k, v := range m {
		if _, ok := v.(string); ok {
			m[k] = Redacted
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// scrubTokenResponse replaces tokens; the id_token becomes an unsigned JWT
// that keeps only the non-secret claims the client reads.
func scrubTokenResponse(body string, sc *Scrubber) string {
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
			m[f] = safeIDToken(v, sc)
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

func safeIDToken(jwt string, sc *Scrubber) string {
	keep := map[string]any{}
	if parts := strings.Split(jwt, "."); len(parts) >= 2 {
		if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "=")); err == nil {
			var claims map[string]any
			if json.Unmarshal(b, &claims) == nil {
				for _, k := range []string{"tenantId", "userId", "sub", "area", "iss"} {
					if v, ok := claims[k]; ok {
						if s, ok := v.(string); ok {
							v = sc.Scrub(s)
						}
						keep[k] = v
					}
				}
			}
		}
	}
	b, _ := json.Marshal(keep)
	return "e30." + base64.RawURLEncoding.EncodeToString(b) + "." + Redacted
}

// autoScrub gives every e-mail address and phone number that the test did
// not name a placeholder of its own, stable within the cassette: a request
// that sends back an identifier read from an earlier answer still matches on
// replay, since the code under test then reads and sends the placeholder.
type autoScrub struct {
	sc            *Scrubber
	emails, phone int
}

func (a *autoScrub) hook(i *cassette.Interaction) error {
	texts := []string{i.Request.URL, i.Request.Body, i.Response.Body}
	for _, vs := range i.Response.Headers {
		texts = append(texts, vs...)
	}
	for _, text := range texts {
		for _, m := range emailRE.FindAllString(text, -1) {
			// The loose pattern may take in the encoded text before the
			// address (%22 of a quoted query value): decode, then take the
			// address alone.
			real := strictEmailRE.FindString(unescape(m))
			if real == "" || isPlaceholderEmail(real) || a.sc.known(real) {
				continue
			}
			a.emails++
			a.sc.Add(real, fmt.Sprintf("redacted-%d@%s", a.emails, PlaceholderDomain))
		}
		for _, m := range phoneRE.FindAllString(text, -1) {
			real := unescape(m)
			if a.sc.known(real) {
				continue
			}
			a.phone++
			a.sc.Add(real, fmt.Sprintf("+000000009%03d", a.phone))
		}
	}
	if a.emails+a.phone == 0 {
		return nil
	}
	// Run the known-value pass again with the new pairs.
	i.Request.URL = a.sc.Scrub(i.Request.URL)
	i.Request.RequestURI = a.sc.Scrub(i.Request.RequestURI)
	i.Request.Body = a.sc.Scrub(i.Request.Body)
	i.Request.ContentLength = int64(len(i.Request.Body))
	for k, vs := range i.Request.Form {
		for j, v := range vs {
			vs[j] = a.sc.Scrub(v)
		}
		i.Request.Form[k] = vs
	}
	for k, vs := range i.Response.Headers {
		for j, v := range vs {
			vs[j] = a.sc.Scrub(v)
		}
		i.Response.Headers[k] = vs
	}
	i.Response.Body = a.sc.Scrub(i.Response.Body)
	fixLength(&i.Response.ContentLength, i.Response.Headers, i.Response.Body)
	return nil
}

// unescape decodes %XX escapes, and leaves '+' alone: in a raw phone number
// it is the number's own.
func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func isPlaceholderEmail(s string) bool {
	return strings.HasSuffix(strings.ToLower(s), "@"+PlaceholderDomain)
}

// Patterns the guard looks for in cassettes.
var (
	emailRE       = regexp.MustCompile(`[A-Za-z0-9._%+\-]+(@|%40)[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	strictEmailRE = regexp.MustCompile(`[A-Za-z0-9._+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	phoneRE       = regexp.MustCompile(`(\+|%2B)[1-9][0-9]{7,14}`)
	bearerRE      = regexp.MustCompile(`Bearer\s+[A-Za-z0-9\-._~+/]+=*`)
	basicRE       = regexp.MustCompile(`Basic\s+[A-Za-z0-9+/]{4,}=*`)
	// A JWT whose signature was kept: the scrubbed id_token's is REDACTED.
	jwtRE = regexp.MustCompile(`ey[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+\.([A-Za-z0-9_\-]+)`)
	// A token field of a JSON body whose value is not REDACTED.
	tokenFieldRE = regexp.MustCompile(`"(?:access_token|refresh_token|accessToken|refreshToken)"\s*:\s*"([^"]*)"`)
)

// Leaks lists what in a cassette's text looks like a bearer or basic
// credential, a signed JWT, a token in a token response, an email address or
// a phone number that is not a placeholder, or contains one of the given
// secrets. It returns short descriptions, never the values themselves.
func Leaks(text string, secrets ...string) []string {
	var out []string
	for _, m := range emailRE.FindAllString(text, -1) {
		if !isPlaceholderEmail(unescape(m)) {
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
	for range basicRE.FindAllString(text, -1) {
		out = append(out, "basic credentials")
	}
	for _, m := range jwtRE.FindAllStringSubmatch(text, -1) {
		if m[1] != Redacted {
			out = append(out, "a signed JWT")
		}
	}
	for _, m := range tokenFieldRE.FindAllStringSubmatch(text, -1) {
		if m[1] != Redacted {
			out = append(out, "a token in a token response")
		}
	}
	for i, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			out = append(out, fmt.Sprintf("secret #%d", i))
		}
	}
	return out
}

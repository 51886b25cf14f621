package vcr

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
)

// Mode is how a cassette test talks to CXone.
type Mode int

const (
	// Replay answers every request from the cassette; nothing is dialled.
	Replay Mode = iota
	// RecordSimulator records against a fresh cxonetest server
	// (CXONE_RECORD=1).
	RecordSimulator
	// RecordTenant records against the real tenant named by the
	// environment (CXONE_RECORD=1 with CXONE_CLIENT_ID, CXONE_CLIENT_SECRET,
	// CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET; optionally
	// CXONE_ISSUER and CXONE_TENANT_ID).
	RecordTenant
)

// Environment variables of the real-tenant recording.
const (
	EnvClientID        = "CXONE_CLIENT_ID"
	EnvClientSecret    = "CXONE_CLIENT_SECRET"
	EnvAccessKeyID     = "CXONE_ACCESS_KEY_ID"
	EnvAccessKeySecret = "CXONE_ACCESS_KEY_SECRET"
	EnvIssuer          = "CXONE_ISSUER"
	EnvTenantID        = "CXONE_TENANT_ID"
)

// CurrentMode reads the mode from the environment.
func CurrentMode() Mode {
	switch {
	case !Recording():
		return Replay
	case os.Getenv(EnvClientID) != "":
		return RecordTenant
	}
	return RecordSimulator
}

// String names the mode in failure messages.
func (m Mode) String() string {
	switch m {
	case RecordSimulator:
		return "record (simulator)"
	case RecordTenant:
		return "record (tenant)"
	}
	return "replay"
}

// Identifier returns the identifier a test sends: demo (a cxonetest value)
// unless recording against a real tenant, where it is the value of the
// environment variable env, and the test is skipped when that is unset. The
// real tenant's data is the tester's to choose: erasing or deactivating
// whatever a demo constant names there would be a disaster.
func Identifier(t testing.TB, env, demo string) string {
	t.Helper()
	if CurrentMode() != RecordTenant {
		return demo
	}
	v := os.Getenv(env)
	if v == "" {
		t.Skipf("recording against a real tenant: set %s to the identifier this exchange may act on", env)
	}
	return v
}

// Config describes one cassette test's connection.
type Config struct {
	// Cassette is the cassette's name (testdata/cassettes/NAME.yaml).
	Cassette string
	// IDs maps each identifier the test sends (as [Identifier] returned it)
	// to its placeholder.
	IDs map[string]string
	// UserAgent, if set, is the client's User-Agent.
	UserAgent string
	// Sim are options of the simulator (RecordSimulator only).
	Sim []cxonetest.Option
	// Options are more options of the client, after the session's own.
	Options []cxone.Option
}

// Session is a connected cassette test.
type Session struct {
	Mode Mode
	// API is the client, going through the recorder.
	API *cxone.Client
	// Sim is the simulator being recorded; nil in the other modes.
	Sim *cxonetest.Server
	// Scrubber is the cassette's scrubber.
	Scrubber *Scrubber
	// FromTenant is true when the exchanges come from a real tenant: being
	// recorded from one, or replayed from a cassette that was. The
	// simulator's ids that tests pin do not hold then.
	FromTenant bool
}

// Connect starts the recorder for cfg.Cassette and a cxone client through
// it: against a new cxonetest server when recording (its loopback host
// becomes [ReplayHost] in the cassette), against the real tenant when the
// credentials are set, and against [ReplayIssuer] when replaying. On replay
// the client follows the recorded discovery answers: their hosts are never
// dialled, and the matcher ignores hosts anyway, so a cassette recorded from
// a real tenant replays as well as one recorded from the simulator.
func Connect(ctx context.Context, t testing.TB, cfg Config) *Session {
	t.Helper()
	ids := map[string]string{}
	for k, v := range cfg.IDs {
		ids[k] = v
	}
	s := &Session{Mode: CurrentMode()}
	if s.Mode != RecordTenant {
		// The simulator's answers carry more of its demo identifiers than
		// the test sends (a case's end user, an agent's username).
		for real, ph := range DemoPlaceholders() {
			if _, ok := ids[real]; !ok {
				ids[real] = ph
			}
		}
	}
	opts := []cxone.Option{}
	switch s.Mode {
	case RecordTenant:
		for _, env := range []string{EnvClientSecret, EnvAccessKeyID, EnvAccessKeySecret} {
			if os.Getenv(env) == "" {
				t.Fatalf("recording against a real tenant: %s is not set", env)
			}
		}
		for _, env := range []string{EnvClientID, EnvClientSecret, EnvAccessKeyID, EnvAccessKeySecret} {
			ids[os.Getenv(env)] = Redacted
		}
		opts = append(opts,
			cxone.WithClientCredentials(os.Getenv(EnvClientID), os.Getenv(EnvClientSecret)),
			cxone.WithAccessKey(os.Getenv(EnvAccessKeyID), os.Getenv(EnvAccessKeySecret)))
		if iss := os.Getenv(EnvIssuer); iss != "" {
			opts = append(opts, cxone.WithIssuer(iss))
		}
		if tid := os.Getenv(EnvTenantID); tid != "" {
			opts = append(opts, cxone.WithTenantID(tid))
		}
	case RecordSimulator:
		s.Sim = cxonetest.NewServer(cfg.Sim...)
		t.Cleanup(s.Sim.Close)
		if u, err := url.Parse(s.Sim.URL); err == nil {
			ids[u.Host] = ReplayHost
		}
		fallthrough
	default:
		issuer := ReplayIssuer
		if s.Sim != nil {
			issuer = s.Sim.URL
		}
		for _, secret := range []string{cxonetest.DemoClientSecret, cxonetest.DemoAccessKeySecret, cxonetest.DemoAccessKeyID} {
			ids[secret] = Redacted
		}
		opts = append(opts, cxone.WithIssuer(issuer),
			cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
			cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret))
	}
	s.Scrubber = NewScrubber(ids)
	opts = append(opts, cxone.WithHTTPClient(newClient(t, "testdata/cassettes/"+cfg.Cassette, s.Scrubber, s.Mode != Replay)))
	if cfg.UserAgent != "" {
		opts = append(opts, cxone.WithUserAgent(cfg.UserAgent))
	}
	opts = append(opts, cfg.Options...)
	api, err := cxone.NewClient(ctx, opts...)
	if err != nil {
		t.Fatalf("vcr: connecting (%s): %v", s.Mode, err)
	}
	s.API = api
	switch s.Mode {
	case RecordTenant:
		s.FromTenant = true
		// The tenant and the key's owner are known only now, from the
		// id_token; the cassette is saved later, so they still get
		// placeholders, inside the id_token's claims too.
		s.Scrubber.Add(api.TenantID(), PlaceholderTenantID)
		s.Scrubber.Add(api.UserID(), PlaceholderUserID)
	case Replay:
		// A simulator's discovery named the simulator, which the cassette
		// holds as ReplayHost; a tenant's named the tenant's hosts.
		s.FromTenant = api.BaseURL(cxone.Platform) != ReplayIssuer
	}
	return s
}

// Placeholders of a real tenant's own ids in cassettes.
const (
	PlaceholderTenantID = "00000000-0000-4000-8000-000000000001"
	PlaceholderUserID   = "00000000-0000-4000-8000-000000000002"
)

// DemoPlaceholders maps every identifier of the cxonetest demo tenant to a
// placeholder of its own (demo-N@placeholder.invalid, +000000008NNN,
// user-placeholder-demo-N). [Connect] adds them, below the test's own IDs,
// when the simulator is recorded or replayed; the guard test looks for the
// demo identifiers themselves.
func DemoPlaceholders() map[string]string {
	m := map[string]string{}
	emails := []string{
		cxonetest.DemoDigitalEmailAna, cxonetest.DemoDigitalEmailBen, cxonetest.DemoDigitalEmailChloe,
		cxonetest.DemoDigitalEmailDev, cxonetest.DemoDigitalEmailEva, cxonetest.DemoDigitalEmailPlus,
		cxonetest.DemoDigitalEmailOther,
	}
	for i, e := range emails {
		m[e] = fmt.Sprintf("demo-%d@%s", i+1, PlaceholderDomain)
	}
	phones := []string{
		cxonetest.DemoDigitalPhoneAna, cxonetest.DemoDigitalPhoneChloe, cxonetest.DemoDigitalPhoneDev,
		cxonetest.DemoDigitalPhoneEndUserOnly, cxonetest.DemoDigitalPhoneOther,
	}
	for i, p := range phones {
		m[p] = fmt.Sprintf("+000000008%03d", i+1)
	}
	for i, u := range DemoUserNames() {
		m[u] = fmt.Sprintf("user-placeholder-demo-%d", i+1)
	}
	return m
}

// DemoUserNames are the usernames of the cxonetest demo employees.
func DemoUserNames() []string {
	return []string{cxonetest.DemoKeyOwnerUserName, cxonetest.DemoAgentUserName, cxonetest.DemoAgent2UserName}
}

// Package tenant connects the example programs to a CXone tenant: the real
// one named by CXONE_* environment variables, or else an embedded simulator
// holding the demo tenant.
package tenant

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
)

// Environment variables that name a real tenant.
const (
	EnvIssuer          = "CXONE_ISSUER"
	EnvTenantID        = "CXONE_TENANT_ID"
	EnvClientID        = "CXONE_CLIENT_ID"
	EnvClientSecret    = "CXONE_CLIENT_SECRET"
	EnvAccessKeyID     = "CXONE_ACCESS_KEY_ID"
	EnvAccessKeySecret = "CXONE_ACCESS_KEY_SECRET"
)

// Options of [Connect].
type Options struct {
	// UserAgent names the program.
	UserAgent string
	// Attempts is the number of HTTP attempts per call (0: the SDK default).
	Attempts int
	// SimOptions configure the simulator when one is started.
	SimOptions []cxonetest.Option
}

// Conn is a connection to a tenant.
type Conn struct {
	Client *cxone.Client
	// Sim is the embedded simulator, nil against a real tenant.
	Sim *cxonetest.Server
}

// Close stops the simulator, if any.
func (c *Conn) Close() {
	if c.Sim != nil {
		c.Sim.Close()
	}
}

// Real reports whether the environment names a real tenant: any of the four
// credentials is set.
func Real(getenv func(string) string) bool {
	for _, k := range []string{EnvClientID, EnvClientSecret, EnvAccessKeyID, EnvAccessKeySecret} {
		if getenv(k) != "" {
			return true
		}
	}
	return false
}

// Connect connects to the real tenant the environment names, saying so on
// w before anything else, or else starts the simulator. Errors never hold a
// credential.
func Connect(ctx context.Context, getenv func(string) string, w io.Writer, o Options) (*Conn, error) {
	var opts []cxone.Option
	if o.UserAgent != "" {
		opts = append(opts, cxone.WithUserAgent(o.UserAgent))
	}
	if !Real(getenv) {
		sim := cxonetest.NewServer(o.SimOptions...)
		fmt.Fprintln(w, "No CXONE_* credentials in the environment: using the embedded simulator (demo tenant).")
		if o.Attempts > 0 {
			// The simulator's faults are frequent by design; short waits keep
			// a demo run quick.
			opts = append(opts, cxone.WithRetry(o.Attempts, 2*time.Second, 30*time.Second))
		}
		c, err := cxone.NewClient(ctx, append(opts,
			cxone.WithIssuer(sim.URL),
			cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
			cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret))...)
		if err != nil {
			sim.Close()
			return nil, err
		}
		return &Conn{Client: c, Sim: sim}, nil
	}
	issuer := getenv(EnvIssuer)
	if issuer == "" {
		issuer = cxone.DefaultIssuer
	}
	for _, k := range []string{EnvClientID, EnvClientSecret, EnvAccessKeyID, EnvAccessKeySecret} {
		if getenv(k) == "" {
			return nil, &ConfigError{fmt.Sprintf("%s is not set: a real tenant needs all four of %s, %s, %s and %s", k, EnvClientID, EnvClientSecret, EnvAccessKeyID, EnvAccessKeySecret)}
		}
	}
	u, err := url.Parse(issuer)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return nil, &ConfigError{EnvIssuer + " is not a URL such as " + cxone.DefaultIssuer}
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		// Never echoed: a user:password@ part is a secret.
		return nil, &ConfigError{EnvIssuer + " must be a plain https URL, without user, query or fragment, such as " + cxone.DefaultIssuer}
	case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
		return nil, &ConfigError{EnvIssuer + " must use https (plain http only to a loopback host)"}
	}
	fmt.Fprintf(w, "Using the real CXone tenant at %s (credentials from the environment).\n", u.Scheme+"://"+u.Host+u.Path)
	if o.Attempts > 0 {
		opts = append(opts, cxone.WithRetry(o.Attempts, cxone.DefaultMaxBackoff, cxone.DefaultMaxRetryAfter))
	}
	opts = append(opts,
		cxone.WithIssuer(issuer),
		cxone.WithClientCredentials(getenv(EnvClientID), getenv(EnvClientSecret)),
		cxone.WithAccessKey(getenv(EnvAccessKeyID), getenv(EnvAccessKeySecret)))
	if t := getenv(EnvTenantID); t != "" {
		opts = append(opts, cxone.WithTenantID(t))
	}
	c, err := cxone.NewClient(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return &Conn{Client: c}, nil
}

// ConfigError is a tenant configuration in the environment that cannot work;
// nothing was sent.
type ConfigError struct{ msg string }

func (e *ConfigError) Error() string { return e.msg }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

package digital_test

import (
	"context"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
)

// newSim starts a simulator and a DFO client on it without client-side rate
// limits (the limits are tested on their own).
func newSim(t testing.TB, opts ...cxonetest.Option) (*cxonetest.Server, *digital.Client) {
	t.Helper()
	srv := cxonetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := cxone.NewClient(context.Background(),
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()))
	if err != nil {
		t.Fatalf("cxone.NewClient: %v", err)
	}
	dc, err := digital.NewClient(c, digital.WithLimits(digital.NoLimits()))
	if err != nil {
		t.Fatalf("digital.NewClient: %v", err)
	}
	return srv, dc
}

// collect drains an iterator.
func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		out = append(out, v)
	}
	return out
}

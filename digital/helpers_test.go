package digital_test

import (
	"context"
	"testing"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
)

// newSim starts a simulator and a DFO client on it without client-side rate
// limits (the limits are tested on their own).
func newSim(t testing.TB, opts ...cxonetest.Option) (*cxonetest.Server, *digital.Client) {
	t.Helper()
	return newSimWith(t, nil, opts...)
}

// newSimWith is newSim with options for the core client too.
func newSimWith(t testing.TB, copts []cxone.Option, opts ...cxonetest.Option) (*cxonetest.Server, *digital.Client) {
	t.Helper()
	srv := cxonetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := cxone.NewClient(context.Background(), append([]cxone.Option{
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase())}, copts...)...)
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

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

package digital_test

import (
	"context"
	"github.com/google/go-cmp/cmp"
	"testing"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/internal/simtest"
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
	c := simtest.Client(t, srv, append([]cxone.Option{
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase())}, copts...)...)
	dc, err := digital.NewClient(c, digital.WithLimits(digital.NoLimits()))
	if err != nil {
		t.Fatalf("digital.NewClient: %v", err)
	}
	return srv, dc
}

// presetRunner is a Runner of c on the preset scheduler; it stops the test if
// NewRunner refuses.
func presetRunner(t testing.TB, c *digital.Client) *digital.Runner {
	t.Helper()
	r, err := digital.NewRunner(c, digital.Preset().Scheduler)
	if err != nil {
		t.Fatalf("digital.NewRunner: %v", err)
	}
	return r
}

// wantNoop runs r once more and fails unless the run found nothing to do.
func wantNoop(ctx context.Context, t testing.TB, r *digital.Runner, which string) {
	t.Helper()
	rep, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatalf("%s: %v", which, err)
	}
	if diff := cmp.Diff(&digital.RunReport{}, rep); diff != "" {
		t.Errorf("%s (-want +got):\n%s", which, diff)
	}
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

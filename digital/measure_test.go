package digital_test

import (
	"context"
	"math"
	"testing"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
)

// TestMeasureCallsPerSubject is the measurement: on a tenant of 1,000
// customers with 10 cases each (3 messages a case, 2 inbound), tag and
// process 100 subjects and count the DFO calls, against the fewest calls the
// endpoints allow for the same work.
func TestMeasureCallsPerSubject(t *testing.T) {
	t.Parallel()
	const (
		customers, cases, msgs, subjects = 1000, 10, 3, 100
		page                             = 25
	)
	ctx := context.Background()
	srv, c := newSim(t, cxonetest.WithoutDigitalDemo(), cxonetest.WithDigitalLargeTenant(customers, cases))
	tg := digital.NewTagger(c, digital.Preset())
	for i := range subjects {
		rep, err := tg.TagIdentifier(ctx, cxonetest.LargeTenantEmail(i*(customers/subjects)))
		if err != nil {
			t.Fatal(err)
		}
		if n := rep.Count(digital.Tagged); n != cases {
			t.Fatalf("subject %d: tagged %d, want %d", i, n, cases)
		}
	}
	tagCalls := srv.DigitalCallTotal()
	r := presetRunner(t, c)
	rep, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Interactions != subjects*cases || rep.MessagesErased != subjects*cases*msgs || rep.Failures != 0 {
		t.Fatalf("run: %+v", rep)
	}
	runCalls := srv.DigitalCallTotal() - tagCalls

	// The fewest calls for the same work: to tag, one search that lists a
	// subject's cases with a message id each (20 inbound messages fit one
	// page) and one tag per case; to process, the pages of the requested
	// messages, one listing per case to learn its message ids, two removals
	// per message and one tag per case. Ensuring the two tags costs at
	// least one listing.
	searchPages := math.Ceil(float64(subjects*cases) / page)
	minTag := 1.0 + subjects*(1+cases)
	minRun := searchPages + subjects*cases*(1+2*msgs+1)
	minTotal := minTag + minRun
	total := float64(tagCalls + runCalls)
	t.Logf("tagging: %d calls (%.2f per subject; minimum %.2f)", tagCalls, float64(tagCalls)/subjects, minTag/subjects)
	t.Logf("processing: %d calls (%.2f per subject; minimum %.2f)", runCalls, float64(runCalls)/subjects, minRun/subjects)
	t.Logf("total: %.0f calls, %.2f per subject, ratio to minimum %.3f", total, total/subjects, total/minTotal)
	t.Logf("by route: %v", srv.DigitalCalls())
	if ratio := total / minTotal; ratio > 1.1 {
		t.Errorf("ratio to minimum = %.3f, want at most 1.1", ratio)
	}
}

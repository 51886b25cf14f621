package digital_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

// The Runner's report is exact and the same whatever its concurrency, with
// real (if generous) rate limiters shared by the concurrent interactions and
// a simulated network latency that makes them overlap. Only correctness is
// asserted: the speed-up is measured by BenchmarkRunOnce.
func TestRunnerConcurrency(t *testing.T) {
	t.Parallel()
	ids := []string{cxonetest.DemoDigitalEmailBen, cxonetest.DemoDigitalEmailPlus, cxonetest.DemoDigitalPhoneEndUserOnly}
	for _, tc := range []struct {
		name        string
		concurrency int
		latency     time.Duration
		limits      bool
	}{
		{"one at a time", 1, 0, false},
		{"default", 0, 0, false},
		{"8 with latency", 8, time.Millisecond, false},
		{"32 with latency and limits", 32, time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv, c := newSim(t, cxonetest.WithLatency(tc.latency))
			if tc.limits {
				// Every kind of limit on, none binding: the
				// concurrent waits run through the limiters (and
				// the per-case map) under -race.
				var err error
				c, err = digital.NewClient(c.API(), digital.WithLimits(digital.Limits{
					Read: rate.NewLimiter(1e6, 1), Update: rate.NewLimiter(1e6, 1),
					PerContact: 1e6, PerContactBurst: 1}))
				if err != nil {
					t.Fatal(err)
				}
			}
			tg := digital.NewTagger(c, digital.Preset())
			tg.Concurrency = tc.concurrency
			tagged := 0
			for _, id := range ids {
				rep, err := tg.TagIdentifier(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				tagged += rep.Count(digital.Tagged)
			}
			if tagged != 34 {
				t.Fatalf("tagged %d interactions, want 34", tagged)
			}
			_, othersBefore := messagesOf(srv, ids...)
			r := presetRunner(t, c)
			r.Concurrency = tc.concurrency
			rep, err := r.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mine, othersAfter := messagesOf(srv, ids...)
			if diff := cmp.Diff(&digital.RunReport{Interactions: 34, MessagesErased: len(mine), Completed: 34}, rep); diff != "" {
				t.Errorf("first run (-want +got):\n%s", diff)
			}
			wantErased(t, mine)
			if diff := cmp.Diff(othersBefore, othersAfter); diff != "" {
				t.Errorf("other subjects' messages changed (-before +after):\n%s", diff)
			}
			wantNoop(ctx, t, r, "second run")
		})
	}
}

// Two runs at once on two Runners (two processes, say; one Runner runs one
// at a time) overlap, but converge without a failure: a part one run removed
// is found removed by the other, every message ends erased, and a third run
// finds nothing left to do.
func TestRunnerConcurrentRunsConverge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t, cxonetest.WithLatency(time.Millisecond))
	ben := cxonetest.DemoDigitalEmailBen
	if _, err := digital.NewTagger(c, digital.Preset()).TagIdentifier(ctx, ben); err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		reps [2]*digital.RunReport
		errs [2]error
	)
	for i := range reps {
		r := presetRunner(t, c)
		wg.Go(func() { reps[i], errs[i] = r.RunOnce(ctx) })
	}
	wg.Wait()
	mine, _ := messagesOf(srv, ben)
	for i, rep := range reps {
		if errs[i] != nil || rep.Failures != 0 {
			t.Fatalf("run %d: %v, %d failures", i, errs[i], rep.Failures)
		}
	}
	wantErased(t, mine)
	wantNoop(ctx, t, presetRunner(t, c), "third run")
}

// Concurrent Tag calls on one Tagger for subjects that share interactions (a
// person's email address and phone number lead to the same cases): each
// shared interaction carries exactly one requested tag, exactly one call
// reports it Tagged and every other call AlreadyRequested.
func TestTaggerSharedInteractionsConcurrently(t *testing.T) {
	t.Parallel()
	pairs := []struct {
		email, phone string
		cases        int
	}{
		{cxonetest.DemoDigitalEmailAna, cxonetest.DemoDigitalPhoneAna, 5},
		{cxonetest.DemoDigitalEmailChloe, cxonetest.DemoDigitalPhoneChloe, 4},
		{cxonetest.DemoDigitalEmailDev, cxonetest.DemoDigitalPhoneDev, 3},
	}
	const copies = 3 // calls per identifier
	for _, tc := range []struct {
		name        string
		concurrency int
	}{{"interactions one at a time", 1}, {"interactions concurrently", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv, c := newSim(t, cxonetest.WithLatency(time.Millisecond))
			tg := digital.NewTagger(c, digital.Preset())
			tg.Concurrency = tc.concurrency
			var (
				wg  sync.WaitGroup
				mu  sync.Mutex
				got = map[digital.TagStatus]int{}
			)
			var subjects []privacy.Subject
			for _, p := range pairs {
				subjects = append(subjects, privacy.Subject{Type: privacy.Email, Value: p.email}, privacy.Subject{Type: privacy.Phone, Value: p.phone})
			}
			for range copies {
				for _, s := range subjects {
					wg.Go(func() {
						rep, err := tg.Tag(ctx, s)
						mu.Lock()
						defer mu.Unlock()
						if err != nil {
							t.Errorf("Tag (%s): %v", s.Type, err)
							return
						}
						for _, o := range rep.Outcomes {
							got[o.Status]++
						}
					})
				}
			}
			wg.Wait()
			cases := 0
			for _, p := range pairs {
				cases += p.cases
				want := map[string]int{}
				for _, n := range srv.DigitalCases(p.email) {
					want[n] = 1
				}
				if len(want) != p.cases {
					t.Fatalf("simulator: %d cases, want %d", len(want), p.cases)
				}
				// Either identifier's call may have won the case.
				perCase := requestedPerCase(t, srv, p.email, p.phone)
				if diff := cmp.Diff(want, perCase); diff != "" {
					t.Errorf("requested tags per case (-want +got):\n%s", diff)
				}
			}
			wantStatus := map[digital.TagStatus]int{
				digital.Tagged:           cases,
				digital.AlreadyRequested: 2*copies*cases - cases,
			}
			if diff := cmp.Diff(wantStatus, got); diff != "" {
				t.Errorf("outcomes over all calls (-want +got):\n%s", diff)
			}
		})
	}
}

// A Tag call waiting for another call's case gives up when its context ends.
func TestTaggerCancelled(t *testing.T) {
	t.Parallel()
	_, c := newSim(t)
	tg := digital.NewTagger(c, digital.Preset())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := tg.TagIdentifier(ctx, cxonetest.DemoDigitalEmailAna)
	if err == nil {
		t.Fatalf("cancelled Tag: no error, %d outcomes", len(rep.Outcomes))
	}
}

// BenchmarkRunOnce runs the processor over 40 tagged interactions (120
// messages) on a simulator with 1 ms latency a call, one call at a time and
// up to eight in flight; tagging is outside the timer. Compare ns/op of the
// two: the ratio is the speed-up.
func BenchmarkRunOnce(b *testing.B) {
	const customers, cases, perRun = 1000, 10, 4
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			ctx := context.Background()
			var (
				c    *digital.Client
				tg   *digital.Tagger
				next int
			)
			fresh := func() {
				_, c = newSimWith(b, nil, cxonetest.WithoutDigitalDemo(),
					cxonetest.WithDigitalLargeTenant(customers, cases), cxonetest.WithLatency(time.Millisecond))
				tg, next = digital.NewTagger(c, digital.Preset()), 0
			}
			fresh()
			for b.Loop() {
				b.StopTimer()
				if next+perRun > customers {
					fresh()
				}
				for range perRun {
					rep, err := tg.TagIdentifier(ctx, cxonetest.LargeTenantEmail(next))
					if err != nil || rep.Count(digital.Tagged) != cases {
						b.Fatalf("tagging: %v", err)
					}
					next++
				}
				r := presetRunner(b, c)
				r.Concurrency = conc
				b.StartTimer()
				rep, err := r.RunOnce(ctx)
				if err != nil || rep.Completed != perRun*cases {
					b.Fatalf("run: %v, %+v", err, rep)
				}
			}
		})
	}
}

// BenchmarkTag tags one subject's 10 interactions on a simulator with 1 ms
// latency a call, one interaction at a time and eight at once.
func BenchmarkTag(b *testing.B) {
	const customers, cases = 1000, 10
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			ctx := context.Background()
			var (
				c    *digital.Client
				tg   *digital.Tagger
				next int
			)
			fresh := func() {
				_, c = newSimWith(b, nil, cxonetest.WithoutDigitalDemo(),
					cxonetest.WithDigitalLargeTenant(customers, cases), cxonetest.WithLatency(time.Millisecond))
				tg, next = digital.NewTagger(c, digital.Preset()), 0
				tg.Concurrency = conc
			}
			fresh()
			for b.Loop() {
				if next == customers {
					b.StopTimer()
					fresh()
					b.StartTimer()
				}
				rep, err := tg.TagIdentifier(ctx, cxonetest.LargeTenantEmail(next))
				if err != nil || rep.Count(digital.Tagged) != cases {
					b.Fatalf("tagging: %v", err)
				}
				next++
			}
		})
	}
}

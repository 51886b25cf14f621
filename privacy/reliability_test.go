package privacy_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/privacy"
)

// reliabilityInput is 2,000 rows: 1,890 distinct contacts, 20 employees, 60
// duplicates spelled differently and 30 invalid rows, shuffled from a seed.
func reliabilityInput(seed uint64) (rs [][2]string, users []cxonetest.User) {
	for i := range 945 {
		rs = append(rs, [2]string{"Email", fmt.Sprintf("person.%04d@example.com", i)})
		rs = append(rs, [2]string{"Phone", fmt.Sprintf("+1 202 555 %04d", i)})
	}
	for i := range 20 {
		name := fmt.Sprintf("emp-%02d", i)
		users = append(users, cxonetest.User{ID: fmt.Sprintf("0b9f1c2e-7a55-4c1d-9e0a-0000000e%04d", i), UserName: name, Status: cxonetest.StatusActive})
		rs = append(rs, [2]string{"User", name})
	}
	for i := range 30 {
		rs = append(rs, [2]string{"Email", fmt.Sprintf("PERSON.%04d@EXAMPLE.com", i*7)})
		rs = append(rs, [2]string{"Phone", fmt.Sprintf("+1 (202) 555-%04d", i*11)})
	}
	for i := range 30 {
		rs = append(rs, [2]string{"Phone", fmt.Sprintf("4.47700%dE+11", i)})
	}
	r := rand.New(rand.NewPCG(seed, 1))
	r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	return rs, users
}

// faultySim is a simulator failing 20% of API requests with every kind of
// fault, and a client on it with short waits.
func faultySim(t *testing.T, seed int64, users []cxonetest.User) (*cxonetest.Server, *privacy.Client) {
	return newSimClient(t, []cxonetest.Option{
		cxonetest.WithUsers(users...),
		cxonetest.WithFaults(0.2, seed, cxonetest.AllFaults...),
		cxonetest.WithFaultLatency(time.Millisecond),
	})
}

// checkGuarantees asserts that every input row has exactly one outcome; that
// each valid subject's first row was processed (or found in the journal) or
// failed with a reason; that processed subjects are on the server; and that
// the server holds no more duplicates than answers it dropped after handling.
func checkGuarantees(t *testing.T, srv *cxonetest.Server, rs [][2]string, out []privacy.Outcome) {
	t.Helper()
	byLine := map[int]privacy.Outcome{}
	for _, o := range out {
		if _, dup := byLine[o.Line]; dup {
			t.Errorf("line %d has two outcomes", o.Line)
		}
		byLine[o.Line] = o
	}
	first := map[string]int{}
	for i, r := range rs {
		line := i + 2
		o, ok := byLine[line]
		if !ok {
			t.Errorf("line %d has no outcome", line)
			continue
		}
		s, err := privacy.ParseSubject(r[0], r[1])
		switch {
		case err != nil:
			if o.Status != privacy.StatusFailed || o.Reason == "" {
				t.Errorf("line %d (invalid): %s %q, want failed with a reason", line, o.Status, o.Reason)
			}
		case first[s.Key()] != 0:
			if o.Status != privacy.StatusSkipped || o.Reason != privacy.ReasonDuplicate || o.DuplicateOf != first[s.Key()] {
				t.Errorf("line %d: %s %s of %d, want duplicate of %d", line, o.Status, o.Reason, o.DuplicateOf, first[s.Key()])
			}
		default:
			first[s.Key()] = line
			switch {
			case o.Status == privacy.StatusProcessed || (o.Status == privacy.StatusSkipped && o.Reason == privacy.ReasonAlreadySubmitted):
				if o.RequestID == "" {
					t.Errorf("line %d: %s without a request id", line, o.Status)
				}
				if n := srv.ErasureCount(s.Type.Wire(), s.Value); n < 1 {
					t.Errorf("line %d: %s but the server holds no request", line, o.Status)
				}
			case o.Status == privacy.StatusFailed:
				if o.Reason == "" || o.Err == nil {
					t.Errorf("line %d: failed without a reason", line)
				}
			default:
				t.Errorf("line %d: %s %s, want processed or failed", line, o.Status, o.Reason)
			}
		}
	}
	if len(out) != len(rs) {
		t.Errorf("%d outcomes for %d rows", len(out), len(rs))
	}
	st := srv.Stats()
	if d := srv.DuplicateErasures(); d > st.ResetsAfterHandling {
		t.Errorf("server holds %d duplicate requests, more than the %d answers dropped after handling", d, st.ResetsAfterHandling)
	}
	t.Logf("faults %d (%v), resets after handling %d, duplicates %d, requests %d",
		st.FaultsTotal, st.FaultsInjected, st.ResetsAfterHandling, srv.DuplicateErasures(), srv.ErasureRequests())
}

func summarize(out []privacy.Outcome) string {
	var s privacy.Summary
	for _, o := range out {
		s.Add(o)
	}
	keys := make([]string, 0, len(s.Reasons))
	for r, n := range s.Reasons {
		keys = append(keys, fmt.Sprintf("%s=%d", r, n))
	}
	slices.Sort(keys)
	return fmt.Sprintf("processed %d failed %d skipped %d [%s]", s.Processed, s.Failed, s.Skipped, strings.Join(keys, " "))
}

// Reliability: 2,000 rows against 20% injected faults of every kind.
func TestBatchReliabilityUnderFaults(t *testing.T) {
	t.Parallel()
	rs, users := reliabilityInput(7)
	srv, c := faultySim(t, 42, users)
	out, _, err := runBatch(t, context.Background(), c, rows(rs...), privacy.WithConcurrency(16), privacy.WithJournal(privacy.NewMemJournal()))
	if err != nil {
		t.Fatal(err)
	}
	checkGuarantees(t, srv, rs, out)
	if st := srv.Stats(); st.FaultsInjected[cxonetest.FaultResetAfter] == 0 || st.FaultsInjected[cxonetest.FaultRateLimited] == 0 {
		t.Errorf("faults injected %v: want every kind", st.FaultsInjected)
	}
	t.Log(summarize(out))
}

// Kill-and-resume: the batch is cancelled at five random points and resumed
// with the journal (reopened each time, as after a restart); the final run
// gives the same guarantees.
func TestBatchKillAndResume(t *testing.T) {
	t.Parallel()
	rs, users := reliabilityInput(11)
	srv, c := faultySim(t, 99, users)
	path := journalPath(t)
	r := rand.New(rand.NewPCG(5, 5))
	for run := range 5 {
		j, err := privacy.OpenJournal(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		b, err := c.NewBatch(fastBatch(privacy.WithConcurrency(16), privacy.WithJournal(j))...)
		if err != nil {
			t.Fatal(err)
		}
		// Cancel after a random number of new requests, so every run makes
		// progress and is cut in the middle of real work.
		at := 1 + r.IntN(300)
		n := 0
		var end error
		for o, err := range b.Run(ctx, rows(rs...)) {
			if err != nil {
				end = err
				continue
			}
			if o.Status != privacy.StatusProcessed {
				continue
			}
			if n++; n == at {
				cancel()
			}
		}
		cancel()
		if end == nil {
			t.Fatalf("run %d: ended without the cancellation error", run)
		}
		t.Logf("run %d: cancelled after %d new requests, %d processed in all, journal %d", run, at, n, j.Len())
		j.Close()
	}
	j, err := privacy.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	out, _, err := runBatch(t, context.Background(), c, rows(rs...), privacy.WithConcurrency(16), privacy.WithJournal(j))
	if err != nil {
		t.Fatal(err)
	}
	checkGuarantees(t, srv, rs, out)
	t.Log(summarize(out))
}

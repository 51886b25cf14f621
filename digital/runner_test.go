package digital_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
)

func messagesOf(srv *cxonetest.Server, identifiers ...string) (mine, others []cxonetest.DigitalMessageState) {
	cases := map[string]bool{}
	for _, id := range identifiers {
		for _, n := range srv.DigitalCases(id) {
			cases[n] = true
		}
	}
	for _, m := range srv.DigitalMessages() {
		if cases[m.ContactNumber] {
			mine = append(mine, m)
		} else {
			others = append(others, m)
		}
	}
	return mine, others
}

// wantErased checks that every message in msgs had its content and author
// name removed with reason GDPR.
func wantErased(t *testing.T, msgs []cxonetest.DigitalMessageState) {
	t.Helper()
	for _, m := range msgs {
		if m.ContentRemovedReason != "GDPR" || m.AuthorNameRemovedReason != "GDPR" {
			t.Errorf("message %s not erased", m.ID)
		}
	}
}

// Case 6: after tagging, a run erases every message of those interactions
// with reason GDPR and marks them completed; a second run changes nothing;
// other subjects' messages are untouched.
func TestRunnerErasesTaggedInteractions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	subjects := []privacy.Subject{
		{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailBen},
		{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailPlus},
		{Type: privacy.Phone, Value: cxonetest.DemoDigitalPhoneEndUserOnly},
	}
	ids := []string{subjects[0].Value, subjects[1].Value, subjects[2].Value}
	tg := digital.NewTagger(c, digital.Preset())
	for _, s := range subjects {
		if _, err := tg.Tag(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	_, othersBefore := messagesOf(srv, ids...)

	r := presetRunner(t, c)
	rep, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mine, othersAfter := messagesOf(srv, ids...)
	wantRep := &digital.RunReport{Interactions: 34, MessagesErased: len(mine), Completed: 34}
	if diff := cmp.Diff(wantRep, rep); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	requested := 0
	for _, m := range mine {
		if m.Text != "" || m.AuthorName != "" || m.ContentRemovedReason != "GDPR" || m.AuthorNameRemovedReason != "GDPR" {
			t.Errorf("message %s not erased with GDPR: %+v", m.ID, cxonetest.DigitalMessageState{
				ContentRemovedReason: m.ContentRemovedReason, AuthorNameRemovedReason: m.AuthorNameRemovedReason})
		}
		if slices.Contains(m.Tags, digital.TagRequested) {
			requested++
			if !slices.Contains(m.Tags, digital.TagCompleted) {
				t.Errorf("message %s has the requested tag but not the completed one", m.ID)
			}
		}
	}
	if requested != 34 {
		t.Errorf("requested messages = %d, want 34", requested)
	}
	if diff := cmp.Diff(othersBefore, othersAfter); diff != "" {
		t.Errorf("other subjects' messages changed (-before +after):\n%s", diff)
	}

	before := srv.DigitalMessages()
	wantNoop(ctx, t, r, "second run")
	if diff := cmp.Diff(before, srv.DigitalMessages()); diff != "" {
		t.Errorf("second run changed messages (-before +after):\n%s", diff)
	}
}

// A run that stopped halfway (some messages erased, no completed tag) is
// finished by the next run, which counts what was already done.
func TestRunnerFinishesHalfDoneInteraction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	eva := privacy.Subject{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailEva}
	if _, err := digital.NewTagger(c, digital.Preset()).Tag(ctx, eva); err != nil {
		t.Fatal(err)
	}
	mine, _ := messagesOf(srv, eva.Value)
	// The "crash": the first message fully erased, the second half.
	for _, step := range []struct {
		id  string
		rm  func(context.Context, string, digital.Reason) (*digital.Message, error)
		why digital.Reason
	}{
		{mine[0].ID, c.Messages.RemoveContent, digital.ReasonGDPR},
		{mine[0].ID, c.Messages.RemoveAuthorName, digital.ReasonGDPR},
		{mine[1].ID, c.Messages.RemoveContent, digital.ReasonGDPR},
	} {
		if _, err := step.rm(ctx, step.id, step.why); err != nil {
			t.Fatal(err)
		}
	}
	r := presetRunner(t, c)
	rep, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &digital.RunReport{Interactions: 2, MessagesErased: len(mine) - 1, AlreadyErased: 1, Completed: 2}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
	mine, _ = messagesOf(srv, eva.Value)
	for _, m := range mine {
		if m.ContentRemovedReason == "" || m.AuthorNameRemovedReason == "" {
			t.Errorf("message %s left unerased", m.ID)
		}
	}
}

func TestRunnerNothingTagged(t *testing.T) {
	t.Parallel()
	srv, c := newSim(t)
	r := presetRunner(t, c)
	before := srv.DigitalMessages()
	wantNoop(context.Background(), t, r, "run with nothing tagged")
	if diff := cmp.Diff(before, srv.DigitalMessages()); diff != "" {
		t.Errorf("messages changed:\n%s", diff)
	}
	if n := srv.DigitalCallTotal(); n != 1 {
		t.Errorf("calls = %d, want 1 (the tag list)", n)
	}
}

func TestNewRunnerRefuses(t *testing.T) {
	t.Parallel()
	_, c := newSim(t)
	s := digital.Preset().Scheduler
	s.DataSet = digital.DataSetCases
	if _, err := digital.NewRunner(c, s); err == nil {
		t.Error("Cases data set: no error")
	}
	s = digital.Preset().Scheduler
	s.Interval = "0 0 0 * * *"
	if _, err := digital.NewRunner(c, s); err == nil {
		t.Error("6-field interval: no error")
	}
	s = digital.Preset().Scheduler
	s.Active = false
	r, err := digital.NewRunner(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); err == nil {
		t.Error("Run of an inactive scheduler: no error")
	}
}

// Run follows the interval with an injected clock: it sleeps until each
// midnight, runs, and stops when the context ends.
func TestRunFollowsInterval(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, c := newSim(t)
	r := presetRunner(t, c)
	now := time.Date(2026, 3, 1, 18, 30, 0, 0, time.UTC)
	var slept []time.Duration
	r.Now = func() time.Time { return now }
	r.Sleep = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		slept = append(slept, d)
		now = now.Add(d + 3*time.Minute) // the run takes a while
		return nil
	}
	runs := 0
	r.OnRun = func(rep *digital.RunReport, err error) {
		runs++
		if err != nil {
			t.Errorf("run %d: %v", runs, err)
		}
		if runs == 3 {
			cancel()
		}
	}
	if err := r.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	want := []time.Duration{5*time.Hour + 30*time.Minute, 24*time.Hour - 3*time.Minute, 24*time.Hour - 3*time.Minute}
	if diff := cmp.Diff(want, slept); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}

	s := digital.Preset().Scheduler
	s.Type = digital.OneTime
	one, err := digital.NewRunner(c, s)
	if err != nil {
		t.Fatal(err)
	}
	one.Now, one.Sleep = r.Now, func(context.Context, time.Duration) error { return nil }
	if err := one.Run(context.Background()); err != nil {
		t.Errorf("one-time Run = %v, want nil", err)
	}
}

// With faults on (503s, connections reset before and after the server
// acted), repeated runs converge: every message of the subjects erased once,
// every interaction completed, others untouched.
func TestTagAndRunUnderFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSimWith(t, []cxone.Option{cxone.WithRetry(3, time.Millisecond, time.Second)},
		cxonetest.WithFaults(0.15, 7, cxonetest.FaultUnavailable, cxonetest.FaultResetBefore, cxonetest.FaultResetAfter))
	ids := []string{cxonetest.DemoDigitalEmailBen, cxonetest.DemoDigitalEmailChloe}
	tg := digital.NewTagger(c, digital.Preset())
	r := presetRunner(t, c)
	_, othersBefore := messagesOf(srv, ids...)
	for round := range 6 {
		failed := 0
		for _, id := range ids {
			rep, err := tg.TagIdentifier(ctx, id)
			if err != nil {
				failed++
				continue
			}
			failed += rep.Count(digital.TagFailed)
		}
		rep, err := r.RunOnce(ctx)
		if err != nil || rep.Failures > 0 {
			failed++
		}
		if failed == 0 && rep.Interactions == 0 {
			break
		}
		if round == 5 {
			t.Fatalf("not converged after %d rounds", round+1)
		}
	}
	mine, othersAfter := messagesOf(srv, ids...)
	wantErased(t, mine)
	for _, m := range mine {
		if slices.Contains(m.Tags, digital.TagRequested) != slices.Contains(m.Tags, digital.TagCompleted) {
			t.Errorf("message %s: requested and completed tags disagree", m.ID)
		}
	}
	perCase := map[string]int{}
	for _, m := range mine {
		if slices.Contains(m.Tags, digital.TagRequested) {
			perCase[m.ContactNumber]++
		}
	}
	if len(perCase) != 34 {
		t.Errorf("cases marked = %d, want 34", len(perCase))
	}
	for n, k := range perCase {
		if k != 1 {
			t.Errorf("case %s has %d requested messages, want 1", n, k)
		}
	}
	if diff := cmp.Diff(othersBefore, othersAfter); diff != "" {
		t.Errorf("other subjects' messages changed:\n%s", diff)
	}
	if st := srv.Stats(); st.FaultsTotal == 0 {
		t.Error("no fault was injected")
	}
}

// A removal whose answer is lost after the server acted is retried; the retry
// hears "already removed", and the removal still counts as this run's.
func TestRunnerCountsRemovalWithLostAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	s := privacy.Subject{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailEva}
	if _, err := digital.NewTagger(c, digital.Preset()).Tag(ctx, s); err != nil {
		t.Fatal(err)
	}
	// In order (concurrency 1), both removals of the first message lose
	// their answers.
	srv.Script("POST /dfo/3.0/messages/{id}/content-removal", cxonetest.Reply{Fault: cxonetest.FaultResetAfter})
	srv.Script("POST /dfo/3.0/messages/{id}/author-name-removal", cxonetest.Reply{Fault: cxonetest.FaultResetAfter})
	r := presetRunner(t, c)
	r.Concurrency = 1
	rep, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mine, _ := messagesOf(srv, s.Value)
	want := &digital.RunReport{Interactions: 2, MessagesErased: len(mine), Completed: 2}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
	if got := srv.Stats().ResetsAfterHandling; got != 2 {
		t.Errorf("answers lost after handling = %d, want 2", got)
	}
}

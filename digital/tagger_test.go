package digital_test

import (
	"context"
	"testing"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
)

// requestedPerCase counts, per case of the identifier, the messages that
// carry the requested tag, and checks each is an inbound one of the subject.
func requestedPerCase(t *testing.T, srv *cxonetest.Server, identifier string, authors ...string) map[string]int {
	t.Helper()
	cases := map[string]bool{}
	for _, n := range srv.DigitalCases(identifier) {
		cases[n] = true
	}
	out := map[string]int{}
	for _, m := range srv.DigitalMessages() {
		if !cases[m.ContactNumber] {
			continue
		}
		for _, tag := range m.Tags {
			if tag != digital.TagRequested {
				continue
			}
			out[m.ContactNumber]++
			ok := m.Direction == "inbound" && (m.AuthorID == identifier || len(authors) > 0 && m.AuthorID == authors[0])
			if !ok {
				t.Errorf("case %s: tagged message is not an inbound message of the subject", m.ContactNumber)
			}
		}
	}
	return out
}

// Case 5: a subject with 30 cases (two pages of history): 30 interactions
// tagged, one message each; a second run tags none.
func TestTaggerThirtyCases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	tg := digital.NewTagger(c, digital.Preset())
	ben := privacy.Subject{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailBen}

	rep, err := tg.Tag(ctx, ben)
	if err != nil {
		t.Fatal(err)
	}
	if got := [...]int{rep.Count(digital.Tagged), len(rep.Outcomes)}; got != [...]int{30, 30} {
		t.Fatalf("first run: tagged %d of %d interactions, want 30 of 30", got[0], got[1])
	}
	per := requestedPerCase(t, srv, ben.Value)
	want := map[string]int{}
	for _, n := range srv.DigitalCases(ben.Value) {
		want[n] = 1
	}
	if diff := cmp.Diff(want, per); diff != "" {
		t.Errorf("requested tags per case (-want +got):\n%s", diff)
	}

	rep, err = tg.Tag(ctx, ben)
	if err != nil {
		t.Fatal(err)
	}
	if got := [...]int{rep.Count(digital.Tagged), rep.Count(digital.AlreadyRequested)}; got != [...]int{0, 30} {
		t.Errorf("second run: tagged %d, already requested %d; want 0, 30", got[0], got[1])
	}
	if diff := cmp.Diff(want, requestedPerCase(t, srv, ben.Value)); diff != "" {
		t.Errorf("after the second run (-want +got):\n%s", diff)
	}
}

func TestTaggerOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t, cxonetest.WithDigitalCustomers(cxonetest.DigitalCustomer{
		FullName:   "Quiet Customer",
		Identities: []cxonetest.DigitalIdentity{{Channel: "email", ID: "quiet@example.com", FirstName: "Q"}},
		Cases: []cxonetest.DigitalCase{
			{Channel: "email", Messages: []cxonetest.DigitalMessage{{Direction: "outbound", Text: "Newsletter"}}},
			{Channel: "email", Messages: []cxonetest.DigitalMessage{{Direction: "inbound", Text: "Hi"}}},
		},
	}))
	tg := digital.NewTagger(c, digital.Preset())
	rep, err := tg.TagIdentifier(ctx, "quiet@example.com")
	if err != nil {
		t.Fatal(err)
	}
	got := map[digital.TagStatus]int{}
	for _, o := range rep.Outcomes {
		got[o.Status]++
	}
	if diff := cmp.Diff(map[digital.TagStatus]int{digital.NoSubjectMessage: 1, digital.Tagged: 1}, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}

	// Ana's email and WhatsApp cases are on one card: tagging by phone
	// tags all five, preferring messages written by the phone or the email.
	ana := privacy.Subject{Type: privacy.Phone, Value: cxonetest.DemoDigitalPhoneAna}
	rep, err = tg.Tag(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Count(digital.Tagged); n != 5 {
		t.Errorf("Ana by phone: tagged %d, want 5", n)
	}
	requestedPerCase(t, srv, ana.Value, cxonetest.DemoDigitalEmailAna)

	// After the processor marked them completed, the tagger leaves them.
	r := presetRunner(t, c)
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err = tg.Tag(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Count(digital.AlreadyCompleted); n != 5 {
		t.Errorf("after processing: already completed %d, want 5", n)
	}
}

// A subject reachable only as the author of a message in someone else's case
// is found by the author route, and that message is tagged.
func TestTaggerAuthorOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const guest = "guest.author@example.com"
	srv, c := newSim(t, cxonetest.WithDigitalCustomers(cxonetest.DigitalCustomer{
		FullName:   "Host Customer",
		Identities: []cxonetest.DigitalIdentity{{Channel: "chat", ID: "host@example.com", FirstName: "Host"}},
		Cases: []cxonetest.DigitalCase{{Channel: "chat", Messages: []cxonetest.DigitalMessage{
			{Direction: "inbound", Text: "Hi, my friend joins"},
			{Direction: "inbound", Text: "Hello from the guest", AuthorID: guest},
			{Direction: "outbound", Text: "Welcome both"},
		}}},
	}))
	f, err := digital.NewFinder(c).FindIdentifier(ctx, guest)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Interactions) != 1 || f.Interactions[0].Routes != digital.RouteAuthor || f.Interactions[0].Contact != nil {
		t.Fatalf("want one interaction found by author only, got %d", len(f.Interactions))
	}
	rep, err := digital.NewTagger(c, digital.Preset()).TagIdentifier(ctx, guest)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(digital.Tagged) != 1 {
		t.Fatalf("outcomes: %+v", rep.Outcomes)
	}
	m, _ := srv.DigitalMessage(rep.Outcomes[0].MessageID)
	if m.AuthorID != guest || m.Direction != "inbound" {
		t.Error("the tagged message is not the guest's")
	}
	if n := srv.DigitalCalls()["GET /dfo/3.0/contacts/{id}"]; n != 1 {
		t.Errorf("case reads = %d, want 1 (its tags were unknown)", n)
	}
	rep, err = digital.NewTagger(c, digital.Preset()).TagIdentifier(ctx, guest)
	if err != nil || rep.Count(digital.AlreadyRequested) != 1 {
		t.Errorf("second run: %v %+v", err, rep)
	}
}

package digital_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/internal/vcr"
)

// Recorded-HTTP tests of the digital package: tag ensure, customer search by
// identity, case history, message tag add, content and author-name removal.
// They replay testdata/cassettes/*.yaml; CXONE_RECORD=1 re-records them from
// cxonetest, or from a real tenant with the credentials of package
// internal/vcr and CXONE_VCR_DFO_EMAIL naming a customer whose first message
// may be erased there. The pinned ids are the simulator's.

func vcrDigitalClient(t *testing.T, s *vcr.Session) *digital.Client {
	t.Helper()
	dc, err := digital.NewClient(s.API, digital.WithLimits(digital.NoLimits()))
	if err != nil {
		t.Fatal(err)
	}
	return dc
}

func TestVcrDigitalEnsureTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := vcr.Connect(ctx, t, vcr.Config{Cassette: "ensure_tags"})
	dc := vcrDigitalClient(t, s)
	proc := digital.Preset()

	requested, completed, err := proc.EnsureTags(ctx, dc)
	if err != nil {
		t.Fatalf("EnsureTags: %v", err)
	}
	// A second Ensure finds the tag instead of creating another.
	again, err := dc.Tags.Ensure(ctx, digital.TagRequested, proc.Requested.Color)
	if err != nil {
		t.Fatalf("Ensure again: %v", err)
	}
	if s.FromTenant {
		if again.ID != requested.ID {
			t.Errorf("Ensure again gave tag %d, want %d", again.ID, requested.ID)
		}
		return
	}
	want := []digital.Tag{
		{ID: vcrTagRequested, Title: digital.TagRequested, Color: proc.Requested.Color},
		{ID: vcrTagCompleted, Title: digital.TagCompleted, Color: proc.Completed.Color},
		{ID: vcrTagRequested, Title: digital.TagRequested, Color: proc.Requested.Color},
	}
	if diff := cmp.Diff(want, []digital.Tag{*requested, *completed, *again}); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if s.Sim != nil {
		for _, title := range []string{digital.TagRequested, digital.TagCompleted} {
			if n := s.Sim.DigitalTagCount(title); n != 1 {
				t.Errorf("simulator holds %d tags titled %q, want 1", n, title)
			}
		}
	}
}

// Ids the simulator gives on a fresh start (pinned from the cassettes).
const (
	vcrTagRequested = 1
	vcrTagCompleted = 2
)

var (
	vcrAnaCustomerID = "c0a1e5d2-0000-4000-8000-000000001001"
	vcrAnaCases      = []digital.ContactNumber{"1020", "1016", "1012", "1008", "1004"}
	vcrAnaMessageID  = "msg-00001021"
)

func TestVcrDigitalEraseMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	email := vcr.Identifier(t, "CXONE_VCR_DFO_EMAIL", cxonetest.DemoDigitalEmailAna)
	ids := map[string]string{email: "name-1@" + vcr.PlaceholderDomain}
	if vcr.CurrentMode() != vcr.RecordTenant {
		ids[cxonetest.DemoDigitalPhoneAna] = "+000000000001"
	}
	s := vcr.Connect(ctx, t, vcr.Config{Cassette: "erase_message", IDs: ids})
	dc := vcrDigitalClient(t, s)
	pinned := !s.FromTenant

	tag, err := dc.Tags.Ensure(ctx, digital.TagRequested, digital.ColorRed)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}

	// Customer search by identity: one card, whose identities come back as
	// the test's own values (the cassette holds placeholders).
	var customers []digital.Customer
	for c, err := range dc.Customers.SearchByIdentity(ctx, email) {
		if err != nil {
			t.Fatalf("SearchByIdentity: %v", err)
		}
		customers = append(customers, c)
	}
	if len(customers) != 1 {
		t.Fatalf("SearchByIdentity found %d customers, want 1", len(customers))
	}
	cust := customers[0]
	if pinned {
		var got []string
		for _, id := range cust.Identities {
			got = append(got, id.IDOnExternalPlatform)
		}
		want := []string{cxonetest.DemoDigitalEmailAna, cxonetest.DemoDigitalPhoneAna}
		if diff := cmp.Diff(want, got); diff != "" || cust.ID != vcrAnaCustomerID {
			t.Errorf("customer %q (want %q), identities (-want +got):\n%s", cust.ID, vcrAnaCustomerID, diff)
		}
	}

	// Case history of the card, newest first.
	var cases []digital.ContactNumber
	for c, err := range dc.Contacts.History(ctx, cust.ID) {
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		if c.CustomerID != cust.ID {
			t.Errorf("case %s belongs to customer %q, want %q", c.ID, c.CustomerID, cust.ID)
		}
		cases = append(cases, c.ID)
	}
	if len(cases) == 0 {
		t.Fatal("History found no case")
	}
	if pinned {
		if diff := cmp.Diff(vcrAnaCases, cases); diff != "" {
			t.Errorf("History (-want +got):\n%s", diff)
		}
	}
	if s.Sim != nil {
		want := s.Sim.DigitalCases(email)
		got := make([]string, len(cases))
		for i, n := range cases {
			got[i] = string(n)
		}
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("History against the simulator (-want +got):\n%s", diff)
		}
	}

	// The subject's first inbound message of the newest case.
	var msg *digital.Message
	for m, err := range dc.Contacts.Messages(ctx, cases[0]) {
		if err != nil {
			t.Fatalf("Messages: %v", err)
		}
		if m.Direction == digital.Inbound && m.AuthorID() != "" {
			msg = &m
			break
		}
	}
	if msg == nil {
		t.Fatal("no inbound message in the newest case")
	}
	if pinned && msg.ID != vcrAnaMessageID {
		t.Errorf("message id %q, want %q", msg.ID, vcrAnaMessageID)
	}

	tagged, err := dc.Messages.AddTag(ctx, msg.ID, tag.ID)
	if err != nil {
		t.Fatalf("AddTag: %v", err)
	}
	if !tagged.HasTag(tag.ID) || tagged.ID != msg.ID {
		t.Errorf("AddTag: message %q has tag %d: %v, want message %q with it", tagged.ID, tag.ID, tagged.HasTag(tag.ID), msg.ID)
	}

	removed, err := dc.Messages.RemoveContent(ctx, msg.ID, digital.ReasonGDPR)
	if err != nil {
		t.Fatalf("RemoveContent: %v", err)
	}
	if removed.ContentRemoved == nil || removed.ContentRemoved.Reason != digital.ReasonGDPR {
		t.Errorf("RemoveContent: contentRemoved = %+v, want reason %q", removed.ContentRemoved, digital.ReasonGDPR)
	}
	// Removing twice is reported, not counted as this call's removal.
	if _, err := dc.Messages.RemoveContent(ctx, msg.ID, digital.ReasonGDPR); !errors.Is(err, digital.ErrAlreadyRemoved) {
		t.Errorf("RemoveContent again: error %v, want ErrAlreadyRemoved", err)
	}

	named, err := dc.Messages.RemoveAuthorName(ctx, msg.ID, digital.ReasonGDPR)
	if err != nil {
		t.Fatalf("RemoveAuthorName: %v", err)
	}
	if named.AuthorNameRemoved == nil || named.AuthorNameRemoved.Reason != digital.ReasonGDPR || !named.Erased() {
		t.Errorf("RemoveAuthorName: authorNameRemoved = %+v, erased %v; want reason %q, erased", named.AuthorNameRemoved, named.Erased(), digital.ReasonGDPR)
	}

	if s.Sim != nil {
		st, ok := s.Sim.DigitalMessage(msg.ID)
		want := cxonetest.DigitalMessageState{Tags: []string{digital.TagRequested}, ContentRemovedReason: "GDPR", AuthorNameRemovedReason: "GDPR"}
		got := cxonetest.DigitalMessageState{Tags: st.Tags, ContentRemovedReason: st.ContentRemovedReason, AuthorNameRemovedReason: st.AuthorNameRemovedReason}
		if diff := cmp.Diff(want, got); !ok || diff != "" {
			t.Errorf("simulator's message (found %v) (-want +got):\n%s", ok, diff)
		}
	}
}

package digital_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/internal/simtest"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

// Case 1: identifiers with '+' travel URL-encoded and arrive intact.
func TestIdentifiersArriveIntact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)

	custs := collect(t, c.Customers.SearchByIdentity(ctx, cxonetest.DemoDigitalEmailPlus))
	if len(custs) != 1 || custs[0].FullName != "Ana S." {
		t.Fatalf("customers by '+' email: got %d customers, want the one card \"Ana S.\"", len(custs))
	}
	msgs := collect(t, c.Messages.Search(ctx, &digital.MessageSearchOptions{AuthorIDs: []string{cxonetest.DemoDigitalPhoneAna}}))
	if len(msgs) == 0 {
		t.Fatal("messages by phone author: none found")
	}
	for _, m := range msgs {
		if m.AuthorID() != cxonetest.DemoDigitalPhoneAna {
			t.Fatalf("message author differs from the phone searched (len %d)", len(m.AuthorID()))
		}
	}

	raw := srv.DigitalRawQueries("GET /dfo/3.0/customers")
	if len(raw) != 1 {
		t.Fatalf("customer searches seen = %d, want 1", len(raw))
	}
	q, err := url.ParseQuery(raw[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`identityIdOnExternalPlatform IN ("ana+gdpr@example.com")`, q.Get("query")); diff != "" {
		t.Errorf("decoded query (-want +got):\n%s", diff)
	}
	if !strings.Contains(raw[0], "%2B") {
		t.Errorf("raw customer query does not hold %%2B")
	}
	raw = srv.DigitalRawQueries("GET /dfo/3.0/messages")
	q, err = url.ParseQuery(raw[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"+447700900123"}, q["authorIdOnExternalPlatform[]"]); diff != "" {
		t.Errorf("decoded author (-want +got):\n%s", diff)
	}
	if !strings.Contains(raw[0], "%2B447700900123") {
		t.Errorf("raw message query does not hold %%2B")
	}
}

// Array filters repeat as name[]=value.
func TestArrayParamsRepeat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	a := srv.AddDigitalTag("A", "")
	b := srv.AddDigitalTag("B", "")
	collect(t, c.Messages.Search(ctx, &digital.MessageSearchOptions{Tags: []int{a, b}, ExcludeTags: []int{b},
		Channels: []string{"email", "sms"}, Direction: digital.Inbound}))
	collect(t, c.Contacts.Search(ctx, &digital.ContactSearchOptions{EndUserIDs: []string{"x", "y"}, Statuses: []string{"open", "closed"}}))
	got := []url.Values{}
	for _, p := range []string{"GET /dfo/3.0/messages", "GET /dfo/3.0/contacts"} {
		q, _ := url.ParseQuery(srv.DigitalRawQueries(p)[0])
		got = append(got, q)
	}
	want := []url.Values{
		{"tag[]": {"1", "2"}, "excludeTag[]": {"2"}, "channel[]": {"email", "sms"}, "direction": {"inbound"}},
		{"endUserIdOnExternalPlatform[]": {"x", "y"}, "status[]": {"open", "closed"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
}

// Case 4 and paging: Ensure finds across pages, ignoring case, and never
// creates twice.
func TestTagsEnsure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t, cxonetest.WithDigitalPageSize(10))
	for i := range 35 {
		srv.AddDigitalTag("filler "+string(rune('a'+i%26))+strings.Repeat("x", i/26), "")
	}
	srv.AddDigitalTag("VIP Customer", "#E11616") // on page 4

	got, err := c.Tags.Ensure(ctx, "vip customer", digital.ColorBlue)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&digital.Tag{ID: 36, Title: "VIP Customer", Color: digital.ColorRed}, got); diff != "" {
		t.Errorf("Ensure of an existing tag (-want +got):\n%s", diff)
	}
	for range 2 {
		if _, err := c.Tags.Ensure(ctx, digital.TagRequested, digital.ColorYellow); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.DigitalTagCount(digital.TagRequested); n != 1 {
		t.Errorf("tags titled %q = %d, want 1", digital.TagRequested, n)
	}
	if n := srv.DigitalTagCount("VIP Customer"); n != 1 {
		t.Errorf("tags titled VIP Customer = %d, want 1", n)
	}
	all := collect(t, c.Tags.List(ctx, nil))
	if len(all) != 37 {
		t.Errorf("listed %d tags, want 37", len(all))
	}
}

func TestTagsCreateValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, c := newSim(t)
	if _, err := c.Tags.Create(ctx, "x", "#123456"); err == nil {
		t.Error("Create with a colour outside the palette: no error")
	}
	if _, err := c.Tags.Create(ctx, "  ", digital.ColorRed); err == nil {
		t.Error("Create with a blank title: no error")
	}
	tag, err := c.Tags.Create(ctx, "Lower", "#289d29")
	if err != nil {
		t.Fatal(err)
	}
	if tag.Color != digital.ColorGreen {
		t.Errorf("colour = %q, want %q", tag.Color, digital.ColorGreen)
	}
}

func TestRemovalSemantics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	id := srv.DigitalMessages()[0].ID
	if _, err := c.Messages.RemoveContent(ctx, id, "forgot"); err == nil {
		t.Error("bad reason: no error")
	}
	m, err := c.Messages.RemoveContent(ctx, id, digital.ReasonGDPR)
	if err != nil {
		t.Fatal(err)
	}
	if m.ContentRemoved == nil || m.ContentRemoved.Reason != digital.ReasonGDPR || m.ContentRemoved.RemovedAt.IsZero() {
		t.Errorf("contentRemoved = %+v, want reason GDPR with a time", m.ContentRemoved)
	}
	_, err = c.Messages.RemoveContent(ctx, id, digital.ReasonGDPR)
	if !errors.Is(err, digital.ErrAlreadyRemoved) {
		t.Errorf("second removal: err = %v, want ErrAlreadyRemoved", err)
	}
	if _, ok := errors.AsType[*cxone.APIError](err); !ok {
		t.Errorf("second removal: the *cxone.APIError is not reachable")
	}
	if _, err := c.Messages.RemoveAuthorName(ctx, id, digital.ReasonTTL); err != nil {
		t.Fatal(err)
	}
	st, _ := srv.DigitalMessage(id)
	want := cxonetest.DigitalMessageState{ID: id, ContactNumber: st.ContactNumber, Channel: "email", Direction: "inbound",
		AuthorID: cxonetest.DemoDigitalEmailAna, Tags: []string{}, ContentRemovedReason: "GDPR", AuthorNameRemovedReason: "TTL"}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("message after removals (-want +got):\n%s", diff)
	}
	got, err := c.Messages.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Erased() {
		t.Error("Get: message not reported erased")
	}
	if _, err := c.Messages.Get(ctx, "no-such-id"); !errors.Is(err, cxone.ErrNotFound) {
		t.Errorf("Get unknown: err = %v, want ErrNotFound", err)
	}
}

func TestMessageTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	tag, err := c.Tags.Ensure(ctx, "T", digital.ColorGrey)
	if err != nil {
		t.Fatal(err)
	}
	st := srv.DigitalMessages()[3]
	m, err := c.Messages.AddTag(ctx, st.ID, tag.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasTag(tag.ID) {
		t.Error("AddTag: tag missing on the returned message")
	}
	ct, err := c.Contacts.Get(ctx, digital.ContactNumber(st.ContactNumber))
	if err != nil {
		t.Fatal(err)
	}
	if !ct.HasTag(tag.ID) {
		t.Error("the message's tag is not visible on its case")
	}
	if m, err = c.Messages.RemoveTag(ctx, st.ID, tag.ID); err != nil || m.HasTag(tag.ID) {
		t.Errorf("RemoveTag: err %v, tag still there %v", err, m != nil && m.HasTag(tag.ID))
	}
}

func TestContactHistoryPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	custs := collect(t, c.Customers.SearchByIdentity(ctx, cxonetest.DemoDigitalEmailBen))
	if len(custs) != 1 {
		t.Fatalf("customers = %d, want 1", len(custs))
	}
	cu, err := c.Customers.Get(ctx, custs[0].ID)
	if err != nil || cu.FullName != "Ben Okafor" {
		t.Fatalf("Customers.Get: %v", err)
	}
	hist := collect(t, c.Contacts.History(ctx, cu.ID))
	if len(hist) != 30 {
		t.Fatalf("history = %d cases, want 30", len(hist))
	}
	for i := 1; i < len(hist); i++ {
		if hist[i].CreatedAt.After(hist[i-1].CreatedAt) {
			t.Fatal("history is not newest first")
		}
	}
	if n := srv.DigitalCalls()["GET /dfo/3.0/contacts"]; n != 2 {
		t.Errorf("history pages fetched = %d, want 2 (25 + 5)", n)
	}
	msgs := collect(t, c.Contacts.Messages(ctx, hist[0].ID))
	if len(msgs) != 3 {
		t.Errorf("case messages = %d, want 3", len(msgs))
	}
}

func TestRateLimitWaits(t *testing.T) {
	t.Parallel()
	srv := cxonetest.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cc := simtest.Client(t, srv, cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()))
	// One read an hour: the second read must wait, and a context that ends
	// sooner makes it fail at once without a call.
	c, err := digital.NewClient(cc, digital.WithLimits(digital.Limits{Read: rate.NewLimiter(rate.Every(time.Hour), 1)}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customers.Get(ctx, "x"); !errors.Is(err, cxone.ErrNotFound) {
		t.Fatalf("first read: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := c.Customers.Get(short, "x"); err == nil || errors.Is(err, cxone.ErrNotFound) {
		t.Fatalf("second read: err = %v, want a rate-limit wait error", err)
	}
	if n := srv.DigitalCalls()["GET /dfo/3.0/customers/{id}"]; n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
	// One update an hour per case: a second update of the same case waits,
	// another case does not.
	c, err = digital.NewClient(cc, digital.WithLimits(digital.Limits{PerContact: rate.Every(time.Hour), PerContactBurst: 1}))
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.DigitalMessages()
	a, b, other := msgs[0], msgs[1], msgs[3]
	if a.ContactNumber != b.ContactNumber || a.ContactNumber == other.ContactNumber {
		t.Fatal("demo tenant changed: want two messages of one case and one of another")
	}
	for _, id := range []string{a.ID, other.ID} {
		if _, err := c.Messages.Get(ctx, id); err != nil { // learns the message's case
			t.Fatal(err)
		}
	}
	if _, err := c.Messages.RemoveContent(ctx, a.ID, digital.ReasonGDPR); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Messages.RemoveContent(ctx, other.ID, digital.ReasonGDPR); err != nil {
		t.Errorf("update of another case waited: %v", err)
	}
	collect(t, c.Contacts.Messages(ctx, digital.ContactNumber(a.ContactNumber)))
	if _, err := c.Messages.RemoveContent(short, b.ID, digital.ReasonGDPR); err == nil {
		t.Error("second update of the same case did not wait")
	}
	if _, err := digital.NewClient(cc, digital.WithLimits(digital.Limits{PerContact: 1})); err == nil {
		t.Error("PerContact without burst: no error")
	}
	d := digital.DefaultLimits()
	if got := []float64{float64(d.Read.Limit()) * 3600, float64(d.Update.Limit()) * 3600, float64(d.PerContact) * 60, float64(d.PerContactBurst)}; !cmp.Equal(got, []float64{120000, 1000000, 17, 250}, cmpApprox) {
		t.Errorf("default limits = %v, want [120000/h 1000000/h 17/min burst 250]", got)
	}
}

var cmpApprox = cmp.Comparer(func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 })

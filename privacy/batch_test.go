package privacy_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// rows turns template rows (type word, value) into items, numbered from
// line 2 as under a header line.
func rows(rs ...[2]string) iter.Seq[privacy.Item] {
	return func(yield func(privacy.Item) bool) {
		for i, r := range rs {
			it := privacy.Item{Line: i + 2}
			it.Type, _ = privacy.ParseIdentifierType(r[0])
			it.Subject, it.Err = privacy.ParseSubject(r[0], r[1])
			if !yield(it) {
				return
			}
		}
	}
}

// fastBatch are batch options that keep tests quick.
func fastBatch(opts ...privacy.BatchOption) []privacy.BatchOption {
	return append([]privacy.BatchOption{privacy.WithBackPressureWait(time.Millisecond, 3*time.Millisecond)}, opts...)
}

// runBatch runs a batch to its end and returns outcomes sorted by line, and
// the iterator's terminal error.
func runBatch(t testing.TB, ctx context.Context, c *privacy.Client, items iter.Seq[privacy.Item], opts ...privacy.BatchOption) ([]privacy.Outcome, privacy.Summary, error) {
	t.Helper()
	b, err := c.NewBatch(fastBatch(opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var out []privacy.Outcome
	var last error
	for o, err := range b.Run(ctx, items) {
		if err != nil {
			last = err
			continue
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b privacy.Outcome) int { return a.Line - b.Line })
	return out, b.Summary(), last
}

// outcomeCmp compares the stable fields of outcomes; errors and subjects are
// checked apart.
var outcomeCmp = cmpopts.IgnoreFields(privacy.Outcome{}, "Err", "Subject")

func rid(srv *cxonetest.Server, typ, v string) string {
	id, _ := srv.ErasureRequestID(typ, v)
	return id
}

// Cases 1 and 2 at batch level: one request per person, later rows skipped
// as duplicates naming the first row's line.
func TestBatchDedupe(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	got, sum, err := runBatch(t, context.Background(), c, rows(
		[2]string{"Email", "Ana.Silva@Example.COM"},
		[2]string{"Email", "ana.silva@example.com"},
		[2]string{"Phone", "+1 (202) 555-0143"},
		[2]string{"Phone", "+12025550143"},
		[2]string{"Phone", "+1 202.555.0143"},
	), privacy.WithConcurrency(4))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.Email, Status: privacy.StatusProcessed, RequestID: rid(srv, "EMAIL", "ana.silva@example.com"), Attempts: 1},
		{Line: 3, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 2},
		{Line: 4, Type: privacy.Phone, Status: privacy.StatusProcessed, RequestID: rid(srv, "PHONENO", "+12025550143"), Attempts: 1},
		{Line: 5, Type: privacy.Phone, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 4},
		{Line: 6, Type: privacy.Phone, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 4},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	wantSum := privacy.Summary{Processed: 2, Skipped: 3, Reasons: map[privacy.Reason]int{privacy.ReasonDuplicate: 3}}
	if diff := cmp.Diff(wantSum, sum); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	counts := []int{srv.ErasureRequests(), srv.ErasureCount("EMAIL", "ana.silva@example.com"), srv.ErasureCount("PHONENO", "+12025550143")}
	if diff := cmp.Diff([]int{2, 1, 1}, counts); diff != "" {
		t.Errorf("requests, email count, phone count (-want +got):\n%s", diff)
	}
}

// Case 3 at batch level: invalid rows fail with their reason, none submitted.
func TestBatchInvalidRows(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	got, _, err := runBatch(t, context.Background(), c, rows(
		[2]string{"User", "ana.silva@example.com"},
		[2]string{"Email", "+447700900123"},
		[2]string{"Phone", "ana.silva@example.com"},
		[2]string{"E-mail", "ana.silva@example.com"},
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.User, Status: privacy.StatusFailed, Reason: privacy.ReasonIdentifierTypeMismatch},
		{Line: 3, Type: privacy.Email, Status: privacy.StatusFailed, Reason: privacy.ReasonInvalidEmail},
		{Line: 4, Type: privacy.Phone, Status: privacy.StatusFailed, Reason: privacy.ReasonInvalidPhone},
		{Line: 5, Type: privacy.Unknown, Status: privacy.StatusFailed, Reason: privacy.ReasonUnknownIdentifierType},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	for _, o := range got {
		if o.Err == nil || strings.Contains(o.Err.Error(), "ana.silva") || strings.Contains(o.Err.Error(), "7700") {
			t.Errorf("line %d: error missing or echoing the value", o.Line)
		}
	}
	if msg := got[3].Err.Error(); !strings.Contains(msg, "Email") || !strings.Contains(msg, "Phone") || !strings.Contains(msg, "User") {
		t.Errorf("unknown type message does not list Email, Phone, User (len %d)", len(msg))
	}
	if n := srv.ErasureRequests(); n != 0 {
		t.Errorf("ErasureRequests = %d, want 0", n)
	}
}

// Case 4: the server stores the request, then drops the connection. The
// row ends processed, the outcome says a retry followed an ambiguous
// failure, and the simulator holds at most two requests for the subject.
func TestBatchLostAnswer(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	srv.DropErasureAnswers(1)
	got, _, err := runBatch(t, context.Background(), c, rows([2]string{"Email", "ana.silva@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{{Line: 2, Type: privacy.Email, Status: privacy.StatusProcessed, Ambiguous: true, Attempts: 2,
		RequestID: "5e7a0c1d-0000-4000-8000-000000000002"}}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if n := srv.ErasureCount("EMAIL", "ana.silva@example.com"); n < 1 || n > 2 || srv.DroppedErasureAnswers() != 1 {
		t.Errorf("simulator holds %d requests for the subject (dropped %d), want 1 or 2 (dropped 1)", n, srv.DroppedErasureAnswers())
	}
}

// Case 5: three accepted, then 503 with an HTML body past the retry limit:
// 3 processed, 2 failed gave_up (retryable). A rerun with the journal files
// nothing new for the first three and two new requests.
func TestBatchGaveUpThenRerun(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	j, err := privacy.OpenJournal(journalPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	in := rows(
		[2]string{"Email", "ana.silva@example.com"},
		[2]string{"Email", "bruno.costa@example.com"},
		[2]string{"Phone", "+447700900123"},
		[2]string{"Phone", "+12025550143"},
		[2]string{"User", "agent-4711"},
	)
	srv.FailErasuresAfter(3, http.StatusServiceUnavailable)
	got, sum, err := runBatch(t, context.Background(), c, in, privacy.WithConcurrency(1), privacy.WithJournal(j))
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{rid(srv, "EMAIL", "ana.silva@example.com"), rid(srv, "EMAIL", "bruno.costa@example.com"), rid(srv, "PHONENO", "+447700900123")}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.Email, Status: privacy.StatusProcessed, RequestID: ids[0], Attempts: 1},
		{Line: 3, Type: privacy.Email, Status: privacy.StatusProcessed, RequestID: ids[1], Attempts: 1},
		{Line: 4, Type: privacy.Phone, Status: privacy.StatusProcessed, RequestID: ids[2], Attempts: 1},
		{Line: 5, Type: privacy.Phone, Status: privacy.StatusFailed, Reason: privacy.ReasonGaveUp, Retryable: true, Attempts: 4},
		{Line: 6, Type: privacy.User, Status: privacy.StatusFailed, Reason: privacy.ReasonGaveUp, Retryable: true, Attempts: 4, Deactivated: true},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(privacy.Summary{Processed: 3, Failed: 2, Reasons: map[privacy.Reason]int{privacy.ReasonGaveUp: 2}}, sum); diff != "" {
		t.Errorf("first summary (-want +got):\n%s", diff)
	}
	if msg := got[3].Err.Error(); !strings.Contains(msg, "503") || strings.Contains(msg, "2025550143") {
		t.Errorf("gave_up error should name the status, not the value (len %d)", len(msg))
	}

	srv.FailErasuresAfter(-1, 0)
	got, _, err = runBatch(t, context.Background(), c, in, privacy.WithConcurrency(1), privacy.WithJournal(j))
	if err != nil {
		t.Fatal(err)
	}
	want = []privacy.Outcome{
		{Line: 2, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonAlreadySubmitted, RequestID: ids[0]},
		{Line: 3, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonAlreadySubmitted, RequestID: ids[1]},
		{Line: 4, Type: privacy.Phone, Status: privacy.StatusSkipped, Reason: privacy.ReasonAlreadySubmitted, RequestID: ids[2]},
		{Line: 5, Type: privacy.Phone, Status: privacy.StatusProcessed, RequestID: rid(srv, "PHONENO", "+12025550143"), Attempts: 1},
		{Line: 6, Type: privacy.User, Status: privacy.StatusProcessed, RequestID: rid(srv, "USER", "agent-4711"), Attempts: 1},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("rerun (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{5, 0, 1}, []int{srv.ErasureRequests(), srv.DuplicateErasures(), srv.Deactivations()}); diff != "" {
		t.Errorf("requests, duplicates, deactivations (-want +got):\n%s", diff)
	}
}

// Users go through EraseUser: deactivated first; the key owner is refused.
func TestBatchUsers(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	got, _, err := runBatch(t, context.Background(), c, rows(
		[2]string{"User", "agent-4711"},
		[2]string{"User", "integration.bot"},
		[2]string{"User", "nobody.here"},
		[2]string{"User", "AGENT-4711"},
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.User, Status: privacy.StatusProcessed, RequestID: rid(srv, "USER", "agent-4711"), Attempts: 1, Deactivated: true},
		{Line: 3, Type: privacy.User, Status: privacy.StatusFailed, Reason: privacy.ReasonKeyOwner},
		{Line: 4, Type: privacy.User, Status: privacy.StatusFailed, Reason: privacy.ReasonUserNotFound},
		{Line: 5, Type: privacy.User, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 2},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	st, _ := srv.UserStatus(cxonetest.DemoKeyOwnerUserID)
	if diff := cmp.Diff([]any{1, 1, cxonetest.StatusActive}, []any{srv.ErasureRequests(), srv.Deactivations(), st}); diff != "" {
		t.Errorf("erasures, deactivations, key owner status (-want +got):\n%s", diff)
	}
}

func TestBatchDryRun(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	j := privacy.NewMemJournal()
	j.Record(context.Background(), privacy.JournalEntry{Key: mustSubject(t, "Phone", "+447700900123").Key(), RequestID: "old"})
	got, _, err := runBatch(t, context.Background(), c, rows(
		[2]string{"Email", "ana.silva@example.com"},
		[2]string{"Email", "ANA.SILVA@example.com"},
		[2]string{"Email", "not an email"},
		[2]string{"Phone", "+447700900123"},
		[2]string{"User", "agent-4711"},
	), privacy.WithDryRun(), privacy.WithJournal(j))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonDryRun},
		{Line: 3, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 2},
		{Line: 4, Type: privacy.Email, Status: privacy.StatusFailed, Reason: privacy.ReasonInvalidEmail},
		{Line: 5, Type: privacy.Phone, Status: privacy.StatusSkipped, Reason: privacy.ReasonAlreadySubmitted, RequestID: "old"},
		{Line: 6, Type: privacy.User, Status: privacy.StatusSkipped, Reason: privacy.ReasonDryRun},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	search, deact := srv.UserCalls()
	if diff := cmp.Diff([]int{0, 0, 0}, []int{srv.ErasureRequests(), search, deact}); diff != "" {
		t.Errorf("dry run made calls: erasures, searches, deactivations (-want +got):\n%s", diff)
	}
}

// phones makes n distinct fictional phone subjects.
func phones(n int) [][2]string {
	out := make([][2]string, n)
	for i := range out {
		out[i] = [2]string{"Phone", fmt.Sprintf("+1 202 555 %04d", i%10000)}
		if i >= 10000 {
			out[i] = [2]string{"Email", fmt.Sprintf("person.%d@example.com", i)}
		}
	}
	return out
}

// At the active cap the server answers 429; the batch waits and resubmits,
// so every row is processed and none fails for back-pressure.
func TestBatchBackPressure(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, []cxonetest.Option{cxonetest.WithErasureActiveLimit(5), cxonetest.WithErasureActiveTime(20 * time.Millisecond), cxonetest.WithErasureRetryAfter(0)})
	got, sum, err := runBatch(t, context.Background(), c, rows(phones(60)...), privacy.WithConcurrency(12))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(privacy.Summary{Processed: 60}, sum); diff != "" || len(got) != 60 {
		t.Errorf("%d outcomes; summary (-want +got):\n%s", len(got), diff)
	}
	if srv.ErasureCapHits() == 0 || srv.ErasureRequests() != 60 || srv.DuplicateErasures() != 0 {
		t.Errorf("cap hits %d, requests %d, duplicates %d; want >0, 60, 0", srv.ErasureCapHits(), srv.ErasureRequests(), srv.DuplicateErasures())
	}
}

// With a window at least as long as the server keeps requests active, the
// batch stays under the cap by itself.
func TestBatchMaxActiveWindow(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, []cxonetest.Option{cxonetest.WithErasureActiveLimit(5), cxonetest.WithErasureActiveTime(10 * time.Millisecond)})
	_, sum, err := runBatch(t, context.Background(), c, rows(phones(30)...), privacy.WithConcurrency(12), privacy.WithMaxActive(5, 15*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Processed != 30 || srv.ErasureCapHits() != 0 {
		t.Errorf("processed %d, cap hits %d; want 30, 0", sum.Processed, srv.ErasureCapHits())
	}
}

type failingJournal struct{ *privacy.MemJournal }

func (failingJournal) Record(context.Context, privacy.JournalEntry) error {
	return errors.New("disk full")
}

// A journal that cannot record stops the batch: the row is reported
// processed with the journal error, and the run ends with that error.
func TestBatchJournalFailureStops(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	j := &failingJournal{MemJournal: privacy.NewMemJournal()}
	got, _, err := runBatch(t, context.Background(), c, rows(phones(20)...), privacy.WithConcurrency(1), privacy.WithJournal(j))
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("terminal error = %v, want disk full", err)
	}
	want := []privacy.Outcome{{Line: 2, Type: privacy.Phone, Status: privacy.StatusProcessed, Reason: privacy.ReasonJournal, RequestID: rid(srv, "PHONENO", "+12025550000"), Attempts: 1}}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

func TestBatchProgressAndBreak(t *testing.T) {
	t.Parallel()
	_, c := newSimClient(t, nil)
	var calls []int
	b, err := c.NewBatch(privacy.WithProgress(func(p privacy.Progress) { calls = append(calls, p.Total()) }))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range b.Run(context.Background(), rows(phones(50)...)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 10 {
			break
		}
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, calls); diff != "" {
		t.Errorf("progress totals (-want +got):\n%s", diff)
	}
	if got := b.Summary().Total(); got != 10 {
		t.Errorf("summary total = %d, want 10", got)
	}
}

func TestBatchOptions(t *testing.T) {
	t.Parallel()
	_, c := newSimClient(t, nil)
	for name, o := range map[string]privacy.BatchOption{
		"concurrency 0": privacy.WithConcurrency(0),
		"max active 0":  privacy.WithMaxActive(0, 0),
		"window < 0":    privacy.WithMaxActive(1, -time.Second),
		"backoff":       privacy.WithBackPressureWait(0, time.Second),
		"drain":         privacy.WithDrainTimeout(-1),
	} {
		if _, err := c.NewBatch(o); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// A cancelled batch lets the rows under way finish (and be journaled), then
// ends with the context's error; the rerun files the rest.
func TestBatchCancelDrains(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, []cxonetest.Option{cxonetest.WithLatency(2 * time.Millisecond)})
	j := privacy.NewMemJournal()
	in := rows(phones(100)...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, _ := c.NewBatch(fastBatch(privacy.WithConcurrency(8), privacy.WithJournal(j))...)
	var first []privacy.Outcome
	var end error
	for o, err := range b.Run(ctx, in) {
		if err != nil {
			end = err
			continue
		}
		first = append(first, o)
		if len(first) == 20 {
			cancel()
		}
	}
	if !errors.Is(end, context.Canceled) {
		t.Fatalf("terminal error = %v, want context.Canceled", end)
	}
	// Rows under way drain and are processed; rows handed to a worker but
	// not started yet fail as canceled, with nothing filed.
	processed := 0
	for _, o := range first {
		switch {
		case o.Status == privacy.StatusProcessed:
			processed++
		case o.Status == privacy.StatusFailed && o.Reason == privacy.ReasonCanceled && o.Retryable && !o.Ambiguous && o.Attempts == 0:
		default:
			t.Errorf("line %d: %s %s, want processed, or canceled before it started", o.Line, o.Status, o.Reason)
		}
	}
	if len(first) >= 100 || j.Len() != processed || srv.ErasureRequests() != processed {
		t.Errorf("outcomes %d, processed %d, journal %d, requests %d: want the last three equal, outcomes < 100", len(first), processed, j.Len(), srv.ErasureRequests())
	}
	got, sum, err := runBatch(t, context.Background(), c, in, privacy.WithJournal(j))
	if err != nil || len(got) != 100 {
		t.Fatalf("rerun: %d outcomes, err %v", len(got), err)
	}
	want := privacy.Summary{Processed: 100 - processed, Skipped: processed, Reasons: map[privacy.Reason]int{privacy.ReasonAlreadySubmitted: processed}}
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("rerun summary (-want +got):\n%s", diff)
	}
	if srv.ErasureRequests() != 100 || srv.DuplicateErasures() != 0 {
		t.Errorf("requests %d, duplicates %d; want 100, 0", srv.ErasureRequests(), srv.DuplicateErasures())
	}
}

// A dry run needs no client (no network); any other batch does.
func TestBatchNilClient(t *testing.T) {
	t.Parallel()
	var c *privacy.Client
	if _, err := c.NewBatch(); err == nil {
		t.Error("NewBatch on a nil client: want an error")
	}
	got, _, err := runBatch(t, context.Background(), c, rows([2]string{"Email", "ana.silva@example.com"}, [2]string{"Email", "Ana.Silva@example.com"}), privacy.WithDryRun())
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonDryRun},
		{Line: 3, Type: privacy.Email, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 2},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

// A refusal by the server (here the admin variant naming another tenant) is
// a failed row that a rerun as is cannot fix.
func TestBatchRefused(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil, privacy.WithTenant("99999999-0000-4000-8000-000000000000"))
	got, _, err := runBatch(t, context.Background(), c, rows([2]string{"Email", "ana.silva@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{{Line: 2, Type: privacy.Email, Status: privacy.StatusFailed, Reason: privacy.ReasonRefused, Attempts: 1}}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if srv.ErasureRequests() != 0 {
		t.Errorf("ErasureRequests = %d, want 0", srv.ErasureRequests())
	}
}

// A 502 (or 500, 504) may come after the backend acted: the POST is not
// retried and the row is flagged ambiguous. A 503 is retried and, past the
// limit, is not ambiguous (TestBatchGaveUpThenRerun).
func TestBatchServerErrors(t *testing.T) {
	t.Parallel()
	srv, c := newSimClient(t, nil)
	page := cxonetest.Reply{Status: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>Bad Gateway</html>"}
	srv.Script("POST /privacy/v1/erasure", page)
	got, _, err := runBatch(t, context.Background(), c, rows([2]string{"Email", "ana.silva@example.com"}), privacy.WithConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	want := []privacy.Outcome{{Line: 2, Type: privacy.Email, Status: privacy.StatusFailed, Reason: privacy.ReasonGaveUp, Retryable: true, Ambiguous: true, Attempts: 1}}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("502 (-want +got):\n%s", diff)
	}
}

func TestNewDryRunBatch(t *testing.T) {
	t.Parallel()
	b, err := privacy.NewDryRunBatch(privacy.WithConcurrency(2))
	if err != nil {
		t.Fatal(err)
	}
	var got []privacy.Outcome
	for o, err := range b.Run(context.Background(), rows([2]string{"Phone", "+447700900123"}, [2]string{"Phone", "+44 7700 900123"})) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o)
	}
	want := []privacy.Outcome{
		{Line: 2, Type: privacy.Phone, Status: privacy.StatusSkipped, Reason: privacy.ReasonDryRun},
		{Line: 3, Type: privacy.Phone, Status: privacy.StatusSkipped, Reason: privacy.ReasonDuplicate, DuplicateOf: 2},
	}
	if diff := cmp.Diff(want, got, outcomeCmp); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

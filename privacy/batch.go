package privacy

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/cxprivacy/cxone"
)

// Item is one input row of a [Batch]: a subject with the line it came from,
// or the reason the row could not be read (Err, typically a [*ParseError]),
// so invalid rows flow through to an outcome of their own.
type Item struct {
	Line    int
	Type    IdentifierType // the row's type, when it could be read
	Subject Subject
	Err     error
}

// Status is an outcome's class, the three counts the CXone Privacy page shows.
type Status string

// The outcome statuses.
const (
	// StatusProcessed: a request was filed (RequestID).
	StatusProcessed Status = "processed"
	// StatusFailed: needs attention (see Reason and Retryable).
	StatusFailed Status = "failed"
	// StatusSkipped: nothing to do (a duplicate, already submitted, a dry run).
	StatusSkipped Status = "skipped"
)

// Reasons of a batch outcome, beside the parse reasons of [ParseError].
const (
	// ReasonDuplicate: an earlier row has the same comparison key
	// (Outcome.DuplicateOf names its line). The earlier row's outcome
	// stands for both.
	ReasonDuplicate Reason = "duplicate"
	// ReasonAlreadySubmitted: the journal holds a request for the subject
	// (Outcome.RequestID is that request's id).
	ReasonAlreadySubmitted Reason = "already_submitted"
	// ReasonDryRun: valid and new; a real run would submit it.
	ReasonDryRun Reason = "dry_run"
	// ReasonInvalid: the row was rejected by its reader for a reason other
	// than a [ParseError].
	ReasonInvalid Reason = "invalid"
	// ReasonRefused: the server refused the request (a 4xx answer other
	// than back-pressure). Not retryable as is.
	ReasonRefused Reason = "refused"
	// ReasonUnauthorized: authentication failed or the key lacks the
	// permission (Privacy → Erasure).
	ReasonUnauthorized Reason = "unauthorized"
	// ReasonGaveUp: retries were exhausted on server errors or a broken
	// network. Retryable.
	ReasonGaveUp Reason = "gave_up"
	// ReasonCanceled: the batch was cancelled while the row was under way.
	// Retryable; Ambiguous says whether the request may be filed.
	ReasonCanceled Reason = "canceled"
	// ReasonKeyOwner: the user owns the client's access key ([ErrKeyOwner],
	// [ErrKeyOwnerUnknown]).
	ReasonKeyOwner Reason = "key_owner"
	// ReasonUserNotFound: no user has the username ([ErrUserNotFound]).
	ReasonUserNotFound Reason = "user_not_found"
	// ReasonAmbiguousUser: several users match ([ErrAmbiguousUser]).
	ReasonAmbiguousUser Reason = "ambiguous_user"
	// ReasonNotDeactivated: the platform did not deactivate the user
	// ([ErrNotDeactivated]); no erasure was filed.
	ReasonNotDeactivated Reason = "not_deactivated"
	// ReasonJournal: the journal failed; the batch stops.
	ReasonJournal Reason = "journal_error"
)

// Outcome is what happened to one [Item].
type Outcome struct {
	Line int
	Type IdentifierType
	// Subject is the row's subject (zero when the row was invalid), for a
	// caller that goes on to erase it elsewhere. It holds the identifier:
	// log Line, never Subject.Value (Subject's String redacts).
	Subject Subject
	Status  Status
	Reason  Reason // empty when processed
	// Err is the detail of a failure (no identifier in its text).
	Err error
	// DuplicateOf is the line of the earlier row with the same subject.
	DuplicateOf int
	// RequestID is the filed request's id (processed, or already_submitted).
	RequestID string
	// Retryable: a rerun may succeed (gave_up, canceled, ...).
	Retryable bool
	// Ambiguous: a request may have been filed although the row failed, or
	// two may have been filed for a processed row (see [Request.Ambiguous]).
	Ambiguous bool
	// Attempts is the number of HTTP attempts of the erasure.
	Attempts int
	// Deactivated: a User row whose employee was deactivated by this run.
	Deactivated bool
}

// Summary counts outcomes by status and by reason.
type Summary struct {
	Processed, Failed, Skipped int
	Reasons                    map[Reason]int
}

// Add counts one outcome.
func (s *Summary) Add(o Outcome) {
	switch o.Status {
	case StatusProcessed:
		s.Processed++
	case StatusFailed:
		s.Failed++
	case StatusSkipped:
		s.Skipped++
	}
	if o.Reason != "" {
		if s.Reasons == nil {
			s.Reasons = map[Reason]int{}
		}
		s.Reasons[o.Reason]++
	}
}

// Total is the number of outcomes counted.
func (s Summary) Total() int { return s.Processed + s.Failed + s.Skipped }

// Progress is reported after each outcome.
type Progress struct {
	Summary
	// InFlight is the number of rows being submitted right now.
	InFlight int
}

// BatchOption configures [Client.NewBatch].
type BatchOption func(*batchConfig) error

type batchConfig struct {
	concurrency   int
	maxActive     int
	activeWindow  time.Duration
	progress      func(Progress)
	dryRun        bool
	journal       Journal
	bpBase, bpMax time.Duration
	drain         time.Duration
}

// WithConcurrency sets how many rows are submitted at once (default 8).
func WithConcurrency(n int) BatchOption {
	return func(c *batchConfig) error {
		if n < 1 || n > 1000 {
			return fmt.Errorf("privacy: WithConcurrency: %d is outside 1..1000", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithMaxActive bounds the requests the batch counts as active (default
// 500, the Privacy page's cap). The API has no status endpoint, so the
// batch cannot see a request complete: it counts a request active while it
// is in flight and, when window > 0, for window after it was filed. With a
// window close to the time the platform takes to process a request, the
// batch stays under the cap on its own; either way, the server's
// back-pressure (429) is waited out and the row resubmitted, never failed.
func WithMaxActive(n int, window time.Duration) BatchOption {
	return func(c *batchConfig) error {
		if n < 1 || window < 0 {
			return errors.New("privacy: WithMaxActive: n must be at least 1 and window not negative")
		}
		c.maxActive, c.activeWindow = n, window
		return nil
	}
}

// WithProgress calls f after each outcome, on the goroutine that ranges
// over [Batch.Run]. f must be quick.
func WithProgress(f func(Progress)) BatchOption {
	return func(c *batchConfig) error { c.progress = f; return nil }
}

// WithDryRun validates and dedupes (and consults the journal) without any
// network call: new valid rows come out skipped with [ReasonDryRun].
func WithDryRun() BatchOption { return func(c *batchConfig) error { c.dryRun = true; return nil } }

// WithJournal records every filed request and skips the subjects it already
// holds (as [ReasonAlreadySubmitted]), so a rerun after a crash, a
// cancellation or failures files only what is missing.
func WithJournal(j Journal) BatchOption {
	return func(c *batchConfig) error { c.journal = j; return nil }
}

// WithBackPressureWait sets the wait between resubmissions of a row the
// server pushed back (429 at the active cap or a rate limit): exponential
// from base to max with jitter (default 1 s to 5 min). A Retry-After the
// server sent is honoured up to max.
func WithBackPressureWait(base, max time.Duration) BatchOption {
	return func(c *batchConfig) error {
		if base <= 0 || max < base {
			return errors.New("privacy: WithBackPressureWait: need 0 < base <= max")
		}
		c.bpBase, c.bpMax = base, max
		return nil
	}
}

// WithDrainTimeout sets how long rows already under way may take to finish
// after the run's context is cancelled (default 30 s). Letting them finish
// is what keeps a cancelled run from leaving requests filed but not
// journaled (a rerun would file them again). 0 aborts them at once.
func WithDrainTimeout(d time.Duration) BatchOption {
	return func(c *batchConfig) error {
		if d < 0 {
			return errors.New("privacy: WithDrainTimeout: negative")
		}
		c.drain = d
		return nil
	}
}

// Batch submits many subjects: it drops duplicates, consults the journal,
// submits with bounded concurrency, waits out back-pressure, and reports
// one [Outcome] per row. Make one with [Client.NewBatch]; run it with
// [Batch.Run].
type Batch struct {
	c   *Client
	cfg batchConfig

	mu      sync.Mutex
	summary Summary
}

// NewBatch prepares a batch with validated options. A dry run needs no
// client: on a nil *Client only [WithDryRun] batches can be made.
func (c *Client) NewBatch(opts ...BatchOption) (*Batch, error) {
	cfg := batchConfig{concurrency: 8, maxActive: 500, bpBase: time.Second, bpMax: 5 * time.Minute, drain: 30 * time.Second}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if c == nil && !cfg.dryRun {
		return nil, errors.New("privacy: NewBatch: nil client (only a dry run needs none)")
	}
	return &Batch{c: c, cfg: cfg}, nil
}

// Summary is the count of the outcomes the current or last Run yielded.
func (b *Batch) Summary() Summary {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.summary
	if s.Reasons != nil {
		m := make(map[Reason]int, len(s.Reasons))
		for k, v := range s.Reasons {
			m[k] = v
		}
		s.Reasons = m
	}
	return s
}

// Run submits items and yields one outcome per item, in the order they
// complete (not input order: a slow row does not hold up the others; use
// Outcome.Line). Rows that need no request — invalid, duplicate, already in
// the journal, dry run — come out at once. Outcome errors are never
// yielded as the iterator's error: a non-nil error is terminal (the context
// was cancelled, or the journal failed) and comes last, after the rows under
// way have drained (see [WithDrainTimeout]); rows not yet started then get
// no outcome, and a rerun with the journal picks them up.
//
// Breaking out of the loop stops the batch the same way. A Batch runs one
// Run at a time.
func (b *Batch) Run(ctx context.Context, items iter.Seq[Item]) iter.Seq2[Outcome, error] {
	return func(yield func(Outcome, error) bool) {
		b.mu.Lock()
		b.summary = Summary{}
		b.mu.Unlock()

		// run ends when ctx does or the consumer stops; waits for
		// back-pressure watch it. HTTP calls run on work, which outlives run
		// by the drain timeout so rows under way can finish and be journaled.
		run, cancelRun := context.WithCancel(ctx)
		work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
		context.AfterFunc(run, func() {
			if b.cfg.drain == 0 {
				stopWork()
				return
			}
			t := time.AfterFunc(b.cfg.drain, stopWork)
			context.AfterFunc(work, func() { t.Stop() })
		})

		lim := newActiveLimiter(b.cfg.maxActive, b.cfg.activeWindow)
		jobs := make(chan Item)
		// Never full: at most concurrency rows are in flight.
		results := make(chan Outcome, b.cfg.concurrency)
		var wg sync.WaitGroup
		for range b.cfg.concurrency {
			wg.Go(func() {
				for it := range jobs {
					results <- b.submit(run, work, lim, it)
				}
			})
		}
		next, stopPull := iter.Pull(items)
		defer func() {
			stopPull()
			cancelRun() // arms the drain for rows still under way
			close(jobs)
			wg.Wait()
			stopWork()
		}()

		seen := map[dedupeKey]int{} // comparison key's hash → first line
		inFlight := 0
		var fatal error
		stopped := false // no more input: end of input, cancelled, or a fatal error
		emit := func(o Outcome) bool {
			b.mu.Lock()
			b.summary.Add(o)
			p := Progress{Summary: b.summary, InFlight: inFlight}
			b.mu.Unlock()
			if b.cfg.progress != nil {
				b.cfg.progress(p)
			}
			return yield(o, nil)
		}
		deliver := func(o Outcome) bool {
			inFlight--
			if o.Reason == ReasonJournal && fatal == nil {
				fatal, stopped = o.Err, true
			}
			return emit(o)
		}
		for {
			if !stopped && run.Err() != nil {
				stopped = true
			}
			// Deliver what is ready first, so outcomes stream steadily.
			select {
			case o := <-results:
				if !deliver(o) {
					return
				}
				continue
			default:
			}
			if !stopped && inFlight < b.cfg.concurrency {
				it, ok := next()
				if !ok {
					stopped = true
					continue
				}
				o, needsWork, err := b.prepare(run, it, seen)
				if err != nil {
					fatal, stopped = err, true
				}
				if !needsWork {
					if !emit(o) {
						return
					}
					continue
				}
				// A worker is free or about to be: fewer than concurrency
				// rows are in flight.
				inFlight++
				jobs <- it
				continue
			}
			if inFlight == 0 {
				break
			}
			if !deliver(<-results) {
				return
			}
		}
		if fatal == nil {
			fatal = ctx.Err()
		}
		if fatal != nil {
			yield(Outcome{}, fatal)
		}
	}
}

// dedupeKey is the SHA-256 of a comparison key: the batch remembers every
// subject it saw in constant space per row, and holds no identifier for the
// run's length.
type dedupeKey [sha256.Size]byte

// prepare settles a row that needs no request (invalid, duplicate, in the
// journal, dry run); needsWork is true otherwise. A journal failure is
// returned as err, with the row's outcome.
func (b *Batch) prepare(ctx context.Context, it Item, seen map[dedupeKey]int) (o Outcome, needsWork bool, err error) {
	o = Outcome{Line: it.Line, Type: it.Type}
	if it.Err == nil && (it.Subject.Type.Wire() == "" || it.Subject.Value == "") {
		it.Err = &ParseError{Reason: ReasonMissingIdentifier, Field: "Subject Identifier", Msg: "row has no valid subject"}
	}
	if it.Err != nil {
		o.Status, o.Err = StatusFailed, it.Err
		var pe *ParseError
		if errors.As(it.Err, &pe) && pe.Reason != "" {
			o.Reason = pe.Reason
		} else {
			o.Reason = ReasonInvalid
		}
		return o, false, nil
	}
	o.Type, o.Subject = it.Subject.Type, it.Subject
	key := it.Subject.Key()
	h := dedupeKey(sha256.Sum256([]byte(key)))
	if first, dup := seen[h]; dup {
		o.Status, o.Reason, o.DuplicateOf = StatusSkipped, ReasonDuplicate, first
		return o, false, nil
	}
	seen[h] = it.Line
	if b.cfg.journal != nil {
		e, ok, err := b.cfg.journal.Lookup(ctx, key)
		if err != nil {
			o.Status, o.Reason, o.Err, o.Retryable = StatusFailed, ReasonJournal, err, true
			return o, false, err
		}
		if ok {
			o.Status, o.Reason, o.RequestID, o.Ambiguous = StatusSkipped, ReasonAlreadySubmitted, e.RequestID, e.Ambiguous
			return o, false, nil
		}
	}
	if b.cfg.dryRun {
		o.Status, o.Reason = StatusSkipped, ReasonDryRun
		return o, false, nil
	}
	return o, true, nil
}

// submit files one row's request, waiting out back-pressure. It runs the
// HTTP calls on work (which outlives ctx for the drain) and waits on ctx.
func (b *Batch) submit(ctx, work context.Context, lim *activeLimiter, it Item) Outcome {
	o := Outcome{Line: it.Line, Type: it.Subject.Type, Subject: it.Subject}
	for wait := 0; ; wait++ {
		if err := lim.acquire(ctx); err != nil {
			return b.fail(o, ReasonCanceled, err, true)
		}
		var req Request
		var err error
		if it.Subject.Type == User {
			var ue UserErasure
			ue, err = b.c.EraseUser(work, it.Subject.Value)
			req = ue.Request
			o.Deactivated = o.Deactivated || ue.Deactivated
		} else {
			req, err = b.c.Erase(work, it.Subject)
		}
		lim.release(err == nil || req.Ambiguous)
		o.Attempts += req.Attempts
		o.Ambiguous = o.Ambiguous || req.Ambiguous
		if err == nil {
			o.Status, o.RequestID = StatusProcessed, req.RequestID
			if j := b.cfg.journal; j != nil {
				e := JournalEntry{Key: it.Subject.Key(), Type: it.Subject.Type, RequestID: req.RequestID, SubmittedAt: req.SubmittedAt, Ambiguous: o.Ambiguous}
				if jerr := j.Record(work, e); jerr != nil {
					// Filed but not recorded: the row is processed, yet the
					// batch must stop, or a rerun would file again blindly.
					o.Reason, o.Err = ReasonJournal, jerr
				}
			}
			return o
		}
		asked, ok := backPressure(err)
		if !ok {
			return b.classify(o, err, work)
		}
		// Every row waits, not just this one: the cap and rate limits are
		// the tenant's, so the others would only be pushed back too.
		lim.pause(min(max(asked, jitter(b.cfg.bpBase, b.cfg.bpMax, wait)), b.cfg.bpMax))
	}
}

func (b *Batch) fail(o Outcome, r Reason, err error, retryable bool) Outcome {
	o.Status, o.Reason, o.Err, o.Retryable = StatusFailed, r, err, retryable
	return o
}

// classify turns a final error into a failed outcome.
func (b *Batch) classify(o Outcome, err error, work context.Context) Outcome {
	var ae *cxone.APIError
	var au *cxone.AuthError
	switch {
	case errors.Is(err, ErrKeyOwner), errors.Is(err, ErrKeyOwnerUnknown):
		return b.fail(o, ReasonKeyOwner, err, false)
	case errors.Is(err, ErrUserNotFound):
		return b.fail(o, ReasonUserNotFound, err, false)
	case errors.Is(err, ErrAmbiguousUser):
		return b.fail(o, ReasonAmbiguousUser, err, false)
	case errors.Is(err, ErrNotDeactivated):
		return b.fail(o, ReasonNotDeactivated, err, true)
	case work.Err() != nil || errors.Is(err, context.Canceled):
		return b.fail(o, ReasonCanceled, err, true)
	case errors.As(err, &au):
		return b.fail(o, ReasonUnauthorized, err, false)
	case errors.As(err, &ae):
		switch {
		case ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden:
			return b.fail(o, ReasonUnauthorized, err, false)
		case ae.StatusCode >= 500:
			// Erase flags the answers that may follow the server acting.
			return b.fail(o, ReasonGaveUp, err, true)
		case ae.StatusCode == http.StatusRequestTimeout:
			return b.fail(o, ReasonGaveUp, err, true)
		}
		return b.fail(o, ReasonRefused, err, false)
	}
	return b.fail(o, ReasonGaveUp, err, true)
}

// backPressure reports whether err is the server pushing back (the active
// cap or a rate limit: 429, or a Retry-After longer than the client waits)
// and the wait it asked for, if any.
func backPressure(err error) (time.Duration, bool) {
	var re *cxone.RateLimitError
	if errors.As(err, &re) {
		return re.RetryAfter, true
	}
	var ae *cxone.APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests {
		return 0, true
	}
	return 0, false
}

// jitter is the n-th exponential wait between base and max, with jitter in
// its upper half.
func jitter(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}

// activeLimiter counts requests in flight plus, with a window, those filed
// within the window, and holds back acquire beyond n or while paused.
type activeLimiter struct {
	mu       sync.Mutex
	n        int
	window   time.Duration
	inFlight int
	filed    []time.Time // filing times within the window, oldest first
	changed  chan struct{}
	// pausedUntil holds every row back after the server pushed back.
	pausedUntil time.Time
}

func newActiveLimiter(n int, window time.Duration) *activeLimiter {
	return &activeLimiter{n: n, window: window, changed: make(chan struct{})}
}

// pause holds every acquire back for d (or longer, if already paused).
func (l *activeLimiter) pause(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := time.Now().Add(d); until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}

func (l *activeLimiter) acquire(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		now := time.Now()
		for len(l.filed) > 0 && now.Sub(l.filed[0]) >= l.window {
			l.filed = l.filed[1:]
		}
		var t *time.Timer
		var expired <-chan time.Time
		switch {
		case now.Before(l.pausedUntil):
			t = time.NewTimer(l.pausedUntil.Sub(now))
			expired = t.C
		case l.inFlight+len(l.filed) < l.n:
			l.inFlight++
			l.mu.Unlock()
			return nil
		case len(l.filed) > 0:
			// The oldest filing leaves the window then.
			t = time.NewTimer(l.filed[0].Add(l.window).Sub(now))
			expired = t.C
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-ch:
		case <-expired:
		}
		if t != nil {
			t.Stop()
		}
	}
}

func (l *activeLimiter) release(filed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if filed && l.window > 0 {
		l.filed = append(l.filed, time.Now())
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

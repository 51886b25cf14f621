package digital

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/internal/clock"
)

// RunReport counts what one run of [Runner.RunOnce] did.
type RunReport struct {
	// Interactions is how many interactions the run found to process.
	Interactions int
	// MessagesErased is how many messages this run removed the content or
	// the author name of.
	MessagesErased int
	// AlreadyErased is how many messages had both removed before the run
	// touched them (an earlier run that stopped halfway, or DFO's own jobs).
	AlreadyErased int
	// Completed is how many interactions got the completed tag.
	Completed int
	// Failures is how many calls failed; their interactions are left for
	// the next run (they do not get the completed tag).
	Failures int
	// Errors holds the first few failures (never an identifier: cases are
	// named by contact number).
	Errors []error
}

const maxReportErrors = 20

func (r *RunReport) fail(err error) {
	r.Failures++
	if len(r.Errors) < maxReportErrors {
		r.Errors = append(r.Errors, err)
	}
}

// add adds the counts of one interaction's report p to r.
func (r *RunReport) add(p *RunReport) {
	r.Interactions += p.Interactions
	r.MessagesErased += p.MessagesErased
	r.AlreadyErased += p.AlreadyErased
	r.Completed += p.Completed
	r.Failures += p.Failures
	r.Errors = append(r.Errors, p.Errors[:min(len(p.Errors), maxReportErrors-len(r.Errors))]...)
}

// Runner carries out a [Scheduler] through the public DFO endpoints, since no
// public API configures DFO's own jobs and schedulers. Its data set must be
// Messages: it finds the messages that carry an included tag and no excluded
// tag, and for each of their interactions runs the jobs in order — the delete
// jobs on every message of the interaction (skipping what is already
// removed), an add-tag job on the found messages. The add-tag job runs only
// when every delete succeeded, so a crash or failure halfway leaves the
// interaction for the next run, which skips what is done and finishes; and a
// finished interaction no longer matches, so two runs never process it twice.
//
// A run has up to Concurrency calls in flight: on several interactions at
// once, and within one interaction each delete job on several messages at
// once. The jobs of one interaction still run one after the other, the
// add-tag job last, so the guarantees above hold whatever the concurrency.
type Runner struct {
	client *Client
	sched  Scheduler
	iv     Interval

	// Now and Sleep are the clock Run follows; tests replace them. Sleep
	// must return ctx.Err() when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRun, when set, is called by Run after each run.
	OnRun func(*RunReport, error)
	// Concurrency is how many calls a run has in flight at most: zero
	// means [DefaultConcurrency], 1 one call after the other (interaction
	// by interaction, job by job, message by message). The client's rate
	// limits (tenant-wide and per case) apply across all of them. Set it
	// before the first run.
	Concurrency int

	mu sync.Mutex // one run at a time
}

// NewRunner validates s and returns a Runner for it.
func NewRunner(c *Client, s Scheduler) (*Runner, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.DataSet != DataSetMessages {
		return nil, &ConfigError{Field: "scheduler.dataSet", Msg: "must be Messages for Runner (the preset's data set)"}
	}
	iv, _ := ParseInterval(s.Interval) // validated above
	return &Runner{client: c, sched: s, iv: iv, Now: time.Now, Sleep: clock.Real{}.Sleep}, nil
}

// Run runs the scheduler at each time its interval names, in its time zone,
// until ctx ends (it then returns ctx.Err()); a one-time scheduler runs once
// and Run returns nil. A failed run does not stop Run: see OnRun. An inactive
// scheduler is refused.
func (r *Runner) Run(ctx context.Context) error {
	if !r.sched.Active {
		return &ConfigError{Field: "scheduler.active", Msg: "is false; activate the scheduler to run it"}
	}
	for {
		now := r.Now()
		next := r.iv.Next(now.In(r.sched.location()), 1)
		if len(next) == 0 {
			return errors.New("digital: scheduler interval has no next run")
		}
		if err := r.Sleep(ctx, next[0].Sub(now)); err != nil {
			return err
		}
		rep, err := r.RunOnce(ctx)
		if r.OnRun != nil {
			r.OnRun(rep, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if r.sched.Type == OneTime {
			return nil
		}
	}
}

// RunOnce runs the scheduler's jobs once, now, for a caller's own cron or
// job runner. The error is for what stops the whole run (reading tags,
// searching messages, a cancelled context); failures on single interactions
// are counted in the report.
func (r *Runner) RunOnce(ctx context.Context) (*RunReport, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &RunReport{}
	include, exclude, jobTags, ok, err := r.resolveTags(ctx)
	if err != nil || !ok {
		return rep, err
	}
	// Read the whole data set first: the add-tag job changes which
	// messages match, which would shift a scroll that is still open.
	groups := map[ContactNumber][]Message{}
	var order []ContactNumber
	for m, err := range r.client.Messages.Search(ctx, &MessageSearchOptions{Tags: include, ExcludeTags: exclude}) {
		if err != nil {
			return rep, fmt.Errorf("digital: Runner: searching messages: %w", err)
		}
		if m.ContactNumber == "" {
			rep.fail(fmt.Errorf("digital: Runner: message %s has no contact number", m.ID))
			continue
		}
		if _, seen := groups[m.ContactNumber]; !seen {
			order = append(order, m.ContactNumber)
		}
		groups[m.ContactNumber] = append(groups[m.ContactNumber], m)
	}
	// Each interaction counts into its own report, added up in the
	// search's order once all are done: exact counts, and the same report
	// (errors in the same order) whatever the concurrency. An interaction
	// not started when ctx ended is not counted.
	parts := make([]*RunReport, len(order))
	w := workers(r.Concurrency)
	g := newGate(w)
	forEach(w, len(order), func(i int) {
		if ctx.Err() == nil {
			p := &RunReport{Interactions: 1}
			r.process(ctx, g, w, order[i], groups[order[i]], jobTags, p)
			parts[i] = p
		}
	})
	for _, p := range parts {
		if p != nil {
			rep.add(p)
		}
	}
	return rep, ctx.Err()
}

// resolveTags turns tag titles into ids with one listing of the tags. ok is
// false when no included tag exists (nothing can carry it: nothing to do).
// The tags of add-tag jobs are created if missing.
func (r *Runner) resolveTags(ctx context.Context) (include, exclude []int, jobTags map[string]int, ok bool, err error) {
	byTitle := map[string]int{}
	for t, err := range r.client.Tags.List(ctx, nil) {
		if err != nil {
			return nil, nil, nil, false, fmt.Errorf("digital: Runner: listing tags: %w", err)
		}
		k := strings.ToLower(strings.TrimSpace(t.Title))
		if _, dup := byTitle[k]; !dup {
			byTitle[k] = t.ID
		}
	}
	lookup := func(title string) (int, bool) {
		id, ok := byTitle[strings.ToLower(strings.TrimSpace(title))]
		return id, ok
	}
	for _, t := range r.sched.IncludeTags {
		if id, ok := lookup(t); ok {
			include = append(include, id)
		}
	}
	if len(include) == 0 {
		return nil, nil, nil, false, nil
	}
	for _, t := range r.sched.ExcludeTags {
		if id, ok := lookup(t); ok {
			exclude = append(exclude, id)
		}
	}
	jobTags = map[string]int{}
	for _, j := range r.sched.Jobs {
		if j.Action != ActionAddTag {
			continue
		}
		if id, ok := lookup(j.Tag); ok {
			jobTags[j.Tag] = id
			continue
		}
		color := ColorGreen
		if strings.EqualFold(j.Tag, TagCompleted) {
			color = Preset().Completed.Color
		}
		t, err := r.client.Tags.Ensure(ctx, j.Tag, color)
		if err != nil {
			return nil, nil, nil, false, fmt.Errorf("digital: Runner: ensuring a job's tag: %w", err)
		}
		jobTags[j.Tag] = t.ID
		byTitle[strings.ToLower(strings.TrimSpace(j.Tag))] = t.ID
	}
	return include, exclude, jobTags, true, nil
}

// process runs the jobs on one interaction, counting into rep (which only
// this call uses). Each job runs on up to w messages at once, its calls
// through g; a job starts when the one before it is done on every message.
func (r *Runner) process(ctx context.Context, g gate, w int, n ContactNumber, found []Message, jobTags map[string]int, rep *RunReport) {
	var msgs []Message
	err := g.do(ctx, func() error {
		for m, err := range r.client.Contacts.Messages(ctx, n) {
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		return nil
	})
	if err != nil {
		rep.fail(fmt.Errorf("digital: Runner: case %s: listing messages: %w", n, err))
		return
	}
	// Per message: whether this run removed a part, and whether a part
	// was left for lack of success. Each goroutine of a job writes only
	// its message's entries; errs keeps the failures in message order.
	erased, pending := make([]bool, len(msgs)), make([]bool, len(msgs))
	failed := false
	for _, j := range r.sched.Jobs {
		switch j.Action {
		case ActionDeleteContent, ActionDeleteAuthorName:
			errs := make([]error, len(msgs))
			forEach(w, len(msgs), func(i int) {
				m := msgs[i]
				remove, done := r.client.Messages.RemoveContent, m.ContentRemoved != nil
				if j.Action == ActionDeleteAuthorName {
					remove, done = r.client.Messages.RemoveAuthorName, m.AuthorNameRemoved != nil
				}
				if done {
					return
				}
				err := g.do(ctx, func() error {
					_, err := remove(ctx, m.ID, j.Reason)
					return err
				})
				switch {
				case err == nil:
					erased[i] = true
				case errors.Is(err, ErrAlreadyRemoved):
					// Removed since the listing: by someone else,
					// or by an attempt of ours whose answer was
					// lost — then this answer came to the retry,
					// and the removal is this run's.
					erased[i] = erased[i] || answeredOnRetry(err)
				default:
					pending[i], errs[i] = true, err
				}
			})
			for _, err := range errs {
				if err != nil {
					failed = true
					rep.fail(fmt.Errorf("digital: Runner: case %s: job %q: %w", n, j.Name, err))
				}
			}
		case ActionAddTag:
			if failed {
				continue // leave the interaction for the next run
			}
			id := jobTags[j.Tag]
			for _, m := range found {
				if m.HasTag(id) {
					continue
				}
				err := g.do(ctx, func() error {
					_, err := r.client.Messages.AddTag(ctx, m.ID, id)
					return err
				})
				if err != nil {
					failed = true
					rep.fail(fmt.Errorf("digital: Runner: case %s: job %q: %w", n, j.Name, err))
				}
			}
		}
	}
	hasDelete := slices.ContainsFunc(r.sched.Jobs, func(j Job) bool { return j.Action != ActionAddTag })
	for i := range msgs {
		switch {
		case erased[i]:
			rep.MessagesErased++
		case hasDelete && !pending[i]:
			rep.AlreadyErased++
		}
	}
	if !failed {
		rep.Completed++
	}
}

// answeredOnRetry reports whether err is the server's answer to a retry: an
// earlier attempt of the same call may have acted and lost its answer.
func answeredOnRetry(err error) bool {
	var ae *cxone.APIError
	return errors.As(err, &ae) && ae.Attempts > 1
}

package digital

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cxprivacy/cxone/privacy"
)

// TagStatus is what [Tagger] did with one interaction.
type TagStatus string

// Tagger outcomes.
const (
	// Tagged: the requested tag was put on one inbound message of the subject.
	Tagged TagStatus = "tagged"
	// AlreadyRequested: the interaction already carries the requested tag.
	AlreadyRequested TagStatus = "already-requested"
	// AlreadyCompleted: the interaction already carries the completed tag.
	AlreadyCompleted TagStatus = "already-completed"
	// NoSubjectMessage: the interaction has no inbound message written by
	// the subject, so nothing was tagged; a person should look at it.
	NoSubjectMessage TagStatus = "no-message-from-subject"
	// TagFailed: a call failed; Err says which.
	TagFailed TagStatus = "failed"
)

// TagOutcome is the outcome for one interaction.
type TagOutcome struct {
	ContactNumber ContactNumber
	Status        TagStatus
	MessageID     string // the message tagged (Tagged only)
	Err           error  // TagFailed only; never holds the identifier
}

// TagReport is what [Tagger.Tag] did, interaction by interaction.
type TagReport struct {
	Outcomes []TagOutcome
}

// Count is how many interactions ended with status st.
func (r *TagReport) Count(st TagStatus) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == st {
			n++
		}
	}
	return n
}

// Tagger marks a subject's interactions for erasure: it puts the requested
// tag on one inbound message of each interaction, so the erasure processor
// (DFO's native scheduler or [Runner]) picks them up.
//
// A Tagger is safe for concurrent use, and concurrent Tag calls may cover the
// same interaction (a person's email address and phone number lead to the
// same cases): the Tagger works on one interaction for one call at a time,
// and remembers the interactions it tagged, so the interaction gets the
// requested tag once — the first call reports [Tagged], the others
// [AlreadyRequested]. Only calls on the same Tagger are coordinated: use one
// Tagger for a batch.
type Tagger struct {
	client    *Client
	finder    *Finder
	requested TagSpec
	completed TagSpec

	// Concurrency is how many interactions of one subject Tag works on at
	// once: zero means [DefaultConcurrency], 1 one after the other. Set it
	// before the first Tag.
	Concurrency int

	mu          sync.Mutex
	reqID, doID int // resolved tag ids, 0 until first use

	caseMu sync.Mutex // guards the two maps below, never held during a call
	locks  map[ContactNumber]*caseLock
	// cases is what this Tagger did to a case: caseTagged once it tagged
	// it, caseAttempted while its tagging call failed (the tag may have
	// landed). It lives as long as the Tagger: a few bytes a case.
	cases map[ContactNumber]caseState
}

type caseState uint8

const (
	caseTagged caseState = iota + 1
	caseAttempted
)

// caseLock serialises the Tag calls working on one case. A channel rather
// than a mutex, so a waiting call can give up when its context ends.
type caseLock struct {
	ch   chan struct{}
	refs int // holders and waiters; the lock leaves the map at zero
}

// NewTagger returns a Tagger that uses the tags of procedure p (usually
// [Preset]()).
func NewTagger(c *Client, p Procedure) *Tagger {
	return &Tagger{client: c, finder: NewFinder(c), requested: p.Requested, completed: p.Completed,
		locks: map[ContactNumber]*caseLock{}, cases: map[ContactNumber]caseState{}}
}

// lockCase waits until no other call of this Tagger works on case n, and
// returns the function that lets the next one in.
func (t *Tagger) lockCase(ctx context.Context, n ContactNumber) (unlock func(), err error) {
	t.caseMu.Lock()
	l := t.locks[n]
	if l == nil {
		l = &caseLock{ch: make(chan struct{}, 1)}
		t.locks[n] = l
	}
	l.refs++
	t.caseMu.Unlock()
	leave := func() {
		t.caseMu.Lock()
		if l.refs--; l.refs == 0 {
			delete(t.locks, n)
		}
		t.caseMu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

func (t *Tagger) caseState(n ContactNumber) caseState {
	t.caseMu.Lock()
	defer t.caseMu.Unlock()
	return t.cases[n]
}

func (t *Tagger) setCaseState(n ContactNumber, st caseState) {
	t.caseMu.Lock()
	defer t.caseMu.Unlock()
	t.cases[n] = st
}

func (t *Tagger) tagIDs(ctx context.Context) (req, done int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reqID == 0 {
		r, d, err := Procedure{Requested: t.requested, Completed: t.completed}.EnsureTags(ctx, t.client)
		if err != nil {
			return 0, 0, err
		}
		t.reqID, t.doID = r.ID, d.ID
	}
	return t.reqID, t.doID, nil
}

// Tag finds every interaction of the subject ([Finder.Find]) and tags one
// inbound message of each with the requested tag — preferring the subject's
// own earliest inbound message — skipping interactions that already carry the
// requested or the completed tag. The error is for failures that stop the
// whole subject (finding, ensuring the tags); a failure on one interaction is
// reported in its outcome and the others go on. It works on up to
// Concurrency interactions at once; the outcomes are in [Finder.Find]'s
// order whatever the concurrency.
func (t *Tagger) Tag(ctx context.Context, s privacy.Subject) (*TagReport, error) {
	if s.Type == privacy.User {
		return &TagReport{}, nil
	}
	return t.TagIdentifier(ctx, s.Value)
}

// TagIdentifier is [Tagger.Tag] for a bare identifier.
func (t *Tagger) TagIdentifier(ctx context.Context, id string) (*TagReport, error) {
	req, done, err := t.tagIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("digital: Tagger: ensuring tags: %w", err)
	}
	f, err := t.finder.FindIdentifier(ctx, id)
	if err != nil {
		return nil, err
	}
	authors := f.AuthorIDs(id)
	outs := make([]TagOutcome, len(f.Interactions))
	started := make([]bool, len(f.Interactions))
	forEach(workers(t.Concurrency), len(f.Interactions), func(i int) {
		if ctx.Err() == nil {
			outs[i], started[i] = t.tagOne(ctx, f.Interactions[i], authors, req, done), true
		}
	})
	rep := &TagReport{}
	for i, o := range outs {
		if started[i] {
			rep.Outcomes = append(rep.Outcomes, o)
		}
	}
	return rep, ctx.Err()
}

// tagStatus says whether tags already mark the interaction.
func tagStatus(tags []Tag, req, done int) TagStatus {
	if hasTag(tags, done) {
		return AlreadyCompleted
	}
	if hasTag(tags, req) {
		return AlreadyRequested
	}
	return ""
}

func pickSubjectMessage(ms []Message, authors []string) *Message {
	for i := range ms {
		m := &ms[i]
		if m.Direction == Inbound && slices.ContainsFunc(authors, func(a string) bool { return strings.EqualFold(a, m.AuthorID()) }) {
			return m
		}
	}
	return nil
}

func (t *Tagger) tagOne(ctx context.Context, ic Interaction, authors []string, req, done int) TagOutcome {
	o := TagOutcome{ContactNumber: ic.ContactNumber}
	fail := func(what string, err error) TagOutcome {
		o.Status, o.Err = TagFailed, fmt.Errorf("digital: Tagger: case %s: %s: %w", ic.ContactNumber, what, err)
		return o
	}
	unlock, err := t.lockCase(ctx, ic.ContactNumber)
	if err != nil {
		return fail("waiting for another call on the case", err)
	}
	defer unlock()
	if ic.Contact != nil {
		if st := tagStatus(ic.Contact.Tags, req, done); st != "" {
			o.Status = st
			return o
		}
	}
	for _, m := range ic.SubjectMessages {
		if st := tagStatus(m.Tags, req, done); st != "" {
			o.Status = st
			return o
		}
	}
	// ic was read before this call had the case to itself: another call
	// may have tagged it since.
	st := t.caseState(ic.ContactNumber)
	if st == caseTagged {
		o.Status = AlreadyRequested
		return o
	}
	if ic.Contact == nil {
		// Found only through a message: the case's own tags are unknown.
		ct, err := t.client.Contacts.Get(ctx, ic.ContactNumber)
		if err != nil {
			return fail("reading the case", err)
		}
		if st := tagStatus(ct.Tags, req, done); st != "" {
			o.Status = st
			return o
		}
	}
	pick := pickSubjectMessage(slices.SortedStableFunc(slices.Values(ic.SubjectMessages), func(a, b Message) int {
		return a.CreatedAt.Compare(b.CreatedAt)
	}), authors)
	if pick == nil || st == caseAttempted {
		// Read the case's messages: to find one written by the subject
		// (a contact list carries none), or, after a failed tagging call
		// of this Tagger that may have landed, to see the tags afresh.
		var all []Message
		for m, err := range t.client.Contacts.Messages(ctx, ic.ContactNumber) {
			if err != nil {
				return fail("listing its messages", err)
			}
			if st := tagStatus(m.Tags, req, done); st != "" {
				o.Status = st
				return o
			}
			all = append(all, m)
		}
		if pick == nil {
			pick = pickSubjectMessage(all, authors)
		}
	}
	if pick == nil {
		o.Status = NoSubjectMessage
		return o
	}
	if _, err := t.client.Messages.AddTag(ctx, pick.ID, req); err != nil {
		t.setCaseState(ic.ContactNumber, caseAttempted)
		return fail("adding the requested tag", err)
	}
	t.setCaseState(ic.ContactNumber, caseTagged)
	o.Status, o.MessageID = Tagged, pick.ID
	return o
}

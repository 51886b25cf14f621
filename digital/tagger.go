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
type Tagger struct {
	client    *Client
	finder    *Finder
	requested TagSpec
	completed TagSpec

	mu          sync.Mutex
	reqID, doID int // resolved tag ids, 0 until first use
}

// NewTagger returns a Tagger that uses the tags of procedure p (usually
// [Preset]()).
func NewTagger(c *Client, p Procedure) *Tagger {
	return &Tagger{client: c, finder: NewFinder(c), requested: p.Requested, completed: p.Completed}
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
// reported in its outcome and the others go on.
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
	rep := &TagReport{}
	for _, ic := range f.Interactions {
		o := t.tagOne(ctx, ic, authors, req, done)
		rep.Outcomes = append(rep.Outcomes, o)
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	return rep, nil
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
	if pick == nil {
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
		pick = pickSubjectMessage(all, authors)
	}
	if pick == nil {
		o.Status = NoSubjectMessage
		return o
	}
	if _, err := t.client.Messages.AddTag(ctx, pick.ID, req); err != nil {
		return fail("adding the requested tag", err)
	}
	o.Status, o.MessageID = Tagged, pick.ID
	return o
}

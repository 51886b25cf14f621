package digital

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/cxprivacy/cxone/privacy"
)

// Route is a way an interaction was found; several may apply.
type Route uint8

// The routes [Finder] follows.
const (
	// RouteCustomer: a customer card holds the identifier; the case is in
	// its contact history.
	RouteCustomer Route = 1 << iota
	// RouteEndUser: the case's end user is the identifier.
	RouteEndUser
	// RouteAuthor: a message of the case was written by the identifier.
	RouteAuthor
)

func (r Route) String() string {
	var parts []string
	for _, x := range []struct {
		r    Route
		name string
	}{{RouteCustomer, "customer"}, {RouteEndUser, "end-user"}, {RouteAuthor, "author"}} {
		if r&x.r != 0 {
			parts = append(parts, x.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Interaction is one case of a subject.
type Interaction struct {
	ContactNumber ContactNumber
	// Contact is the case as a contact list showed it; nil when only a
	// message led to it.
	Contact *Contact
	Routes  Route
	// SubjectMessages are the case's messages written by the subject that
	// the author route found (possibly none).
	SubjectMessages []Message
}

// Findings is everything [Finder.Find] found for one subject.
type Findings struct {
	Interactions []Interaction
	// Customers are the customer cards that hold the identifier.
	Customers []Customer
}

// AuthorIDs returns the ids a message written by the subject carries: the
// identifier and every identity of the subject's customer cards (an email
// subject's card may hold their WhatsApp number), deduplicated ignoring case.
func (f *Findings) AuthorIDs(identifier string) []string {
	ids := []string{identifier}
	seen := map[string]bool{strings.ToLower(identifier): true}
	for _, c := range f.Customers {
		for _, id := range c.Identities {
			k := strings.ToLower(id.IDOnExternalPlatform)
			if k != "" && !seen[k] {
				seen[k] = true
				ids = append(ids, id.IDOnExternalPlatform)
			}
		}
	}
	return ids
}

// Finder finds every interaction of a subject by every route DFO offers.
type Finder struct{ client *Client }

// NewFinder returns a Finder on c.
func NewFinder(c *Client) *Finder { return &Finder{client: c} }

// Find returns every interaction of the subject, found by all routes —
// customers by identity then their contact history, cases by end-user id,
// messages by author — deduplicated by contact number, in that order of
// routes. The three routes run at once (three calls in flight at most).
// Employees (privacy.User) are not DFO customers: Find returns nothing for
// them without a call. Errors never hold the identifier.
func (f *Finder) Find(ctx context.Context, s privacy.Subject) (*Findings, error) {
	if s.Type == privacy.User {
		return &Findings{}, nil
	}
	return f.FindIdentifier(ctx, s.Value)
}

// FindIdentifier is [Finder.Find] for a bare identifier (email address,
// phone number, any idOnExternalPlatform).
func (f *Finder) FindIdentifier(ctx context.Context, id string) (*Findings, error) {
	if strings.TrimSpace(id) == "" {
		return nil, fmt.Errorf("digital: Finder: empty identifier")
	}
	c := f.client
	out := &Findings{}
	index := map[ContactNumber]int{}
	add := func(n ContactNumber, ct *Contact, r Route) *Interaction {
		i, ok := index[n]
		if !ok {
			i = len(out.Interactions)
			index[n] = i
			out.Interactions = append(out.Interactions, Interaction{ContactNumber: n})
		}
		ic := &out.Interactions[i]
		ic.Routes |= r
		if ic.Contact == nil && ct != nil {
			cp := *ct
			ic.Contact = &cp
		}
		return ic
	}
	// The three routes are independent: they run at once, so a subject
	// costs the slowest route's calls in a row rather than all of them, and
	// are merged in route order, so the result does not depend on timing.
	var (
		customers               []Customer
		history, endUser        []Contact
		authored                []Message
		errCust, errEU, errAuth error
		wg                      sync.WaitGroup
	)
	wg.Go(func() {
		for cu, err := range c.Customers.SearchByIdentity(ctx, id) {
			if err != nil {
				errCust = fmt.Errorf("digital: Finder: customers by identity: %w", err)
				return
			}
			customers = append(customers, cu)
		}
		for _, cu := range customers {
			for ct, err := range c.Contacts.History(ctx, cu.ID) {
				if err != nil {
					errCust = fmt.Errorf("digital: Finder: contact history: %w", err)
					return
				}
				history = append(history, ct)
			}
		}
	})
	wg.Go(func() {
		for ct, err := range c.Contacts.Search(ctx, &ContactSearchOptions{EndUserIDs: []string{id}}) {
			if err != nil {
				errEU = fmt.Errorf("digital: Finder: contacts by end user: %w", err)
				return
			}
			endUser = append(endUser, ct)
		}
	})
	wg.Go(func() {
		for m, err := range c.Messages.Search(ctx, &MessageSearchOptions{AuthorIDs: []string{id}}) {
			if err != nil {
				errAuth = fmt.Errorf("digital: Finder: messages by author: %w", err)
				return
			}
			authored = append(authored, m)
		}
	})
	wg.Wait()
	if err := cmp.Or(errCust, errEU, errAuth); err != nil {
		return nil, err
	}
	out.Customers = customers
	for i := range history {
		add(history[i].ID, &history[i], RouteCustomer)
	}
	for i := range endUser {
		add(endUser[i].ID, &endUser[i], RouteEndUser)
	}
	for _, m := range authored {
		if m.ContactNumber == "" {
			continue
		}
		ic := add(m.ContactNumber, nil, RouteAuthor)
		ic.SubjectMessages = append(ic.SubjectMessages, m)
	}
	return out, nil
}

package digital

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cxprivacy/cxone"
)

// ContactSearchOptions filter [ContactsService.Search]. Array filters repeat
// as name[]=value.
type ContactSearchOptions struct {
	CustomerID  string
	EndUserIDs  []string // endUserIdOnExternalPlatform[]
	Tags        []int    // tag[]
	Statuses    []string // status[]: new, open, pending, escalated, resolved, closed, trashed
	Sorting     string   // e.g. "createdAt"
	SortingType string   // "asc" or "desc"
}

func (o *ContactSearchOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	setIf(q, "customerId", o.CustomerID)
	for _, v := range o.EndUserIDs {
		q.Add("endUserIdOnExternalPlatform[]", v)
	}
	for _, t := range o.Tags {
		q.Add("tag[]", strconv.Itoa(t))
	}
	for _, v := range o.Statuses {
		q.Add("status[]", v)
	}
	setIf(q, "sorting", o.Sorting)
	setIf(q, "sortingType", o.SortingType)
	return q
}

// Search lists the cases matching opts (GET /contacts, scrollToken paging).
func (s *ContactsService) Search(ctx context.Context, opts *ContactSearchOptions) iter.Seq2[Contact, error] {
	return scroll[Contact](ctx, s.client, "/contacts", nil, opts.values(), nil)
}

// History lists a customer's cases, newest first, as NICE's own client does
// (GET /contacts?customerId=…&sorting=createdAt&sortingType=desc, 25 a page).
func (s *ContactsService) History(ctx context.Context, customerID string) iter.Seq2[Contact, error] {
	return s.Search(ctx, &ContactSearchOptions{CustomerID: customerID, Sorting: "createdAt", SortingType: "desc"})
}

// Get returns one case.
func (s *ContactsService) Get(ctx context.Context, n ContactNumber) (*Contact, error) {
	var c Contact
	if _, err := s.client.do(ctx, &cxone.Request{Method: http.MethodGet, Path: "/contacts/{id}", Params: []string{string(n)}}, "", &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Messages lists a case's messages (GET /contacts/{contactNumber}/messages).
func (s *ContactsService) Messages(ctx context.Context, n ContactNumber) iter.Seq2[Message, error] {
	return scroll(ctx, s.client, "/contacts/{id}/messages", []string{string(n)}, nil, s.client.rememberMessages)
}

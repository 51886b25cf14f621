package digital

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/cxprivacy/cxone"
)

// Search lists the customers matching a query (GET /customers?query=…,
// page paging). The query travels URL-encoded, so '+' and other characters
// arrive intact.
func (s *CustomersService) Search(ctx context.Context, query Cond) iter.Seq2[Customer, error] {
	qs, err := query.Build()
	if err != nil {
		return func(yield func(Customer, error) bool) { yield(Customer{}, err) }
	}
	return pages[Customer](ctx, s.client, "/customers", url.Values{"query": {qs}}, s.client.cfg.pageSize)
}

// SearchByIdentity lists the customers that have any of these identities (an
// email address, a phone number, …) with the client's identity field:
// `identityIdOnExternalPlatform IN ("…")` by default (see [WithIdentityField]).
func (s *CustomersService) SearchByIdentity(ctx context.Context, ids ...string) iter.Seq2[Customer, error] {
	return s.Search(ctx, In(s.client.cfg.identityField, ids...))
}

// Get returns one customer card.
func (s *CustomersService) Get(ctx context.Context, id string) (*Customer, error) {
	var c Customer
	if _, err := s.client.do(ctx, &cxone.Request{Method: http.MethodGet, Path: "/customers/{id}", Params: []string{id}}, "", &c); err != nil {
		return nil, err
	}
	return &c, nil
}

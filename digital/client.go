package digital

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/cxprivacy/cxone"
	"golang.org/x/time/rate"
)

// DefaultIdentityField is the customer query-language field searched for an
// email address or phone number. The field name is our reading of NICE's
// material, not documented (cxone-api.md §5): override it with
// [WithIdentityField] if a tenant answers differently.
const DefaultIdentityField = "identityIdOnExternalPlatform"

// Client is the Digital Experience (DFO) API of one tenant, on top of a
// [cxone.Client] that carries authentication and retries. It is safe for
// concurrent use.
type Client struct {
	c   *cxone.Client
	cfg config

	// One service per resource, go-github style.
	Tags      *TagsService
	Messages  *MessagesService
	Customers *CustomersService
	Contacts  *ContactsService

	ensureMu sync.Mutex // serialises Ensure so two callers do not both create

	limMu      sync.Mutex
	perContact map[ContactNumber]*rate.Limiter

	// msgContact remembers which case a message belongs to, learnt from
	// every message the client decodes, so a message update can wait on
	// that case's own limit. Bounded: cleared when it grows too big.
	msgMu      sync.Mutex
	msgContact map[string]ContactNumber
}

type service struct{ client *Client }

// TagsService is the /tags endpoints.
type TagsService service

// MessagesService is the /messages endpoints.
type MessagesService service

// CustomersService is the /customers endpoints (customer cards).
type CustomersService service

// ContactsService is the /contacts endpoints (cases, that is interactions).
type ContactsService service

// Limits are the client-side rate limits DFO calls wait on. A nil limiter
// means no limit of that kind.
type Limits struct {
	// Read limits reads (DFO: "get contact (incl. its messages)").
	Read *rate.Limiter
	// Update limits writes (DFO: "update contact").
	Update *rate.Limiter
	// PerContact and PerContactBurst limit writes to one case (DFO:
	// "update one specific contact"). Zero PerContact means no such limit.
	PerContact      rate.Limit
	PerContactBurst int
}

// DefaultLimits returns DFO's documented throttling (cxone-api.md §5, "may
// change"): get contact 120,000/hour, update contact 1,000,000/hour, one
// specific contact 250 burst refilled at 17/minute. The bursts of the two
// tenant-wide limits are not documented; 100 is our choice.
func DefaultLimits() Limits {
	return Limits{
		Read:            rate.NewLimiter(rate.Limit(120000.0/3600), 100),
		Update:          rate.NewLimiter(rate.Limit(1000000.0/3600), 100),
		PerContact:      rate.Limit(17.0 / 60),
		PerContactBurst: 250,
	}
}

// NoLimits returns limits that never wait (for tests against the simulator).
func NoLimits() Limits { return Limits{} }

type config struct {
	limits        Limits
	identityField string
	pageSize      int
}

// Option configures [NewClient]. A bad value makes NewClient return an error.
type Option func(*config) error

// WithLimits replaces the default client-side rate limits.
func WithLimits(l Limits) Option {
	return func(c *config) error {
		if l.PerContact < 0 || l.PerContact > 0 && l.PerContactBurst < 1 {
			return errors.New("digital: WithLimits: PerContact needs a positive PerContactBurst")
		}
		c.limits = l
		return nil
	}
}

// WithIdentityField sets the query-language field used to search customers
// by identity (default [DefaultIdentityField]).
func WithIdentityField(field string) Option {
	return func(c *config) error {
		if !validField(field) {
			return errors.New("digital: WithIdentityField: not a field name")
		}
		c.identityField = field
		return nil
	}
}

// WithPageSize sets the size of page-paged lists (customers), 1 to 100
// (default 25).
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 100 {
			return fmt.Errorf("digital: WithPageSize: %d is not between 1 and 100", n)
		}
		c.pageSize = n
		return nil
	}
}

// NewClient returns the DFO API of the tenant c is connected to.
func NewClient(c *cxone.Client, opts ...Option) (*Client, error) {
	if c == nil {
		return nil, errors.New("digital: NewClient: nil *cxone.Client")
	}
	cfg := config{limits: DefaultLimits(), identityField: DefaultIdentityField, pageSize: 25}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	dc := &Client{c: c, cfg: cfg, perContact: map[ContactNumber]*rate.Limiter{}, msgContact: map[string]ContactNumber{}}
	dc.Tags = &TagsService{dc}
	dc.Messages = &MessagesService{dc}
	dc.Customers = &CustomersService{dc}
	dc.Contacts = &ContactsService{dc}
	return dc, nil
}

// API is the underlying platform client.
func (c *Client) API() *cxone.Client { return c.c }

const maxTrackedContacts = 10000

// waitContact blocks on the limit of one case (DFO: "update one specific
// contact"), if that limit is set and the case is known.
func (c *Client) waitContact(ctx context.Context, contact ContactNumber) error {
	l := c.cfg.limits
	if contact == "" || l.PerContact == 0 {
		return nil
	}
	c.limMu.Lock()
	lim := c.perContact[contact]
	if lim == nil {
		if len(c.perContact) >= maxTrackedContacts {
			// Forget the cases whose bucket is full again: a fresh
			// limiter for them would behave the same.
			now := time.Now()
			for k, v := range c.perContact {
				if v.TokensAt(now) >= float64(l.PerContactBurst) {
					delete(c.perContact, k)
				}
			}
		}
		lim = rate.NewLimiter(l.PerContact, l.PerContactBurst)
		c.perContact[contact] = lim
	}
	c.limMu.Unlock()
	return lim.Wait(ctx)
}

func (c *Client) rememberMessages(ms []Message) {
	c.msgMu.Lock()
	defer c.msgMu.Unlock()
	if len(c.msgContact)+len(ms) > maxTrackedContacts {
		clear(c.msgContact)
	}
	for _, m := range ms {
		if m.ID != "" && m.ContactNumber != "" {
			c.msgContact[m.ID] = m.ContactNumber
		}
	}
}

func (c *Client) contactOf(messageID string) ContactNumber {
	c.msgMu.Lock()
	defer c.msgMu.Unlock()
	return c.msgContact[messageID]
}

// do sends one request. The tenant-wide read or update limit rides on the
// request, so the core client waits on it before every attempt (a retry
// spends quota too); the per-case limit is waited here, once.
func (c *Client) do(ctx context.Context, req *cxone.Request, contact ContactNumber, v any) (*cxone.Response, error) {
	req.API = cxone.Digital
	if req.Method == http.MethodGet {
		req.Limiter = c.cfg.limits.Read
	} else {
		req.Limiter = c.cfg.limits.Update
		if err := c.waitContact(ctx, contact); err != nil {
			return nil, fmt.Errorf("digital: %s %s: waiting for the per-case rate limit: %w", req.Method, req.Path, err)
		}
	}
	return c.c.Do(ctx, req, v)
}

type scrollPage[T any] struct {
	Hits        int    `json:"hits"`
	ScrollToken string `json:"scrollToken"`
	Data        []T    `json:"data"`
}

// maxPages stops a list whose server ignores the paging parameters.
const maxPages = 100000

// scroll lists every item of a scrollToken-paged endpoint. The next page is
// asked for with the same filters plus the token; it ends on an empty page, an
// empty or repeated token, or when hits items were seen.
func scroll[T any](ctx context.Context, c *Client, path string, params []string, q url.Values, seen func([]T)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		tok, n := "", 0
		for range maxPages {
			qq := url.Values{}
			for k, v := range q {
				qq[k] = v
			}
			if tok != "" {
				qq.Set("scrollToken", tok)
			}
			var page scrollPage[T]
			if _, err := c.do(ctx, &cxone.Request{Method: http.MethodGet, Path: path, Params: params, Query: qq}, "", &page); err != nil {
				yield(zero, err)
				return
			}
			if seen != nil {
				seen(page.Data)
			}
			for _, it := range page.Data {
				if !yield(it, nil) {
					return
				}
			}
			n += len(page.Data)
			if len(page.Data) == 0 || page.ScrollToken == "" || page.ScrollToken == tok || page.Hits > 0 && n >= page.Hits {
				return
			}
			tok = page.ScrollToken
		}
		yield(zero, fmt.Errorf("digital: GET %s: more than %d pages", path, maxPages))
	}
}

type pagePage[T any] struct {
	Hits int `json:"hits"`
	Data []T `json:"data"`
}

// pages lists every item of a page-paged endpoint (page is 1-based). size 0
// leaves the page size to the server.
func pages[T any](ctx context.Context, c *Client, path string, q url.Values, size int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		n := 0
		for p := 1; p <= maxPages; p++ {
			qq := url.Values{}
			for k, v := range q {
				qq[k] = v
			}
			qq.Set("page", strconv.Itoa(p))
			if size > 0 {
				qq.Set("size", strconv.Itoa(size))
			}
			var page pagePage[T]
			if _, err := c.do(ctx, &cxone.Request{Method: http.MethodGet, Path: path, Query: qq}, "", &page); err != nil {
				yield(zero, err)
				return
			}
			for _, it := range page.Data {
				if !yield(it, nil) {
					return
				}
			}
			n += len(page.Data)
			if len(page.Data) == 0 || page.Hits > 0 && n >= page.Hits || size > 0 && len(page.Data) < size {
				return
			}
		}
		yield(zero, fmt.Errorf("digital: GET %s: more than %d pages", path, maxPages))
	}
}

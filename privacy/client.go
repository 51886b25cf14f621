package privacy

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/cxprivacy/cxone"
)

// Client files erasure requests on the CXone platform and manages the
// employees whose data is to be erased. It is safe for concurrent use.
type Client struct {
	c   *cxone.Client
	cfg clientConfig

	// Users is the user-management API (search, deactivate).
	Users *UsersService
}

type clientConfig struct {
	tenantID     string
	keyOwner     string
	searchFilter func(username string) any
	now          func() time.Time
}

// ClientOption configures a [Client]. A bad value makes [NewClient] fail.
type ClientOption func(*clientConfig) error

// WithTenant sends tenantId in every erasure body: the admin variant of the
// API, for a key that may act on several tenants.
func WithTenant(tenantID string) ClientOption {
	return func(c *clientConfig) error {
		if tenantID == "" {
			return errors.New("privacy: WithTenant: empty tenant id")
		}
		c.tenantID = tenantID
		return nil
	}
}

// WithKeyOwner names the id of the user that owns the access key, which
// [Client.EraseUser] refuses to deactivate. By default it is the cxone
// client's [cxone.Client.UserID] (read from the id_token); set it when the
// client authenticates with its own token source.
func WithKeyOwner(userID string) ClientOption {
	return func(c *clientConfig) error {
		if userID == "" {
			return errors.New("privacy: WithKeyOwner: empty user id")
		}
		c.keyOwner = userID
		return nil
	}
}

// WithUserSearchFilter sets how a username becomes the "filter" object of
// the user search body. The default, {"userName": [username]}, is inferred
// from the spec, not documented; a tenant that expects another shape can
// supply it here. Matching stays exact and case-insensitive on the client.
func WithUserSearchFilter(f func(username string) any) ClientOption {
	return func(c *clientConfig) error {
		if f == nil {
			return errors.New("privacy: WithUserSearchFilter: nil function")
		}
		c.searchFilter = f
		return nil
	}
}

// NewClient wraps an authenticated cxone client.
func NewClient(c *cxone.Client, opts ...ClientOption) (*Client, error) {
	if c == nil {
		return nil, errors.New("privacy: NewClient: nil cxone client")
	}
	cfg := clientConfig{
		keyOwner:     c.UserID(),
		searchFilter: defaultSearchFilter,
		now:          time.Now,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	pc := &Client{c: c, cfg: cfg}
	pc.Users = &UsersService{c: pc}
	return pc, nil
}

// Request is one filed erasure request. The API gives no status endpoint, so
// this is all that is known of it.
type Request struct {
	// RequestID is the platform's id of the request.
	RequestID string
	// Type is the subject's identifier type.
	Type IdentifierType
	// SubmittedAt is when the accepted answer arrived (client clock).
	SubmittedAt time.Time
	// Attempts counts HTTP attempts, over resubmissions too.
	Attempts int
	// Ambiguous is true when an attempt failed after it may have reached the
	// server and another followed: the platform may hold two requests for
	// this subject. It is set on failures too.
	Ambiguous bool
}

type erasureBody struct {
	SubjectIdentifier     string `json:"subjectIdentifier"`
	SubjectIdentifierType string `json:"subjectIdentifierType"`
	TenantID              string `json:"tenantId,omitempty"`
}

// Erase files one erasure request for s (POST /privacy/v1/erasure). s must
// come from [ParseSubject] or [NewSubject]; its Value is sent as is. For an
// employee use [Client.EraseUser]: a User subject is sent as is, and the
// platform expects the employee to be deactivated already.
//
// The request carries no idempotency key (the API has none). The cxone
// client retries it where the server cannot have acted (429, 503, a refused
// connection) and also where the answer was lost after the request may have
// arrived (a reset connection): a missed erasure is worse than a duplicate.
// The latter sets Request.Ambiguous, also when err is non-nil: the platform
// may hold two requests for the subject, or one although err says the call
// failed. A 500, 502 or 504 answer, which may follow the server acting, is
// not retried and sets Ambiguous too. The error is the cxone client's ([*cxone.APIError],
// [*cxone.RateLimitError], [*cxone.TransportError], …), for errors.As.
func (c *Client) Erase(ctx context.Context, s Subject) (Request, error) {
	out := Request{Type: s.Type}
	wire := s.Type.Wire()
	if wire == "" || s.Value == "" {
		return out, &ParseError{Reason: ReasonUnknownIdentifierType, Field: "Identifier Type", Msg: "subject has no valid identifier type or value"}
	}
	req := &cxone.Request{
		Method: http.MethodPost, API: cxone.Platform, Path: "/privacy/v1/erasure",
		Body: erasureBody{SubjectIdentifier: s.Value, SubjectIdentifierType: wire, TenantID: c.cfg.tenantID},
	}
	var ans struct {
		RequestID string `json:"requestId"`
	}
	resp, err := c.c.Do(ctx, req, &ans)
	out.Attempts = attemptsOf(resp, err)
	out.Ambiguous = (resp != nil && resp.Ambiguous) || cxone.IsAmbiguous(err) || maybeActed(err)
	if err != nil {
		return out, err
	}
	if ans.RequestID == "" {
		return out, errors.New("privacy: erasure accepted without a requestId")
	}
	out.RequestID = ans.RequestID
	out.SubmittedAt = c.cfg.now()
	return out, nil
}

// maybeActed reports an answer that may come after the server acted: 500,
// 502 and 504 (a proxy or gateway timing out on a slow backend).
func maybeActed(err error) bool {
	var ae *cxone.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// attemptsOf reads the attempt count of a call; 1 when unknown.
func attemptsOf(resp *cxone.Response, err error) int {
	var ae *cxone.APIError
	var re *cxone.RateLimitError
	var te *cxone.TransportError
	switch {
	case resp != nil:
		return max(resp.Attempts, 1)
	case errors.As(err, &ae):
		return max(ae.Attempts, 1)
	case errors.As(err, &re):
		return max(re.Attempts, 1)
	case errors.As(err, &te):
		return max(te.Attempts, 1)
	}
	return 1
}

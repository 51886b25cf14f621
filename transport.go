package cxone

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/time/rate"

	"github.com/cxprivacy/cxone/internal/retry"
)

// call is the state of one [Client.Do] across its attempts. It travels in the
// request's context, because go-retryablehttp's hooks see only the context
// or the request. Attempts of one call run one after another, so it needs no
// lock.
type call struct {
	method, path string
	host         string // the host the bearer token may go to
	idempotent   bool
	limiter      *rate.Limiter
	params       []string
	query        url.Values

	attempts  int
	retries   int
	ambiguous bool
	wait      time.Duration // decided by checkRetry, slept by prepareRetry
	token     string        // access token of the last attempt
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	st, _ := ctx.Value(callKey{}).(*call)
	return st
}

// sensitive lists the request's own identifiers, masked wherever an error
// body echoes them.
// Each is listed raw and in its escaped forms, because servers echo URLs.
func (st *call) sensitive() []string {
	var s []string
	add := func(v string) {
		s = append(s, v)
		if q := url.QueryEscape(v); q != v {
			s = append(s, q)
		}
		if p := url.PathEscape(v); p != v {
			s = append(s, p)
		}
	}
	for _, v := range st.params {
		add(v)
	}
	for _, vs := range st.query {
		for _, v := range vs {
			add(v)
		}
	}
	return s
}

func idempotentMethod(m string) bool { return retry.Idempotent(m) }

// localError is a failure raised on our side before anything was sent (the
// rate limiter gave up, a redirect to plain http): never retried, never
// ambiguous.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// guardTransport refuses plain http except to loopback hosts, for every
// request including redirects, discovery and the token endpoint.
type guardTransport struct{ next http.RoundTripper }

func (g guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkScheme(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &localError{err}
	}
	return g.next.RoundTrip(req)
}

// tokenTransport is the token transport under the retries, so each attempt
// asks for a valid token. It differs from oauth2.Transport in two ways that
// matter here: the token fetch honours the request's context, and the token
// is only sent to the host the call was made to, never after a redirect to
// another host.
type tokenTransport struct {
	c    *Client
	next http.RoundTripper
}

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := callFrom(ctx)
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if st == nil || req.URL.Host != st.host {
		return t.next.RoundTrip(req) // a redirect elsewhere: no token
	}
	for _, l := range [...]*rate.Limiter{t.c.cfg.limiter, st.limiter} {
		if l == nil {
			continue
		}
		if err := l.Wait(ctx); err != nil {
			closeBody()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &localError{errors.New("client-side rate limit: the wait would pass the context's deadline")}
		}
	}
	tok, err := t.c.tokens.token(ctx)
	if err != nil {
		closeBody()
		return nil, err
	}
	st.token = tok.AccessToken
	r2 := *req // RoundTrippers must not modify the request
	r2.Header = req.Header.Clone()
	r2.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return t.next.RoundTrip(&r2)
}

// noWait is go-retryablehttp's Backoff: ours is decided in checkRetry
// (which sees the context, so it can compare a wait with the deadline) and
// slept in prepareRetry (on the client's clock, so tests need not sleep).
func noWait(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// checkRetry is go-retryablehttp's CheckRetry. It counts attempts, marks
// ambiguity, and decides whether and how long to wait:
//   - 429 and 503: retried for every method; Retry-After (seconds or an
//     HTTP date) is honoured, and when it asks for more than the cap or the
//     time left before the context's deadline a *RateLimitError ends the
//     call at once;
//   - 500, 502, 504: retried for idempotent requests only;
//   - transport errors: retried, but when the request may have reached the
//     server a non-idempotent call becomes ambiguous.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := callFrom(ctx)
	if st == nil { // not one of ours; be conservative
		return false, err
	}
	st.attempts++
	if ctxErr := ctx.Err(); ctxErr != nil {
		if err != nil && !st.idempotent {
			if _, reached := retry.TransportError(err); reached {
				st.ambiguous = true
			}
		}
		return false, ctxErr
	}
	if err != nil {
		var ae *AuthError
		var le *localError
		if errors.As(err, &ae) || errors.As(err, &le) {
			return false, err
		}
		again, reached := retry.TransportError(err)
		if reached && !st.idempotent {
			st.ambiguous = true
		}
		if !again {
			return false, err
		}
		st.wait = retry.Backoff(c.cfg.baseBackoff, c.cfg.maxBackoff, st.retries, c.cfg.jitter)
		if c.pastDeadline(ctx, st.wait) {
			return false, err
		}
		st.retries++
		c.logRetry(ctx, st, 0, stripURL(err))
		return true, nil
	}
	code := resp.StatusCode
	if !retry.Status(code, st.idempotent) {
		return false, nil
	}
	ra, ok := retry.RetryAfter(resp.Header, c.clock.Now())
	if ok && (code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable) {
		if ra > c.cfg.maxRetryAfter || c.pastDeadline(ctx, ra) {
			return false, &RateLimitError{RetryAfter: ra, StatusCode: code, Method: st.method, Path: st.path, RequestID: requestID(resp.Header)}
		}
		st.wait = ra
	} else {
		st.wait = retry.Backoff(c.cfg.baseBackoff, c.cfg.maxBackoff, st.retries, c.cfg.jitter)
		if c.pastDeadline(ctx, st.wait) {
			return false, nil // the caller gets this answer's error
		}
	}
	st.retries++
	c.logRetry(ctx, st, code, nil)
	return true, nil
}

func (c *Client) pastDeadline(ctx context.Context, wait time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && c.clock.Now().Add(wait).After(dl)
}

func (c *Client) logRetry(ctx context.Context, st *call, status int, err error) {
	attrs := []any{"method", st.method, "path", st.path, "attempt", st.attempts, "wait", st.wait}
	if status != 0 {
		attrs = append(attrs, "status", status)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	if st.ambiguous {
		c.logger.WarnContext(ctx, "cxone: retrying a request that may have reached the server", attrs...)
		return
	}
	c.logger.DebugContext(ctx, "cxone: retrying", attrs...)
}

// prepareRetry is go-retryablehttp's PrepareRetry: it sleeps the wait that
// checkRetry decided, returning promptly with the context's error if the
// caller gives up meanwhile.
func (c *Client) prepareRetry(req *http.Request) error {
	st := callFrom(req.Context())
	if st == nil || st.wait <= 0 {
		return nil
	}
	return c.clock.Sleep(req.Context(), st.wait)
}

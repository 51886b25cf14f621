package cxone

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cxprivacy/cxone/internal/redact"
)

// Sentinels matched with errors.Is by the typed errors below. They let callers
// branch on the kind of failure without a type switch.
var (
	// ErrNotFound is matched by an [*APIError] with status 404.
	ErrNotFound = errors.New("cxone: not found")
	// ErrUnauthorized is matched by an [*AuthError] and by an [*APIError]
	// with status 401.
	ErrUnauthorized = errors.New("cxone: unauthorized")
	// ErrForbidden is matched by an [*APIError] with status 403: the access
	// key's user lacks a role permission (erasure needs Privacy → Erasure).
	ErrForbidden = errors.New("cxone: forbidden")
	// ErrRateLimited is matched by a [*RateLimitError] and by an [*APIError]
	// with status 429.
	ErrRateLimited = errors.New("cxone: rate limited")
)

// FieldError is one entry of a Digital Experience error body
// ({"errors":[{"field","message","errorCode"}]}). Message is redacted.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

// APIError is a failed call: the server answered with an error status, and
// retries (if any) did not help. It keeps what the service said, redacted, so
// it can be logged as is.
type APIError struct {
	StatusCode int
	// Code is the service's error code ("code" of a platform body,
	// "errorCode" of the first DFO error, "error" of a Spring or OAuth body).
	Code string
	// Message is the service's message, redacted and shortened.
	Message string
	// Fields are the DFO body's per-field errors, if any.
	Fields []FieldError
	// Snippet is a short redacted piece of a body that was not one of the
	// known error shapes (an HTML page from a proxy, say).
	Snippet string
	// RequestID is the server's request or correlation id, if it sent one.
	RequestID string
	// Attempts is how many HTTP attempts were made.
	Attempts int
	// Ambiguous is true when an earlier attempt of this non-idempotent
	// request may have reached the server before its answer was lost: the
	// server may have acted although this call failed. See [IsAmbiguous].
	Ambiguous bool
	Method    string
	// Path is the request's path template ("/messages/{id}"), never the
	// expanded path, so identifiers in it do not leak.
	Path string
}

// Error describes the failure with the method, path template, status,
// the service's code and message, and the attempts.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cxone: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s", f.Field)
		if f.Code != "" {
			fmt.Fprintf(&b, " %s", f.Code)
		}
		if f.Message != "" {
			fmt.Fprintf(&b, ": %s", f.Message)
		}
	}
	if e.Code == "" && e.Message == "" && e.Snippet != "" {
		fmt.Fprintf(&b, ": body %q", e.Snippet)
	}
	writeTrailer(&b, e.RequestID, e.Attempts, e.Ambiguous)
	return b.String()
}

func writeTrailer(b *strings.Builder, requestID string, attempts int, ambiguous bool) {
	b.WriteString(" (")
	if requestID != "" {
		fmt.Fprintf(b, "request id %s; ", requestID)
	}
	if attempts == 1 {
		b.WriteString("1 attempt")
	} else {
		fmt.Fprintf(b, "%d attempts", attempts)
	}
	if ambiguous {
		b.WriteString("; ambiguous: the server may have acted")
	}
	b.WriteString(")")
}

// Is matches the sentinels for 401, 403, 404 and 429.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

func (e *APIError) isAmbiguous() bool { return e.Ambiguous }

// RateLimitError is returned at once, without waiting, when the server asks
// for a wait (Retry-After) longer than the client may wait: longer than the
// cap set with [WithRetry], or past the context's deadline.
type RateLimitError struct {
	// RetryAfter is the wait the server asked for.
	RetryAfter time.Duration
	StatusCode int
	Method     string
	Path       string
	Attempts   int
	// Ambiguous: see [APIError.Ambiguous].
	Ambiguous bool
	// RequestID is the server's request or correlation id, if it sent one.
	RequestID string
}

// Error tells the wait asked for.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cxone: %s %s: rate limited (%d), server asks to wait %s, more than allowed", e.Method, e.Path, e.StatusCode, e.RetryAfter)
	writeTrailer(&b, e.RequestID, e.Attempts, e.Ambiguous)
	return b.String()
}

// Is matches [ErrRateLimited].
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

func (e *RateLimitError) isAmbiguous() bool { return e.Ambiguous }

// AuthError is a failure to authenticate: the token endpoint refused the
// credentials, kept failing, or an API call was refused (401) even with a
// fresh token. It never holds a secret or a token.
type AuthError struct {
	// Op is what failed: "password grant", "refresh", "access key",
	// "discovery", or the API call ("GET /path") refused twice.
	Op string
	// Code is the OAuth error code such as invalid_client or invalid_grant,
	// if the server sent one.
	Code string
	// Description is the server's error description, redacted.
	Description string
	// StatusCode is the HTTP status of the last answer, if any.
	StatusCode int
	// Temporary is true when the failure may go away (the endpoint was
	// unavailable, rate limited or answered with a page that was not JSON)
	// and retries ran out; false when the credentials were refused.
	Temporary bool
	// Attempts is how many requests were made.
	Attempts int
	// Err is the underlying cause when it is safe to show (a context or
	// network error); nil otherwise.
	Err error
}

// Error names what failed and the OAuth code, never a secret.
func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString("cxone: auth: ")
	b.WriteString(e.Op)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, " (%s)", e.Description)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the safe underlying cause, if any.
func (e *AuthError) Unwrap() error { return e.Err }

// Is matches [ErrUnauthorized].
func (e *AuthError) Is(target error) bool { return target == ErrUnauthorized }

// TransportError is a call that got no answer from the server (connection
// refused or reset, timeout, cancelled context) after all its attempts.
type TransportError struct {
	Method   string
	Path     string
	Attempts int
	// Ambiguous: see [APIError.Ambiguous]. For a cancelled context it is
	// true whenever an attempt was under way: a cancelled context says
	// nothing about whether the server acted.
	Ambiguous bool
	// Err is the cause, stripped of the URL (which may carry identifiers).
	Err error
}

// Error names the call and the cause, and says when it was ambiguous.
func (e *TransportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cxone: %s %s: %v", e.Method, e.Path, e.Err)
	writeTrailer(&b, "", e.Attempts, e.Ambiguous)
	return b.String()
}

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) works.
func (e *TransportError) Unwrap() error { return e.Err }

func (e *TransportError) isAmbiguous() bool { return e.Ambiguous }

// IsAmbiguous reports whether err comes from a non-idempotent call (a POST
// not marked [Request].Idempotent) that may have reached the server although
// it failed: the server may have acted. An erasure that failed ambiguously is
// to be checked or resubmitted, never assumed not done.
func IsAmbiguous(err error) bool {
	var a interface{ isAmbiguous() bool }
	return errors.As(err, &a) && a.isAmbiguous()
}

// stripURL removes *url.Error's URL (it may carry identifiers in the path or
// query) while keeping the cause for errors.Is.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

const maxMessage = 200

// newAPIError builds the typed error from an error answer. sensitive are the
// request's own identifiers (path params, query values), masked wherever the
// server echoes them.
func newAPIError(method, path string, resp *http.Response, body []byte, attempts int, ambiguous bool, sensitive []string) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Attempts: attempts, Ambiguous: ambiguous, Method: method, Path: path,
		RequestID: requestID(resp.Header)}
	decodeErrorBody(e, body, sensitive)
	return e
}

// requestID finds the server's request or correlation id among the headers
// CXone's services and their gateways use.
func requestID(h http.Header) string {
	for _, k := range [...]string{"X-Request-Id", "X-Correlation-Id", "Request-Id", "X-Amzn-Requestid", "X-Amz-Cf-Id", "Correlation-Id"} {
		if v := h.Get(k); v != "" {
			return shorten(redact.String(v), 80)
		}
	}
	return ""
}

// decodeErrorBody reads the error shapes of cxone-api.md:
//   - platform: {"code","details","hostName","entityType","errors"}
//   - 401 {"message"} and Spring {"timestamp","status","error","message","path"}
//   - DFO: {"errors":[{"field","message","parameters","errorCode"}],"uid"}
//
// and OAuth-style {"error","error_description"}. Anything else keeps a
// short redacted snippet. The Spring "path" and the DFO "parameters" are
// never kept: they echo identifiers.
func decodeErrorBody(e *APIError, body []byte, sensitive []string) {
	var m map[string]json.RawMessage
	if len(body) == 0 {
		return
	}
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		e.Snippet = redact.Snippet(body, 80, sensitive...)
		return
	}
	clean := func(s string) string { return shorten(redact.String(s, sensitive...), maxMessage) }
	e.Code = shorten(redact.String(scalar(m["code"]), sensitive...), 80)
	if e.Code == "" {
		e.Code = shorten(redact.String(scalar(m["error"]), sensitive...), 80)
	}
	for _, k := range [...]string{"details", "message", "error_description", "errorDescription"} {
		if s := scalar(m[k]); s != "" {
			e.Message = clean(s)
			break
		}
	}
	var items []struct {
		Field     json.RawMessage `json:"field"`
		Message   json.RawMessage `json:"message"`
		ErrorCode json.RawMessage `json:"errorCode"`
		Code      json.RawMessage `json:"code"`
	}
	if raw, ok := m["errors"]; ok && json.Unmarshal(raw, &items) == nil {
		for i, it := range items {
			if i == 5 {
				break
			}
			f := FieldError{Field: clean(scalar(it.Field)), Code: clean(scalar(it.ErrorCode)), Message: clean(scalar(it.Message))}
			if f.Code == "" {
				f.Code = clean(scalar(it.Code))
			}
			if f == (FieldError{}) {
				continue
			}
			e.Fields = append(e.Fields, f)
		}
		if e.Code == "" && len(e.Fields) > 0 {
			e.Code = e.Fields[0].Code
		}
	}
	if e.RequestID == "" {
		e.RequestID = shorten(redact.String(scalar(m["uid"])), 80)
	}
	if e.Code == "" && e.Message == "" && len(e.Fields) == 0 {
		e.Snippet = redact.Snippet(body, 80, sensitive...)
	}
}

// scalar renders a JSON string, number or bool; other kinds give "".
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b)
	}
	return ""
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}

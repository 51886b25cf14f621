package cxone

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrNotFound is matched (errors.Is) by an [*APIError] with status 404.
var ErrNotFound = errors.New("cxone: not found")

// APIError is a failed call: the server answered with an error status.
type APIError struct {
	StatusCode int
	Code       string // the service's error code, if any
	Message    string // the service's message (redacted), if any
	RequestID  string
	Attempts   int
	Method     string
	Path       string // the path template, never the expanded path
}

func (e *APIError) Error() string {
	return fmt.Sprintf("cxone: %s %s: status %d %s: %s (attempts %d)", e.Method, e.Path, e.StatusCode, e.Code, e.Message, e.Attempts)
}

// Is makes errors.Is(err, ErrNotFound) true for a 404.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.StatusCode == http.StatusNotFound
}

// RateLimitError is returned when the server asks for a wait longer than the
// client is allowed to wait (the cap, or the context's deadline).
type RateLimitError struct {
	RetryAfter time.Duration
	Method     string
	Path       string
	Attempts   int
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("cxone: %s %s: rate limited, server asks to wait %s (attempts %d)", e.Method, e.Path, e.RetryAfter, e.Attempts)
}

// AuthError is a failure to authenticate.
type AuthError struct {
	Op   string
	Code string // OAuth error code such as invalid_client, if known
	Err  error
}

func (e *AuthError) Error() string { return fmt.Sprintf("cxone: auth: %s: %s", e.Op, e.Code) }
func (e *AuthError) Unwrap() error { return e.Err }

func newAPIError(req *Request, resp *http.Response, body []byte, attempts int) *APIError {
	_ = body
	return &APIError{StatusCode: resp.StatusCode, Attempts: attempts, Method: req.Method, Path: req.Path}
}

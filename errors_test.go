package cxone

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The error body shapes of cxone-api.md, and what is kept of each.
func TestDecodeErrorBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		sensitive []string
		want      *APIError
		wantText  string
	}{
		{
			name:     "platform",
			status:   400,
			body:     `{"code":"InvalidSubject","details":"subjectIdentifier ana.silva@example.com is not valid","hostName":"ip-10-0-0-1","entityType":"Erasure","errors":[]}`,
			want:     &APIError{StatusCode: 400, Code: "InvalidSubject", Message: "subjectIdentifier [redacted] is not valid"},
			wantText: "cxone: POST /privacy/v1/erasure: 400 Bad Request: InvalidSubject: subjectIdentifier [redacted] is not valid (1 attempt)",
		},
		{
			name:     "401 message",
			status:   401,
			body:     `{"message":"Unauthorized"}`,
			want:     &APIError{StatusCode: 401, Message: "Unauthorized"},
			wantText: "cxone: POST /privacy/v1/erasure: 401 Unauthorized: Unauthorized (1 attempt)",
		},
		{
			name:   "spring",
			status: 403,
			body:   `{"timestamp":"2026-01-02T03:04:05.000+00:00","status":403,"error":"Forbidden","message":"Access denied for +44 7700 900123","path":"/user-management/v2/users/ana.silva@example.com"}`,
			want:   &APIError{StatusCode: 403, Code: "Forbidden", Message: "Access denied for [redacted]"},
		},
		{
			name:   "dfo",
			status: 400,
			body:   `{"errors":[{"field":"reason","message":"Invalid value","parameters":{"value":"ana.silva@example.com"},"errorCode":"InvalidEnum"},{"field":"id","message":"Required","errorCode":"NotBlank"}],"uid":"8d0c5a40-dfo-uid"}`,
			want: &APIError{StatusCode: 400, Code: "InvalidEnum", RequestID: "8d0c5a40-dfo-uid",
				Fields: []FieldError{{Field: "reason", Code: "InvalidEnum", Message: "Invalid value"}, {Field: "id", Code: "NotBlank", Message: "Required"}}},
			wantText: "cxone: POST /privacy/v1/erasure: 400 Bad Request: InvalidEnum; reason InvalidEnum: Invalid value; id NotBlank: Required (request id 8d0c5a40-dfo-uid; 1 attempt)",
		},
		{
			name:   "oauth style",
			status: 400,
			body:   `{"error":"invalid_request","error_description":"bad token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}`,
			want:   &APIError{StatusCode: 400, Code: "invalid_request", Message: "bad token [redacted]"},
		},
		{
			name:      "echo of the request's identifier",
			status:    404,
			body:      `{"code":"NotFound","details":"no user jdoe-admin"}`,
			sensitive: []string{"jdoe-admin"},
			want:      &APIError{StatusCode: 404, Code: "NotFound", Message: "no user [redacted]"},
		},
		{
			name:     "html page",
			status:   502,
			header:   http.Header{"X-Correlation-Id": {"corr-9"}},
			body:     "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>for ana.silva@example.com</body></html>",
			want:     &APIError{StatusCode: 502, RequestID: "corr-9", Snippet: "502 Bad Gateway for [redacted]"},
			wantText: `cxone: POST /privacy/v1/erasure: 502 Bad Gateway: body "502 Bad Gateway for [redacted]" (request id corr-9; 1 attempt)`,
		},
		{
			name:   "json of another shape",
			status: 500,
			body:   `{"fault":{"faultstring":"Rate limit quota violation"}}`,
			want:   &APIError{StatusCode: 500, Snippet: `{"fault":{"faultstring":"Rate limit quota violation"}}`},
		},
		{
			name:   "numeric code",
			status: 409,
			body:   `{"code":40901,"details":"conflict"}`,
			want:   &APIError{StatusCode: 409, Code: "40901", Message: "conflict"},
		},
		{
			name:   "empty",
			status: 404,
			want:   &APIError{StatusCode: 404},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: tt.status, Header: tt.header}
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			got := newAPIError("POST", "/privacy/v1/erasure", resp, []byte(tt.body), 1, false, tt.sensitive)
			tt.want.Method, tt.want.Path, tt.want.Attempts = "POST", "/privacy/v1/erasure", 1
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if tt.wantText != "" && got.Error() != tt.wantText {
				t.Errorf("Error() =\n%q, want\n%q", got.Error(), tt.wantText)
			}
			if strings.Contains(got.Error(), "ana.silva") || strings.Contains(got.Error(), "7700") {
				t.Errorf("Error() leaks an identifier")
			}
		})
	}
}

func TestErrorsIsAs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"404", &APIError{StatusCode: 404}, ErrNotFound, true},
		{"400 is not not-found", &APIError{StatusCode: 400}, ErrNotFound, false},
		{"401", &APIError{StatusCode: 401}, ErrUnauthorized, true},
		{"403", &APIError{StatusCode: 403}, ErrForbidden, true},
		{"429", &APIError{StatusCode: 429}, ErrRateLimited, true},
		{"rate limit error", &RateLimitError{}, ErrRateLimited, true},
		{"auth error", &AuthError{Op: "x"}, ErrUnauthorized, true},
		{"wrapped", fmt.Errorf("erase row 3: %w", &APIError{StatusCode: 404}), ErrNotFound, true},
		{"transport deadline", &TransportError{Err: context.DeadlineExceeded}, context.DeadlineExceeded, true},
		{"auth cause", &AuthError{Err: context.Canceled}, context.Canceled, true},
	}
	for _, tt := range tests {
		if got := errors.Is(tt.err, tt.target); got != tt.want {
			t.Errorf("%s: errors.Is = %v, want %v", tt.name, got, tt.want)
		}
	}
	var ae *APIError
	if !errors.As(fmt.Errorf("w: %w", &APIError{StatusCode: 500}), &ae) || ae.StatusCode != 500 {
		t.Errorf("errors.As through a wrap failed")
	}
}

func TestIsAmbiguous(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{&APIError{Ambiguous: true}, true},
		{&APIError{}, false},
		{fmt.Errorf("row 2: %w", &TransportError{Ambiguous: true, Err: errors.New("reset")}), true},
		{&RateLimitError{Ambiguous: true}, true},
		{&AuthError{}, false},
	}
	for i, tt := range tests {
		if got := IsAmbiguous(tt.err); got != tt.want {
			t.Errorf("#%d IsAmbiguous(%v) = %v, want %v", i, tt.err, got, tt.want)
		}
	}
}

func TestErrorStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&RateLimitError{RetryAfter: 86400e9, StatusCode: 429, Method: "GET", Path: "/x", Attempts: 1},
			"cxone: GET /x: rate limited (429), server asks to wait 24h0m0s, more than allowed (1 attempt)"},
		{&TransportError{Method: "POST", Path: "/privacy/v1/erasure", Attempts: 3, Ambiguous: true, Err: errors.New("connection reset by peer")},
			"cxone: POST /privacy/v1/erasure: connection reset by peer (3 attempts; ambiguous: the server may have acted)"},
		{&AuthError{Op: "refresh", StatusCode: 503, Temporary: true, Attempts: 4},
			"cxone: auth: refresh: status 503 (4 attempts)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

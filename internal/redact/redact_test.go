package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		values []string
		want   string
	}{
		{"email", "no subject ana.silva@example.com here", nil, "no subject [redacted] here"},
		{"percent-encoded email", "GET /x?email=ana.silva%40example.com", nil, "GET /x?email=[redacted]"},
		{"unicode email", "for josé@exämple.com", nil, "for [redacted]"},
		{"uk phone", "call +44 7700 900123 now", nil, "call [redacted] now"},
		{"us phone", "call (202) 555-0143", nil, "call [redacted]"},
		{"e164", "subject +12025550143", nil, "subject [redacted]"},
		{"short numbers kept", "status 503 after 3 attempts in 2026", nil, "status 503 after 3 attempts in 2026"},
		{"bearer", "Authorization: Bearer sim-access-1-abcdef", nil, "Authorization: Bearer [redacted]"},
		{"basic", "basic ZGVtbzpzZWNyZXQ=", nil, "basic [redacted]"},
		{"jwt", "id eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", nil, "id [redacted]"},
		{"query secret", "token=tok_SECRET_1&x=1", nil, "token=[redacted]&x=1"},
		{"json secret", `{"client_secret":"Zx9+/kQ==%!","a":1}`, nil, `{"client_secret":"[redacted]","a":1}`},
		{"long token", "key 3f2a9c8b7d6e5f4a3b2c1d0e9f8a7b6c", nil, "key [redacted]"},
		{"long word kept", "InternalServerErrorExceptionHandler", nil, "InternalServerErrorExceptionHandler"},
		{"known values", "user jdoe-admin not found", []string{"jdoe-admin", ""}, "user [redacted] not found"},
		{"uuid kept", "request 8d0c5a40-1b2c-4d3e-8f90-123456789abc", nil, "request 8d0c5a40-1b2c-4d3e-8f90-123456789abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := String(tt.in, tt.values...); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		n    int
		want string
	}{
		{"html", "<html><head><style>p{}</style><title>503</title></head><body><p>Service\nUnavailable</p></body></html>", 80, "503 Service Unavailable"},
		{"control bytes", "a\x00b\tc\xffd", 80, "a b c d"},
		{"cut", strings.Repeat("x", 100), 10, "xxxxxxxxxx…"},
		{"cut on rune boundary", strings.Repeat("é", 10), 5, "éé…"},
		{"redacted before cut", "ana.silva@example.com", 5, "[reda…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Snippet([]byte(tt.body), tt.n); got != tt.want {
				t.Errorf("Snippet() = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzString checks that redaction never panics, keeps valid UTF-8 valid,
// and never lets an e-mail address through, whatever surrounds it.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a@b.c", "x ana.silva@example.com y", "+44 7700 900123", "Bearer x", "token=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("valid input gave invalid UTF-8")
		}
		probe := String(s + " ana.silva@example.com " + s)
		if strings.Contains(probe, "ana.silva@example.com") {
			t.Errorf("an e-mail survived redaction")
		}
		sn := Snippet([]byte(s), 40)
		if len(sn) > 40+len("…") {
			t.Errorf("snippet of %d bytes, want at most 40", len(sn))
		}
	})
}

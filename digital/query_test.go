package digital_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cxprivacy/cxone/digital"
	"github.com/google/go-cmp/cmp"
)

func TestQueryBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cond    digital.Cond
		want    string
		wantErr bool
	}{
		{"in one", digital.In("identityIdOnExternalPlatform", "ana+gdpr@example.com"), `identityIdOnExternalPlatform IN ("ana+gdpr@example.com")`, false},
		{"in many", digital.In("f", "a", "b"), `f IN ("a", "b")`, false},
		{"quote and backslash", digital.Eq("fullName", `O"Brien \ Co`), `fullName = "O\"Brien \\ Co"`, false},
		{"like", digital.Like("fullName", "Ana%"), `fullName LIKE "Ana%"`, false},
		{"and", digital.And(digital.Eq("a", "1"), digital.In("b", "2")), `a = "1" AND b IN ("2")`, false},
		{"unicode", digital.Eq("fullName", "Zoë 😀"), `fullName = "Zoë 😀"`, false},
		{"raw", digital.Raw(`x = "y"`), `x = "y"`, false},
		{"bad field", digital.Eq(`a" OR "1`, "x"), "", true},
		{"empty in", digital.In("f"), "", true},
		{"empty and", digital.And(), "", true},
		{"newline", digital.Eq("f", "a\nb"), "", true},
		{"zero cond", digital.Cond{}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.cond.Build()
			if tt.wantErr {
				if !errors.Is(err, digital.ErrBadQuery) {
					t.Fatalf("err = %v, want ErrBadQuery", err)
				}
				if strings.Contains(err.Error(), "a\nb") || strings.Contains(err.Error(), "OR") {
					t.Errorf("error repeats the input")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Build (-want +got):\n%s", diff)
			}
		})
	}
}

// unquote reads one quoted string back, the way the DFO language does.
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		switch s[i] {
		case '\\':
			i++
			if i >= len(s)-1 {
				return "", false
			}
			b.WriteByte(s[i])
		case '"':
			return "", false // an unescaped quote would end the string early
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), true
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "ana+gdpr@example.com", `a"b`, `a\b`, `\"`, `\\"`, "\"\\\"", "x\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		q, err := digital.Quote(v)
		if err != nil {
			if !errors.Is(err, digital.ErrBadQuery) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		got, ok := unquote(q)
		if !ok {
			t.Fatalf("quoted form does not read back as one string (len %d)", len(v))
		}
		if got != v && utf8.ValidString(v) {
			t.Fatalf("round trip changed the value (len %d → %d)", len(v), len(got))
		}
		in, err := digital.In("identityIdOnExternalPlatform", v).Build()
		if err != nil || in != "identityIdOnExternalPlatform IN ("+q+")" {
			t.Fatalf("In does not use the quoted form")
		}
	})
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"0 0 * * *", "*/15 * * * *", "0 0 0 * * *", "0 0 * * ?", "@daily", "1-5/2 * * JAN-MAR MON,FRI", "0 0 12 ? * MON 2027"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		iv, err := digital.ParseInterval(expr)
		if err != nil {
			var ie *digital.IntervalError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an *IntervalError: %T", err)
			}
			if ie.Suggestion != "" {
				if _, err := digital.ParseInterval(ie.Suggestion); err != nil {
					t.Fatalf("the suggestion is refused in turn: %v", err)
				}
			}
			return
		}
		if n := len(strings.Fields(iv.String())); n != 5 {
			t.Fatalf("accepted %d fields", n)
		}
		if strings.Contains(expr, "?") {
			t.Fatal("accepted '?'")
		}
	})
}

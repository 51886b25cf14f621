package privacy

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseResult is what a test compares: the subject, or the reason and field
// of the error (messages are checked separately so tables stay readable).
type parseResult struct {
	Subject Subject
	Reason  Reason
	Field   string
}

func parse(typeWord, raw string, opts ...ParseOption) parseResult {
	s, err := ParseSubject(typeWord, raw, opts...)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			return parseResult{Reason: "not a *ParseError"}
		}
		return parseResult{Reason: pe.Reason, Field: pe.Field}
	}
	return parseResult{Subject: s}
}

func ok(t IdentifierType, v string) parseResult {
	return parseResult{Subject: Subject{Type: t, Value: v}}
}
func bad(r Reason) parseResult { return parseResult{Reason: r, Field: FieldSubjectIdentifier} }

func TestParseSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, typ, raw string
		opts           []ParseOption
		want           parseResult
	}{
		// Emails.
		{name: "email plain", typ: "Email", raw: "ana.silva@example.com", want: ok(Email, "ana.silva@example.com")},
		{name: "email keeps local case, lowers domain", typ: "Email", raw: "Ana.Silva@Example.COM", want: ok(Email, "Ana.Silva@example.com")},
		{name: "email type word any case", typ: " email ", raw: "ana.silva@example.com", want: ok(Email, "ana.silva@example.com")},
		{name: "email trims unicode spaces and zero-width", typ: "Email", raw: "\u00a0\u200b ana.silva@example.com\ufeff\u2060\t", want: ok(Email, "ana.silva@example.com")},
		{name: "email IDN domain to A-label", typ: "Email", raw: "ana@Bücher.Example", want: ok(Email, "ana@xn--bcher-kva.example")},
		{name: "email A-label kept lower", typ: "Email", raw: "ana@XN--BCHER-KVA.example", want: ok(Email, "ana@xn--bcher-kva.example")},
		{name: "email unicode local part", typ: "Email", raw: "josé@example.com", want: ok(Email, "josé@example.com")},
		{name: "email plus tag", typ: "Email", raw: "ana+news@example.co.uk", want: ok(Email, "ana+news@example.co.uk")},
		{name: "email phone value", typ: "Email", raw: "+447700900123", want: bad(ReasonInvalidEmail)},
		{name: "email no at", typ: "Email", raw: "ana.silva.example.com", want: bad(ReasonInvalidEmail)},
		{name: "email two at", typ: "Email", raw: "ana@silva@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email two addresses with space", typ: "Email", raw: "ana@example.com bob@example.com", want: bad(ReasonMultipleIdentifiers)},
		{name: "email zero-width inside", typ: "Email", raw: "ana\u200b@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email soft hyphen in domain", typ: "Email", raw: "ana@exam\u00adple.com", want: bad(ReasonInvalidEmail)},
		{name: "email control inside", typ: "Email", raw: "ana\x01@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email space inside", typ: "Email", raw: "ana silva@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email no domain dot", typ: "Email", raw: "ana@localhost", want: bad(ReasonInvalidEmail)},
		{name: "email double dot domain", typ: "Email", raw: "ana@example..com", want: bad(ReasonInvalidEmail)},
		{name: "email trailing dot domain", typ: "Email", raw: "ana@example.com.", want: bad(ReasonInvalidEmail)},
		{name: "email underscore domain", typ: "Email", raw: "ana@ex_ample.com", want: bad(ReasonInvalidEmail)},
		{name: "email bad A-label", typ: "Email", raw: "ana@xn--a.example", want: bad(ReasonInvalidEmail)},
		{name: "email leading dot local", typ: "Email", raw: ".ana@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email empty local", typ: "Email", raw: "@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email invalid utf8", typ: "Email", raw: "ana\xe9@example.com", want: bad(ReasonInvalidEmail)},
		{name: "email numeric tld", typ: "Email", raw: "ana@10.0.0.1", want: bad(ReasonInvalidEmail)},

		// Phones.
		{name: "phone e164", typ: "Phone", raw: "+12025550143", want: ok(Phone, "+12025550143")},
		{name: "phone brackets", typ: "Phone", raw: "+1 (202) 555-0143", want: ok(Phone, "+12025550143")},
		{name: "phone dots", typ: "Phone", raw: "+1 202.555.0143", want: ok(Phone, "+12025550143")},
		{name: "phone uk fictional", typ: "Phone", raw: "+44 7700 900123", want: ok(Phone, "+447700900123")},
		{name: "phone uk nbsp", typ: "Phone", raw: "+44\u00a07700\u00a0900123", want: ok(Phone, "+447700900123")},
		{name: "phone en dashes", typ: "Phone", raw: "+1 202\u2013555\u20130143", want: ok(Phone, "+12025550143")},
		{name: "phone fullwidth digits", typ: "Phone", raw: "+\uff14\uff14 7700 900123", want: bad(ReasonInvalidPhone)},
		{name: "phone all zeros", typ: "Phone", raw: "+270000000", want: bad(ReasonInvalidPhone)},
		{name: "phone no plus", typ: "Phone", raw: "07700 900123", want: bad(ReasonInvalidPhone)},
		{name: "phone no plus international digits", typ: "Phone", raw: "447700900123", want: bad(ReasonInvalidPhone)},
		{name: "phone no plus with region", typ: "Phone", raw: "07700 900123", opts: []ParseOption{WithDefaultRegion("gb")}, want: ok(Phone, "+447700900123")},
		{name: "phone plus ignores region", typ: "Phone", raw: "+1 202 555 0143", opts: []ParseOption{WithDefaultRegion("GB")}, want: ok(Phone, "+12025550143")},
		{name: "phone unknown region", typ: "Phone", raw: "07700 900123", opts: []ParseOption{WithDefaultRegion("XX")}, want: bad(ReasonInvalidPhone)},
		{name: "phone email value", typ: "Phone", raw: "ana.silva@example.com", want: bad(ReasonInvalidPhone)},
		{name: "phone scientific", typ: "Phone", raw: "4.47701E+11", want: bad(ReasonPhoneScientificNotation)},
		{name: "phone scientific decimal comma", typ: "Phone", raw: "4,47701E+11", want: bad(ReasonPhoneScientificNotation)},
		{name: "phone scientific lower e", typ: "Phone", raw: "4.477009e11", want: bad(ReasonPhoneScientificNotation)},
		{name: "phone formula", typ: "Phone", raw: "=+44 7700 900123", want: bad(ReasonSpreadsheetArtifact)},
		{name: "phone name error", typ: "Phone", raw: "#NAME?", want: bad(ReasonSpreadsheetArtifact)},
		{name: "phone hash", typ: "Phone", raw: "#44 7700 900123", want: bad(ReasonSpreadsheetArtifact)},
		{name: "phone hashes", typ: "Phone", raw: "########", want: bad(ReasonSpreadsheetArtifact)},
		{name: "phone negative", typ: "Phone", raw: "-447700900323", want: bad(ReasonSpreadsheetArtifact)},
		{name: "email at formula", typ: "Email", raw: "@SUM(A1)", want: bad(ReasonSpreadsheetArtifact)},
		{name: "user at formula", typ: "User", raw: "@SUM(1+1)", want: bad(ReasonSpreadsheetArtifact)},
		{name: "phone letters", typ: "Phone", raw: "+1 800 FLOWERS", want: bad(ReasonInvalidPhone)},
		{name: "phone extension", typ: "Phone", raw: "+44 7700 900123 ext 5", want: bad(ReasonInvalidPhone)},
		{name: "phone too short", typ: "Phone", raw: "+44 7700", want: bad(ReasonInvalidPhone)},
		{name: "phone too long", typ: "Phone", raw: "+44 7700 900123 4567", want: bad(ReasonInvalidPhone)},
		{name: "phone bad country", typ: "Phone", raw: "+999 123456", want: bad(ReasonInvalidPhone)},
		{name: "phone two", typ: "Phone", raw: "+447700900123; +447700900456", want: bad(ReasonMultipleIdentifiers)},
		{name: "phone two lines", typ: "Phone", raw: "+447700900123\n+447700900456", want: bad(ReasonMultipleIdentifiers)},
		{name: "phone trailing separator", typ: "Phone", raw: "+447700900123;", want: bad(ReasonInvalidPhone)},
		{name: "phone LRM inside", typ: "Phone", raw: "+44\u200e7700900123", want: bad(ReasonInvalidPhone)},

		// Users.
		{name: "user", typ: "User", raw: "agent-4711", want: ok(User, "agent-4711")},
		{name: "user trimmed", typ: "USER", raw: "  agent-4711 ", want: ok(User, "agent-4711")},
		{name: "user leading dash", typ: "User", raw: "-agent-4711", want: ok(User, "-agent-4711")},
		{name: "user short number", typ: "User", raw: "4711", want: ok(User, "4711")},
		{name: "user email", typ: "User", raw: "ana.silva@example.com", want: bad(ReasonIdentifierTypeMismatch)},
		{name: "user email allowed", typ: "User", raw: "ana.silva@example.com", opts: []ParseOption{WithEmailUsernames()}, want: ok(User, "ana.silva@example.com")},
		{name: "user phone", typ: "User", raw: "+447700900123", want: bad(ReasonIdentifierTypeMismatch)},
		{name: "user phone spaced", typ: "User", raw: "+1 (202) 555-0143", want: bad(ReasonIdentifierTypeMismatch)},
		{name: "user control", typ: "User", raw: "agent\x07", want: bad(ReasonInvalidUser)},
		{name: "user formula", typ: "User", raw: "=cmd|' /C calc'!A0", want: bad(ReasonSpreadsheetArtifact)},
		{name: "user error literal", typ: "User", raw: "#REF!", want: bad(ReasonSpreadsheetArtifact)},
		{name: "user error literal any case", typ: "User", raw: "#n/a", want: bad(ReasonSpreadsheetArtifact)},
		{name: "user hash name kept", typ: "User", raw: "#agent", want: ok(User, "#agent")},
		{name: "user two", typ: "User", raw: "agent-1, agent-2", want: bad(ReasonMultipleIdentifiers)},

		// Every type.
		{name: "empty", typ: "Email", raw: " \u00a0 ", want: bad(ReasonMissingIdentifier)},
		{name: "unknown type", typ: "E-mail", raw: "ana.silva@example.com", want: parseResult{Reason: ReasonUnknownIdentifierType, Field: FieldIdentifierType}},
		{name: "empty type", typ: "", raw: "ana.silva@example.com", want: parseResult{Reason: ReasonUnknownIdentifierType, Field: FieldIdentifierType}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := parse(tt.typ, tt.raw, tt.opts...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSubject(%q, <%d bytes>) mismatch (-want +got):\n%s", tt.typ, len(tt.raw), diff)
			}
			if _, err := ParseSubject(tt.typ, tt.raw, tt.opts...); err != nil && len(trim(tt.raw)) >= 4 && strings.Contains(err.Error(), trim(tt.raw)) {
				t.Errorf("error message echoes the value")
			}
		})
	}
}

// TestIssue3Cases are cases 1–3 of the privacy issue, at the parser level.
func TestIssue3Cases(t *testing.T) {
	t.Parallel()
	keys := func(typ string, raws ...string) []string {
		var out []string
		for _, r := range raws {
			s, err := ParseSubject(typ, r)
			if err != nil {
				t.Fatalf("ParseSubject(%q, <%d bytes>): %v", typ, len(r), err)
			}
			out = append(out, s.Key())
		}
		return out
	}
	t.Run("case 1 email key", func(t *testing.T) {
		got := keys("Email", "Ana.Silva@Example.COM", "ana.silva@example.com")
		want := []string{"Email:ana.silva@example.com", "Email:ana.silva@example.com"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	})
	t.Run("case 2 phone spellings", func(t *testing.T) {
		var got []Subject
		for _, r := range []string{"+1 (202) 555-0143", "+12025550143", "+1 202.555.0143"} {
			s, err := ParseSubject("Phone", r)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		want := []Subject{{Phone, "+12025550143"}, {Phone, "+12025550143"}, {Phone, "+12025550143"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("subjects (-want +got):\n%s", diff)
		}
		if got[0].Key() != got[2].Key() {
			t.Errorf("keys differ")
		}
	})
	t.Run("case 3 mismatches", func(t *testing.T) {
		got := []parseResult{
			parse("User", "ana.silva@example.com"),
			parse("Email", "+447700900123"),
			parse("Phone", "ana.silva@example.com"),
			parse("E-mail", "ana.silva@example.com"),
		}
		want := []parseResult{
			bad(ReasonIdentifierTypeMismatch),
			bad(ReasonInvalidEmail),
			bad(ReasonInvalidPhone),
			{Reason: ReasonUnknownIdentifierType, Field: FieldIdentifierType},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		_, err := ParseSubject("E-mail", "ana.silva@example.com")
		for _, w := range []string{"Email", "Phone", "User"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("unknown type message %q does not list %s", err, w)
			}
		}
	})
}

func TestParseErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, raw, want string
	}{
		{"Phone", "07700 900123", "Subject Identifier: has no country code: write it in international form with a leading + (such as +44 or +1), or set a default region (invalid_phone)"},
		{"E-mail", "x", "Identifier Type: must be one of Email, Phone, User (unknown_identifier_type)"},
		{"Email", "+447700900123", "Subject Identifier: looks like a phone number, not an e-mail address; use the type Phone (invalid_email)"},
	}
	for _, tt := range tests {
		_, err := ParseSubject(tt.typ, tt.raw)
		if err == nil {
			t.Fatalf("ParseSubject(%q, <%d bytes>) = nil error", tt.typ, len(tt.raw))
		}
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("message (-want +got):\n%s", diff)
		}
	}
}

func TestSubjectString(t *testing.T) {
	t.Parallel()
	s := Subject{Type: Email, Value: "ana.silva@example.com"}
	for _, got := range []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%v", s)} {
		if diff := cmp.Diff("Email:<redacted>", got); diff != "" {
			t.Errorf("String (-want +got):\n%s", diff)
		}
	}
}

func TestWire(t *testing.T) {
	t.Parallel()
	got := []string{Email.Wire(), Phone.Wire(), User.Wire(), Unknown.Wire()}
	if diff := cmp.Diff([]string{"EMAIL", "PHONENO", "USER", ""}, got); diff != "" {
		t.Errorf("Wire (-want +got):\n%s", diff)
	}
}

func TestNewParser(t *testing.T) {
	t.Parallel()
	if _, err := NewParser(WithDefaultRegion("XX")); err == nil {
		t.Errorf("NewParser(WithDefaultRegion(XX)) = nil error, want an unknown region error")
	}
	p, err := NewParser(WithDefaultRegion("US"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.Parse("phone", "(202) 555-0143")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Subject{Phone, "+12025550143"}, s); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
	if _, err := p.New(Unknown, "x"); err == nil {
		t.Errorf("New(Unknown) = nil error")
	}
}

func BenchmarkParseEmail(b *testing.B) {
	p, _ := NewParser()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse("Email", "ana.silva@example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleParseSubject() {
	s, err := ParseSubject("phone", "+1 (202) 555-0143")
	fmt.Println(s.Type, s.Value, s.Type.Wire(), err)

	_, err = ParseSubject("Phone", "4.47701E+11")
	var pe *ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Reason)
	}
	// Output:
	// Phone +12025550143 PHONENO <nil>
	// phone_scientific_notation
}

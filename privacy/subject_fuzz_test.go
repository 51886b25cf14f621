package privacy

import (
	"strings"
	"testing"
)

func FuzzParseSubject(f *testing.F) {
	for _, s := range [][2]string{
		{"Email", "Ana.Silva@Example.COM"}, {"Email", "ana@bücher.example"}, {"Email", "+447700900123"},
		{"Phone", "+1 (202) 555-0143"}, {"Phone", "4.47701E+11"}, {"Phone", "#44 7700 900123"},
		{"Phone", "=+44 7700 900123"}, {"User", "agent-4711"}, {"User", "ana.silva@example.com"},
		{"E-mail", "x"}, {"Phone", "+44 (0) 7700 900123"}, {"email", "\u200bana@example.com\u00a0"},
	} {
		f.Add(s[0], s[1], "")
		f.Add(s[0], s[1], "GB")
	}
	f.Fuzz(func(t *testing.T, typ, raw, region string) {
		var opts []ParseOption
		if region != "" {
			opts = append(opts, WithDefaultRegion(region))
		}
		s, err := ParseSubject(typ, raw, opts...)
		if err != nil {
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("error is %T, want *ParseError", err)
			}
			if pe.Reason == "" || pe.Msg == "" {
				t.Fatalf("error without reason or message")
			}
			if v := trim(raw); len(v) >= 4 && strings.Contains(err.Error(), v) {
				t.Fatalf("error message echoes the value (%d bytes)", len(v))
			}
			return
		}
		if s.Value == "" || s.Type == Unknown {
			t.Fatalf("empty subject without error")
		}
		// The normal form is a fixed point: a subject re-parses to itself.
		again, err := NewSubject(s.Type, s.Value, opts...)
		if err != nil {
			t.Fatalf("normalised value (%d bytes) does not re-parse: %v", len(s.Value), err)
		}
		if again != s || again.Key() != s.Key() {
			t.Fatalf("re-parse changed the subject (lengths %d -> %d)", len(s.Value), len(again.Value))
		}
	})
}

// FuzzEmailFastPath checks that the e-mail fast path never accepts what the
// full parser rejects, nor normalises differently.
func FuzzEmailFastPath(f *testing.F) {
	for _, s := range []string{"ana.silva@example.com", "Ana.Silva@Example.COM", "a@b.c", "a@xn--bcher-kva.example",
		"=a@b.com", "#a@b.com", "a..b@c.com", "a.@b.com", "a@-b.com", "a@b-.com", "a@b.123", "a@b..com", "@b.com", "a@b.com."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fast, ok := emailFast(raw)
		if !ok {
			return
		}
		p := newParser(nil)
		full, err := p.newFull(Email, raw)
		if err != nil {
			t.Fatalf("fast path accepts a value (%d bytes) the full path rejects: %v", len(raw), err)
		}
		if full.Value != fast {
			t.Fatalf("fast and full paths normalise a %d-byte value differently", len(raw))
		}
	})
}

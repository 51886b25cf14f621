package cxonetest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDFOQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    dfoQuery
		wantErr bool
	}{
		{`identityIdOnExternalPlatform IN ("a+b@example.com")`, dfoQuery{{"identityIdOnExternalPlatform", "IN", []string{"a+b@example.com"}}}, false},
		{`fullName = "O\"Brien \\ x" AND id in ("1","2")`, dfoQuery{{"fullName", "=", []string{`O"Brien \ x`}}, {"id", "IN", []string{"1", "2"}}}, false},
		{`fullName like "An%"`, dfoQuery{{"fullName", "LIKE", []string{"An%"}}}, false},
		{`fullName = "x`, nil, true},
		{`fullName = x`, nil, true},
		{`secret = "x"`, nil, true},
		{`fullName = "x" OR id = "y"`, nil, true},
		{`id IN ()`, nil, true},
		{`id IN ("a"`, nil, true},
		{`fullName = "a\`, nil, true},
		{``, nil, true},
	}
	for _, tt := range tests {
		got, err := parseDFOQuery(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("query %d: err = %v, wantErr %v", len(tt.in), err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(dfoCond{})); diff != "" {
			t.Errorf("parse (-want +got):\n%s", diff)
		}
	}
	c := &dfoCustomer{FullName: "Ana Silva", Identities: []dfoIdentity{{IDOnExternalPlatform: "Ana+GDPR@example.com"}}}
	for q, want := range map[string]bool{
		`identityIdOnExternalPlatform IN ("ana+gdpr@example.com")`: true,
		`identityIdOnExternalPlatform = "ana gdpr@example.com"`:    false,
		`fullName LIKE "ana%"`:   true,
		`fullName LIKE "%silva"`: true,
		`fullName LIKE "%x%"`:    false,
	} {
		p, err := parseDFOQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.match(c); got != want {
			t.Errorf("match(%q) = %v, want %v", q, got, want)
		}
	}
}

// FuzzParseDFOQuery: the parser never panics, its errors never repeat a
// quoted value, and a value quoted the documented way reads back intact.
func FuzzParseDFOQuery(f *testing.F) {
	for _, s := range []string{`id = "x"`, `fullName IN ("a", "b\"c")`, `x`, `"`, `id IN (`, `id = "\\"`} {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, q, v string) {
		if _, err := parseDFOQuery(q); err != nil && len(v) > 3 && strings.Contains(q, `"`+v+`"`) && strings.Contains(err.Error(), v) {
			t.Fatalf("error repeats a value")
		}
		quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
		p, err := parseDFOQuery("id IN (" + quoted + ")")
		if err != nil {
			t.Fatalf("quoted value refused: %v", err)
		}
		if len(p) != 1 || len(p[0].values) != 1 || p[0].values[0] != v {
			t.Fatalf("quoted value changed (len %d)", len(v))
		}
	})
}

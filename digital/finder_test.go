package digital_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
)

func contactNumbers(f *digital.Findings) []string {
	var out []string
	for _, ic := range f.Interactions {
		out = append(out, string(ic.ContactNumber))
	}
	slices.Sort(out)
	return out
}

func TestFinderRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newSim(t)
	f := digital.NewFinder(c)
	tests := []struct {
		name      string
		subject   privacy.Subject
		wantCases int
		routes    digital.Route // routes every interaction must have
		customers int
	}{
		{"email with a WhatsApp identity on its card", privacy.Subject{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailAna}, 5, digital.RouteCustomer, 1},
		{"phone on the same card", privacy.Subject{Type: privacy.Phone, Value: cxonetest.DemoDigitalPhoneAna}, 5, digital.RouteCustomer, 1},
		{"end-user id only", privacy.Subject{Type: privacy.Phone, Value: cxonetest.DemoDigitalPhoneEndUserOnly}, 2, digital.RouteEndUser | digital.RouteAuthor, 0},
		{"plus address", privacy.Subject{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailPlus}, 2, digital.RouteCustomer | digital.RouteEndUser | digital.RouteAuthor, 1},
		{"30 cases", privacy.Subject{Type: privacy.Email, Value: cxonetest.DemoDigitalEmailBen}, 30, digital.RouteCustomer | digital.RouteEndUser | digital.RouteAuthor, 1},
		{"unknown", privacy.Subject{Type: privacy.Email, Value: "nobody@example.com"}, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.Find(ctx, tt.subject)
			if err != nil {
				t.Fatal(err)
			}
			want := srv.DigitalCases(tt.subject.Value)
			slices.Sort(want)
			if len(want) != tt.wantCases {
				t.Fatalf("simulator has %d cases, test expects %d", len(want), tt.wantCases)
			}
			if diff := cmp.Diff(want, contactNumbers(got), cmp.Transformer("nil", func(s []string) []string {
				if s == nil {
					return []string{}
				}
				return s
			})); diff != "" {
				t.Errorf("cases (-want +got):\n%s", diff)
			}
			for _, ic := range got.Interactions {
				if ic.Routes&tt.routes != tt.routes {
					t.Errorf("case %s found by %v, want at least %v", ic.ContactNumber, ic.Routes, tt.routes)
				}
			}
			if len(got.Customers) != tt.customers {
				t.Errorf("customers = %d, want %d", len(got.Customers), tt.customers)
			}
		})
	}
}

func TestFinderEmployeeMakesNoCall(t *testing.T) {
	t.Parallel()
	srv, c := newSim(t)
	got, err := digital.NewFinder(c).Find(context.Background(), privacy.Subject{Type: privacy.User, Value: "agent-4711"})
	if err != nil || len(got.Interactions) != 0 {
		t.Fatalf("Find(user) = %d interactions, %v", len(got.Interactions), err)
	}
	if n := srv.DigitalCallTotal(); n != 0 {
		t.Errorf("calls = %d, want 0", n)
	}
}

func TestRouteString(t *testing.T) {
	t.Parallel()
	got := []string{digital.Route(0).String(), digital.RouteCustomer.String(), (digital.RouteEndUser | digital.RouteAuthor).String()}
	if diff := cmp.Diff([]string{"none", "customer", "end-user+author"}, got); diff != "" {
		t.Error(diff)
	}
}

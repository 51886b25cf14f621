package privacy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/internal/vcr"
	"github.com/cxprivacy/cxone/privacy"
)

// Recorded-HTTP tests of the privacy package: platform erasure of an email
// address and a phone number, and an employee's erasure (search,
// deactivation, USER erasure). They replay testdata/cassettes/*.yaml;
// CXONE_RECORD=1 re-records them from cxonetest, or from a real tenant with
// the credentials of package internal/vcr and CXONE_VCR_ERASE_EMAIL,
// CXONE_VCR_ERASE_PHONE and CXONE_VCR_ERASE_USERNAME naming what may be
// erased there (that user is deactivated!).

// vcrRequestID is the simulator's id of its nth accepted erasure request.
func vcrRequestID(n int) string {
	return []string{"", "5e7a0c1d-0000-4000-8000-000000000001", "5e7a0c1d-0000-4000-8000-000000000002"}[n]
}

func vcrPrivacyClient(t *testing.T, s *vcr.Session) *privacy.Client {
	t.Helper()
	pc, err := privacy.NewClient(s.API)
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func TestVcrPrivacyErase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	email := vcr.Identifier(t, "CXONE_VCR_ERASE_EMAIL", cxonetest.DemoDigitalEmailAna)
	phone := vcr.Identifier(t, "CXONE_VCR_ERASE_PHONE", "+44 7700 900123")
	emailSubject, err := privacy.ParseSubject("Email", email)
	if err != nil {
		t.Fatal(err)
	}
	phoneSubject, err := privacy.ParseSubject("Phone", phone)
	if err != nil {
		t.Fatal(err)
	}
	s := vcr.Connect(ctx, t, vcr.Config{
		Cassette: "erase",
		IDs: map[string]string{
			emailSubject.Value: "name-1@" + vcr.PlaceholderDomain,
			phoneSubject.Value: "+000000000001",
		},
	})
	pc := vcrPrivacyClient(t, s)

	tests := []struct {
		subject privacy.Subject
		wire    string
		want    privacy.Request
	}{
		{emailSubject, "EMAIL", privacy.Request{RequestID: vcrRequestID(1), Type: privacy.Email, Attempts: 1}},
		{phoneSubject, "PHONENO", privacy.Request{RequestID: vcrRequestID(2), Type: privacy.Phone, Attempts: 1}},
	}
	for _, tt := range tests {
		got, err := pc.Erase(ctx, tt.subject)
		if err != nil {
			t.Fatalf("Erase(%s): %v", tt.subject.Type, err)
		}
		if got.SubmittedAt.IsZero() {
			t.Errorf("Erase(%s): SubmittedAt not set", tt.subject.Type)
		}
		if s.FromTenant {
			if got.RequestID == "" {
				t.Errorf("Erase(%s): no request id", tt.subject.Type)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(privacy.Request{}, "SubmittedAt")); diff != "" {
			t.Errorf("Erase(%s) (-want +got):\n%s", tt.subject.Type, diff)
		}
		if s.Sim != nil {
			// The simulator filed it under the normalised value.
			if id, ok := s.Sim.ErasureRequestID(tt.wire, tt.subject.Value); !ok || id != tt.want.RequestID {
				t.Errorf("simulator holds request %q (found %v) for the %s, want %q", id, ok, tt.subject.Type, tt.want.RequestID)
			}
		}
	}
}

func TestVcrPrivacyEraseUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	username := vcr.Identifier(t, "CXONE_VCR_ERASE_USERNAME", cxonetest.DemoAgentUserName)
	ids := map[string]string{username: "user-placeholder-1"}
	if vcr.CurrentMode() != vcr.RecordTenant {
		ids[cxonetest.DemoKeyOwnerUserName] = "user-placeholder-2"
	}
	s := vcr.Connect(ctx, t, vcr.Config{Cassette: "erase_user", IDs: ids})
	pc := vcrPrivacyClient(t, s)

	if !s.FromTenant {
		// The key's own user is found, then refused before any
		// deactivation: the SDK must not lock itself out.
		got, err := pc.EraseUser(ctx, cxonetest.DemoKeyOwnerUserName)
		if !errors.Is(err, privacy.ErrKeyOwner) {
			t.Fatalf("EraseUser(key owner) error = %v, want ErrKeyOwner", err)
		}
		want := privacy.Employee{ID: cxonetest.DemoKeyOwnerUserID, UserName: cxonetest.DemoKeyOwnerUserName, Status: privacy.UserActive}
		if diff := cmp.Diff(want, got.Employee); diff != "" || got.Deactivated || got.Request.RequestID != "" {
			t.Errorf("EraseUser(key owner) = deactivated %v, request %q, employee (-want +got):\n%s", got.Deactivated, got.Request.RequestID, diff)
		}
	}

	got, err := pc.EraseUser(ctx, username)
	if err != nil {
		t.Fatalf("EraseUser: %v", err)
	}
	if s.FromTenant {
		if got.Request.RequestID == "" {
			t.Error("EraseUser: no request id")
		}
		return
	}
	want := privacy.UserErasure{
		Employee:    privacy.Employee{ID: cxonetest.DemoAgentUserID, UserName: username, Status: privacy.UserDeleted},
		Deactivated: true,
		Request:     privacy.Request{RequestID: vcrRequestID(1), Type: privacy.User, Attempts: 1},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(privacy.Request{}, "SubmittedAt")); diff != "" {
		t.Errorf("EraseUser (-want +got):\n%s", diff)
	}
	if s.Sim != nil {
		if st, _ := s.Sim.UserStatus(cxonetest.DemoAgentUserID); st != cxonetest.StatusDeleted {
			t.Errorf("simulator: user status %q, want %q", st, cxonetest.StatusDeleted)
		}
		if st, _ := s.Sim.UserStatus(cxonetest.DemoKeyOwnerUserID); st != cxonetest.StatusActive {
			t.Errorf("simulator: key owner status %q, want %q", st, cxonetest.StatusActive)
		}
		if n := s.Sim.Deactivations(); n != 1 {
			t.Errorf("simulator: %d deactivations, want 1", n)
		}
	}
}

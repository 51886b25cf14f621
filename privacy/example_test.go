package privacy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/privacy"
)

// Erase one contact by email and one employee by username, against the
// simulator. Against a real tenant only the cxone.NewClient options change.
func Example() {
	ctx := context.Background()
	srv := cxonetest.NewServer()
	defer srv.Close()

	c, err := cxone.NewClient(ctx,
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()))
	if err != nil {
		fmt.Println(err)
		return
	}
	pc, err := privacy.NewClient(c)
	if err != nil {
		fmt.Println(err)
		return
	}

	// A contact: parse (and normalise) the identifier, then file the request.
	s, err := privacy.ParseSubject("Email", "Ana.Silva@Example.COM")
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := pc.Erase(ctx, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("email:", req.RequestID)

	// An employee: found by username, deactivated, then erased.
	ue, err := pc.EraseUser(ctx, "agent-4711")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("employee:", ue.Request.RequestID, "deactivated:", ue.Deactivated)

	// The user that owns the access key is never touched.
	_, err = pc.EraseUser(ctx, cxonetest.DemoKeyOwnerUserName)
	fmt.Println(err)
	// Output:
	// email: 5e7a0c1d-0000-4000-8000-000000000001
	// employee: 5e7a0c1d-0000-4000-8000-000000000002 deactivated: true
	// privacy: refusing to deactivate or erase the user that owns the client's access key
}

// A batch from rows with their line numbers, journaled so that a rerun
// files nothing twice.
func ExampleBatch_Run() {
	ctx := context.Background()
	srv := cxonetest.NewServer()
	defer srv.Close()
	c, _ := cxone.NewClient(ctx,
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()))
	pc, _ := privacy.NewClient(c)

	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	j, err := privacy.OpenJournal(filepath.Join(dir, "erasure.journal"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()

	rows := [][2]string{
		{"Email", "ana.silva@example.com"},
		{"Phone", "+44 7700 900123"},
		{"Email", "Ana.Silva@Example.COM"},
		{"Phone", "4.4770E+11"},
		{"User", "agent-4712"},
	}
	items := func(yield func(privacy.Item) bool) {
		for i, r := range rows {
			s, err := privacy.ParseSubject(r[0], r[1])
			if !yield(privacy.Item{Line: i + 2, Subject: s, Err: err}) {
				return
			}
		}
	}
	b, err := pc.NewBatch(privacy.WithConcurrency(1), privacy.WithJournal(j))
	if err != nil {
		fmt.Println(err)
		return
	}
	for o, err := range b.Run(ctx, items) {
		if err != nil {
			fmt.Println("stopped:", err)
			break
		}
		switch {
		case o.Status == privacy.StatusProcessed:
			fmt.Println(o.Line, o.Status, o.RequestID)
		case o.Reason == privacy.ReasonDuplicate:
			fmt.Println(o.Line, o.Status, o.Reason, "of line", o.DuplicateOf)
		default:
			fmt.Println(o.Line, o.Status, o.Reason)
		}
	}
	fmt.Printf("%+v\n", b.Summary())
	// Output:
	// 2 processed 5e7a0c1d-0000-4000-8000-000000000001
	// 3 processed 5e7a0c1d-0000-4000-8000-000000000002
	// 4 skipped duplicate of line 2
	// 5 failed phone_scientific_notation
	// 6 processed 5e7a0c1d-0000-4000-8000-000000000003
	// {Processed:3 Failed:1 Skipped:1 Reasons:map[duplicate:1 phone_scientific_notation:1]}
}

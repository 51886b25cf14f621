package digital_test

import (
	"context"
	"fmt"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/privacy"
)

// Ensure the procedure's tags, tag every interaction of one subject, and run
// the erasure processor once. The simulator stands in for a tenant.
func Example() {
	ctx := context.Background()
	srv := cxonetest.NewServer()
	defer srv.Close()
	api, err := cxone.NewClient(ctx, cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()))
	if err != nil {
		fmt.Println(err)
		return
	}
	dfo, err := digital.NewClient(api)
	if err != nil {
		fmt.Println(err)
		return
	}

	proc := digital.Preset()
	if _, _, err := proc.EnsureTags(ctx, dfo); err != nil {
		fmt.Println(err)
		return
	}

	subject := privacy.Subject{Type: privacy.Email, Value: "chloe.martin@example.com"}
	tags, err := digital.NewTagger(dfo, proc).Tag(ctx, subject)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("tagged interactions:", tags.Count(digital.Tagged))

	runner, err := digital.NewRunner(dfo, proc.Scheduler)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := runner.RunOnce(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("interactions %d, messages erased %d, completed %d, failures %d\n",
		rep.Interactions, rep.MessagesErased, rep.Completed, rep.Failures)
	// Output:
	// tagged interactions: 4
	// interactions 4, messages erased 12, completed 4, failures 0
}

// Validate a scheduler interval and see when it runs.
func ExampleParseInterval() {
	_, err := digital.ParseInterval("0 0 0 * * *")
	fmt.Println(err)
	s := digital.Preset().Scheduler
	s.Interval = "30 6 * * *"
	runs, _ := s.NextRuns(mustTime("2026-03-01T00:00:00Z"), 2)
	for _, r := range runs {
		fmt.Println(r.Format("2006-01-02 15:04 MST"))
	}
	// Output:
	// digital: scheduler.interval has 6 fields: the first is a seconds field (Quartz style); DFO takes 5 fields without seconds; use the 5-field form "0 0 * * *"
	// 2026-03-01 06:30 UTC
	// 2026-03-02 06:30 UTC
}

// Build a customer query; values are quoted and escaped.
func ExampleIn() {
	q, _ := digital.In(digital.DefaultIdentityField, "ana+gdpr@example.com", `odd"name@example.com`).Build()
	fmt.Println(q)
	// Output:
	// identityIdOnExternalPlatform IN ("ana+gdpr@example.com", "odd\"name@example.com")
}

// Print the UI steps for admins who configure DFO's native scheduler.
func ExampleProcedure_ManualSteps() {
	fmt.Print(digital.Preset().ManualSteps())
	// Output:
	// Configure the GDPR erasure in Digital Experience (CXone UI)
	//
	// 1. Create the tags "Privacy Erasure Requested" and "Privacy Erasure Completed" in the Digital Experience tag settings, and make sure both are Active (EnsureTags of this SDK creates them too).
	//
	// Automation jobs (ACD → Digital → Automation Jobs):
	// 2. Create job "Privacy Erase Content": action "Delete content of a message", reason GDPR.
	// 3. Create job "Privacy Erase Name": action "Delete author's name of a message", reason GDPR.
	// 4. Create job "Privacy Tag Completed": action "Add tag", tag "Privacy Erasure Completed".
	//
	// Automation scheduler (ACD → Digital → Automation Schedulers):
	// 5. Create scheduler "Privacy Erasure Processor", type repetitive, interval (crontab) "0 0 * * *" in time zone UTC.
	// 6. Data set: Messages.
	// 7. Conditions: include tag "Privacy Erasure Requested"; exclude tag "Privacy Erasure Completed".
	// 8. Jobs, in this order: "Privacy Erase Content", "Privacy Erase Name", "Privacy Tag Completed".
	// 9. Save, then switch the scheduler to Active.
	//
	// A job processes up to 500 contacts at a time; a large backlog takes several runs.
}

// Command dxsetup prepares Digital Experience for the GDPR erasure procedure:
// it ensures the two tags exist, validates the erasure processor's
// configuration (the three jobs and the daily scheduler), prints it with its
// next run times, and prints the manual steps for administrators who set up
// DFO's native scheduler in the UI instead of running the SDK's processor.
//
//	go run ./examples/dxsetup            # against the embedded simulator
//	go run ./examples/dxsetup -tz Europe/London
//
// With CXONE_* credentials in the environment it works on that tenant.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/examples/internal/schedflags"
	"github.com/cxprivacy/cxone/examples/internal/tenant"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv, time.Now())
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now time.Time) int {
	fs := flag.NewFlagSet("dxsetup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sched := schedflags.Register(fs)
	offline := fs.Bool("offline", false, "only validate and print: do not connect or ensure the tags")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	proc, err := sched.Procedure()
	if err != nil {
		fmt.Fprintf(stderr, "dxsetup: %v\n", err)
		return 2
	}
	loc := proc.Scheduler.Location
	runs, err := proc.Scheduler.NextRuns(now, 3)
	if err != nil {
		fmt.Fprintf(stderr, "dxsetup: %v\n", err)
		return 2
	}

	if !*offline {
		conn, err := tenant.Connect(ctx, getenv, stdout, tenant.Options{UserAgent: "cxone-go-examples-dxsetup/1"})
		if err != nil {
			fmt.Fprintf(stderr, "dxsetup: connecting: %v\n", err)
			return 1
		}
		defer conn.Close()
		dc, err := digital.NewClient(conn.Client)
		if err != nil {
			fmt.Fprintf(stderr, "dxsetup: %v\n", err)
			return 1
		}
		req, done, err := proc.EnsureTags(ctx, dc)
		if err != nil {
			fmt.Fprintf(stderr, "dxsetup: ensuring the tags: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "Tags ready: %q (id %d), %q (id %d)\n", req.Title, req.ID, done.Title, done.ID)
	}

	s := proc.Scheduler
	fmt.Fprintf(stdout, "\nScheduler %q: %s, interval %q (%s), data set %s, active %v\n", s.Name, s.Type, s.Interval, loc, s.DataSet, s.Active)
	fmt.Fprintf(stdout, "  includes tags: %s\n  excludes tags: %s\n", strings.Join(s.IncludeTags, ", "), strings.Join(s.ExcludeTags, ", "))
	for i, j := range s.Jobs {
		fmt.Fprintf(stdout, "  job %d: %q, action %s", i+1, j.Name, j.Action)
		if j.Reason != "" {
			fmt.Fprintf(stdout, ", reason %s", j.Reason)
		}
		if j.Tag != "" {
			fmt.Fprintf(stdout, ", tag %q", j.Tag)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, "  next runs:")
	for _, t := range runs {
		fmt.Fprintf(stdout, "    %s\n", t.Format(time.RFC3339))
	}
	fmt.Fprintf(stdout, "\nTo configure DFO's native scheduler by hand instead of running examples/processor:\n\n%s\n", proc.ManualSteps())
	return 0
}

// Command processor runs the GDPR erasure processor on its cron interval
// until interrupted: at each run it finds the Digital Experience messages
// tagged "Privacy Erasure Requested" and not "Privacy Erasure Completed",
// removes the content and the author's name of every message of their
// interactions (reason GDPR), and tags them completed — what DFO's native
// "Privacy Erasure Processor" scheduler would do.
//
//	go run ./examples/processor -once   # one run, then exit
//	go run ./examples/processor         # daily at 00:00 UTC until Ctrl-C
//
// Against the embedded simulator (no CXONE_* credentials) the demo tenant is
// first tagged for one demo subject, so a run has something to do.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/examples/internal/schedflags"
	"github.com/cxprivacy/cxone/examples/internal/tenant"
	"github.com/cxprivacy/cxone/privacy"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("processor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	once := fs.Bool("once", false, "run once and exit")
	sched := schedflags.Register(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "processor: unexpected argument (flags only)")
		return 2
	}
	proc, err := sched.Procedure()
	if err != nil {
		fmt.Fprintf(stderr, "processor: %v\n", err)
		return 2
	}
	loc := proc.Scheduler.Location

	conn, err := tenant.Connect(ctx, getenv, stdout, tenant.Options{UserAgent: "cxone-go-examples-processor/1"})
	if err != nil {
		fmt.Fprintf(stderr, "processor: connecting: %v\n", err)
		return 1
	}
	defer conn.Close()
	dc, err := digital.NewClient(conn.Client)
	if err != nil {
		fmt.Fprintf(stderr, "processor: %v\n", err)
		return 1
	}
	if _, _, err := proc.EnsureTags(ctx, dc); err != nil {
		fmt.Fprintf(stderr, "processor: ensuring the tags: %v\n", err)
		return 1
	}
	if conn.Sim != nil {
		// Give the demo run something to do: request the erasure of one
		// demo subject's interactions.
		s, err := privacy.ParseSubject("Email", cxonetest.DemoDigitalEmailAna)
		if err == nil {
			_, err = digital.NewTagger(dc, proc).Tag(ctx, s)
		}
		if err != nil {
			fmt.Fprintf(stderr, "processor: tagging the demo subject: %v\n", err)
			return 1
		}
	}

	runner, err := digital.NewRunner(dc, proc.Scheduler)
	if err != nil {
		fmt.Fprintf(stderr, "processor: %v\n", err)
		return 2
	}
	if *once {
		rep, err := runner.RunOnce(ctx)
		printRun(stdout, time.Now(), rep, err)
		if err != nil || rep.Failures > 0 {
			return 1
		}
		return 0
	}
	runner.OnRun = func(rep *digital.RunReport, err error) { printRun(stdout, time.Now(), rep, err) }
	next, err := proc.Scheduler.NextRuns(time.Now(), 1)
	if err != nil || len(next) == 0 {
		fmt.Fprintf(stderr, "processor: the interval has no next run\n")
		return 2
	}
	fmt.Fprintf(stdout, "Running %q on %q (%s); next run %s. Ctrl-C to stop.\n", proc.Scheduler.Name, proc.Scheduler.Interval, loc, next[0].Format(time.RFC3339))
	if err := runner.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "processor: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "Stopped.")
	return 0
}

func printRun(w io.Writer, at time.Time, rep *digital.RunReport, err error) {
	if rep != nil {
		fmt.Fprintf(w, "%s run: %d interactions, %d completed, %d messages erased, %d already erased, %d failures\n",
			at.UTC().Format(time.RFC3339), rep.Interactions, rep.Completed, rep.MessagesErased, rep.AlreadyErased, rep.Failures)
		for _, e := range rep.Errors {
			fmt.Fprintf(w, "  %v\n", e)
		}
	}
	if err != nil {
		fmt.Fprintf(w, "%s run failed: %v\n", at.UTC().Format(time.RFC3339), err)
	}
}

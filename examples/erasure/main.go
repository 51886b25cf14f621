// Command erasure carries out a GDPR bulk erasure in both systems of a CXone
// tenant: it reads the Privacy page's bulk template, files a platform erasure
// request per subject (deactivating employees first), tags every Digital
// Experience interaction of each subject "Privacy Erasure Requested", and runs
// the erasure processor once.
//
// With no credentials in the environment it runs against an embedded
// simulator (cxonetest) holding a demo tenant, so
//
//	go run ./examples/erasure
//
// works on a fresh machine. With CXONE_CLIENT_ID, CXONE_CLIENT_SECRET,
// CXONE_ACCESS_KEY_ID and CXONE_ACCESS_KEY_SECRET set (and optionally
// CXONE_ISSUER and CXONE_TENANT_ID) it talks to that real tenant instead.
//
// Exit status: 0 when no row failed, 1 when some rows (or Digital Experience
// steps) failed, 2 for usage or file-level errors. Nothing it prints or writes
// holds an identifier from the input file.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM is what timeout, systemd and Kubernetes send: like Ctrl-C, it
	// lets the rows under way finish and the summary and report be written.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runIO(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Package privacy carries out the platform half of a CXone GDPR erasure:
// erasure requests for contacts (by email or phone) and for employees (by
// username, after deactivation), one at a time or thousands from a file.
//
// # Subjects
//
// A [Subject] is a normalised identifier with its [IdentifierType]; build it
// with [ParseSubject] (the bulk template's words Email, Phone, User) or
// [NewSubject]. [Subject.Key] is the comparison key: two rows with equal keys
// are one person, and only the first is submitted.
//
// # One request
//
// [NewClient] wraps an authenticated *cxone.Client. [Client.Erase] files
// POST /privacy/v1/erasure for a contact and returns the [Request] (its
// requestId; the API offers no status endpoint). [Client.EraseUser] finds an
// employee by username, refuses the user that owns the client's own access
// key ([ErrKeyOwner]: deactivating it would lock the SDK out), deactivates
// the user unless already inactive, and then files the USER erasure.
// [UsersService.Search], [UsersService.Find] and [UsersService.Deactivate]
// are the plain calls.
//
// # Duplicates and lost answers
//
// The erasure API has no idempotency key, so the SDK cannot ask the platform
// "did you get this already?". When a connection breaks after the request
// may have arrived, the request is sent again: a missed erasure is a
// compliance failure, a second request for the same subject is only noise.
// Such a retry is reported, never hidden: [Request].Ambiguous and
// [Outcome].Ambiguous are true, and the platform may then hold two requests
// for that subject. Everything else keeps duplicates away: rows with one
// comparison key are submitted once, the [Journal] makes a rerun skip what
// was filed, 429 and 503 (the server did not act) are retried freely, and a
// cancelled batch lets the requests under way finish and be journaled.
//
// # Many requests
//
// [Client.NewBatch] and [Batch.Run] take [Item]s (a subject and its source
// line, or the reason the row is invalid) from any iterator and yield one
// [Outcome] per row as rows complete: processed (a requestId), failed (a
// [Reason] and whether a rerun may help) or skipped (a duplicate naming the
// first row's line, or already submitted per the journal) — the three counts
// of the CXone Privacy page, kept in a [Summary]. User rows go through
// EraseUser. The batch keeps within the platform's 500 active requests
// ([WithMaxActive]); when the server pushes back anyway (429), it waits and
// resubmits: no row fails for back-pressure alone.
//
// # Journal
//
// With [WithJournal], every filed request is recorded before its row is
// reported processed. [OpenJournal] keeps it in an append-only, fsynced
// JSON-lines file keyed by an HMAC of the comparison key, so no identifier
// reaches the disk, and survives a crash mid-write; [MemJournal] is for
// tests; implement [Journal] to keep it in your own database.
//
// # Privacy of errors
//
// No error, outcome or journal line holds an identifier: errors name the
// line, the field and the reason; [Subject.String] and [Employee.String]
// redact.
package privacy

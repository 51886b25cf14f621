// Package digital carries out the Digital Experience (DFO) half of a CXone
// GDPR erasure: the platform erasure does not reach DFO's messages and cases.
//
// [Client] speaks the DFO API (base …/dfo/3.0) on top of a [cxone.Client],
// one method per endpoint: [TagsService] (List, Create, Ensure),
// [MessagesService] (Get, Search, AddTag, RemoveTag, RemoveContent,
// RemoveAuthorName), [CustomersService] (Search with the query-language
// builder [In], [Eq], [Like], [And]; SearchByIdentity; Get) and
// [ContactsService] (History, Search, Get, Messages).
//
// # The procedure
//
// NICE's procedure tags each interaction of a subject "Privacy Erasure
// Requested"; a DFO scheduler then deletes the content and the author's name
// of the tagged messages and tags them "Privacy Erasure Completed". [Preset]
// returns exactly that configuration. [Finder] finds every interaction of a
// subject (customer cards and their history, cases by end-user id, messages
// by author); [Tagger] tags them. No public API configures DFO's jobs and
// schedulers, so [Runner] does their work through the public endpoints —
// [Runner.RunOnce] for a caller's own cron, [Runner.Run] to follow the
// scheduler's interval — and [Procedure.ManualSteps] prints the UI steps for
// admins who prefer the native scheduler.
//
// In short (error checks elided; the runnable version is the package
// Example):
//
//	dfo, err := digital.NewClient(api) // api is a *cxone.Client
//	proc := digital.Preset()
//	_, _, err = proc.EnsureTags(ctx, dfo)
//	tagged, err := digital.NewTagger(dfo, proc).Tag(ctx, subject) // a privacy.Subject
//	runner, err := digital.NewRunner(dfo, proc.Scheduler)
//	report, err := runner.RunOnce(ctx)
//	fmt.Println(tagged.Count(digital.Tagged), report.MessagesErased)
//
// # Pagination
//
// Lists are iter.Seq2[T, error] that stop at the first error or when the
// caller breaks. Tags and customers page with page/size, messages and
// contacts with a scrollToken, as DFO does.
//
// # Rate limits
//
// Calls wait on DFO's documented limits ([DefaultLimits]: get contact
// 120,000/hour, update contact 1,000,000/hour, one contact 250 burst
// refilled 17/minute); [WithLimits] overrides them.
//
// # Concurrency
//
// Every type is safe for concurrent use. [Runner] has up to its Concurrency
// calls in flight (interactions at once, and within an interaction a delete
// job on its messages at once, the add-tag job last); [Tagger] works on up
// to its Concurrency interactions of a subject at once, and coordinates
// concurrent Tag calls that reach the same interaction (a person's email
// address and phone number) so it is tagged once; [Finder] follows its three
// routes at once. Both Concurrency fields default to [DefaultConcurrency]; 1
// restores one call after the other. Under faults most of a run is spent
// waiting for retries, which concurrency overlaps; the rate limits apply to
// all calls together.
//
// # Identifiers
//
// Every identifier travels URL-encoded (a '+' in an email address or phone
// number arrives intact) or double-quoted and escaped in a query, and no
// error message repeats one.
package digital

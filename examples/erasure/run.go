package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/csvbulk"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/examples/internal/tenant"
	"github.com/cxprivacy/cxone/privacy"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// errFlagParse: the flag package already printed the problem.
var errFlagParse = errors.New("bad flags")

// defaultInput is the sample bulk file, relative to the module root.
var defaultInput = filepath.Join("examples", "erasure", "testdata", "requests.csv")

type options struct {
	in          string
	dryRun      bool
	report      string
	journal     string
	journalKey  string
	region      string
	concurrency int
	retries     int
	simFaults   float64
	simSeed     int64
	quiet       bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	flags := flag.NewFlagSet("erasure", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.in, "in", "", "the bulk CSV, - for standard input (default: the sample "+defaultInput+")")
	flags.BoolVar(&o.dryRun, "dry-run", false, "validate, normalise and deduplicate only: no network, no simulator")
	flags.StringVar(&o.report, "report", "", "write a JSON report to `FILE` (- for standard output)")
	flags.StringVar(&o.journal, "journal", "", "resume journal `FILE`: a rerun with it submits nothing twice")
	flags.StringVar(&o.journalKey, "journal-key", "", "file holding the journal's secret key (default: the journal's path + .key, created if missing; $"+envJournalSecret+" takes precedence)")
	flags.StringVar(&o.region, "region", "", "default phone region (ISO 3166 `CC`, e.g. GB) for numbers without +")
	flags.IntVar(&o.concurrency, "concurrency", 8, "requests under way at once (1-256)")
	flags.IntVar(&o.retries, "retries", 10, "HTTP attempts per call before a row fails (1-50)")
	flags.Float64Var(&o.simFaults, "sim-faults", 0, "simulator only: inject faults into this fraction (0-1) of requests")
	flags.Int64Var(&o.simSeed, "sim-seed", 1, "simulator only: seed of the fault sequence")
	flags.BoolVar(&o.quiet, "quiet", false, "no progress output")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), "Usage: erasure [flags]\n\nErases the subjects of a CXone bulk template in the platform and in Digital Experience.\nWithout CXONE_* credentials in the environment it runs against an embedded simulator.\n\n")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errFlagParse // the flag package has said why, with the usage
	}
	if flags.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %d (flags only; the file goes after -in)", 1)
	}
	switch {
	case o.concurrency < 1 || o.concurrency > 256:
		return o, fmt.Errorf("-concurrency must be between 1 and 256, got %d", o.concurrency)
	case o.retries < 1 || o.retries > 50:
		return o, fmt.Errorf("-retries must be between 1 and 50, got %d", o.retries)
	case !(o.simFaults >= 0 && o.simFaults <= 1):
		return o, fmt.Errorf("-sim-faults must be a fraction between 0 and 1, got %v", o.simFaults)
	}
	if o.journalKey != "" && o.journal == "" {
		return o, errors.New("-journal-key goes with -journal")
	}
	if o.region != "" {
		if _, err := privacy.NewParser(privacy.WithDefaultRegion(o.region)); err != nil {
			return o, fmt.Errorf("-region: %v", err)
		}
	}
	return o, nil
}

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return runIO(ctx, args, bytes.NewReader(nil), stdout, stderr, getenv)
}

// runIO is run with a standard input, which -in - reads.
func runIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		if !errors.Is(err, errFlagParse) {
			fmt.Fprintf(stderr, "erasure: %v\n", err)
		}
		return exitUsage
	}
	p := &program{o: o, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	return p.run(ctx)
}

type program struct {
	o      options
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	// human is where the summary goes: stderr when the report takes stdout.
	human      io.Writer
	progress   *progress
	journal    privacy.Journal   // nil without -journal
	reportFile *os.File          // nil without -report, or with -report -
	outcomes   []privacy.Outcome // the platform run's, in line order
	simulated  bool              // against the embedded simulator
	rows       int               // non-blank rows of the input
}

func (p *program) run(ctx context.Context) int {
	p.human = p.stdout
	if p.o.report == "-" {
		p.human = p.stderr
	}
	path, err := p.inputPath()
	if err != nil {
		fmt.Fprintf(p.stderr, "erasure: %v\n", err)
		return exitUsage
	}
	in, err := openInput(ctx, path, p.stdin)
	if err != nil {
		fmt.Fprintf(p.stderr, "erasure: %v\n", err)
		if ctx.Err() != nil {
			return exitFailed // interrupted, not a usage error
		}
		return exitUsage
	}
	// A first pass reads the whole file, so a file-level error (not a
	// template, broken quoting halfway) stops the run before anything is
	// submitted.
	rows, warnings, err := scan(in, p.o.region)
	if err != nil {
		fmt.Fprintf(p.stderr, "erasure: %v\n", err)
		return exitUsage
	}
	for _, w := range warnings {
		fmt.Fprintf(p.stderr, "warning: %s\n", w)
	}
	if rows == 0 {
		fmt.Fprintln(p.stderr, "warning: the file has a header but no data rows")
	}

	if err := distinctFiles(path, p.o); err != nil {
		fmt.Fprintf(p.stderr, "erasure: %v\n", err)
		return exitUsage
	}
	if err := p.checkOutputs(); err != nil {
		fmt.Fprintf(p.stderr, "erasure: %v\n", err)
		return exitUsage
	}
	// The journal and the report file are opened before anything is sent:
	// a bad path is a usage error, not a surprise after the work is done.
	if p.o.journal != "" && p.o.dryRun {
		// A dry run only reads a journal: it creates neither it nor its key.
		if _, err := os.Stat(p.o.journal); errors.Is(err, fs.ErrNotExist) {
			p.o.journal = ""
		}
	}
	if p.o.journal != "" {
		secret, err := journalSecret(p.o, p.getenv)
		if err != nil {
			fmt.Fprintf(p.stderr, "erasure: %v\n", err)
			return exitUsage
		}
		j, err := privacy.OpenJournal(p.o.journal, privacy.WithJournalSecret(secret))
		if err != nil {
			fmt.Fprintf(p.stderr, "erasure: -journal: %v\n", err)
			return exitUsage
		}
		defer j.Close()
		p.journal = j
	}
	if p.o.report != "" && p.o.report != "-" {
		// Written beside its final place and renamed there at the end, so
		// an interrupted run never leaves half a report, and a path taken
		// by mistake is not emptied before the run.
		f, err := os.CreateTemp(filepath.Dir(p.o.report), ".erasure-report-*")
		if err != nil {
			fmt.Fprintf(p.stderr, "erasure: -report: cannot write in the folder of %s\n", p.o.report)
			return exitUsage
		}
		defer os.Remove(f.Name()) // after the rename, a no-op
		defer f.Close()
		p.reportFile = f
	}

	rep := &report{Rows: []reportRow{}}
	p.rows = rows

	if p.o.dryRun {
		err := p.platform(ctx, nil, in, rep)
		return p.finish(rep, err)
	}

	conn, err := tenant.Connect(ctx, p.getenv, p.human, tenant.Options{
		UserAgent:  userAgent,
		Attempts:   p.o.retries,
		SimOptions: []cxonetest.Option{cxonetest.WithFaults(p.o.simFaults, p.o.simSeed)},
	})
	if err != nil {
		var ce *tenant.ConfigError
		if errors.As(err, &ce) {
			fmt.Fprintf(p.stderr, "erasure: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(p.stderr, "erasure: connecting: %v\n", err)
		return exitFailed
	}
	defer conn.Close()
	api, sim := conn.Client, conn.Sim
	p.simulated = sim != nil
	if sim == nil && p.o.simFaults > 0 {
		fmt.Fprintln(p.stderr, "warning: -sim-faults applies to the simulator only; ignored against a real tenant")
	}
	if sim != nil && p.o.simFaults > 0 {
		fmt.Fprintf(p.human, "The simulator injects faults into %.0f%% of requests (seed %d).\n", 100*p.o.simFaults, p.o.simSeed)
	}

	err = p.platform(ctx, api, in, rep)
	if err == nil {
		rep.Digital = p.digital(ctx, api, rep)
	}
	if sim != nil {
		st := sim.Stats()
		rep.Simulator = &simReport{
			ErasureRequests:     sim.ErasureRequests(),
			DuplicateRequests:   sim.DuplicateErasures(),
			FaultsInjected:      st.FaultsTotal,
			ResetsAfterHandling: st.ResetsAfterHandling,
		}
	}
	return p.finish(rep, err)
}

func (p *program) inputPath() (string, error) {
	if p.o.in != "" {
		return p.o.in, nil
	}
	// The sample lives beside this program; find it from the module root or
	// from the program's own folder.
	for _, c := range []string{defaultInput, filepath.Join("testdata", "requests.csv")} {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		c := filepath.Join(filepath.Dir(file), "testdata", "requests.csv")
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("the sample %s is not here: run from the repository root or pass -in FILE", defaultInput)
}

// scan reads the whole file once and returns its number of non-blank rows.
func scan(in *input, region string) (int, []string, error) {
	n := 0
	var warnings []string
	err := readRows(in, region, func(r *csvbulk.Reader) error {
		for _, err := range r.Rows() {
			if err != nil {
				return fmt.Errorf("input file: %w", err)
			}
			n++
		}
		for _, w := range r.Warnings() {
			warnings = append(warnings, w.String())
		}
		return nil
	})
	return n, warnings, err
}

// input is the bulk file. A regular file is read twice from disk (a first
// pass checks it whole before anything is sent); anything else — standard
// input (-in -), a pipe — is read once into memory.
type input struct {
	path string
	data []byte // the content of a non-regular input
}

func openInput(ctx context.Context, path string, stdin io.Reader) (*input, error) {
	if path == "-" {
		b, err := readStream(ctx, stdin, maxStreamInput)
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		return &input{path: path, data: b}, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot open the input file %s: %v", path, pe.Err)
		}
		return nil, fmt.Errorf("cannot open the input file %s", path)
	}
	switch {
	case fi.IsDir():
		return nil, fmt.Errorf("the input %s is a folder, not a CSV file", path)
	case fi.Mode().IsRegular():
		return &input{path: path}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the input file %s", path)
	}
	defer f.Close()
	b, err := readStream(ctx, f, maxStreamInput)
	if err != nil {
		return nil, fmt.Errorf("the input %s: %w", path, err)
	}
	return &input{path: path, data: b}, nil
}

// maxStreamInput bounds an input read into memory (standard input, a pipe, a
// device): over a million rows, far more than a bulk upload holds.
const maxStreamInput = 64 << 20

// readStream reads r whole, up to max bytes, and gives up when ctx ends (a
// signal while a pipe is still open).
func readStream(ctx context.Context, r io.Reader, max int) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
		done <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("interrupted while reading")
	case res := <-done:
		switch {
		case res.err != nil:
			return nil, fmt.Errorf("cannot read it: %v", res.err)
		case len(res.b) > max:
			return nil, fmt.Errorf("more than %d MiB: save it to a file and pass -in FILE", max>>20)
		}
		return res.b, nil
	}
}

func (in *input) open() (io.ReadCloser, error) {
	if in.data != nil || in.path == "-" {
		return io.NopCloser(bytes.NewReader(in.data)), nil
	}
	f, err := os.Open(in.path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the input file %s", in.path)
	}
	return f, nil
}

// readRows opens the input and hands its reader to f. Errors of the file
// itself are prefixed "input file:"; f's own errors pass through.
func readRows(in *input, region string, f func(*csvbulk.Reader) error) error {
	file, err := in.open()
	if err != nil {
		return err
	}
	defer file.Close()
	var opts []csvbulk.Option
	if region != "" {
		opts = append(opts, csvbulk.WithDefaultRegion(region))
	}
	r, err := csvbulk.NewReader(file, opts...)
	if err != nil {
		return fmt.Errorf("input file: %w", err)
	}
	return f(r)
}

// platform runs the privacy batch over the file (dry when api is nil) and
// fills the report's rows and counts.
func (p *program) platform(ctx context.Context, api *cxone.Client, in *input, rep *report) error {
	p.progress = newProgress(p.stderr, p.rows, p.o.quiet)
	opts := []privacy.BatchOption{
		privacy.WithConcurrency(p.o.concurrency),
		privacy.WithProgress(func(pr privacy.Progress) { p.progress.update(pr.Summary) }),
	}
	newBatch := privacy.NewDryRunBatch
	if api == nil {
		opts = append(opts, privacy.WithDryRun())
	} else {
		pc, err := privacy.NewClient(api)
		if err != nil {
			return err
		}
		newBatch = pc.NewBatch
	}
	if p.journal != nil {
		opts = append(opts, privacy.WithJournal(p.journal))
	}
	batch, err := newBatch(opts...)
	if err != nil {
		return err
	}
	var outcomes []privacy.Outcome
	err = readRows(in, p.o.region, func(r *csvbulk.Reader) error {
		for o, err := range batch.Run(ctx, r.Items()) {
			if err != nil {
				return err
			}
			outcomes = append(outcomes, o)
		}
		if err := r.Err(); err != nil {
			return fmt.Errorf("input file: %w", err)
		}
		return nil
	})
	p.progress.done()
	// Even a run that stopped (interrupted, the journal failed) reports the
	// outcomes it has: each says what became of its row.
	sort.SliceStable(outcomes, func(i, j int) bool { return outcomes[i].Line < outcomes[j].Line })
	p.outcomes = outcomes
	for _, o := range outcomes {
		rep.add(o, p.o.dryRun)
	}
	return err
}

// digital tags every Digital Experience interaction of the run's subjects and
// runs the erasure processor once.
func (p *program) digital(ctx context.Context, api *cxone.Client, rep *report) *digitalReport {
	dr := &digitalReport{}
	var dopts []digital.Option
	if p.simulated {
		// DFO's documented quotas protect a real tenant; the simulator has
		// none, and honouring them would only slow a demo down.
		dopts = append(dopts, digital.WithLimits(digital.NoLimits()))
	}
	dc, err := digital.NewClient(api, dopts...)
	if err != nil {
		dr.fail("digital client", err)
		return dr
	}
	proc := digital.Preset()
	if _, _, err := proc.EnsureTags(ctx, dc); err != nil {
		dr.fail("ensuring the tags", err)
		return dr
	}
	// Every subject the platform run accepted (or filed earlier, per the
	// journal) is looked for; employees have no DFO customer card.
	var subjects []privacy.Outcome
	for _, o := range p.outcomes {
		if o.Subject.Type != privacy.Email && o.Subject.Type != privacy.Phone {
			continue
		}
		if o.Status == privacy.StatusProcessed || o.Reason == privacy.ReasonAlreadySubmitted || o.Status == privacy.StatusFailed && o.Subject.Value != "" {
			subjects = append(subjects, o)
		}
	}
	p.progress.phase("Digital Experience: finding and tagging interactions", len(subjects))
	tagger := digital.NewTagger(dc, proc)
	tagger.Concurrency = p.o.concurrency
	var mu sync.Mutex
	seen := map[digital.ContactNumber]digital.TagStatus{}
	rank := map[digital.TagStatus]int{digital.AlreadyCompleted: 3, digital.Tagged: 2, digital.AlreadyRequested: 1}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.o.concurrency)
	for _, o := range subjects {
		g.Go(func() error {
			tr, err := tagger.Tag(gctx, o.Subject)
			mu.Lock()
			defer mu.Unlock()
			dr.SubjectsSearched++
			p.progress.step()
			if err != nil {
				dr.fail(fmt.Sprintf("line %d: tagging", o.Line), err)
				return nil
			}
			// Subjects share interactions (one person's email and phone),
			// so interactions are counted once, by their best status.
			for _, to := range tr.Outcomes {
				if prev, ok := seen[to.ContactNumber]; !ok || rank[to.Status] > rank[prev] {
					seen[to.ContactNumber] = to.Status
				}
			}
			if n := tr.Count(digital.TagFailed); n > 0 {
				dr.fail(fmt.Sprintf("line %d: tagging %d interactions", o.Line, n), firstErr(tr))
			}
			return nil
		})
	}
	_ = g.Wait()
	p.progress.done()
	dr.InteractionsFound = len(seen)
	for _, st := range seen {
		switch st {
		case digital.Tagged:
			dr.InteractionsTagged++
		case digital.AlreadyRequested:
			dr.AlreadyRequested++
		case digital.AlreadyCompleted:
			dr.AlreadyCompleted++
		}
	}

	runner, err := digital.NewRunner(dc, proc.Scheduler)
	if err != nil {
		dr.fail("erasure processor", err)
		return dr
	}
	runner.Concurrency = p.o.concurrency
	p.progress.phase("Digital Experience: running the erasure processor once", 0)
	rr, err := runner.RunOnce(ctx)
	p.progress.done()
	if rr != nil {
		dr.InteractionsProcessed = rr.Completed
		dr.MessagesErased = rr.MessagesErased
		dr.MessagesAlreadyErased = rr.AlreadyErased
		if rr.Failures > 0 {
			dr.Failures += rr.Failures
			for _, e := range rr.Errors {
				dr.Errors = append(dr.Errors, "erasure processor: "+e.Error())
			}
		}
	}
	if err != nil {
		dr.fail("erasure processor", err)
	}
	return dr
}

func firstErr(tr *digital.TagReport) error {
	for _, o := range tr.Outcomes {
		if o.Err != nil {
			return o.Err
		}
	}
	return errors.New("unknown failure")
}

const userAgent = "cxone-go-examples-erasure/1"

// envJournalSecret holds the journal's secret key, as an alternative to a key
// file.
const envJournalSecret = "CXONE_JOURNAL_SECRET"

// journalSecret is the secret mixed into the journal's HMAC, so that the
// journal file alone does not allow testing guesses of an identifier (a
// phone number has few enough digits to try them all). It comes from the
// environment, or from a key file kept apart from the journal, created with
// a random key on first use.
func journalSecret(o options, getenv func(string) string) ([]byte, error) {
	if v := getenv(envJournalSecret); v != "" {
		if len(v) < 16 {
			return nil, fmt.Errorf("$%s is too short: use at least 16 characters", envJournalSecret)
		}
		return []byte(v), nil
	}
	path := o.journalKey
	if path == "" {
		path = o.journal + ".key"
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key := bytes.TrimSpace(b)
		if len(key) < 32 {
			return nil, fmt.Errorf("-journal-key: %s is not a key this program wrote (too short)", path)
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("-journal-key: cannot read %s", path)
	}
	if fi, err := os.Stat(o.journal); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		return nil, fmt.Errorf("-journal-key: the journal exists but its key %s does not; without the key the journal cannot be read", path)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := []byte(hex.EncodeToString(raw))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("-journal-key: cannot create %s", path)
	}
	if _, err := f.Write(append(key, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("-journal-key: cannot write %s", path)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("-journal-key: cannot write %s", path)
	}
	return key, f.Close()
}

// distinctFiles refuses a run whose input, journal, journal key and report
// name the same file: writing the report over the input (or the journal)
// would destroy it.
func distinctFiles(input string, o options) error {
	type named struct{ flag, path string }
	files := []named{{"-in", input}}
	if o.journal != "" {
		files = append(files, named{"-journal", o.journal})
		key := o.journalKey
		if key == "" {
			key = o.journal + ".key"
		}
		files = append(files, named{"-journal-key", key})
	}
	if o.report != "" && o.report != "-" {
		files = append(files, named{"-report", o.report})
	}
	for i, a := range files {
		for _, b := range files[i+1:] {
			if a.path != "-" && b.path != "-" && sameFile(a.path, b.path) {
				return fmt.Errorf("%s and %s name the same file; give each its own", a.flag, b.flag)
			}
		}
	}
	return nil
}

func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	pa, errA := filepath.Abs(a)
	pb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && pa == pb
}

// checkOutputs refuses a journal or report path that is not, or would not
// become, a regular file: a folder, a device, a pipe. A report path that is
// a symbolic link is written through it, to its target.
func (p *program) checkOutputs() error {
	if p.o.journal != "" {
		if fi, err := os.Stat(p.o.journal); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("-journal: %s is not a regular file", p.o.journal)
		}
	}
	if p.o.report == "" || p.o.report == "-" {
		return nil
	}
	if _, err := os.Lstat(p.o.report); err != nil {
		return nil // a new file
	}
	target, err := filepath.EvalSymlinks(p.o.report)
	if err != nil {
		return fmt.Errorf("-report: %s is a link to nowhere", p.o.report)
	}
	fi, err := os.Stat(target)
	switch {
	case err != nil:
		return fmt.Errorf("-report: cannot use %s", p.o.report)
	case fi.IsDir():
		return fmt.Errorf("-report: %s is a folder; name a file in it", p.o.report)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("-report: %s is not a regular file (use -report - for standard output)", p.o.report)
	}
	p.o.report = target
	return nil
}

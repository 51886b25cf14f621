package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const sample = "testdata/requests.csv"

// runProgram runs the program in-process and returns its exit status, what it
// printed and its JSON report.
func runProgram(t *testing.T, env map[string]string, args ...string) (int, string, *report) {
	t.Helper()
	reportPath := filepath.Join(t.TempDir(), "report.json")
	args = append([]string{"-quiet", "-report", reportPath}, args...)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr, func(k string) string { return env[k] })
	out := stdout.String() + stderr.String()
	b, err := os.ReadFile(reportPath)
	if err != nil {
		return code, out, nil
	}
	out += string(b)
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	return code, out, &rep
}

// wantSampleRows is the sample file's outcome, row by row.
func wantSampleRows() []reportRow {
	processed := func(line int, typ string) reportRow {
		return reportRow{Line: line, IdentifierType: typ, Outcome: "processed"}
	}
	return []reportRow{
		processed(2, "Email"),
		processed(3, "Phone"),
		processed(4, "Email"),
		processed(5, "User"),
		processed(6, "Phone"),
		processed(7, "Email"),
		{Line: 8, IdentifierType: "Phone", Outcome: "failed", Reason: "phone_scientific_notation"},
		processed(9, "Email"),
		processed(10, "Phone"),
		{Line: 11, IdentifierType: "", Outcome: "failed", Reason: "unknown_identifier_type"},
		{Line: 12, IdentifierType: "Email", Outcome: "skipped", Reason: "duplicate", DuplicateOf: 2},
		processed(13, "Phone"),
		processed(14, "User"),
		processed(15, "Email"),
		processed(16, "Email"),
		processed(17, "Email"),
		processed(18, "Phone"),
		processed(19, "Email"),
		processed(20, "Phone"),
	}
}

// ignoreVolatile leaves out what differs between runs: request ids, the
// ambiguity flag under faults, and the wording of messages.
var ignoreVolatile = cmpopts.IgnoreFields(reportRow{}, "RequestID", "Ambiguous", "Message")

func checkSampleReport(t *testing.T, rep *report) {
	t.Helper()
	if diff := cmp.Diff(wantSampleRows(), rep.Rows, ignoreVolatile); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	if got, want := [3]int{rep.Processed, rep.Failed, rep.Skipped}, [3]int{16, 2, 1}; got != want {
		t.Errorf("processed/failed/skipped = %v, want %v", got, want)
	}
	for _, r := range rep.Rows {
		if (r.Outcome == "processed") != (r.RequestID != "") {
			t.Errorf("line %d: outcome %s with request id present=%v", r.Line, r.Outcome, r.RequestID != "")
		}
	}
}

func TestSampleAgainstSimulator(t *testing.T) {
	t.Parallel()
	code, out, rep := runProgram(t, nil, "-in", sample)
	if code != exitFailed {
		t.Errorf("exit status = %d, want %d (the sample has two bad rows)", code, exitFailed)
	}
	if rep == nil {
		t.Fatal("no report written")
	}
	checkSampleReport(t, rep)
	wantDigital := &digitalReport{SubjectsSearched: 14, InteractionsFound: 48, InteractionsTagged: 48, InteractionsProcessed: 48, MessagesErased: 144}
	if diff := cmp.Diff(wantDigital, rep.Digital); diff != "" {
		t.Errorf("digital mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&simReport{ErasureRequests: 16}, rep.Simulator); diff != "" {
		t.Errorf("simulator mismatch (-want +got):\n%s", diff)
	}
	checkNoIdentifiers(t, out)
}

// TestSampleUnderFaults: faults on 30% of requests change nothing in the
// outcome, and the simulator holds no more duplicates than answers it lost.
func TestSampleUnderFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("slow: waits out injected rate limits")
	}
	code, out, rep := runProgram(t, nil, "-in", sample, "-sim-faults", "0.3", "-sim-seed", "7", "-concurrency", "16")
	if code != exitFailed {
		t.Errorf("exit status = %d, want %d", code, exitFailed)
	}
	if rep == nil {
		t.Fatal("no report written")
	}
	checkSampleReport(t, rep)
	if rep.Simulator.FaultsInjected == 0 {
		t.Error("no fault was injected")
	}
	if rep.Simulator.DuplicateRequests > rep.Simulator.ResetsAfterHandling {
		t.Errorf("duplicates %d > answers lost after handling %d", rep.Simulator.DuplicateRequests, rep.Simulator.ResetsAfterHandling)
	}
	if rep.Simulator.ErasureRequests-rep.Simulator.DuplicateRequests != 16 {
		t.Errorf("distinct erasure requests = %d, want 16", rep.Simulator.ErasureRequests-rep.Simulator.DuplicateRequests)
	}
	if rep.Digital.InteractionsProcessed != 48 || rep.Digital.Failures != 0 {
		t.Errorf("digital: processed %d interactions with %d failures, want 48 and 0", rep.Digital.InteractionsProcessed, rep.Digital.Failures)
	}
	checkNoIdentifiers(t, out)
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	// Credentials that point nowhere: a dry run must not even try.
	env := map[string]string{"CXONE_ISSUER": "https://127.0.0.1:1", "CXONE_CLIENT_ID": "x", "CXONE_CLIENT_SECRET": "x", "CXONE_ACCESS_KEY_ID": "x", "CXONE_ACCESS_KEY_SECRET": "x"}
	code, out, rep := runProgram(t, env, "-in", sample, "-dry-run")
	if code != exitFailed {
		t.Errorf("exit status = %d, want %d", code, exitFailed)
	}
	want := wantSampleRows()
	for i := range want {
		if want[i].Outcome == "processed" {
			want[i].Outcome = "valid"
		}
	}
	if diff := cmp.Diff(want, rep.Rows, ignoreVolatile); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	if got := [4]int{rep.Processed, rep.Failed, rep.Skipped, rep.Valid}; got != [4]int{0, 2, 1, 16} {
		t.Errorf("processed/failed/skipped/valid = %v, want [0 2 1 16]", got)
	}
	if rep.Digital != nil || rep.Simulator != nil {
		t.Error("a dry run reported digital or simulator figures")
	}
	if strings.Contains(out, "real CXone tenant") || strings.Contains(out, "simulator") {
		t.Error("a dry run announced a connection")
	}
	// With a journal that does not exist, a dry run creates nothing.
	dir := t.TempDir()
	if code, _, _ := runProgram(t, env, "-in", sample, "-dry-run", "-journal", filepath.Join(dir, "j")); code != exitFailed {
		t.Errorf("dry run with a new journal: exit %d", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a dry run created %d files", len(entries))
	}
	checkNoIdentifiers(t, out)
}

// TestJournalRerun: a second run with the same journal files nothing.
func TestJournalRerun(t *testing.T) {
	t.Parallel()
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	_, _, first := runProgram(t, nil, "-in", sample, "-journal", journal)
	if first == nil || first.Simulator.ErasureRequests != 16 {
		t.Fatalf("first run: %+v", first)
	}
	code, out, second := runProgram(t, nil, "-in", sample, "-journal", journal)
	if code != exitFailed {
		t.Errorf("exit status = %d, want %d", code, exitFailed)
	}
	if second.Simulator.ErasureRequests != 0 {
		t.Errorf("rerun filed %d erasure requests, want 0", second.Simulator.ErasureRequests)
	}
	if got := [3]int{second.Processed, second.Failed, second.Skipped}; got != [3]int{0, 2, 17} {
		t.Errorf("rerun processed/failed/skipped = %v, want [0 2 17]", got)
	}
	for i, r := range second.Rows {
		if r.Outcome == "skipped" && r.Reason == "already_submitted" && r.RequestID != first.Rows[i].RequestID {
			t.Errorf("line %d: rerun request id differs from the first run's", r.Line)
		}
	}
	j, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	checkNoIdentifiers(t, out+string(j))
}

func TestUsageAndFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		args []string
		want string // in the output
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"stray argument", []string{"file.csv"}, "flags only"},
		{"concurrency", []string{"-concurrency", "0"}, "-concurrency"},
		{"journal key alone", []string{"-journal-key", "k"}, "-journal-key goes with -journal"},
		{"faults", []string{"-sim-faults", "1.5"}, "-sim-faults"},
		{"faults NaN", []string{"-sim-faults", "NaN"}, "-sim-faults"},
		{"region", []string{"-region", "ZZZ"}, "-region"},
		{"missing file", []string{"-in", filepath.Join(dir, "absent.csv")}, "cannot open"},
		{"folder", []string{"-in", dir}, "is a folder"},
		{"empty file", []string{"-in", write("empty.csv", "")}, "input file"},
		{"html", []string{"-in", write("page.csv", "<!DOCTYPE html><html><body>Sign in</body></html>\n")}, "input file"},
		{"missing column", []string{"-in", write("col.csv", "Identifier Type\r\nEmail\r\n")}, "input file"},
		{"journal in a missing folder", []string{"-in", sample, "-journal", filepath.Join(dir, "no", "such", "journal")}, "-journal"},
		{"journal is a folder", []string{"-in", sample, "-journal", dir}, "-journal"},
		{"corrupt journal", []string{"-in", sample, "-journal", write("bad.jsonl", "not a journal\n{}\n")}, "-journal"},
		{"report in a missing folder", []string{"-in", sample, "-report", filepath.Join(dir, "no", "such", "report.json")}, "-report"},
		{"report over the input", []string{"-in", write("keep.csv", "Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\n"), "-report", filepath.Join(dir, "keep.csv")}, "same file"},
		{"report over the journal", []string{"-in", sample, "-journal", filepath.Join(dir, "j2"), "-report", filepath.Join(dir, "j2")}, "same file"},
		{"report over the journal key", []string{"-in", sample, "-journal", filepath.Join(dir, "j3"), "-report", filepath.Join(dir, "j3.key")}, "same file"},
		{"broken quoting halfway", []string{"-in", write("quote.csv", "Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\nEmail,\"broken@example.com\r\n")}, "input file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"-quiet"}, tt.args...), &stdout, &stderr, func(string) string { return "" })
			if code != exitUsage {
				t.Errorf("exit status = %d, want %d", code, exitUsage)
			}
			if out := stdout.String() + stderr.String(); !strings.Contains(out, tt.want) {
				t.Errorf("output does not mention %q:\n%s", tt.want, out)
			}
			if out := stdout.String() + stderr.String(); strings.Contains(out, "Platform erasure:") || strings.Contains(out, "using the embedded simulator") {
				t.Error("the run went on despite a usage or file-level error")
			}
			checkNoIdentifiers(t, stdout.String()+stderr.String())
		})
	}
}

// checkNoIdentifiers fails when out holds any identifier of the sample file,
// raw or normalised, or the local part of any email in it.
func checkNoIdentifiers(t *testing.T, out string) {
	t.Helper()
	f, err := os.Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lower := strings.ToLower(out)
	for i, rec := range recs[1:] {
		v := strings.ToLower(strings.TrimSpace(rec[1]))
		needles := []string{v}
		if at := strings.IndexByte(v, '@'); at > 0 {
			needles = append(needles, v[:at])
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, v)
		if len(digits) >= 7 && !strings.ContainsAny(v, "@e") {
			needles = append(needles, digits)
		}
		for _, n := range needles {
			if n != "" && strings.Contains(lower, n) {
				t.Errorf("output holds the identifier of sample line %d", i+2)
			}
		}
	}
	if strings.Contains(lower, "example.com") {
		t.Error("output holds an email domain of the sample")
	}
}

// TestInterruptAndResume: a run interrupted at any point, then run again with
// its journal, ends with every row settled once and nothing filed twice.
func TestInterruptAndResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "big.csv")
	var b strings.Builder
	b.WriteString("Identifier Type,Subject Identifier\r\n")
	const rows = 300
	for i := range rows {
		fmt.Fprintf(&b, "Email,person-%d@example.com\r\n", i)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "journal.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(150*time.Millisecond, cancel)
	args := []string{"-quiet", "-in", in, "-journal", journal, "-report"}
	var out bytes.Buffer
	r1 := filepath.Join(dir, "r1.json")
	// Faults slow the first run down, so the interruption lands mid-way.
	code1 := run(ctx, append([]string{"-sim-faults", "0.3", "-sim-seed", "5"}, append(args, r1)...), &out, &out, func(string) string { return "" })
	first := readReport(t, r1)
	if code1 == exitOK && first.Stopped != "" || code1 == exitUsage {
		t.Fatalf("first run: exit %d, stopped %q", code1, first.Stopped)
	}
	r2 := filepath.Join(dir, "r2.json")
	if code := run(context.Background(), append(args, r2), &out, &out, func(string) string { return "" }); code != exitOK {
		t.Fatalf("second run: exit %d, want %d", code, exitOK)
	}
	second := readReport(t, r2)
	already := 0
	for _, r := range second.Rows {
		if r.Reason == "already_submitted" {
			already++
		}
	}
	if already != first.Processed {
		t.Errorf("second run skipped %d rows as already submitted, want the first run's %d processed", already, first.Processed)
	}
	if got := second.Processed + already; got != rows || len(second.Rows) != rows {
		t.Errorf("after the rerun %d rows settled of %d (%d outcomes)", got, rows, len(second.Rows))
	}
	if filed := second.Simulator.ErasureRequests - second.Simulator.DuplicateRequests; filed != second.Processed {
		t.Errorf("second run filed %d distinct requests for %d processed rows", filed, second.Processed)
	}
	if strings.Contains(out.String(), "person-") {
		t.Error("output holds an identifier")
	}
}

func readReport(t *testing.T, path string) *report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	return &rep
}

func TestInputFromStandardInput(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(t.TempDir(), "r.json")
	var out bytes.Buffer
	code := runIO(context.Background(), []string{"-quiet", "-dry-run", "-in", "-", "-report", reportPath}, bytes.NewReader(data), &out, &out, func(string) string { return "" })
	if code != exitFailed {
		t.Fatalf("exit status = %d, want %d:\n%s", code, exitFailed, out.String())
	}
	rep := readReport(t, reportPath)
	if got := [4]int{rep.Processed, rep.Failed, rep.Skipped, rep.Valid}; got != [4]int{0, 2, 1, 16} {
		t.Errorf("processed/failed/skipped/valid = %v, want [0 2 1 16]", got)
	}
}

func TestEnvironmentErrors(t *testing.T) {
	t.Parallel()
	all := func(issuer string) map[string]string {
		return map[string]string{"CXONE_ISSUER": issuer, "CXONE_CLIENT_ID": "x", "CXONE_CLIENT_SECRET": "x", "CXONE_ACCESS_KEY_ID": "x", "CXONE_ACCESS_KEY_SECRET": "x"}
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"partial credentials", map[string]string{"CXONE_CLIENT_ID": "x"}, "CXONE_CLIENT_SECRET is not set"},
		{"issuer not a URL", all("not-a-url"), "CXONE_ISSUER"},
		{"issuer with a password", all("https://user:pa55word@cxone.example.com/x?q=1"), "without user"},
		{"issuer over http", all("http://cxone.example.com"), "https"},
		{"short journal secret", map[string]string{"CXONE_JOURNAL_SECRET": "short"}, "CXONE_JOURNAL_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := []string{"-quiet", "-in", sample, "-journal", filepath.Join(t.TempDir(), "j")}
			code := run(context.Background(), args, &out, &out, func(k string) string { return tt.env[k] })
			if code != exitUsage {
				t.Errorf("exit status = %d, want %d", code, exitUsage)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
			if strings.Contains(out.String(), "Using the real CXone tenant") {
				t.Error("announced a tenant it could not use")
			}
			if strings.Contains(out.String(), "pa55word") {
				t.Error("echoed a password from the issuer URL")
			}
		})
	}
}

// TestJournalKey: the journal's HMAC key lives apart from it; without the
// key (or with another) the journal is refused, never silently ignored.
func TestJournalKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	journal := filepath.Join(dir, "j.jsonl")
	args := []string{"-quiet", "-in", sample, "-journal", journal}
	var out bytes.Buffer
	if code := run(context.Background(), args, &out, &out, func(string) string { return "" }); code != exitFailed {
		t.Fatalf("first run: exit %d:\n%s", code, out.String())
	}
	fi, err := os.Stat(journal + ".key")
	if err != nil {
		t.Fatalf("no key file beside the journal: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	other := func(k string) string {
		if k == "CXONE_JOURNAL_SECRET" {
			return "another-secret-of-enough-length"
		}
		return ""
	}
	if code := run(context.Background(), args, &out, &out, other); code != exitUsage {
		t.Errorf("rerun with another secret: exit %d, want %d", code, exitUsage)
	}
	if err := os.Remove(journal + ".key"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), args, &out, &out, func(string) string { return "" }); code != exitUsage || !strings.Contains(out.String(), "key") {
		t.Errorf("rerun without the key: exit %d, want %d with a word on the key:\n%s", code, exitUsage, out.String())
	}
}

func TestManyBadRowsAreSummarised(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.csv")
	var b strings.Builder
	b.WriteString("Identifier Type,Subject Identifier\r\n")
	for range 70 {
		b.WriteString("Phone,4.47701E+11\r\n")
	}
	for range 50 {
		b.WriteString("Fax,1\r\n")
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := run(context.Background(), []string{"-quiet", "-dry-run", "-in", in}, &out, &out, func(string) string { return "" })
	if code != exitFailed {
		t.Errorf("exit status = %d, want %d", code, exitFailed)
	}
	for _, want := range []string{"… and 70 more rows", "failed (phone_scientific_notation): 70", "failed (unknown_identifier_type): 50"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if n := strings.Count(out.String(), ": failed ("); n != 50 {
		t.Errorf("%d rows listed, want 50", n)
	}
}

func TestHeaderOnly(t *testing.T) {
	t.Parallel()
	in := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(in, []byte("Identifier Type,Subject Identifier\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := run(context.Background(), []string{"-quiet", "-dry-run", "-in", in}, &out, &out, func(string) string { return "" })
	if code != exitOK || !strings.Contains(out.String(), "no data rows") {
		t.Errorf("exit %d, output:\n%s", code, out.String())
	}
}

// A report path that is the input is refused before anything is written:
// the input survives byte for byte.
func TestReportNeverOverwritesInput(t *testing.T) {
	t.Parallel()
	in := filepath.Join(t.TempDir(), "in.csv")
	content := []byte("Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\n")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	link := in + ".link"
	if err := os.Symlink(in, link); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-quiet", "-dry-run", "-in", in, "-report", link}, &out, &out, func(string) string { return "" }); code != exitUsage {
		t.Errorf("exit status = %d, want %d", code, exitUsage)
	}
	got, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Errorf("the input changed (%d bytes, was %d)", len(got), len(content))
	}
}

func TestReadStream(t *testing.T) {
	t.Parallel()
	b, err := readStream(context.Background(), strings.NewReader("abc"), 3)
	if err != nil || string(b) != "abc" {
		t.Errorf("readStream at the limit = %q, %v", b, err)
	}
	if _, err := readStream(context.Background(), strings.NewReader("abcd"), 3); err == nil || !strings.Contains(err.Error(), "save it to a file") {
		t.Errorf("readStream past the limit: err = %v", err)
	}
	// A pipe that never ends gives way to a cancelled context.
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readStream(ctx, pr, 1<<20); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("readStream after cancel: err = %v", err)
	}
}

func TestReportTargets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct{ name, report, want string }{
		{"folder", dir, "is a folder"},
		{"device", os.DevNull, "not a regular file"},
	} {
		var out bytes.Buffer
		code := run(context.Background(), []string{"-quiet", "-in", sample, "-report", tt.report}, &out, &out, func(string) string { return "" })
		if code != exitUsage || !strings.Contains(out.String(), tt.want) {
			t.Errorf("%s: exit %d, output:\n%s", tt.name, code, out.String())
		}
		if strings.Contains(out.String(), "using the embedded simulator") {
			t.Errorf("%s: the run started before refusing the report path", tt.name)
		}
	}
	// Through a link: the target is written, the link stays.
	target := filepath.Join(dir, "target.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-quiet", "-dry-run", "-in", sample, "-report", link}, &out, &out, func(string) string { return "" }); code != exitFailed {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
	if rep := readReport(t, target); rep.Valid != 16 {
		t.Errorf("target report: %d valid rows, want 16", rep.Valid)
	}
}

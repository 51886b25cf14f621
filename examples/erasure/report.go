package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/cxprivacy/cxone/privacy"
)

// report is the JSON report (-report). It holds no identifier: rows are named
// by line number and identifier type only.
type report struct {
	Processed int            `json:"processed"`
	Failed    int            `json:"failed"`
	Skipped   int            `json:"skipped"`
	Valid     int            `json:"valid,omitempty"` // dry run: rows that a real run would submit
	Rows      []reportRow    `json:"rows"`
	Digital   *digitalReport `json:"digital,omitempty"`
	Simulator *simReport     `json:"simulator,omitempty"`
	// Stopped says why the run ended early (interrupted, the journal
	// failed); the rows then hold only the outcomes it reached.
	Stopped string `json:"stopped,omitempty"`
}

type reportRow struct {
	Line           int    `json:"line"`
	IdentifierType string `json:"identifierType"`
	Outcome        string `json:"outcome"`
	Reason         string `json:"reason,omitempty"`
	RequestID      string `json:"requestId,omitempty"`
	DuplicateOf    int    `json:"duplicateOf,omitempty"`
	// Ambiguous: a retry followed a failure after which the server may have
	// acted, so the platform may hold two requests for this subject.
	Ambiguous bool `json:"ambiguous,omitempty"`
	// Message explains a failure in words (never with the row's value).
	Message string `json:"message,omitempty"`
}

type digitalReport struct {
	SubjectsSearched      int      `json:"subjectsSearched"`
	InteractionsFound     int      `json:"interactionsFound"`
	InteractionsTagged    int      `json:"interactionsTagged"`
	AlreadyRequested      int      `json:"alreadyRequested"`
	AlreadyCompleted      int      `json:"alreadyCompleted"`
	InteractionsProcessed int      `json:"interactionsProcessed"`
	MessagesErased        int      `json:"messagesErased"`
	MessagesAlreadyErased int      `json:"messagesAlreadyErased"`
	Failures              int      `json:"failures"`
	Errors                []string `json:"errors,omitempty"`
}

func (d *digitalReport) fail(what string, err error) {
	d.Failures++
	if len(d.Errors) < 20 {
		d.Errors = append(d.Errors, what+": "+err.Error())
	}
}

type simReport struct {
	ErasureRequests     int `json:"erasureRequests"`
	DuplicateRequests   int `json:"duplicateRequests"`
	FaultsInjected      int `json:"faultsInjected"`
	ResetsAfterHandling int `json:"resetsAfterHandling"`
}

func (r *report) add(o privacy.Outcome, dry bool) {
	row := reportRow{
		Line:           o.Line,
		IdentifierType: string(o.Type),
		Outcome:        string(o.Status),
		Reason:         string(o.Reason),
		RequestID:      o.RequestID,
		DuplicateOf:    o.DuplicateOf,
		Ambiguous:      o.Ambiguous,
	}
	switch {
	case dry && o.Reason == privacy.ReasonDryRun:
		row.Outcome, row.Reason = "valid", ""
		r.Valid++
	case o.Status == privacy.StatusProcessed:
		r.Processed++
	case o.Status == privacy.StatusFailed:
		r.Failed++
		if o.Err != nil {
			row.Message = o.Err.Error()
		}
	case o.Status == privacy.StatusSkipped:
		r.Skipped++
	}
	r.Rows = append(r.Rows, row)
}

// finish prints the summary, writes the report and picks the exit status.
// runErr is what stopped the run early, if anything.
func (p *program) finish(rep *report, runErr error) int {
	w := p.human
	if runErr != nil {
		rep.Stopped = runErr.Error()
	}
	if p.o.dryRun {
		fmt.Fprintf(w, "\nDry run: %d valid, %d failed, %d skipped (nothing was submitted)\n", rep.Valid, rep.Failed, rep.Skipped)
	} else {
		fmt.Fprintf(w, "\nPlatform erasure: %d processed, %d failed, %d skipped\n", rep.Processed, rep.Failed, rep.Skipped)
	}
	// A large file can have thousands of bad rows: the first ones show the
	// kinds of problem, the report holds them all.
	const maxListed = 50
	listed := 0
	for _, row := range rep.Rows {
		if row.Outcome != "failed" && row.Outcome != "skipped" && !row.Ambiguous {
			continue
		}
		if listed++; listed > maxListed {
			continue
		}
		switch row.Outcome {
		case "failed":
			fmt.Fprintf(w, "  line %d: failed (%s)\n", row.Line, row.Reason)
			if row.Message != "" {
				fmt.Fprintf(w, "    %s\n", row.Message)
			}
		case "skipped":
			fmt.Fprintf(w, "  line %d: skipped (%s)", row.Line, row.Reason)
			if row.DuplicateOf > 0 {
				fmt.Fprintf(w, " of line %d", row.DuplicateOf)
			}
			fmt.Fprintln(w)
		}
		if row.Ambiguous {
			fmt.Fprintf(w, "  line %d: note: a retry followed a lost answer; the platform may hold two requests for this subject\n", row.Line)
		}
	}
	if listed > maxListed {
		fmt.Fprintf(w, "  … and %d more rows (-report FILE lists every row); all failed and skipped rows by reason:\n", listed-maxListed)
		for _, r := range sortedReasons(rep.Rows) {
			fmt.Fprintf(w, "    %s: %d\n", r.reason, r.n)
		}
	}
	if d := rep.Digital; d != nil {
		fmt.Fprintf(w, "Digital Experience: %d subjects searched, %d interactions found, %d tagged (%d already requested, %d already completed)\n",
			d.SubjectsSearched, d.InteractionsFound, d.InteractionsTagged, d.AlreadyRequested, d.AlreadyCompleted)
		fmt.Fprintf(w, "Erasure processor: %d interactions completed, %d messages erased (%d already erased), %d failures\n",
			d.InteractionsProcessed, d.MessagesErased, d.MessagesAlreadyErased, d.Failures)
		for _, e := range d.Errors {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	if s := rep.Simulator; s != nil {
		fmt.Fprintf(w, "Simulator: %d erasure requests received, %d duplicates, %d faults injected (%d answers lost after handling)\n",
			s.ErasureRequests, s.DuplicateRequests, s.FaultsInjected, s.ResetsAfterHandling)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			fmt.Fprintf(p.stderr, "erasure: interrupted: %d rows settled, the rest were not submitted\n", len(rep.Rows))
		} else {
			fmt.Fprintf(p.stderr, "erasure: the run stopped early: %v\n", runErr)
		}
		if p.journal != nil {
			fmt.Fprintln(p.stderr, "Run again with the same -journal: what was filed is not filed twice.")
		}
	}
	if p.o.report == "-" {
		if err := writeReport(p.stdout, rep); err != nil {
			fmt.Fprintf(p.stderr, "erasure: writing the report: %v\n", err)
			return exitUsage
		}
	}
	if f := p.reportFile; f != nil {
		err := writeReport(f, rep)
		if err == nil {
			err = f.Sync()
		}
		if err == nil {
			err = os.Rename(f.Name(), p.o.report)
		}
		if err != nil {
			fmt.Fprintf(p.stderr, "erasure: writing the report: %v\n", err)
			return exitUsage
		}
	}
	if runErr != nil || rep.Failed > 0 || rep.Digital != nil && rep.Digital.Failures > 0 {
		return exitFailed
	}
	return exitOK
}

func writeReport(w io.Writer, rep *report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

type reasonCount struct {
	reason string
	n      int
}

// sortedReasons counts the failed and skipped rows by reason, most first.
func sortedReasons(rows []reportRow) []reasonCount {
	m := map[string]int{}
	for _, r := range rows {
		if r.Outcome == "failed" || r.Outcome == "skipped" {
			m[r.Outcome+" ("+r.Reason+")"]++
		}
	}
	out := make([]reasonCount, 0, len(m))
	for k, n := range m {
		out = append(out, reasonCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].reason < out[j].reason
	})
	return out
}

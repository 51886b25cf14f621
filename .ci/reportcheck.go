//go:build ignore

// reportcheck reads the JSON report of examples/erasure run under injected
// faults and fails unless nothing was lost or doubled beyond what the faults
// explain: every input row has exactly one outcome, only invalid rows failed,
// every processed row has a request id, the simulator holds one distinct
// request per processed row, and no more duplicate requests than answers it
// lost after handling them.
//
//	go run .ci/reportcheck.go REPORT ROWS
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

type report struct {
	Processed, Failed, Skipped int
	Rows                       []struct {
		Line      int
		Outcome   string
		Reason    string
		RequestID string
	}
	Digital *struct {
		InteractionsTagged, InteractionsProcessed, Failures int
	}
	Simulator *struct {
		ErasureRequests, DuplicateRequests, FaultsInjected, ResetsAfterHandling int
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/reportcheck.go REPORT ROWS")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	want, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fail("ROWS: %v", err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		fail("report is not JSON: %v", err)
	}
	if len(r.Rows) != want || r.Processed+r.Failed+r.Skipped != want {
		fail("%d rows and %d+%d+%d outcomes for %d input rows", len(r.Rows), r.Processed, r.Failed, r.Skipped, want)
	}
	seen := map[int]bool{}
	for _, row := range r.Rows {
		if seen[row.Line] {
			fail("line %d has two outcomes", row.Line)
		}
		seen[row.Line] = true
		switch row.Outcome {
		case "processed":
			if row.RequestID == "" {
				fail("line %d processed without a request id", row.Line)
			}
		case "failed":
			switch row.Reason {
			case "gave_up", "refused", "canceled", "unauthorized", "journal_error":
				fail("line %d failed for %s: lost to the faults", row.Line, row.Reason)
			}
		case "skipped":
		default:
			fail("line %d: unknown outcome %q", row.Line, row.Outcome)
		}
	}
	s := r.Simulator
	if s == nil {
		fail("no simulator figures")
	}
	if s.FaultsInjected == 0 {
		fail("no fault was injected: the check proves nothing")
	}
	if distinct := s.ErasureRequests - s.DuplicateRequests; distinct != r.Processed {
		fail("simulator holds %d distinct requests for %d processed rows", distinct, r.Processed)
	}
	if s.DuplicateRequests > s.ResetsAfterHandling {
		fail("%d duplicate requests but only %d answers lost after handling", s.DuplicateRequests, s.ResetsAfterHandling)
	}
	if d := r.Digital; d == nil || d.Failures != 0 || d.InteractionsProcessed != d.InteractionsTagged {
		fail("digital: %+v", d)
	}
	fmt.Printf("report ok: %d rows (%d processed, %d failed, %d skipped); %d faults injected, %d duplicates <= %d lost answers\n",
		want, r.Processed, r.Failed, r.Skipped, s.FaultsInjected, s.DuplicateRequests, s.ResetsAfterHandling)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "reportcheck: "+format+"\n", args...)
	os.Exit(1)
}

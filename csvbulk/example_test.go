package csvbulk_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/cxprivacy/cxone/csvbulk"
	"github.com/cxprivacy/cxone/privacy"
)

// Read a filled-in template: each row is a subject or an error that names
// the line and column, never the value.
func ExampleReader() {
	file := strings.NewReader("sep=;\r\n" +
		"Identifier Type;Subject Identifier\r\n" +
		"Email;Ana.Silva@Example.COM\r\n" +
		"Phone;+44 7700 900123\r\n" +
		"Phone;4.47701E+11\r\n")

	r, err := csvbulk.NewReader(file, csvbulk.WithDefaultRegion("GB"))
	if err != nil {
		fmt.Println(err) // not a template, missing column, …
		return
	}
	for row, err := range r.Rows() {
		if err != nil {
			fmt.Println(err) // the file broke off; stop
			return
		}
		if row.Err != nil {
			fmt.Println(row.Err)
			continue
		}
		fmt.Println(row.Line, row.Subject.Type.Wire(), row.Subject.Value)
	}
	// Output:
	// 3 EMAIL Ana.Silva@example.com
	// 4 PHONENO +447700900123
	// line 5, column "Subject Identifier": is a number in scientific notation: a spreadsheet rounded it and its digits are lost; format the column as text and enter the number again (phone_scientific_notation)
}

// Write a results report; cells a spreadsheet could run as formulas are
// neutralised.
func ExampleWriter_WriteResult() {
	var report strings.Builder // a file, in real use
	w := csvbulk.NewWriter(&report)
	_ = w.WriteResult(csvbulk.Result{Line: 3, Type: privacy.Email, Outcome: "processed", RequestID: "9b1c0d2e"})
	_ = w.WriteResult(csvbulk.Result{Line: 4, Type: privacy.Phone, Outcome: "skipped", Reason: "duplicate"})
	_ = w.WriteResult(csvbulk.Result{Line: 5, Type: privacy.Phone, Outcome: "failed", Reason: "phone_scientific_notation"})
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(report.String(), "\r\n", "\n")) // CRLF in the file
	// Output:
	// Line,Identifier Type,Outcome,Reason,Request ID
	// 3,Email,processed,,9b1c0d2e
	// 4,Phone,skipped,duplicate,
	// 5,Phone,failed,phone_scientific_notation,
}

// Give users the empty template to fill in.
func ExampleTemplate() {
	if err := csvbulk.Template(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Identifier Type,Subject Identifier
}

// The formula rule and its inverse.
func ExampleEscapeFormula() {
	for _, v := range []string{"=1+1", "+447700900123", "-agent-4711"} {
		e := csvbulk.EscapeFormula(v)
		fmt.Println(e, csvbulk.UnescapeFormula(e) == v)
	}
	// Output:
	// '=1+1 true
	// +447700900123 true
	// '-agent-4711 true
}

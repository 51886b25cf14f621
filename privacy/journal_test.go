package privacy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/privacy"
	"github.com/google/go-cmp/cmp"
)

func journalPath(t *testing.T) string { return filepath.Join(t.TempDir(), "erasure.journal") }

func record(t *testing.T, j privacy.Journal, key, id string) {
	t.Helper()
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	if err := j.Record(context.Background(), privacy.JournalEntry{Key: key, Type: privacy.Email, RequestID: id, SubmittedAt: at}); err != nil {
		t.Fatal(err)
	}
}

func lookup(t *testing.T, j privacy.Journal, key string) string {
	t.Helper()
	e, ok, err := j.Lookup(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return ""
	}
	return e.RequestID
}

func TestFileJournalRoundTrip(t *testing.T) {
	t.Parallel()
	p := journalPath(t)
	j, err := privacy.OpenJournal(p)
	if err != nil {
		t.Fatal(err)
	}
	record(t, j, "Email:ana.silva@example.com", "r-1")
	record(t, j, "Phone:+12025550143", "r-2")
	record(t, j, "Email:ana.silva@example.com", "r-3") // a second record of a key is not written
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(context.Background(), privacy.JournalEntry{Key: "x", RequestID: "r"}); err == nil {
		t.Error("Record after Close: want an error")
	}
	data, _ := os.ReadFile(p)
	for _, leak := range []string{"ana.silva", "example.com", "2025550143"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("journal file holds an identifier fragment (len %d)", len(leak))
		}
	}
	if n := bytes.Count(data, []byte("\n")); n != 3 {
		t.Errorf("journal has %d lines, want 3 (header + 2 records)", n)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}

	j, err = privacy.OpenJournal(p)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got := []string{lookup(t, j, "Email:ana.silva@example.com"), lookup(t, j, "Phone:+12025550143"), lookup(t, j, "Phone:+12025550144")}
	if diff := cmp.Diff([]string{"r-1", "r-2", ""}, got); diff != "" || j.Len() != 2 {
		t.Errorf("Len %d; lookups after reopen (-want +got):\n%s", j.Len(), diff)
	}
	e, _, _ := j.Lookup(context.Background(), "Email:ana.silva@example.com")
	want := privacy.JournalEntry{Type: privacy.Email, RequestID: "r-1", SubmittedAt: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
}

// twoRecordJournal writes a journal with two records and returns its bytes.
func twoRecordJournal(t *testing.T, p string, opts ...privacy.JournalOption) []byte {
	t.Helper()
	j, err := privacy.OpenJournal(p, opts...)
	if err != nil {
		t.Fatal(err)
	}
	record(t, j, "k1", "r-1")
	record(t, j, "k2", "r-2")
	j.Close()
	data, _ := os.ReadFile(p)
	return data
}

func TestFileJournalTornLastLine(t *testing.T) {
	t.Parallel()
	p := journalPath(t)
	data := twoRecordJournal(t, p)
	lines := bytes.SplitAfter(data, []byte("\n")) // header, r1, r2, ""
	tests := []struct {
		name  string
		file  []byte
		want  []string // lookups of k1, k2
		lines int      // whole lines after repair and one more record
	}{
		{"cut mid-record", append(append([]byte{}, data[:len(data)-len(lines[2])]...), lines[2][:20]...), []string{"r-1", ""}, 3},
		{"cut before newline", data[:len(data)-1], []string{"r-1", "r-2"}, 4},
		{"zeros after crash", append(append([]byte{}, data...), 0, 0, 0, 0), []string{"r-1", "r-2"}, 4},
		{"torn header only", lines[0][:10], []string{"", ""}, 2},
		{"empty file", nil, []string{"", ""}, 2},
	}
	for _, tt := range tests {
		q := filepath.Join(t.TempDir(), "j")
		os.WriteFile(q, tt.file, 0o600)
		j, err := privacy.OpenJournal(q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := []string{lookup(t, j, "k1"), lookup(t, j, "k2")}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: lookups (-want +got):\n%s", tt.name, diff)
		}
		record(t, j, "k3", "r-3")
		j.Close()
		after, _ := os.ReadFile(q)
		if n := bytes.Count(after, []byte("\n")); n != tt.lines || after[len(after)-1] != '\n' {
			t.Errorf("%s: %d lines after repair and a record, want %d, ending in a newline", tt.name, n, tt.lines)
		}
		j, err = privacy.OpenJournal(q)
		if err != nil {
			t.Fatalf("%s: reopen after repair: %v", tt.name, err)
		}
		if got := lookup(t, j, "k3"); got != "r-3" {
			t.Errorf("%s: k3 after reopen = %q, want r-3", tt.name, got)
		}
		j.Close()
	}
}

func TestFileJournalRejects(t *testing.T) {
	t.Parallel()
	p := journalPath(t)
	data := twoRecordJournal(t, p)
	lines := bytes.SplitAfter(data, []byte("\n"))
	other := twoRecordJournal(t, journalPath(t))
	otherLines := bytes.SplitAfter(other, []byte("\n"))
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		file []byte
		opts []privacy.JournalOption
		line int
		msg  string
	}{
		{"corrupt middle", join(lines[0], []byte("{\"k\":\"12\n"), lines[2]), nil, 2, "damaged line"},
		{"garbage middle", join(lines[0], lines[1], []byte("\x00\x00\x00\n"), lines[2]), nil, 3, "damaged line"},
		{"record of another salt", join(lines[0], lines[1], otherLines[2]), nil, 3, "record written under another salt"},
		{"concatenated journals", join(lines[0], lines[1], otherLines[0], otherLines[1]), nil, 3, "a second journal header: journals were concatenated"},
		{"other version", join(bytes.Replace(lines[0], []byte(`"v":1`), []byte(`"v":2`), 1), lines[1]), nil, 1, "journal version 2, this SDK reads 1"},
		{"not a journal", []byte("Identifier Type,Subject Identifier\r\n"), nil, 1, "not a cxone erasure journal header"},
		{"not a journal, no newline", []byte("Identifier Type,Subject Identifier"), nil, 1, "not a cxone erasure journal header"},
		{"binary", []byte("\x89PNG\r\n\x1a\n\x00\x00"), nil, 1, "not a cxone erasure journal header"},
		{"other secret", data, []privacy.JournalOption{privacy.WithJournalSecret([]byte("0123456789abcdef"))}, 1, "journal was made with another secret"},
	}
	for _, tt := range tests {
		q := filepath.Join(t.TempDir(), "j")
		os.WriteFile(q, tt.file, 0o600)
		_, err := privacy.OpenJournal(q, tt.opts...)
		var je *privacy.JournalError
		if !errors.As(err, &je) || !errors.Is(err, privacy.ErrJournal) {
			t.Errorf("%s: err = %v, want *JournalError", tt.name, err)
			continue
		}
		if diff := cmp.Diff(privacy.JournalError{Line: tt.line, Msg: tt.msg}, *je); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s", tt.name, diff)
		}
		if after, _ := os.ReadFile(q); !bytes.Equal(after, tt.file) {
			t.Errorf("%s: a rejected journal was modified", tt.name)
		}
	}
}

func TestFileJournalSecret(t *testing.T) {
	t.Parallel()
	p := journalPath(t)
	secret := []byte("a secret kept in the vault, not on disk")
	twoRecordJournal(t, p, privacy.WithJournalSecret(secret))
	if _, err := privacy.OpenJournal(p); !errors.Is(err, privacy.ErrJournal) {
		t.Errorf("open without the secret: err = %v, want ErrJournal", err)
	}
	j, err := privacy.OpenJournal(p, privacy.WithJournalSecret(secret))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if got := lookup(t, j, "k2"); got != "r-2" {
		t.Errorf("k2 = %q, want r-2", got)
	}
	if _, err := privacy.OpenJournal(p, privacy.WithJournalSecret([]byte("tiny"))); err == nil || strings.Contains(err.Error(), "tiny") {
		t.Errorf("short secret: err = %v, want an error without the secret", err)
	}
}

func TestMemJournal(t *testing.T) {
	t.Parallel()
	j := privacy.NewMemJournal()
	record(t, j, "k1", "r-1")
	record(t, j, "k1", "r-2")
	if diff := cmp.Diff([]any{"r-1", "", 1}, []any{lookup(t, j, "k1"), lookup(t, j, "k2"), j.Len()}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// FuzzOpenJournal: any file content opens or is refused with an error; it
// never panics, and a journal that opens takes a record and reopens.
func FuzzOpenJournal(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed")
	j, _ := privacy.OpenJournal(seed)
	j.Record(context.Background(), privacy.JournalEntry{Key: "k", RequestID: "r", SubmittedAt: time.Unix(0, 0)})
	j.Close()
	data, _ := os.ReadFile(seed)
	f.Add(data)
	f.Add(data[:len(data)-3])
	f.Add([]byte("{}\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := filepath.Join(t.TempDir(), "j")
		os.WriteFile(p, in, 0o600)
		j, err := privacy.OpenJournal(p)
		if err != nil {
			return
		}
		if err := j.Record(context.Background(), privacy.JournalEntry{Key: "new", RequestID: "r-new", SubmittedAt: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		j.Close()
		j, err = privacy.OpenJournal(p)
		if err != nil {
			t.Fatalf("reopen after a record: %v", err)
		}
		defer j.Close()
		if got := lookup(t, j, "new"); got != "r-new" {
			t.Fatalf("record lost on reopen")
		}
	})
}

// Records from many goroutines share fsyncs (group commit); every one is on
// disk when its Record returns, and a key recorded twice at once is written
// once.
func TestFileJournalConcurrentRecords(t *testing.T) {
	t.Parallel()
	p := journalPath(t)
	j, err := privacy.OpenJournal(p)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			key := fmt.Sprintf("k%d", i%32)
			if err := j.Record(context.Background(), privacy.JournalEntry{Key: key, RequestID: "r-" + key, SubmittedAt: time.Unix(0, 0)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	j.Close()
	data, _ := os.ReadFile(p)
	if n := bytes.Count(data, []byte("\n")); n != 33 {
		t.Errorf("%d lines, want 33 (header + 32 distinct keys)", n)
	}
	j, err = privacy.OpenJournal(p)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := range 32 {
		key := fmt.Sprintf("k%d", i)
		if got := lookup(t, j, key); got != "r-"+key {
			t.Errorf("%s = %q after reopen", key, got)
		}
	}
}

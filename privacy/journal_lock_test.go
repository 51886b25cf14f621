//go:build unix

package privacy_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/cxprivacy/cxone/privacy"
)

// Two runs sharing a journal would each file every request and interleave
// their lines: the second open is refused until the first is closed.
func TestJournalIsExclusive(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	first, err := privacy.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := privacy.OpenJournal(path); !errors.Is(err, privacy.ErrJournalInUse) {
		t.Fatalf("second open: err = %v, want ErrJournalInUse", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := privacy.OpenJournal(path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	again.Close()
}

//go:build unix

package privacy

import (
	"errors"
	"os"
	"syscall"
)

// lockJournal takes an exclusive, non-blocking advisory lock on the journal
// file, so that a second process appending to the same journal is refused
// instead of filing every request again and interleaving its lines. The
// lock goes with the file descriptor: a crashed process leaves none behind.
func lockJournal(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrJournalInUse
	}
	return err
}

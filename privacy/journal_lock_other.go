//go:build !unix

package privacy

import "os"

// lockJournal is a no-op where advisory file locks are not available: there,
// one process at a time must use a journal, as its documentation says.
func lockJournal(*os.File) error { return nil }

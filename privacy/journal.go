package privacy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Journal remembers which subjects already have an erasure request, so a
// rerun of a [Batch] files nothing twice. Implement it to keep the record in
// your own database; [FileJournal] and [MemJournal] are provided.
//
// Implementations must be safe for concurrent use, must make a Record
// durable before returning (the batch reports the row processed only then),
// and should store an HMAC of the key rather than the key itself: the key is
// the subject's normalised identifier, personal data.
type Journal interface {
	// Lookup finds the entry recorded for a subject's comparison key
	// ([Subject.Key]).
	Lookup(ctx context.Context, key string) (JournalEntry, bool, error)
	// Record adds the entry of a filed request.
	Record(ctx context.Context, e JournalEntry) error
}

// JournalEntry is one filed erasure request.
type JournalEntry struct {
	// Key is the subject's comparison key. It is given to the journal, never
	// read back from it: Lookup may return an entry without it.
	Key         string
	Type        IdentifierType
	RequestID   string
	SubmittedAt time.Time
	// Ambiguous: the request followed an ambiguous failure (see [Request]).
	Ambiguous bool
}

// ErrJournal is matched (errors.Is) by every error about a journal file's
// content: a corrupt line, another journal's salt or secret, an unknown
// version.
var ErrJournal = errors.New("privacy: journal")

// ErrJournalInUse is returned by [OpenJournal] when another process has the
// journal open (on systems with advisory file locks): two runs appending to
// one journal would each file every request.
var ErrJournalInUse = errors.New("privacy: the journal is in use by another process")

// JournalError says what is wrong with a journal file and on which line.
type JournalError struct {
	Line int // 0 when not about one line
	Msg  string
}

func (e *JournalError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("privacy: journal line %d: %s", e.Line, e.Msg)
	}
	return "privacy: journal: " + e.Msg
}

// Is matches [ErrJournal].
func (e *JournalError) Is(target error) bool { return target == ErrJournal }

// MemJournal is a Journal in memory, for tests and short runs.
type MemJournal struct {
	mu sync.Mutex
	m  map[string]JournalEntry
}

// NewMemJournal returns an empty in-memory journal.
func NewMemJournal() *MemJournal { return &MemJournal{m: map[string]JournalEntry{}} }

// Lookup implements [Journal].
func (j *MemJournal) Lookup(_ context.Context, key string) (JournalEntry, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.m[key]
	return e, ok, nil
}

// Record implements [Journal]. The first entry of a key is kept.
func (j *MemJournal) Record(_ context.Context, e JournalEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.m[e.Key]; !ok {
		j.m[e.Key] = e
	}
	return nil
}

// Len is the number of subjects recorded.
func (j *MemJournal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.m)
}

// FileJournal is a [Journal] in an append-only JSON-lines file:
//
//	{"journal":"cxone-privacy-erasure","v":1,"salt":"…","check":"…","created":"…"}
//	{"k":"<HMAC-SHA256 hex>","s":"<salt id>","t":"Email","id":"<requestId>","at":"…"}
//
// The first line holds a random 32-byte salt; each later line is one filed
// request, written and fsynced before [FileJournal.Record] returns, keyed by
// HMAC-SHA256 over the subject's comparison key with the salt (and the
// secret of [WithJournalSecret], if any) as the HMAC key. No identifier is
// on disk. Without a secret the salt is in the file, so someone holding it
// can test guesses of an identifier; keep the file as private as the input
// CSV (it is created 0600), or set a secret kept elsewhere.
//
// Crash safety: a last line cut short by a crash (no newline) is dropped and
// the file truncated to the last whole line before appending; at worst that
// request is filed again on the rerun. Anything else that does not read — a
// damaged line before the end, a line written under another salt, a second
// header, another secret, an unknown version — is a [*JournalError], never
// skipped silently; a file that is not a journal is refused, never
// overwritten. The file is read as a stream at open, and its index (an HMAC
// and a request id per subject) is kept in memory. One process at a time may
// append to a file: on Unix a second OpenJournal of the same file, from this
// process or another, fails with [ErrJournalInUse] until the first is closed.
type FileJournal struct {
	mu     sync.Mutex
	f      *os.File
	key    []byte
	saltID string
	m      map[string]JournalEntry
	closed bool

	// Group commit: records that arrive while a write+fsync is under way
	// wait in next and share the following one, so concurrent rows do not
	// queue behind one fsync each.
	syncing bool
	next    *commit
	pending map[string]*commit // keys written but not yet synced
	failed  error              // the first write or sync failure
	idle    *sync.Cond         // broadcast when syncing ends
}

// commit is a group of records written and fsynced together.
type commit struct {
	buf     []byte
	entries map[string]JournalEntry
	done    chan struct{}
	err     error
}

func newCommit() *commit {
	return &commit{entries: map[string]JournalEntry{}, done: make(chan struct{})}
}

// JournalOption configures [OpenJournal].
type JournalOption func(*journalConfig) error

type journalConfig struct {
	secret []byte
	now    func() time.Time
}

// WithJournalSecret mixes a secret kept outside the file into the HMAC key,
// so the file alone does not allow testing guesses. Opening the file later
// with another secret (or none) is an error.
func WithJournalSecret(secret []byte) JournalOption {
	return func(c *journalConfig) error {
		if len(secret) < 16 {
			return errors.New("privacy: WithJournalSecret: secret shorter than 16 bytes")
		}
		c.secret = bytes.Clone(secret)
		return nil
	}
}

const (
	journalKind    = "cxone-privacy-erasure"
	journalVersion = 1
)

type journalHeader struct {
	Journal string `json:"journal"`
	V       int    `json:"v"`
	Salt    string `json:"salt"`
	Check   string `json:"check"`
	Created string `json:"created,omitempty"`
}

type journalRecord struct {
	K  string `json:"k"`
	S  string `json:"s"`
	T  string `json:"t"`
	ID string `json:"id"`
	At string `json:"at"`
	A  bool   `json:"a,omitempty"`
}

// OpenJournal opens the journal at path, creating it (mode 0600) with a new
// salt if it does not exist or is empty. It reads every entry into memory.
func OpenJournal(path string, opts ...JournalOption) (*FileJournal, error) {
	cfg := journalConfig{now: time.Now}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("privacy: open journal: %w", err)
	}
	if err := lockJournal(f); err != nil {
		f.Close()
		if errors.Is(err, ErrJournalInUse) {
			return nil, err
		}
		return nil, fmt.Errorf("privacy: lock journal: %w", err)
	}
	j := &FileJournal{f: f, m: map[string]JournalEntry{}, pending: map[string]*commit{}}
	j.idle = sync.NewCond(&j.mu)
	if err := j.load(cfg); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

func deriveKey(salt, secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("cxone journal key v1\x00"))
	m.Write(salt)
	return m.Sum(nil)
}

func (j *FileJournal) mac(s string) string {
	m := hmac.New(sha256.New, j.key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

func (j *FileJournal) load(cfg journalConfig) error {
	// Streamed line by line: a journal of a million rows is read in
	// constant memory beside its index.
	r := bufio.NewReaderSize(j.f, maxJournalLine)
	var whole int64 // end of the last whole line
	line := 0
	sawHeader := false
	for {
		b, err := r.ReadSlice('\n')
		switch {
		case err == io.EOF:
			return j.finishLoad(cfg, sawHeader, whole, b, line)
		case errors.Is(err, bufio.ErrBufferFull):
			return &JournalError{Line: line + 1, Msg: "line too long"}
		case err != nil:
			return fmt.Errorf("privacy: read journal: %w", err)
		}
		line++
		whole += int64(len(b))
		b = bytes.TrimSpace(b)
		switch {
		case len(b) == 0:
		case !sawHeader:
			if err := j.readHeader(b, line, cfg); err != nil {
				return err
			}
			sawHeader = true
		default:
			if err := j.readRecord(b, line); err != nil {
				return err
			}
		}
	}
}

// headerStart is how every header line begins (json.Marshal keeps field
// order), to tell a torn header from a file that is no journal.
var headerStart = []byte(`{"journal":"` + journalKind + `"`)

// maxJournalLine bounds a line; records are a few hundred bytes.
const maxJournalLine = 64 << 10

// finishLoad deals with what follows the last newline (torn, a write cut
// short by a crash) and prepares the file for appending.
func (j *FileJournal) finishLoad(cfg journalConfig, sawHeader bool, whole int64, torn []byte, line int) error {
	if !sawHeader {
		// New, empty, or only a torn header: nothing was recorded yet. But
		// a file that is not a journal at all is refused, never overwritten.
		t := bytes.TrimSpace(torn)
		if len(t) > 0 && !bytes.HasPrefix(t, headerStart) && !bytes.HasPrefix(headerStart, t) {
			return &JournalError{Line: line + 1, Msg: "not a cxone erasure journal header"}
		}
		return j.create(cfg)
	}
	if len(torn) == 0 {
		_, err := j.f.Seek(0, io.SeekEnd)
		return err
	}
	// Drop the torn line from the file; if it was whole but for its
	// newline, keep its entry and write it again properly.
	rec := bytes.Clone(bytes.TrimSpace(torn))
	keep := len(rec) > 0 && j.readRecord(rec, line+1) == nil
	if err := j.f.Truncate(whole); err != nil {
		return fmt.Errorf("privacy: repair journal: %w", err)
	}
	if _, err := j.f.Seek(0, io.SeekEnd); err != nil {
		return err
	}
	if keep {
		if _, err := j.f.Write(append(rec, '\n')); err != nil {
			return fmt.Errorf("privacy: repair journal: %w", err)
		}
	}
	return j.f.Sync()
}

func (j *FileJournal) readHeader(b []byte, line int, cfg journalConfig) error {
	var h journalHeader
	if err := json.Unmarshal(b, &h); err != nil || h.Journal != journalKind {
		return &JournalError{Line: line, Msg: "not a cxone erasure journal header"}
	}
	if h.V != journalVersion {
		return &JournalError{Line: line, Msg: fmt.Sprintf("journal version %d, this SDK reads %d", h.V, journalVersion)}
	}
	salt, err := base64.StdEncoding.DecodeString(h.Salt)
	if err != nil || len(salt) < 16 {
		return &JournalError{Line: line, Msg: "bad salt"}
	}
	j.key = deriveKey(salt, cfg.secret)
	j.saltID = saltID(salt)
	if !hmac.Equal([]byte(j.mac("check")), []byte(h.Check)) {
		return &JournalError{Line: line, Msg: "journal was made with another secret"}
	}
	return nil
}

func saltID(salt []byte) string {
	sum := sha256.Sum256(salt)
	return hex.EncodeToString(sum[:4])
}

func (j *FileJournal) readRecord(b []byte, line int) error {
	var r journalRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return &JournalError{Line: line, Msg: "damaged line"}
	}
	if r.K == "" {
		var h journalHeader
		if json.Unmarshal(b, &h) == nil && h.Journal != "" {
			return &JournalError{Line: line, Msg: "a second journal header: journals were concatenated"}
		}
	}
	if r.S != j.saltID {
		return &JournalError{Line: line, Msg: "record written under another salt"}
	}
	if len(r.K) != 64 || r.ID == "" {
		return &JournalError{Line: line, Msg: "damaged record"}
	}
	at, err := time.Parse(time.RFC3339Nano, r.At)
	if err != nil {
		return &JournalError{Line: line, Msg: "damaged record time"}
	}
	if _, ok := j.m[r.K]; !ok {
		j.m[r.K] = JournalEntry{Type: IdentifierType(r.T), RequestID: r.ID, SubmittedAt: at, Ambiguous: r.A}
	}
	return nil
}

func (j *FileJournal) create(cfg journalConfig) error {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	j.key = deriveKey(salt, cfg.secret)
	j.saltID = saltID(salt)
	h, _ := json.Marshal(journalHeader{
		Journal: journalKind, V: journalVersion, Salt: base64.StdEncoding.EncodeToString(salt),
		Check: j.mac("check"), Created: cfg.now().UTC().Format(time.RFC3339),
	})
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("privacy: create journal: %w", err)
	}
	if _, err := j.f.WriteAt(append(h, '\n'), 0); err != nil {
		return fmt.Errorf("privacy: create journal: %w", err)
	}
	if _, err := j.f.Seek(0, io.SeekEnd); err != nil {
		return err
	}
	return j.f.Sync()
}

// Lookup implements [Journal]. The entry's Key is empty: the file holds
// only its HMAC.
func (j *FileJournal) Lookup(_ context.Context, key string) (JournalEntry, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.m[j.mac(key)]
	return e, ok, nil
}

// Record implements [Journal]: one line, written and fsynced before Record
// returns (records arriving together share one fsync). A key already
// recorded is not written again.
func (j *FileJournal) Record(_ context.Context, e JournalEntry) error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return errors.New("privacy: journal is closed")
	}
	if j.failed != nil {
		// A failed write may have left part of a line: appending more
		// would bury it mid-file. Stop here; reopening repairs the tail.
		j.mu.Unlock()
		return j.failed
	}
	k := j.mac(e.Key)
	if _, ok := j.m[k]; ok {
		j.mu.Unlock()
		return nil
	}
	if c, ok := j.pending[k]; ok {
		// Being recorded by another call: its fsync covers this one.
		j.mu.Unlock()
		<-c.done
		return c.err
	}
	if j.next == nil {
		j.next = newCommit()
	}
	c := j.next
	b, err := json.Marshal(journalRecord{K: k, S: j.saltID, T: string(e.Type), ID: e.RequestID,
		At: e.SubmittedAt.UTC().Format(time.RFC3339Nano), A: e.Ambiguous})
	if err != nil {
		j.mu.Unlock()
		return err
	}
	c.buf = append(append(c.buf, b...), '\n')
	e.Key = ""
	c.entries[k] = e
	j.pending[k] = c
	if j.syncing {
		// The writer under way will take this group next.
		j.mu.Unlock()
		<-c.done
		return c.err
	}
	j.syncing = true
	for j.next != nil {
		g := j.next
		j.next = nil
		j.mu.Unlock()
		_, err := j.f.Write(g.buf)
		if err == nil {
			err = j.f.Sync()
		}
		j.mu.Lock()
		if err != nil {
			g.err = fmt.Errorf("privacy: write journal: %w", err)
			j.failed = g.err
		}
		for gk, ge := range g.entries {
			delete(j.pending, gk)
			if err == nil {
				j.m[gk] = ge
			}
		}
		close(g.done)
	}
	j.syncing = false
	j.idle.Broadcast()
	j.mu.Unlock()
	<-c.done
	return c.err
}

// Len is the number of subjects recorded.
func (j *FileJournal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.m)
}

// Close closes the file. Later Records fail.
func (j *FileJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.syncing {
		j.idle.Wait() // let the group commit under way finish
	}
	if j.closed {
		return nil
	}
	j.closed = true
	return j.f.Close()
}

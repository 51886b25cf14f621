package cxonetest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The erasure route's behaviour where the real API is not public is a model,
// not a fact:
//
//   - Success is 202 Accepted with {"requestId":"…"}: the request is queued
//     and processed later (the spec names neither 200 nor 202).
//   - A request stays active for [WithErasureActiveTime] (default
//     [DefaultErasureActiveTime]) and then completes; there is no status
//     endpoint.
//   - At the active-request cap ([WithErasureActiveLimit], default
//     [DefaultErasureActiveLimit]) the next request gets 429 Too Many Requests
//     with a Retry-After (seconds until the oldest active request completes,
//     at least 1) and code [CodeActiveRequestLimitExceeded].
//   - A USER erasure of a known employee who is not deactivated gets 400 with
//     code [CodeUserNotDeactivated] (the help page says the employee must be
//     deactivated first). Unknown usernames are accepted.
//   - Bad bodies get 400 with code "InvalidRequest" in the platform error
//     shape, naming the field but never echoing its value.
const (
	// CodeActiveRequestLimitExceeded is the simulator's code for the
	// active-request cap (a model: the real code is not public).
	CodeActiveRequestLimitExceeded = "ActiveRequestLimitExceeded"
	// CodeUserNotDeactivated is the simulator's code for a USER erasure of
	// an employee who is still active (a model).
	CodeUserNotDeactivated = "UserNotDeactivated"
	// DefaultErasureActiveLimit is the cap of active erasure requests, the
	// figure of the CXone Privacy page.
	DefaultErasureActiveLimit = 500
	// DefaultErasureActiveTime is how long a simulated request stays active.
	DefaultErasureActiveTime = 100 * time.Millisecond
)

type erasureRecord struct {
	id, typ, value string
	at             time.Time
}

type privacyState struct {
	mu        sync.Mutex
	nextID    int
	requests  []erasureRecord
	bySubject map[string]int
	expiries  []time.Time // completion times of possibly active requests, oldest first
	capHits   int
	refused   int

	outageAfter  int // after this many accepted requests, fail with outageStatus; -1: off
	outageStatus int
	outageHits   int
	dropNext     int // drop the connection after storing the next n requests
	dropped      int
}

type privacyOptions struct {
	activeTime    time.Duration
	activeTimeSet bool
	activeLimit   int
	retryAfter    time.Duration
	retryAfterSet bool
	users         []User // seeded employees, see users.go
}

// WithErasureActiveTime sets how long an accepted erasure request stays
// active before it completes (default [DefaultErasureActiveTime]); 0 makes
// requests complete at once, so the cap is never reached.
func WithErasureActiveTime(d time.Duration) Option {
	return func(o *options) { o.privacy.activeTime, o.privacy.activeTimeSet = max(d, 0), true }
}

// WithErasureActiveLimit sets the cap of active erasure requests (default
// [DefaultErasureActiveLimit]); n <= 0 keeps the default.
func WithErasureActiveLimit(n int) Option {
	return func(o *options) { o.privacy.activeLimit = n }
}

// WithErasureRetryAfter fixes the Retry-After sent with the cap's 429
// (rounded up to whole seconds; 0 sends "0"). By default it is the time until
// the oldest active request completes, at least one second.
func WithErasureRetryAfter(d time.Duration) Option {
	return func(o *options) { o.privacy.retryAfter, o.privacy.retryAfterSet = max(d, 0), true }
}

// registerPrivacyRoutes adds POST /privacy/v1/erasure.
func (s *Server) registerPrivacyRoutes() {
	o := &s.opts.privacy
	if !o.activeTimeSet {
		o.activeTime = DefaultErasureActiveTime
	}
	if o.activeLimit <= 0 {
		o.activeLimit = DefaultErasureActiveLimit
	}
	s.privacy.bySubject = map[string]int{}
	s.privacy.outageAfter = -1
	s.handleAPI("POST /privacy/v1/erasure", s.handleErasure)
}

var erasureTypes = map[string]bool{"EMAIL": true, "PHONENO": true, "USER": true}

func subjectKey(typ, value string) string { return typ + ":" + strings.ToLower(value) }

func (s *Server) handleErasure(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SubjectIdentifier     *string `json:"subjectIdentifier"`
		SubjectIdentifierType *string `json:"subjectIdentifierType"`
		TenantID              *string `json:"tenantId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writePlatformError(w, http.StatusBadRequest, "InvalidRequest", "request body is not valid JSON", "ErasureRequest", nil)
		return
	}
	var errs []platformFieldError
	if req.SubjectIdentifier == nil || strings.TrimSpace(*req.SubjectIdentifier) == "" {
		errs = append(errs, platformFieldError{"subjectIdentifier", "is required"})
	}
	if req.SubjectIdentifierType == nil || !erasureTypes[*req.SubjectIdentifierType] {
		errs = append(errs, platformFieldError{"subjectIdentifierType", "must be one of EMAIL, PHONENO, USER"})
	}
	if len(errs) == 0 {
		v := *req.SubjectIdentifier
		switch *req.SubjectIdentifierType {
		case "EMAIL":
			if at := strings.LastIndexByte(v, '@'); at <= 0 || at == len(v)-1 {
				errs = append(errs, platformFieldError{"subjectIdentifier", "is not an email address"})
			}
		case "PHONENO":
			if !isE164(v) {
				errs = append(errs, platformFieldError{"subjectIdentifier", "is not an E.164 phone number"})
			}
		}
	}
	if len(errs) > 0 {
		writePlatformError(w, http.StatusBadRequest, "InvalidRequest", "the erasure request is not valid", "ErasureRequest", errs)
		return
	}
	if req.TenantID != nil && *req.TenantID != DemoTenantID {
		writePlatformError(w, http.StatusNotFound, "TenantNotFound", "no such tenant", "ErasureRequest", nil)
		return
	}
	typ, value := *req.SubjectIdentifierType, *req.SubjectIdentifier
	if typ == "USER" {
		if usr, ok := s.userByName(value); ok && usr.Status != StatusDeleted {
			s.privacy.mu.Lock()
			s.privacy.refused++
			s.privacy.mu.Unlock()
			writePlatformError(w, http.StatusBadRequest, CodeUserNotDeactivated, "the user must be deactivated before erasure", "ErasureRequest", nil)
			return
		}
	}

	p := &s.privacy
	o := &s.opts.privacy
	now := time.Now()
	p.mu.Lock()
	if p.outageAfter >= 0 && len(p.requests) >= p.outageAfter {
		p.outageHits++
		status := p.outageStatus
		p.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><h1>%s</h1></body></html>\n", status, http.StatusText(status), http.StatusText(status))
		return
	}
	for len(p.expiries) > 0 && !p.expiries[0].After(now) {
		p.expiries = p.expiries[1:]
	}
	if len(p.expiries) >= o.activeLimit {
		p.capHits++
		wait := o.retryAfter
		if !o.retryAfterSet {
			wait = max(p.expiries[0].Sub(now), time.Second)
		}
		p.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writePlatformError(w, http.StatusTooManyRequests, CodeActiveRequestLimitExceeded,
			fmt.Sprintf("at most %d erasure requests may be active at a time", o.activeLimit), "ErasureRequest", nil)
		return
	}
	p.nextID++
	id := fmt.Sprintf("5e7a0c1d-0000-4000-8000-%012d", p.nextID)
	p.requests = append(p.requests, erasureRecord{id: id, typ: typ, value: value, at: now})
	p.bySubject[subjectKey(typ, value)]++
	if o.activeTime > 0 {
		p.expiries = append(p.expiries, now.Add(o.activeTime))
	}
	drop := p.dropNext > 0
	if drop {
		p.dropNext--
		p.dropped++
	}
	p.mu.Unlock()
	if drop {
		// The request is stored; the answer is lost.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // aborts the response without an answer
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"requestId": id})
}

func isE164(v string) bool {
	if len(v) < 3 || len(v) > 16 || v[0] != '+' || v[1] == '0' {
		return false
	}
	for _, c := range v[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ErasureRequests is how many erasure requests the simulator accepted.
func (s *Server) ErasureRequests() int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	return len(s.privacy.requests)
}

// DuplicateErasures is how many accepted erasure requests repeat a subject
// already requested (per wire type and case-insensitive value): the sum over
// subjects of their count minus one.
func (s *Server) DuplicateErasures() int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	return len(s.privacy.requests) - len(s.privacy.bySubject)
}

// ErasureCount is how many requests the simulator accepted for one subject;
// typ is the wire type (EMAIL, PHONENO, USER), value is compared
// case-insensitively.
func (s *Server) ErasureCount(typ, value string) int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	return s.privacy.bySubject[subjectKey(typ, value)]
}

// ErasureSubjects is how many distinct subjects have at least one request.
func (s *Server) ErasureSubjects() int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	return len(s.privacy.bySubject)
}

// ErasureRequestID is the id of the first request for a subject.
func (s *Server) ErasureRequestID(typ, value string) (string, bool) {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	k := subjectKey(typ, value)
	for _, r := range s.privacy.requests {
		if subjectKey(r.typ, r.value) == k {
			return r.id, true
		}
	}
	return "", false
}

// ActiveErasures is how many accepted requests are still active.
func (s *Server) ActiveErasures() int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	now := time.Now()
	n := 0
	for _, e := range s.privacy.expiries {
		if e.After(now) {
			n++
		}
	}
	return n
}

// ErasureCapHits is how many requests were answered 429 at the active cap.
func (s *Server) ErasureCapHits() int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	return s.privacy.capHits
}

// FailErasuresAfter makes every erasure request after the first n accepted
// ones fail with status (e.g. 503) and an HTML body, as a proxy in front of a
// broken service does; n < 0 ends the outage. Nothing is stored meanwhile.
func (s *Server) FailErasuresAfter(n, status int) {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	s.privacy.outageAfter, s.privacy.outageStatus = n, status
}

// DropErasureAnswers makes the next n accepted erasure requests be stored and
// then have their connection closed without an answer: the client cannot
// know whether the request was filed.
func (s *Server) DropErasureAnswers(n int) {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	s.privacy.dropNext = n
}

// DroppedErasureAnswers is how many answers [Server.DropErasureAnswers] dropped.
func (s *Server) DroppedErasureAnswers() int {
	s.privacy.mu.Lock()
	defer s.privacy.mu.Unlock()
	return s.privacy.dropped
}

package cxonetest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// User is an employee of the simulated tenant, as the user-management API
// shows it. Seed more with [WithUsers].
type User struct {
	ID           string `json:"id"`
	UserName     string `json:"userName"`
	EmailAddress string `json:"emailAddress,omitempty"`
	FirstName    string `json:"firstName,omitempty"`
	LastName     string `json:"lastName,omitempty"`
	// Status is one of the spec's values UNREGISTERED, PENDING, ACTIVE,
	// BLOCKED, DELETED. The simulator models deactivation as DELETED (the
	// spec lists no INACTIVE value): a model, not a fact.
	Status string `json:"status"`
}

// Usernames and ids of the seeded demo employees. All fictional.
const (
	// DemoKeyOwnerUserName is the username of the employee who owns the
	// demo access key (id [DemoKeyOwnerUserID]). Deactivating it would
	// lock the SDK out, so the privacy package refuses to.
	DemoKeyOwnerUserName = "integration.bot"
	// DemoAgentUserName and DemoAgent2UserName are two ACTIVE employees.
	DemoAgentUserName  = "agent-4711"
	DemoAgentUserID    = "0b9f1c2e-7a55-4c1d-9e0a-000000004711"
	DemoAgent2UserName = "agent-4712"
	DemoAgent2UserID   = "0b9f1c2e-7a55-4c1d-9e0a-000000004712"
)

// User statuses of the user-management API.
const (
	StatusUnregistered = "UNREGISTERED"
	StatusPending      = "PENDING"
	StatusActive       = "ACTIVE"
	StatusBlocked      = "BLOCKED"
	// StatusDeleted is what the simulator gives a deactivated user (a model).
	StatusDeleted = "DELETED"
)

func demoUsers() []User {
	return []User{
		{ID: DemoKeyOwnerUserID, UserName: DemoKeyOwnerUserName, EmailAddress: "integration.bot@example.com", FirstName: "Integration", LastName: "Bot", Status: StatusActive},
		{ID: DemoAgentUserID, UserName: DemoAgentUserName, EmailAddress: "agent-4711@example.com", FirstName: "Ana", LastName: "Agent", Status: StatusActive},
		{ID: DemoAgent2UserID, UserName: DemoAgent2UserName, EmailAddress: "agent-4712@example.com", FirstName: "Bruno", LastName: "Agent", Status: StatusActive},
	}
}

type userState struct {
	mu           sync.Mutex
	byID         map[string]*User
	order        []string // ids in seed order, so search results are stable
	refuse       map[string]bool
	deactivated  int
	searchCalls  int
	deactivCalls int
}

// WithUsers seeds employees beside the demo ones. A user with the id of a
// demo user replaces it.
func WithUsers(users ...User) Option {
	return func(o *options) { o.privacy.users = append(o.privacy.users, users...) }
}

// registerUserRoutes adds user search and deactivation.
func (s *Server) registerUserRoutes() {
	u := &s.users
	u.byID = map[string]*User{}
	u.refuse = map[string]bool{}
	for _, usr := range append(demoUsers(), s.opts.privacy.users...) {
		if _, ok := u.byID[usr.ID]; !ok {
			u.order = append(u.order, usr.ID)
		}
		cp := usr
		u.byID[usr.ID] = &cp
	}
	s.handleAPI("POST /user-management/v2/users/search", s.handleUserSearch)
	s.handleAPI("POST /user-management/v1/users/deactivate", s.handleUserDeactivate)
}

// userSearchRequest is the search body. The filter's value shape
// ({"userName":["x"]}) is inferred from the spec, not documented.
type userSearchRequest struct {
	Filter struct {
		UserName     []string `json:"userName"`
		EmailAddress []string `json:"emailAddress"`
		Status       []string `json:"status"`
	} `json:"filter"`
	Fields []string `json:"fields"`
	Skip   int      `json:"skip"`
	Top    int      `json:"top"`
}

func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}

func (s *Server) handleUserSearch(w http.ResponseWriter, r *http.Request) {
	var req userSearchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writePlatformError(w, http.StatusBadRequest, "InvalidRequest", "request body is not valid JSON", "User", nil)
		return
	}
	if req.Skip < 0 || req.Top < 0 {
		writePlatformError(w, http.StatusBadRequest, "InvalidRequest", "skip and top must not be negative", "User", nil)
		return
	}
	if req.Top == 0 || req.Top > 1000 {
		req.Top = 100
	}
	u := &s.users
	u.mu.Lock()
	u.searchCalls++
	var match []User
	for _, id := range u.order {
		usr := u.byID[id]
		if len(req.Filter.UserName) > 0 && !containsFold(req.Filter.UserName, usr.UserName) {
			continue
		}
		if len(req.Filter.EmailAddress) > 0 && !containsFold(req.Filter.EmailAddress, usr.EmailAddress) {
			continue
		}
		if len(req.Filter.Status) > 0 && !containsFold(req.Filter.Status, usr.Status) {
			continue
		}
		match = append(match, *usr)
	}
	u.mu.Unlock()
	total := len(match)
	page := match[min(req.Skip, total):min(req.Skip+req.Top, total)]
	if page == nil {
		page = []User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"totalRecords": total, "users": page})
}

func (s *Server) handleUserDeactivate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserIDs []string `json:"userIds"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.UserIDs) == 0 {
		writePlatformError(w, http.StatusBadRequest, "InvalidRequest", "userIds must be a non-empty array", "User", nil)
		return
	}
	u := &s.users
	u.mu.Lock()
	u.deactivCalls++
	notDeleted := []string{}
	for _, id := range req.UserIDs {
		usr, ok := u.byID[id]
		switch {
		case !ok || u.refuse[id]:
			notDeleted = append(notDeleted, id)
		case usr.Status != StatusDeleted:
			usr.Status = StatusDeleted
			u.deactivated++
		}
	}
	u.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"notDeletedUserIds": notDeleted})
}

// RefuseDeactivation makes the simulator leave the user with this id active
// and list it in notDeletedUserIds, to exercise partial failures.
func (s *Server) RefuseDeactivation(userID string) {
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	s.users.refuse[userID] = true
}

// UserStatus is the current status of the user with this id.
func (s *Server) UserStatus(userID string) (status string, ok bool) {
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	usr, ok := s.users.byID[userID]
	if !ok {
		return "", false
	}
	return usr.Status, true
}

// Deactivations is how many users the simulator has deactivated (a user
// already deactivated is not counted again).
func (s *Server) Deactivations() int {
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	return s.users.deactivated
}

// UserCalls is how many search and deactivate calls reached the user routes.
func (s *Server) UserCalls() (search, deactivate int) {
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	return s.users.searchCalls, s.users.deactivCalls
}

// userByName finds a user by username, case-insensitively.
func (s *Server) userByName(name string) (User, bool) {
	s.users.mu.Lock()
	defer s.users.mu.Unlock()
	for _, id := range s.users.order {
		if usr := s.users.byID[id]; strings.EqualFold(usr.UserName, name) {
			return *usr, true
		}
	}
	return User{}, false
}

// platformFieldError is one entry of the platform error body's "errors".
type platformFieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writePlatformError answers in the platform's error shape
// {"code","details","hostName","entityType","errors"}. Messages never hold a
// request's values.
func writePlatformError(w http.ResponseWriter, status int, code, details, entity string, errs []platformFieldError) {
	if errs == nil {
		errs = []platformFieldError{}
	}
	writeJSON(w, status, map[string]any{
		"code": code, "details": details, "hostName": "cxonetest", "entityType": entity, "errors": errs,
	})
}

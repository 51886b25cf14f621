package privacy

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/cxprivacy/cxone"
)

// Errors of the employee (USER) erasure. Their messages never hold the
// username.
var (
	// ErrKeyOwner: the user to erase owns the access key the client runs
	// on. Deactivating it would lock the SDK out mid-way, so EraseUser
	// refuses before touching anything.
	ErrKeyOwner = errors.New("privacy: refusing to deactivate or erase the user that owns the client's access key")
	// ErrKeyOwnerUnknown: the client does not know which user owns its
	// access key (no id_token claim), so it cannot tell whether the user to
	// deactivate is that one. Set [WithKeyOwner].
	ErrKeyOwnerUnknown = errors.New("privacy: the access key's owner is unknown; set privacy.WithKeyOwner")
	// ErrUserNotFound: no user has that username.
	ErrUserNotFound = errors.New("privacy: no user with that username")
	// ErrAmbiguousUser: several users match the username when case is
	// ignored, so the one to erase is not clear.
	ErrAmbiguousUser = errors.New("privacy: several users match that username")
	// ErrNotDeactivated is matched by a [*DeactivateError].
	ErrNotDeactivated = errors.New("privacy: users not deactivated")
)

// UserStatus is a user's status in user management. String-typed for forward
// compatibility: a value not listed here is kept as is.
type UserStatus string

// The statuses the spec lists.
const (
	UserUnregistered UserStatus = "UNREGISTERED"
	UserPending      UserStatus = "PENDING"
	UserActive       UserStatus = "ACTIVE"
	UserBlocked      UserStatus = "BLOCKED"
	UserDeleted      UserStatus = "DELETED"
)

// Deactivated reports whether the status is one of an employee who no
// longer works: DELETED, or INACTIVE, which some tenants show. Every other
// status (ACTIVE, but also PENDING, UNREGISTERED, BLOCKED, an unknown value)
// can come back to life, so [Client.EraseUser] deactivates it first;
// deactivating is harmless when it was not needed.
func (s UserStatus) Deactivated() bool {
	return strings.EqualFold(string(s), string(UserDeleted)) || strings.EqualFold(string(s), "INACTIVE")
}

// Employee is a CXone user (an employee), with only the fields the erasure
// needs. (User is the identifier type.)
type Employee struct {
	ID       string     `json:"id"`
	UserName string     `json:"userName"`
	Status   UserStatus `json:"status"`
}

// String never shows the username.
func (u Employee) String() string { return "user " + u.ID + " (" + string(u.Status) + ")" }

// DeactivateError lists the users the platform did not deactivate
// (notDeletedUserIds): a partial failure. It matches [ErrNotDeactivated].
type DeactivateError struct {
	UserIDs []string
}

func (e *DeactivateError) Error() string {
	return fmt.Sprintf("privacy: %d user(s) not deactivated", len(e.UserIDs))
}

// Is matches [ErrNotDeactivated].
func (e *DeactivateError) Is(target error) bool { return target == ErrNotDeactivated }

// UsersService is the user-management API.
type UsersService struct{ c *Client }

// searchFields are the only fields asked for: the erasure needs no more
// personal data than these.
var searchFields = []string{"id", "userName", "status"}

func defaultSearchFilter(username string) any {
	return map[string][]string{"userName": {username}}
}

const searchPage = 100

// Search lists the users the server matches for username (POST
// /user-management/v2/users/search, paged with skip/top). The server's
// matching rule is not documented; [UsersService.Find] keeps only the exact
// match. The filter's shape is set with [WithUserSearchFilter].
func (u *UsersService) Search(ctx context.Context, username string) iter.Seq2[Employee, error] {
	return func(yield func(Employee, error) bool) {
		for skip := 0; ; {
			var ans struct {
				TotalRecords int        `json:"totalRecords"`
				Users        []Employee `json:"users"`
			}
			_, err := u.c.c.Do(ctx, &cxone.Request{
				Method: http.MethodPost, API: cxone.Platform, Path: "/user-management/v2/users/search",
				Body: map[string]any{"filter": u.c.cfg.searchFilter(username), "fields": searchFields, "skip": skip, "top": searchPage},
				// A search changes nothing, so it may be repeated.
				Idempotent: true,
			}, &ans)
			if err != nil {
				yield(Employee{}, err)
				return
			}
			for _, usr := range ans.Users {
				if !yield(usr, nil) {
					return
				}
			}
			skip += len(ans.Users)
			if len(ans.Users) == 0 || skip >= ans.TotalRecords {
				return
			}
		}
	}
}

// Find is the one user whose username equals username, ignoring case.
// It returns [ErrUserNotFound] or [ErrAmbiguousUser] otherwise.
func (u *UsersService) Find(ctx context.Context, username string) (Employee, error) {
	username = strings.TrimSpace(username)
	if username == "" {
		return Employee{}, ErrUserNotFound
	}
	var found []Employee
	for usr, err := range u.Search(ctx, username) {
		if err != nil {
			return Employee{}, err
		}
		if strings.EqualFold(usr.UserName, username) {
			found = append(found, usr)
		}
	}
	switch len(found) {
	case 0:
		return Employee{}, ErrUserNotFound
	case 1:
		return found[0], nil
	}
	return Employee{}, ErrAmbiguousUser
}

// Deactivate deactivates users by id (POST
// /user-management/v1/users/deactivate). Ids the platform lists in
// notDeletedUserIds come back as a [*DeactivateError]. It does not check
// for the key owner; [Client.EraseUser] does.
func (u *UsersService) Deactivate(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	var ans struct {
		NotDeletedUserIDs []string `json:"notDeletedUserIds"`
	}
	_, err := u.c.c.Do(ctx, &cxone.Request{
		Method: http.MethodPost, API: cxone.Platform, Path: "/user-management/v1/users/deactivate",
		Body: map[string][]string{"userIds": ids},
		// Deactivating a deactivated user changes nothing, so a retry is safe.
		Idempotent: true,
	}, &ans)
	if err != nil {
		return err
	}
	if len(ans.NotDeletedUserIDs) > 0 {
		return &DeactivateError{UserIDs: ans.NotDeletedUserIDs}
	}
	return nil
}

// UserErasure is the outcome of [Client.EraseUser].
type UserErasure struct {
	Employee Employee
	// Deactivated is true when EraseUser deactivated the user (false when it
	// was already inactive).
	Deactivated bool
	Request     Request
}

// EraseUser erases an employee: it finds the user by username (exact,
// case-insensitive), refuses with [ErrKeyOwner] if it owns the client's
// access key, deactivates it unless already inactive (see
// [UserStatus.Deactivated]), then files the USER erasure with [Client.Erase].
// Errors name no username. What was done before a failure is in the result.
func (c *Client) EraseUser(ctx context.Context, username string) (UserErasure, error) {
	var out UserErasure
	out.Request.Type = User
	if c.cfg.keyOwner == "" {
		return out, ErrKeyOwnerUnknown
	}
	usr, err := c.Users.Find(ctx, username)
	if err != nil {
		return out, err
	}
	out.Employee = usr
	if usr.ID == c.cfg.keyOwner {
		return out, ErrKeyOwner
	}
	if !usr.Status.Deactivated() {
		if err := c.Users.Deactivate(ctx, usr.ID); err != nil {
			return out, err
		}
		out.Deactivated = true
		out.Employee.Status = UserDeleted
	}
	// The erasure names the user as the platform stores it.
	out.Request, err = c.Erase(ctx, Subject{Type: User, Value: usr.UserName})
	return out, err
}

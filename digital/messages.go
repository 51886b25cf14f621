package digital

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cxprivacy/cxone"
)

// ErrAlreadyRemoved is returned (errors.Is) by [MessagesService.RemoveContent]
// and [MessagesService.RemoveAuthorName] when the message's content or author
// name was removed before. The removal is done, but not by this call, so the
// caller can report it rather than count it as its own.
var ErrAlreadyRemoved = errors.New("digital: already removed")

// MessageSearchOptions filter [MessagesService.Search]. Array filters repeat
// as name[]=value; values of one filter are alternatives.
type MessageSearchOptions struct {
	Tags          []int    // tag[]: messages with any of these tag ids
	ExcludeTags   []int    // excludeTag[]: messages with none of these
	AuthorIDs     []string // authorIdOnExternalPlatform[]
	Channels      []string // channel[]
	Direction     Direction
	ContactNumber ContactNumber
	Sorting       string // e.g. "createdAt"
	SortingType   string // "asc" or "desc"
}

func (o *MessageSearchOptions) values() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	for _, t := range o.Tags {
		q.Add("tag[]", strconv.Itoa(t))
	}
	for _, t := range o.ExcludeTags {
		q.Add("excludeTag[]", strconv.Itoa(t))
	}
	for _, a := range o.AuthorIDs {
		q.Add("authorIdOnExternalPlatform[]", a)
	}
	for _, c := range o.Channels {
		q.Add("channel[]", c)
	}
	setIf(q, "direction", string(o.Direction))
	setIf(q, "contactNumber", string(o.ContactNumber))
	setIf(q, "sorting", o.Sorting)
	setIf(q, "sortingType", o.SortingType)
	return q
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// Search lists the messages that match opts (GET /messages, scrollToken
// paging). opts may be nil.
func (s *MessagesService) Search(ctx context.Context, opts *MessageSearchOptions) iter.Seq2[Message, error] {
	return scroll(ctx, s.client, "/messages", nil, opts.values(), s.client.rememberMessages)
}

// Get returns one message.
func (s *MessagesService) Get(ctx context.Context, id string) (*Message, error) {
	var m Message
	if _, err := s.client.do(ctx, &cxone.Request{Method: http.MethodGet, Path: "/messages/{id}", Params: []string{id}}, "", &m); err != nil {
		return nil, err
	}
	s.client.rememberMessages([]Message{m})
	return &m, nil
}

// AddTag puts a tag on a message and returns the message (PUT
// /messages/{id}/tags/{tagId}). Adding a tag twice is harmless.
func (s *MessagesService) AddTag(ctx context.Context, id string, tagID int) (*Message, error) {
	return s.update(ctx, http.MethodPut, "/messages/{id}/tags/{tagId}", []string{id, strconv.Itoa(tagID)}, nil)
}

// RemoveTag takes a tag off a message (DELETE /messages/{id}/tags/{tagId}).
func (s *MessagesService) RemoveTag(ctx context.Context, id string, tagID int) (*Message, error) {
	return s.update(ctx, http.MethodDelete, "/messages/{id}/tags/{tagId}", []string{id, strconv.Itoa(tagID)}, nil)
}

// RemovalRequest is the body of the removal endpoints.
type RemovalRequest struct {
	Reason Reason `json:"reason"`
}

// RemoveContent removes a message's content (POST
// /messages/{id}/content-removal), what the UI job "Delete content of a
// message" does. If the content was already removed the error matches
// [ErrAlreadyRemoved].
func (s *MessagesService) RemoveContent(ctx context.Context, id string, reason Reason) (*Message, error) {
	return s.removal(ctx, "/messages/{id}/content-removal", id, reason)
}

// RemoveAuthorName removes the name of a message's author (POST
// /messages/{id}/author-name-removal), what the UI job "Delete author's name
// of a message" does. If it was already removed the error matches
// [ErrAlreadyRemoved].
func (s *MessagesService) RemoveAuthorName(ctx context.Context, id string, reason Reason) (*Message, error) {
	return s.removal(ctx, "/messages/{id}/author-name-removal", id, reason)
}

func (s *MessagesService) removal(ctx context.Context, path, id string, reason Reason) (*Message, error) {
	if !reason.Valid() {
		return nil, errors.New("digital: removal reason must be GDPR, TTL or other")
	}
	m, err := s.update(ctx, http.MethodPost, path, []string{id}, RemovalRequest{Reason: reason})
	if apiErr, ok := errors.AsType[*cxone.APIError](err); ok && isAlreadyRemoved(apiErr) {
		return nil, &alreadyRemovedError{err: apiErr}
	}
	return m, err
}

// isAlreadyRemoved recognises the answer to a second removal. DFO's exact
// answer is not documented: the simulator models it as 409 with errorCode
// "AlreadyRemoved", and a 409 from a real tenant is read the same way.
func isAlreadyRemoved(e *cxone.APIError) bool {
	return e.StatusCode == http.StatusConflict || e.Code == "AlreadyRemoved"
}

type alreadyRemovedError struct{ err *cxone.APIError }

func (e *alreadyRemovedError) Error() string { return ErrAlreadyRemoved.Error() + ": " + e.err.Error() }
func (e *alreadyRemovedError) Unwrap() []error {
	return []error{ErrAlreadyRemoved, e.err}
}

func (s *MessagesService) update(ctx context.Context, method, path string, params []string, body any) (*Message, error) {
	var m Message
	// A removal is safe to repeat (a repeat answers "already removed"), so
	// it may be retried after an ambiguous failure like PUT and DELETE.
	req := &cxone.Request{Method: method, Path: path, Params: params, Body: body, Idempotent: true}
	if _, err := s.client.do(ctx, req, s.client.contactOf(params[0]), &m); err != nil {
		return nil, err
	}
	s.client.rememberMessages([]Message{m})
	return &m, nil
}

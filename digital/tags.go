package digital

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/cxprivacy/cxone"
)

// TagListOptions filter [TagsService.List].
type TagListOptions struct {
	// NameContains keeps tags whose title contains this text.
	NameContains string
}

// List lists every tag, page by page (GET /tags?page=N). opts may be nil.
func (s *TagsService) List(ctx context.Context, opts *TagListOptions) iter.Seq2[Tag, error] {
	q := url.Values{}
	if opts != nil && opts.NameContains != "" {
		q.Set("nameContains", opts.NameContains)
	}
	return pages[Tag](ctx, s.client, "/tags", q, 0)
}

// TagCreateRequest is the body of [TagsService.Create].
type TagCreateRequest struct {
	Title string `json:"title"`
	Color Color  `json:"color"`
}

// Create creates a tag (PUT /tags: DFO creates with PUT); an empty color
// means [ColorGrey]. DFO does not refuse a second tag with the same title;
// use [TagsService.Ensure] to avoid one.
func (s *TagsService) Create(ctx context.Context, title string, color Color) (*Tag, error) {
	if strings.TrimSpace(title) == "" {
		return nil, errors.New("digital: Tags.Create: empty title")
	}
	if color == "" {
		color = ColorGrey
	}
	if !color.Valid() {
		return nil, errors.New("digital: Tags.Create: color is not in the DFO palette")
	}
	var t Tag
	_, err := s.client.do(ctx, &cxone.Request{Method: http.MethodPut, Path: "/tags",
		Body: TagCreateRequest{Title: title, Color: Color(strings.ToUpper(string(color)))}}, "", &t)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Find returns the first tag whose title equals title, ignoring case and
// surrounding spaces, searching every page; ok is false if none does.
func (s *TagsService) Find(ctx context.Context, title string) (t Tag, ok bool, err error) {
	want := strings.TrimSpace(title)
	for tag, err := range s.List(ctx, nil) {
		if err != nil {
			return Tag{}, false, err
		}
		if strings.EqualFold(strings.TrimSpace(tag.Title), want) {
			return tag, true, nil
		}
	}
	return Tag{}, false, nil
}

// Ensure returns the tag titled title (exact title, ignoring case, across all
// pages), creating it with color if there is none. Calling it any number of
// times leaves one tag. Calls through one Client are serialised; two
// processes racing may still both create (DFO has no unique titles).
func (s *TagsService) Ensure(ctx context.Context, title string, color Color) (*Tag, error) {
	if strings.TrimSpace(title) == "" {
		return nil, errors.New("digital: Tags.Ensure: empty title")
	}
	s.client.ensureMu.Lock()
	defer s.client.ensureMu.Unlock()
	t, ok, err := s.Find(ctx, title)
	if err != nil {
		return nil, err
	}
	if ok {
		return &t, nil
	}
	return s.Create(ctx, strings.TrimSpace(title), color)
}

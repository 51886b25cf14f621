package cxonetest

// The Digital Experience (DFO) part of the simulator, base /dfo/3.0.
//
// Wire shapes follow cxone-api.md §5. Where the public material is silent the
// simulator makes a documented choice (a model, not a fact):
//   - list pages hold 25 items unless WithDigitalPageSize says otherwise;
//     /tags and /customers page with `page` (1-based) and `size`, /messages
//     and /contacts with an opaque `scrollToken` that is empty on the last page;
//   - `tag[]` and `excludeTag[]` take tag ids; `tag[]` values are ORed;
//   - a case shows its own tags and the tags of its messages;
//   - removing content or an author name that is already removed answers
//     409 with errorCode "AlreadyRemoved";
//   - customers are searched with `identityIdOnExternalPlatform` (inferred).

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// digitalTagColors are the colours DFO accepts for a tag (read-only).
var digitalTagColors = []string{"#289D29", "#E11616", "#FFC20A", "#2E8FCE", "#982910", "#DF23E6", "#85289D", "#ADADAD", "#1DD6D4", "#9D7D28"}

type dfoTag struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	Color string `json:"color"`
}

type dfoIdentity struct {
	ID                   string `json:"id,omitempty"`
	IDOnExternalPlatform string `json:"idOnExternalPlatform"`
	FirstName            string `json:"firstName"`
	LastName             string `json:"lastName"`
	Nickname             string `json:"nickname"`
}

type dfoUser struct {
	ID        string `json:"id"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

type dfoCustomer struct {
	ID         string        `json:"id"`
	FullName   string        `json:"fullName"`
	Identities []dfoIdentity `json:"identities"`
}

type dfoRemoval struct {
	Reason    string    `json:"reason"`
	RemovedAt time.Time `json:"removedAt"`
}

type dfoContent struct {
	Type    string         `json:"type"`
	Payload map[string]any `json:"payload"`
}

type dfoMessage struct {
	ID                    string       `json:"id"`
	ThreadID              string       `json:"threadId"`
	ContactNumber         string       `json:"contactNumber"`
	ChannelID             string       `json:"channelId"`
	Direction             string       `json:"direction"`
	CreatedAt             time.Time    `json:"createdAt"`
	AuthorEndUserIdentity *dfoIdentity `json:"authorEndUserIdentity,omitempty"`
	AuthorUser            *dfoUser     `json:"authorUser,omitempty"`
	MessageContent        dfoContent   `json:"messageContent"`
	Tags                  []dfoTag     `json:"tags"`
	ContentRemoved        *dfoRemoval  `json:"contentRemoved"`
	AuthorNameRemoved     *dfoRemoval  `json:"authorNameRemoved"`

	tagIDs []int
}

type dfoCase struct {
	ID              string      `json:"id"`
	ThreadID        string      `json:"threadId"`
	ChannelID       string      `json:"channelId"`
	Status          string      `json:"status"`
	CreatedAt       time.Time   `json:"createdAt"`
	CustomerID      string      `json:"customerId,omitempty"`
	EndUserIdentity dfoIdentity `json:"endUserIdentity"`
	Tags            []dfoTag    `json:"tags"`

	messages []*dfoMessage
}

type digitalState struct {
	mu        sync.Mutex
	tags      []*dfoTag
	customers []*dfoCustomer
	cases     []*dfoCase
	caseByID  map[string]*dfoCase
	msgByID   map[string]*dfoMessage
	custByID  map[string]*dfoCustomer
	nextID    int
	clock     time.Time // seed timestamps advance from here
	calls     map[string]int
	queries   map[string][]string // last raw queries per route, for tests
}

type digitalOptions struct {
	pageSize  int
	noSeed    bool
	large     *largeTenant
	customers []DigitalCustomer
}

// WithDigitalPageSize sets how many items a DFO list page holds (default 25,
// the contact-history page size NICE's own client assumes).
func WithDigitalPageSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.digital.pageSize = n
		}
	}
}

// WithoutDigitalDemo starts the simulator without the demo DFO tenant.
func WithoutDigitalDemo() Option { return func(o *options) { o.digital.noSeed = true } }

// WithDigitalCustomers seeds these customers (and their cases) in addition to
// the demo tenant.
func WithDigitalCustomers(cs ...DigitalCustomer) Option {
	return func(o *options) { o.digital.customers = append(o.digital.customers, cs...) }
}

func (s *Server) dfo() *digitalState { return &s.digital }

// registerDigitalRoutes adds the DFO routes under /dfo/3.0 (issue 5).
func (s *Server) registerDigitalRoutes() {
	d := s.dfo()
	d.caseByID = map[string]*dfoCase{}
	d.msgByID = map[string]*dfoMessage{}
	d.custByID = map[string]*dfoCustomer{}
	d.calls = map[string]int{}
	d.queries = map[string][]string{}
	d.nextID = 1000
	d.clock = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	if s.opts.digital.pageSize <= 0 {
		s.opts.digital.pageSize = 25
	}
	if !s.opts.digital.noSeed {
		d.seed(demoDigitalTenant())
	}
	if lt := s.opts.digital.large; lt != nil {
		d.seed(lt.build())
	}
	d.seed(s.opts.digital.customers)

	route := func(pattern string, h func(w http.ResponseWriter, r *http.Request)) {
		s.handleAPI(pattern, func(w http.ResponseWriter, r *http.Request) {
			d.mu.Lock()
			d.calls[pattern]++
			if q := d.queries[pattern]; len(q) >= maxRecordedQueries {
				d.queries[pattern] = q[1:]
			}
			d.queries[pattern] = append(d.queries[pattern], r.URL.RawQuery)
			d.mu.Unlock()
			h(w, r)
		})
	}
	const base = "/dfo/3.0"
	route("GET "+base+"/tags", s.dfoListTags)
	route("PUT "+base+"/tags", s.dfoCreateTag)
	route("GET "+base+"/messages", s.dfoSearchMessages)
	route("GET "+base+"/messages/{id}", s.dfoGetMessage)
	route("PUT "+base+"/messages/{id}/tags/{tagId}", s.dfoMessageTag)
	route("DELETE "+base+"/messages/{id}/tags/{tagId}", s.dfoMessageTag)
	route("POST "+base+"/messages/{id}/content-removal", s.dfoRemoval)
	route("POST "+base+"/messages/{id}/author-name-removal", s.dfoRemoval)
	route("GET "+base+"/customers", s.dfoSearchCustomers)
	route("GET "+base+"/customers/{id}", s.dfoGetCustomer)
	route("GET "+base+"/contacts", s.dfoSearchContacts)
	route("GET "+base+"/contacts/{id}", s.dfoGetContact)
	route("GET "+base+"/contacts/{id}/messages", s.dfoContactMessages)
}

const maxRecordedQueries = 100

// DigitalRawQueries returns the raw (still encoded) query strings of the last
// requests (up to 100) to a DFO route pattern such as "GET /dfo/3.0/customers",
// oldest first, so tests can check what went over the wire.
func (s *Server) DigitalRawQueries(pattern string) []string {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.queries[pattern])
}

// dfoError is DFO's error body.
type dfoError struct {
	Field      string            `json:"field"`
	Message    string            `json:"message"`
	Parameters map[string]string `json:"parameters"`
	ErrorCode  string            `json:"errorCode"`
}

func (d *digitalState) writeErr(w http.ResponseWriter, status int, code, field, msg string) {
	d.nextID++
	writeJSON(w, status, map[string]any{
		"errors": []dfoError{{Field: field, Message: msg, Parameters: map[string]string{}, ErrorCode: code}},
		"uid":    fmt.Sprintf("sim-%08d", d.nextID),
	})
}

// --- paging -----------------------------------------------------------------

func encodeScroll(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("off:" + strconv.Itoa(off)))
}

func decodeScroll(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "off:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(b), "off:") {
		return 0, false
	}
	return n, true
}

// writeScroll writes one scrollToken page of items.
func writeScroll[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T) {
	d := s.dfo()
	off, ok := decodeScroll(r.URL.Query().Get("scrollToken"))
	if !ok {
		d.writeErr(w, http.StatusBadRequest, "InvalidScrollToken", "scrollToken", "scrollToken is not valid")
		return
	}
	size := s.opts.digital.pageSize
	end := min(off+size, len(items))
	page := []T{}
	if off < len(items) {
		page = items[off:end]
	}
	tok := ""
	if end < len(items) {
		tok = encodeScroll(end)
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": len(items), "scrollToken": tok, "data": page})
}

// writePage writes one page/size page of items.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, items []T) {
	d := s.dfo()
	q := r.URL.Query()
	page, size := 1, s.opts.digital.pageSize
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			d.writeErr(w, http.StatusBadRequest, "InvalidParameter", "page", "page must be a positive integer")
			return
		}
		page = n
	}
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			d.writeErr(w, http.StatusBadRequest, "InvalidParameter", "size", "size must be between 1 and 100")
			return
		}
		size = n
	}
	off := (page - 1) * size
	data := []T{}
	if off < len(items) {
		data = items[off:min(off+size, len(items))]
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": len(items), "data": data})
}

// --- tags -------------------------------------------------------------------

func (s *Server) dfoListTags(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	nc := strings.ToLower(r.URL.Query().Get("nameContains"))
	var out []dfoTag
	for _, t := range d.tags {
		if nc == "" || strings.Contains(strings.ToLower(t.Title), nc) {
			out = append(out, *t)
		}
	}
	writePage(s, w, r, out)
}

func (s *Server) dfoCreateTag(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	var body struct {
		Title *string `json:"title"`
		Color string  `json:"color"`
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		d.writeErr(w, http.StatusBadRequest, "InvalidBody", "", "request body is not valid JSON")
		return
	}
	if body.Title == nil || strings.TrimSpace(*body.Title) == "" {
		d.writeErr(w, http.StatusBadRequest, "NotBlank", "title", "title must not be blank")
		return
	}
	if len(*body.Title) > 255 {
		d.writeErr(w, http.StatusBadRequest, "Length", "title", "title must be at most 255 characters")
		return
	}
	if body.Color == "" {
		body.Color = digitalTagColors[0]
	}
	if !slices.Contains(digitalTagColors, strings.ToUpper(body.Color)) {
		d.writeErr(w, http.StatusBadRequest, "InvalidChoice", "color", "color must be one of the tag palette")
		return
	}
	t := d.addTag(*body.Title, strings.ToUpper(body.Color))
	writeJSON(w, http.StatusOK, t)
}

func (d *digitalState) addTag(title, color string) dfoTag {
	t := &dfoTag{ID: len(d.tags) + 1, Title: title, Color: color}
	d.tags = append(d.tags, t)
	return *t
}

func (d *digitalState) tagByID(id int) *dfoTag {
	if id < 1 || id > len(d.tags) {
		return nil
	}
	return d.tags[id-1]
}

// --- messages ---------------------------------------------------------------

// view renders a message with its current tags.
func (d *digitalState) view(m *dfoMessage) dfoMessage {
	v := *m
	v.Tags = []dfoTag{}
	for _, id := range m.tagIDs {
		v.Tags = append(v.Tags, *d.tagByID(id))
	}
	if m.AuthorEndUserIdentity != nil {
		a := *m.AuthorEndUserIdentity
		v.AuthorEndUserIdentity = &a
	}
	if m.AuthorUser != nil {
		a := *m.AuthorUser
		v.AuthorUser = &a
	}
	v.MessageContent.Payload = maps.Clone(m.MessageContent.Payload)
	return v
}

func (d *digitalState) viewCase(c *dfoCase) dfoCase {
	v := *c
	seen := map[int]bool{}
	v.Tags = []dfoTag{}
	for _, m := range c.messages {
		for _, id := range m.tagIDs {
			if !seen[id] {
				seen[id] = true
				v.Tags = append(v.Tags, *d.tagByID(id))
			}
		}
	}
	slices.SortFunc(v.Tags, func(a, b dfoTag) int { return a.ID - b.ID })
	return v
}

// tagIDs reads an array parameter of tag ids.
func (d *digitalState) tagIDsParam(w http.ResponseWriter, q url.Values, name string) ([]int, bool) {
	var ids []int
	for _, v := range q[name+"[]"] {
		n, err := strconv.Atoi(v)
		if err != nil {
			d.writeErr(w, http.StatusBadRequest, "InvalidParameter", name, name+" must hold tag ids")
			return nil, false
		}
		ids = append(ids, n)
	}
	return ids, true
}

func hasAny(have, want []int) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func equalFoldAny(v string, set []string) bool {
	for _, s := range set {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func (d *digitalState) checkSorting(w http.ResponseWriter, q url.Values) (desc, ok bool) {
	if v := q.Get("sorting"); v != "" && v != "createdAt" {
		d.writeErr(w, http.StatusBadRequest, "InvalidChoice", "sorting", "sorting must be createdAt")
		return false, false
	}
	switch q.Get("sortingType") {
	case "", "asc":
		return false, true
	case "desc":
		return true, true
	}
	d.writeErr(w, http.StatusBadRequest, "InvalidChoice", "sortingType", "sortingType must be asc or desc")
	return false, false
}

func (s *Server) dfoSearchMessages(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	q := r.URL.Query()
	d.mu.Lock()
	defer d.mu.Unlock()
	tags, ok := d.tagIDsParam(w, q, "tag")
	if !ok {
		return
	}
	excl, ok := d.tagIDsParam(w, q, "excludeTag")
	if !ok {
		return
	}
	dir := q.Get("direction")
	if dir != "" && dir != "inbound" && dir != "outbound" {
		d.writeErr(w, http.StatusBadRequest, "InvalidChoice", "direction", "direction must be inbound or outbound")
		return
	}
	desc, ok := d.checkSorting(w, q)
	if !ok {
		return
	}
	authors, channels, cn := q["authorIdOnExternalPlatform[]"], q["channel[]"], q.Get("contactNumber")
	var out []dfoMessage
	for _, c := range d.cases {
		if cn != "" && c.ID != cn {
			continue
		}
		for _, m := range c.messages {
			switch {
			case len(tags) > 0 && !hasAny(m.tagIDs, tags),
				hasAny(m.tagIDs, excl),
				dir != "" && m.Direction != dir,
				len(channels) > 0 && !slices.Contains(channels, m.ChannelID),
				len(authors) > 0 && (m.AuthorEndUserIdentity == nil || !equalFoldAny(m.AuthorEndUserIdentity.IDOnExternalPlatform, authors)):
				continue
			}
			out = append(out, d.view(m))
		}
	}
	sortByCreated(out, func(m dfoMessage) time.Time { return m.CreatedAt }, desc)
	writeScroll(s, w, r, out)
}

func sortByCreated[T any](items []T, at func(T) time.Time, desc bool) {
	slices.SortStableFunc(items, func(a, b T) int {
		c := at(a).Compare(at(b))
		if desc {
			return -c
		}
		return c
	})
}

// byPathID is the entry of byID named by the path's id, or nil after a 404
// answer saying which kind of thing (what) was not found.
func byPathID[T any](d *digitalState, w http.ResponseWriter, r *http.Request, byID map[string]*T, what string) *T {
	v := byID[r.PathValue("id")]
	if v == nil {
		d.writeErr(w, http.StatusNotFound, "NotFound", "id", what+" not found")
	}
	return v
}

func (d *digitalState) message(w http.ResponseWriter, r *http.Request) *dfoMessage {
	return byPathID(d, w, r, d.msgByID, "message")
}

func (s *Server) dfoGetMessage(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	if m := d.message(w, r); m != nil {
		writeJSON(w, http.StatusOK, d.view(m))
	}
}

func (s *Server) dfoMessageTag(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.message(w, r)
	if m == nil {
		return
	}
	id, err := strconv.Atoi(r.PathValue("tagId"))
	if err != nil || d.tagByID(id) == nil {
		d.writeErr(w, http.StatusNotFound, "NotFound", "tagId", "tag not found")
		return
	}
	if r.Method == http.MethodPut {
		if !slices.Contains(m.tagIDs, id) {
			m.tagIDs = append(m.tagIDs, id)
		}
	} else {
		m.tagIDs = slices.DeleteFunc(m.tagIDs, func(t int) bool { return t == id })
	}
	writeJSON(w, http.StatusOK, d.view(m))
}

func (s *Server) dfoRemoval(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	var body struct {
		Reason string `json:"reason"`
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.message(w, r)
	if m == nil {
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		d.writeErr(w, http.StatusBadRequest, "InvalidBody", "", "request body is not valid JSON")
		return
	}
	switch body.Reason {
	case "GDPR", "TTL", "other":
	default:
		d.writeErr(w, http.StatusBadRequest, "InvalidChoice", "reason", "reason must be one of GDPR, TTL, other")
		return
	}
	rm := &dfoRemoval{Reason: body.Reason, RemovedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if strings.HasSuffix(r.URL.Path, "/content-removal") {
		if m.ContentRemoved != nil {
			d.writeErr(w, http.StatusConflict, "AlreadyRemoved", "id", "message content is already removed")
			return
		}
		m.ContentRemoved = rm
		m.MessageContent.Payload = map[string]any{"text": ""}
	} else {
		if m.AuthorNameRemoved != nil {
			d.writeErr(w, http.StatusConflict, "AlreadyRemoved", "id", "message author name is already removed")
			return
		}
		m.AuthorNameRemoved = rm
		if a := m.AuthorEndUserIdentity; a != nil {
			a.FirstName, a.LastName, a.Nickname = "", "", ""
		}
		if a := m.AuthorUser; a != nil {
			a.FirstName, a.LastName = "", ""
		}
	}
	writeJSON(w, http.StatusOK, d.view(m))
}

// --- customers --------------------------------------------------------------

func (s *Server) dfoSearchCustomers(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	var match func(*dfoCustomer) bool = func(*dfoCustomer) bool { return true }
	if qs := r.URL.Query().Get("query"); qs != "" {
		conds, err := parseDFOQuery(qs)
		if err != nil {
			d.writeErr(w, http.StatusBadRequest, "InvalidQuery", "query", err.Error())
			return
		}
		match = func(c *dfoCustomer) bool { return conds.match(c) }
	}
	var out []dfoCustomer
	for _, c := range d.customers {
		if match(c) {
			out = append(out, *c)
		}
	}
	writePage(s, w, r, out)
}

func (s *Server) dfoGetCustomer(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := byPathID(d, w, r, d.custByID, "customer"); c != nil {
		writeJSON(w, http.StatusOK, c)
	}
}

// --- contacts (cases) -------------------------------------------------------

func (s *Server) dfoSearchContacts(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	q := r.URL.Query()
	d.mu.Lock()
	defer d.mu.Unlock()
	tags, ok := d.tagIDsParam(w, q, "tag")
	if !ok {
		return
	}
	desc, ok := d.checkSorting(w, q)
	if !ok {
		return
	}
	statuses := q["status[]"]
	for _, st := range statuses {
		if !slices.Contains([]string{"new", "open", "pending", "escalated", "resolved", "closed", "trashed"}, st) {
			d.writeErr(w, http.StatusBadRequest, "InvalidChoice", "status", "status must be a case status")
			return
		}
	}
	cust, endUsers := q.Get("customerId"), q["endUserIdOnExternalPlatform[]"]
	var out []dfoCase
	for _, c := range d.cases {
		v := d.viewCase(c)
		var ids []int
		for _, t := range v.Tags {
			ids = append(ids, t.ID)
		}
		switch {
		case cust != "" && c.CustomerID != cust,
			len(endUsers) > 0 && !equalFoldAny(c.EndUserIdentity.IDOnExternalPlatform, endUsers),
			len(statuses) > 0 && !slices.Contains(statuses, c.Status),
			len(tags) > 0 && !hasAny(ids, tags):
			continue
		}
		out = append(out, v)
	}
	sortByCreated(out, func(c dfoCase) time.Time { return c.CreatedAt }, desc)
	writeScroll(s, w, r, out)
}

func (d *digitalState) contact(w http.ResponseWriter, r *http.Request) *dfoCase {
	return byPathID(d, w, r, d.caseByID, "contact")
}

func (s *Server) dfoGetContact(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.contact(w, r); c != nil {
		writeJSON(w, http.StatusOK, d.viewCase(c))
	}
}

func (s *Server) dfoContactMessages(w http.ResponseWriter, r *http.Request) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.contact(w, r)
	if c == nil {
		return
	}
	out := make([]dfoMessage, 0, len(c.messages))
	for _, m := range c.messages {
		out = append(out, d.view(m))
	}
	writeScroll(s, w, r, out)
}

package cxonetest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DigitalCustomer seeds one DFO customer card with its cases. All data must
// be fictional.
type DigitalCustomer struct {
	FullName string
	// NoCard seeds the cases without a customer card: only the end-user id
	// (contacts search by endUserIdOnExternalPlatform[]) and the message
	// author reach them.
	NoCard     bool
	Identities []DigitalIdentity
	Cases      []DigitalCase
}

// DigitalIdentity is a customer's identity on one channel: an email address,
// a phone number, a chat visitor id.
type DigitalIdentity struct {
	Channel   string // channel id: "email", "whatsapp", "sms", "chat", …
	ID        string // idOnExternalPlatform
	FirstName string
	LastName  string
}

// DigitalCase is one case (interaction). Its end user is the customer's
// identity on the case's channel (the first identity if none matches).
type DigitalCase struct {
	Channel  string
	Status   string // default "closed"
	Messages []DigitalMessage
}

// DigitalMessage is one message of a case. Inbound messages are authored by
// the case's end user, outbound ones by an agent.
type DigitalMessage struct {
	Direction string // "inbound" or "outbound"
	Text      string
	// AuthorID, for an inbound message, is its author's idOnExternalPlatform
	// when that is not the case's end user (a guest in a group
	// conversation, say). The author has no customer card.
	AuthorID string
}

// Identifiers of the demo DFO tenant (all fictional). Each has history on
// several cases of inbound and outbound messages.
const (
	DemoDigitalEmailAna   = "ana.silva@example.com"    // 5 cases: email and WhatsApp (with DemoDigitalPhoneAna)
	DemoDigitalEmailBen   = "ben.okafor@example.com"   // 30 cases: more than one contact-history page
	DemoDigitalEmailChloe = "chloe.martin@example.com" // 4 cases: email and SMS (with DemoDigitalPhoneChloe)
	DemoDigitalEmailDev   = "dev.patel@example.com"    // 3 cases: email and SMS (with DemoDigitalPhoneDev)
	DemoDigitalEmailEva   = "eva.novak@example.com"    // 2 cases: email and chat
	DemoDigitalEmailPlus  = "ana+gdpr@example.com"     // 2 cases: a '+' that must survive URL encoding
	DemoDigitalPhoneAna   = "+447700900123"
	DemoDigitalPhoneChloe = "+447700900456"
	DemoDigitalPhoneDev   = "+12025550143"
	// DemoDigitalPhoneEndUserOnly has 2 WhatsApp cases and no customer card:
	// only the end-user id and message-author routes reach them.
	DemoDigitalPhoneEndUserOnly = "+12025550178"
	// DemoDigitalEmailOther and DemoDigitalPhoneOther belong to customers
	// outside the demo subject list, whose data must stay untouched.
	DemoDigitalEmailOther = "gus.lee@example.com"
	DemoDigitalPhoneOther = "+447700900789"
)

// DemoDigitalSubjects lists the identifiers of the demo tenant that have DFO
// history and belong to the demo subject list (not the "other" customers).
func DemoDigitalSubjects() []string {
	return []string{DemoDigitalEmailAna, DemoDigitalEmailBen, DemoDigitalEmailChloe, DemoDigitalEmailDev,
		DemoDigitalEmailEva, DemoDigitalEmailPlus, DemoDigitalPhoneAna, DemoDigitalPhoneChloe,
		DemoDigitalPhoneDev, DemoDigitalPhoneEndUserOnly}
}

var demoTexts = []string{
	"Hello, my order has not arrived yet.",
	"Thanks for reaching out, let me check that for you.",
	"It was due last Tuesday.",
	"I can see it now, it ships tomorrow.",
	"Can I change my delivery address?",
	"Of course, what is the new address?",
}

// demoCases builds n cases on channel, each with in/out/in messages.
func demoCases(channel string, n int) []DigitalCase {
	out := make([]DigitalCase, n)
	for i := range out {
		k := i % 3
		out[i] = DigitalCase{Channel: channel, Messages: []DigitalMessage{
			{Direction: "inbound", Text: demoTexts[2*k]},
			{Direction: "outbound", Text: demoTexts[2*k+1]},
			{Direction: "inbound", Text: "Thank you."},
		}}
	}
	return out
}

func demoDigitalTenant() []DigitalCustomer {
	return []DigitalCustomer{
		{FullName: "Ana Silva", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailAna, FirstName: "Ana", LastName: "Silva"},
			{Channel: "whatsapp", ID: DemoDigitalPhoneAna, FirstName: "Ana", LastName: "Silva"},
		}, Cases: append(demoCases("email", 3), demoCases("whatsapp", 2)...)},
		{FullName: "Ben Okafor", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailBen, FirstName: "Ben", LastName: "Okafor"},
		}, Cases: demoCases("email", 30)},
		{FullName: "Chloe Martin", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailChloe, FirstName: "Chloe", LastName: "Martin"},
			{Channel: "sms", ID: DemoDigitalPhoneChloe, FirstName: "Chloe", LastName: "Martin"},
		}, Cases: append(demoCases("email", 2), demoCases("sms", 2)...)},
		{FullName: "Dev Patel", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailDev, FirstName: "Dev", LastName: "Patel"},
			{Channel: "sms", ID: DemoDigitalPhoneDev, FirstName: "Dev", LastName: "Patel"},
		}, Cases: append(demoCases("email", 2), demoCases("sms", 1)...)},
		{FullName: "Eva Novak", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailEva, FirstName: "Eva", LastName: "Novak"},
			{Channel: "chat", ID: "chat-visitor-7f3a", FirstName: "Eva", LastName: ""},
		}, Cases: append(demoCases("email", 1), demoCases("chat", 1)...)},
		{FullName: "Ana S.", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailPlus, FirstName: "Ana", LastName: "S."},
		}, Cases: demoCases("email", 2)},
		{NoCard: true, Identities: []DigitalIdentity{
			{Channel: "whatsapp", ID: DemoDigitalPhoneEndUserOnly, FirstName: "Sam", LastName: "Reed"},
		}, Cases: demoCases("whatsapp", 2)},
		{FullName: "Gus Lee", Identities: []DigitalIdentity{
			{Channel: "email", ID: DemoDigitalEmailOther, FirstName: "Gus", LastName: "Lee"},
		}, Cases: demoCases("email", 3)},
		{FullName: "Hana Kim", Identities: []DigitalIdentity{
			{Channel: "sms", ID: DemoDigitalPhoneOther, FirstName: "Hana", LastName: "Kim"},
		}, Cases: demoCases("sms", 2)},
	}
}

type largeTenant struct{ customers, cases int }

// WithDigitalLargeTenant adds a generated tenant of n customers with cases
// cases each (email identity LargeTenantEmail(i), 3 messages a case), for
// measuring call counts at scale.
func WithDigitalLargeTenant(n, cases int) Option {
	return func(o *options) { o.digital.large = &largeTenant{customers: n, cases: cases} }
}

// LargeTenantEmail is the email identity of customer i (0-based) of
// [WithDigitalLargeTenant].
func LargeTenantEmail(i int) string { return fmt.Sprintf("customer%05d@example.com", i) }

func (lt *largeTenant) build() []DigitalCustomer {
	out := make([]DigitalCustomer, lt.customers)
	for i := range out {
		out[i] = DigitalCustomer{FullName: fmt.Sprintf("Customer %05d", i), Identities: []DigitalIdentity{
			{Channel: "email", ID: LargeTenantEmail(i), FirstName: "Customer", LastName: strconv.Itoa(i)},
		}, Cases: demoCases("email", lt.cases)}
	}
	return out
}

// SeedDigital adds customers and their cases to the running simulator and
// returns the customer ids ("" for a NoCard customer).
func (s *Server) SeedDigital(cs ...DigitalCustomer) []string {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seed(cs)
}

func (d *digitalState) newID() int { d.nextID++; return d.nextID }

func (d *digitalState) seed(cs []DigitalCustomer) []string {
	var ids []string
	for _, c := range cs {
		cust := &dfoCustomer{FullName: c.FullName}
		if !c.NoCard {
			cust.ID = fmt.Sprintf("c0a1e5d2-0000-4000-8000-%012d", d.newID())
		}
		for _, id := range c.Identities {
			cust.Identities = append(cust.Identities, dfoIdentity{ID: fmt.Sprintf("ident-%d", d.newID()),
				IDOnExternalPlatform: id.ID, FirstName: id.FirstName, LastName: id.LastName})
		}
		ids = append(ids, cust.ID)
		if !c.NoCard {
			d.customers = append(d.customers, cust)
			d.custByID[cust.ID] = cust
		}
		for _, cs := range c.Cases {
			var eu dfoIdentity
			if len(cust.Identities) > 0 {
				eu = cust.Identities[0]
			}
			for i, id := range c.Identities {
				if id.Channel == cs.Channel {
					eu = cust.Identities[i]
					break
				}
			}
			d.clock = d.clock.Add(time.Hour)
			n := strconv.Itoa(d.newID())
			cas := &dfoCase{ID: n, ThreadID: "thread-" + n, ChannelID: cs.Channel, Status: cs.Status,
				CreatedAt: d.clock, CustomerID: cust.ID, EndUserIdentity: eu}
			if cas.Status == "" {
				cas.Status = "closed"
			}
			for j, m := range cs.Messages {
				msg := &dfoMessage{ID: fmt.Sprintf("msg-%08d", d.newID()), ThreadID: cas.ThreadID, ContactNumber: n,
					ChannelID: cs.Channel, Direction: m.Direction, CreatedAt: d.clock.Add(time.Duration(j) * time.Minute),
					MessageContent: dfoContent{Type: "TEXT", Payload: map[string]any{"text": m.Text}}, tagIDs: []int{}}
				if m.Direction == "inbound" {
					a := eu
					a.ID = ""
					if m.AuthorID != "" {
						a = dfoIdentity{IDOnExternalPlatform: m.AuthorID, FirstName: "Guest"}
					}
					msg.AuthorEndUserIdentity = &a
				} else {
					msg.AuthorUser = &dfoUser{ID: "agent-4711", FirstName: "Alex", LastName: "Agent"}
				}
				cas.messages = append(cas.messages, msg)
				d.msgByID[msg.ID] = msg
			}
			d.cases = append(d.cases, cas)
			d.caseByID[n] = cas
		}
	}
	return ids
}

// DigitalMessageState is what a test sees of one simulated DFO message.
type DigitalMessageState struct {
	ID, ContactNumber, Channel, Direction string
	AuthorID                              string // idOnExternalPlatform of an inbound message's author
	AuthorName                            string // first and last name of the author, "" once removed
	Text                                  string
	Tags                                  []string // titles
	ContentRemovedReason                  string   // "" while not removed
	AuthorNameRemovedReason               string
}

func (d *digitalState) state(m *dfoMessage) DigitalMessageState {
	st := DigitalMessageState{ID: m.ID, ContactNumber: m.ContactNumber, Channel: m.ChannelID, Direction: m.Direction, Tags: []string{}}
	if a := m.AuthorEndUserIdentity; a != nil {
		st.AuthorID = a.IDOnExternalPlatform
		st.AuthorName = strings.TrimSpace(a.FirstName + " " + a.LastName)
	}
	if a := m.AuthorUser; a != nil {
		st.AuthorName = strings.TrimSpace(a.FirstName + " " + a.LastName)
	}
	st.Text, _ = m.MessageContent.Payload["text"].(string)
	for _, id := range m.tagIDs {
		st.Tags = append(st.Tags, d.tagByID(id).Title)
	}
	if m.ContentRemoved != nil {
		st.ContentRemovedReason = m.ContentRemoved.Reason
	}
	if m.AuthorNameRemoved != nil {
		st.AuthorNameRemovedReason = m.AuthorNameRemoved.Reason
	}
	return st
}

// DigitalMessage returns one message's current state.
func (s *Server) DigitalMessage(id string) (DigitalMessageState, bool) {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.msgByID[id]
	if m == nil {
		return DigitalMessageState{}, false
	}
	return d.state(m), true
}

// DigitalMessages returns every message, case by case in creation order.
func (s *Server) DigitalMessages() []DigitalMessageState {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []DigitalMessageState
	for _, c := range d.cases {
		for _, m := range c.messages {
			out = append(out, d.state(m))
		}
	}
	return out
}

// DigitalCases returns the contact numbers of the cases that belong to an
// identifier: its end user is the identifier, or its customer card holds it.
func (s *Server) DigitalCases(identifier string) []string {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, c := range d.cases {
		match := strings.EqualFold(c.EndUserIdentity.IDOnExternalPlatform, identifier)
		if cu := d.custByID[c.CustomerID]; cu != nil {
			for _, id := range cu.Identities {
				match = match || strings.EqualFold(id.IDOnExternalPlatform, identifier)
			}
		}
		if match {
			out = append(out, c.ID)
		}
	}
	return out
}

// DigitalTag is a tag as the simulator holds it.
type DigitalTag struct {
	ID    int
	Title string
	Color string
}

// DigitalTags returns every tag in creation order.
func (s *Server) DigitalTags() []DigitalTag {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]DigitalTag, 0, len(d.tags))
	for _, t := range d.tags {
		out = append(out, DigitalTag(*t))
	}
	return out
}

// DigitalTagCount counts the tags whose title equals title, ignoring case.
func (s *Server) DigitalTagCount(title string) int {
	n := 0
	for _, t := range s.DigitalTags() {
		if strings.EqualFold(t.Title, title) {
			n++
		}
	}
	return n
}

// AddDigitalTag creates a tag directly (no API call) and returns its id; use
// it to set up tenants with many tags. An empty color means the first one of
// the palette.
func (s *Server) AddDigitalTag(title, color string) int {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	if color == "" {
		color = digitalTagColors[0]
	}
	return d.addTag(title, color).ID
}

// DigitalCalls returns how many DFO requests each route pattern received
// (for example "GET /dfo/3.0/messages").
func (s *Server) DigitalCalls() map[string]int {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.calls))
	for k, v := range d.calls {
		out[k] = v
	}
	return out
}

// DigitalCallTotal is the sum of [Server.DigitalCalls].
func (s *Server) DigitalCallTotal() int {
	n := 0
	for _, v := range s.DigitalCalls() {
		n += v
	}
	return n
}

// ResetDigitalCalls sets the DFO request counters back to zero.
func (s *Server) ResetDigitalCalls() {
	d := s.dfo()
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.calls)
}

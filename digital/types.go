package digital

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// ContactNumber identifies a case (contact, interaction). DFO shows it as a
// number or a string depending on the endpoint; both decode.
type ContactNumber string

// UnmarshalJSON accepts a JSON string or number.
func (n *ContactNumber) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*n = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = ContactNumber(s)
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(b, &num); err != nil {
		return errors.New("digital: contact number is neither a string nor a number")
	}
	*n = ContactNumber(num.String())
	return nil
}

// Color is a tag colour; DFO accepts only the palette below.
type Color string

// The tag palette DFO accepts [spec].
const (
	ColorGreen  Color = "#289D29"
	ColorRed    Color = "#E11616"
	ColorYellow Color = "#FFC20A"
	ColorBlue   Color = "#2E8FCE"
	ColorBrown  Color = "#982910"
	ColorPink   Color = "#DF23E6"
	ColorPurple Color = "#85289D"
	ColorGrey   Color = "#ADADAD"
	ColorCyan   Color = "#1DD6D4"
	ColorOlive  Color = "#9D7D28"
)

// Colors returns the palette in DFO's order.
func Colors() []Color {
	return []Color{ColorGreen, ColorRed, ColorYellow, ColorBlue, ColorBrown, ColorPink, ColorPurple, ColorGrey, ColorCyan, ColorOlive}
}

// Valid reports whether c is in the palette (case-insensitive).
func (c Color) Valid() bool {
	return slices.Contains(Colors(), Color(strings.ToUpper(string(c))))
}

// Tag is a DFO tag.
type Tag struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	Color Color  `json:"color"`
}

// Reason is why content or an author name is removed.
type Reason string

// The removal reasons DFO accepts.
const (
	ReasonGDPR  Reason = "GDPR"
	ReasonTTL   Reason = "TTL"
	ReasonOther Reason = "other"
)

// Valid reports whether r is one of the reasons DFO accepts.
func (r Reason) Valid() bool { return r == ReasonGDPR || r == ReasonTTL || r == ReasonOther }

// Direction is a message's direction.
type Direction string

// Message directions.
const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
)

// Identity is an end user's identity on one channel.
type Identity struct {
	ID                   string `json:"id,omitempty"`
	IDOnExternalPlatform string `json:"idOnExternalPlatform"`
	FirstName            string `json:"firstName,omitempty"`
	LastName             string `json:"lastName,omitempty"`
	Nickname             string `json:"nickname,omitempty"`
}

// Customer is a customer card.
type Customer struct {
	ID         string     `json:"id"`
	FullName   string     `json:"fullName"`
	Identities []Identity `json:"identities"`
}

// Removal records that content or an author name was removed.
type Removal struct {
	Reason    Reason    `json:"reason"`
	RemovedAt time.Time `json:"removedAt"`
}

// User is an agent who authored an outbound message.
type User struct {
	ID        string `json:"id"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// MessageContent is a message's content; the payload's shape depends on Type.
type MessageContent struct {
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Message is one message of a case.
type Message struct {
	ID                    string         `json:"id"`
	ThreadID              string         `json:"threadId"`
	ContactNumber         ContactNumber  `json:"contactNumber"`
	ChannelID             string         `json:"channelId"`
	Direction             Direction      `json:"direction"`
	CreatedAt             time.Time      `json:"createdAt"`
	AuthorEndUserIdentity *Identity      `json:"authorEndUserIdentity,omitempty"`
	AuthorUser            *User          `json:"authorUser,omitempty"`
	MessageContent        MessageContent `json:"messageContent"`
	Tags                  []Tag          `json:"tags"`
	ContentRemoved        *Removal       `json:"contentRemoved,omitempty"`
	AuthorNameRemoved     *Removal       `json:"authorNameRemoved,omitempty"`
}

// HasTag reports whether the message carries the tag with this id.
func (m *Message) HasTag(id int) bool { return hasTag(m.Tags, id) }

// AuthorID is the idOnExternalPlatform of the end user who wrote the message
// ("" for an agent's message).
func (m *Message) AuthorID() string {
	if m.AuthorEndUserIdentity == nil {
		return ""
	}
	return m.AuthorEndUserIdentity.IDOnExternalPlatform
}

// Erased reports whether both the content and the author name are removed.
func (m *Message) Erased() bool { return m.ContentRemoved != nil && m.AuthorNameRemoved != nil }

// Contact is a case (an interaction). DFO calls cases contacts in its API.
type Contact struct {
	ID              ContactNumber `json:"id"`
	ThreadID        string        `json:"threadId"`
	ChannelID       string        `json:"channelId"`
	Status          string        `json:"status"`
	CreatedAt       time.Time     `json:"createdAt"`
	CustomerID      string        `json:"customerId,omitempty"`
	EndUserIdentity *Identity     `json:"endUserIdentity,omitempty"`
	Tags            []Tag         `json:"tags"`
}

// HasTag reports whether the case carries the tag with this id.
func (c *Contact) HasTag(id int) bool { return hasTag(c.Tags, id) }

func hasTag(tags []Tag, id int) bool {
	for _, t := range tags {
		if t.ID == id {
			return true
		}
	}
	return false
}

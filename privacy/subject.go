// Package privacy carries out the platform half of a CXone GDPR erasure.
package privacy

// CONTRACT SKELETON (to be implemented by the subject/csvbulk work). Keep the
// exported names and signatures; the Batch, csvbulk and examples build on them.

import (
	"fmt"
	"strings"
)

// IdentifierType is the kind of subject identifier. It is string-typed for
// forward compatibility; the zero value is [Unknown].
type IdentifierType string

const (
	Unknown IdentifierType = ""
	Email   IdentifierType = "Email"
	Phone   IdentifierType = "Phone"
	User    IdentifierType = "User"
)

// Wire is the value the erasure API expects: EMAIL, PHONENO or USER.
func (t IdentifierType) Wire() string {
	switch t {
	case Email:
		return "EMAIL"
	case Phone:
		return "PHONENO"
	case User:
		return "USER"
	}
	return ""
}

// Subject is one normalised data-subject identifier.
type Subject struct {
	Type  IdentifierType
	Value string // normalised value, the one sent to CXone
}

// Key is the comparison key: two subjects with equal keys are the same person.
func (s Subject) Key() string { return string(s.Type) + ":" + strings.ToLower(s.Value) }

// String never shows the value.
func (s Subject) String() string { return string(s.Type) + ":<redacted>" }

// Reason is a stable, machine-readable reason code.
type Reason string

const (
	ReasonUnknownIdentifierType   Reason = "unknown_identifier_type"
	ReasonMissingIdentifier       Reason = "missing_identifier"
	ReasonInvalidEmail            Reason = "invalid_email"
	ReasonInvalidPhone            Reason = "invalid_phone"
	ReasonPhoneScientificNotation Reason = "phone_scientific_notation"
	ReasonSpreadsheetArtifact     Reason = "spreadsheet_artifact"
	ReasonMultipleIdentifiers     Reason = "multiple_identifiers"
	ReasonIdentifierTypeMismatch  Reason = "identifier_type_mismatch"
)

// ParseError is why a raw identifier was rejected. Its message never holds the value.
type ParseError struct {
	Reason Reason
	Field  string // "Identifier Type" or "Subject Identifier"
	Msg    string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s: %s (%s)", e.Field, e.Msg, e.Reason) }

// ParseOption configures [ParseSubject].
type ParseOption func(*parseConfig)

type parseConfig struct{ region string }

// WithDefaultRegion lets phone numbers without + be read in that region (ISO 3166 code, e.g. "GB").
func WithDefaultRegion(cc string) ParseOption { return func(c *parseConfig) { c.region = cc } }

// ParseIdentifierType reads a template word (Email, Phone, User; any case).
func ParseIdentifierType(word string) (IdentifierType, error) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "email":
		return Email, nil
	case "phone":
		return Phone, nil
	case "user":
		return User, nil
	}
	return Unknown, &ParseError{Reason: ReasonUnknownIdentifierType, Field: "Identifier Type", Msg: "must be one of Email, Phone, User"}
}

// ParseSubject validates and normalises one identifier of the given template type word.
func ParseSubject(typeWord, raw string, opts ...ParseOption) (Subject, error) {
	t, err := ParseIdentifierType(typeWord)
	if err != nil {
		return Subject{}, err
	}
	return NewSubject(t, raw, opts...)
}

// NewSubject validates and normalises raw as an identifier of type t.
func NewSubject(t IdentifierType, raw string, opts ...ParseOption) (Subject, error) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return Subject{}, &ParseError{Reason: ReasonMissingIdentifier, Field: "Subject Identifier", Msg: "is empty"}
	}
	return Subject{Type: t, Value: v}, nil
}

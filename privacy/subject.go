package privacy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/net/idna"
)

// IdentifierType is the kind of subject identifier. It is string-typed for
// forward compatibility; the zero value is [Unknown].
type IdentifierType string

// The identifier types of the bulk template. Their string values are the
// words the template uses; [IdentifierType.Wire] gives the API's words.
const (
	Unknown IdentifierType = ""
	Email   IdentifierType = "Email"
	Phone   IdentifierType = "Phone"
	User    IdentifierType = "User"
)

// Column names of the bulk template, also used as [ParseError.Field].
const (
	FieldIdentifierType    = "Identifier Type"
	FieldSubjectIdentifier = "Subject Identifier"
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

// Subject is one normalised data-subject identifier. Build it with
// [ParseSubject] or [NewSubject] so that Value is in the normal form
// described there; a hand-built Subject is sent as is.
type Subject struct {
	Type  IdentifierType
	Value string // normalised value, the one sent to CXone
}

// Key is the comparison key: two subjects with equal keys are the same person.
// It lower-cases the whole value, so e-mail local parts and usernames compare
// case-insensitively (the way mail providers and CXone treat them in
// practice), while Value keeps the local part's case for the wire.
func (s Subject) Key() string { return string(s.Type) + ":" + strings.ToLower(s.Value) }

// String never shows the value, so a Subject can be logged or wrapped in an
// error without leaking personal data.
func (s Subject) String() string { return string(s.Type) + ":<redacted>" }

// Reason is a stable, machine-readable reason code. Callers switch on it; the
// human message lives in [ParseError.Msg].
type Reason string

// Reason codes of rejected identifiers. The values are stable and appear in
// result reports.
const (
	// ReasonUnknownIdentifierType: the type word is not Email, Phone or User.
	ReasonUnknownIdentifierType Reason = "unknown_identifier_type"
	// ReasonMissingIdentifier: the value is empty (after trimming).
	ReasonMissingIdentifier Reason = "missing_identifier"
	// ReasonInvalidEmail: not a usable e-mail address.
	ReasonInvalidEmail Reason = "invalid_email"
	// ReasonInvalidPhone: not a usable international phone number.
	ReasonInvalidPhone Reason = "invalid_phone"
	// ReasonInvalidUser: not a usable username (control characters, too long).
	ReasonInvalidUser Reason = "invalid_user"
	// ReasonPhoneScientificNotation: a spreadsheet turned a number into
	// scientific notation (4.47701E+11); the lost digits cannot be recovered.
	ReasonPhoneScientificNotation Reason = "phone_scientific_notation"
	// ReasonSpreadsheetArtifact: a formula (=…) or a spreadsheet error value
	// (#NAME?, #N/A, …) instead of an identifier.
	ReasonSpreadsheetArtifact Reason = "spreadsheet_artifact"
	// ReasonMultipleIdentifiers: several identifiers in one cell, separated by
	// a comma, semicolon or line break.
	ReasonMultipleIdentifiers Reason = "multiple_identifiers"
	// ReasonIdentifierTypeMismatch: the value plainly belongs to another type,
	// such as an e-mail address given as a username.
	ReasonIdentifierTypeMismatch Reason = "identifier_type_mismatch"
)

// ParseError is why a raw identifier was rejected. Its message never holds the
// value, so it is safe to log and to put in reports.
type ParseError struct {
	Reason Reason
	Field  string // "Identifier Type" or "Subject Identifier"
	Msg    string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s: %s (%s)", e.Field, e.Msg, e.Reason) }

// ParseOption configures [ParseSubject], [NewSubject] and [NewParser].
type ParseOption func(*parseConfig)

type parseConfig struct {
	region         string
	emailUsernames bool
}

// WithDefaultRegion lets phone numbers without + be read in that region (ISO
// 3166 code, e.g. "GB"). Without it such numbers are rejected: the SDK never
// guesses a country code. An unknown code makes those numbers fail with
// [ReasonInvalidPhone] ([NewParser] reports it up front).
func WithDefaultRegion(cc string) ParseOption {
	return func(c *parseConfig) { c.region = strings.ToUpper(strings.TrimSpace(cc)) }
}

// WithEmailUsernames accepts User identifiers that are shaped like e-mail
// addresses. Off by default, because in a bulk file such a row is far more
// often a contact filed under the wrong type; turn it on for tenants whose
// usernames are e-mail addresses.
func WithEmailUsernames() ParseOption {
	return func(c *parseConfig) { c.emailUsernames = true }
}

// Parser applies one set of [ParseOption]s to many identifiers without
// re-evaluating them per call; the bulk reader uses one per file. A Parser is
// immutable and safe for concurrent use.
type Parser struct{ cfg parseConfig }

// NewParser returns a Parser, checking the options: an unknown default region
// is an error here rather than a rejected phone number later.
func NewParser(opts ...ParseOption) (*Parser, error) {
	p := newParser(opts)
	if p.cfg.region != "" && !knownRegion(p.cfg.region) {
		return nil, fmt.Errorf("privacy: default region %q is not a known ISO 3166 region code", p.cfg.region)
	}
	return p, nil
}

func newParser(opts []ParseOption) *Parser {
	p := &Parser{}
	for _, o := range opts {
		if o != nil {
			o(&p.cfg)
		}
	}
	return p
}

func knownRegion(cc string) bool { return phonenumbers.GetCountryCodeForRegion(cc) != 0 }

var errUnknownType = &ParseError{Reason: ReasonUnknownIdentifierType, Field: FieldIdentifierType, Msg: "must be one of Email, Phone, User"}

// ParseIdentifierType reads a template word (Email, Phone, User; any case,
// surrounding spaces ignored). Anything else, such as "E-mail", is
// [ReasonUnknownIdentifierType].
func ParseIdentifierType(word string) (IdentifierType, error) {
	w := trim(word)
	switch {
	case strings.EqualFold(w, "email"):
		return Email, nil
	case strings.EqualFold(w, "phone"):
		return Phone, nil
	case strings.EqualFold(w, "user"):
		return User, nil
	case w == "":
		return Unknown, &ParseError{Reason: ReasonUnknownIdentifierType, Field: FieldIdentifierType, Msg: "is empty; must be one of Email, Phone, User"}
	}
	return Unknown, errUnknownType
}

// ParseSubject validates and normalises one identifier of the given template
// type word. See [NewSubject] for the rules.
func ParseSubject(typeWord, raw string, opts ...ParseOption) (Subject, error) {
	return newParser(opts).Parse(typeWord, raw)
}

// NewSubject validates and normalises raw as an identifier of type t.
//
// For every type, raw is trimmed of Unicode spaces and zero-width characters
// (U+200B–U+200D, U+2060, U+FEFF) at both ends, and rejected — never repaired
// — when it is empty, a spreadsheet formula or error value, a number in
// scientific notation, holds several identifiers, is not UTF-8, or has control
// or invisible formatting characters inside.
//
// Email: exactly one @; a dot-atom local part of at most 64 bytes (quoted
// local parts are not accepted; non-ASCII letters are); a domain with at least
// two labels. The value sent keeps the local part exactly as written (RFC 5321
// lets it be case-sensitive) and gives the domain lower-cased in its ASCII
// (IDNA A-label, "xn--") form, which every mail system and database can
// store; [Subject.Key] lower-cases the local part too.
//
// Phone: ASCII digits with the usual separators (spaces, dots, dashes,
// slashes, brackets), parsed with libphonenumber and sent as E.164 (+12025550143). A
// number needs a leading + unless [WithDefaultRegion] is given. The check is
// that the length is possible for the country, not that the number is
// assigned: libphonenumber's metadata lags numbering plans and marks the
// fictional ranges (+44 7700 900xxx) invalid, and a possible but unassigned
// number merely matches nobody at CXone.
//
// User: any text without control characters, up to 256 bytes, kept as
// written. A value shaped like an e-mail address or a phone number is
// [ReasonIdentifierTypeMismatch] (see [WithEmailUsernames]).
func NewSubject(t IdentifierType, raw string, opts ...ParseOption) (Subject, error) {
	return newParser(opts).New(t, raw)
}

// Parse is [ParseSubject] with the Parser's options.
func (p *Parser) Parse(typeWord, raw string) (Subject, error) {
	t, err := ParseIdentifierType(typeWord)
	if err != nil {
		return Subject{}, err
	}
	return p.New(t, raw)
}

// New is [NewSubject] with the Parser's options.
func (p *Parser) New(t IdentifierType, raw string) (Subject, error) {
	if t == Email {
		if v, ok := emailFast(raw); ok {
			return Subject{Type: Email, Value: v}, nil
		}
	}
	return p.newFull(t, raw)
}

// newFull is [Parser.New] without the e-mail fast path.
func (p *Parser) newFull(t IdentifierType, raw string) (Subject, error) {
	var invalid Reason
	switch t {
	case Email:
		invalid = ReasonInvalidEmail
	case Phone:
		invalid = ReasonInvalidPhone
	case User:
		invalid = ReasonInvalidUser
	default:
		return Subject{}, errUnknownType
	}
	v := trim(raw)
	if v == "" {
		return Subject{}, valueErr(ReasonMissingIdentifier, "is empty")
	}
	if !utf8.ValidString(v) {
		return Subject{}, valueErr(invalid, "is not valid UTF-8 text; save the file as CSV UTF-8 or Unicode text")
	}
	if err := checkArtifacts(t, v); err != nil {
		return Subject{}, err
	}
	switch sep, ctrl := scan(v); {
	case sep && countParts(v) > 1:
		return Subject{}, valueErr(ReasonMultipleIdentifiers, "holds several identifiers separated by a comma, semicolon or line break; put one identifier per row")
	case sep:
		return Subject{}, valueErr(invalid, "contains a comma, semicolon or line break")
	case ctrl:
		return Subject{}, valueErr(invalid, "contains a control or invisible formatting character")
	}
	var (
		norm string
		err  *ParseError
	)
	switch t {
	case Email:
		norm, err = parseEmail(v)
	case Phone:
		norm, err = p.parsePhone(v)
	case User:
		norm, err = p.parseUser(v)
	}
	if err != nil {
		return Subject{}, err
	}
	return Subject{Type: t, Value: norm}, nil
}

func valueErr(r Reason, msg string) *ParseError {
	return &ParseError{Reason: r, Field: FieldSubjectIdentifier, Msg: msg}
}

// isTrimRune reports the characters removed from both ends of a value: what
// copy and paste or a spreadsheet adds invisibly around it.
func isTrimRune(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsSpace(r)
}

// trim removes Unicode spaces and zero-width characters at both ends, without
// decoding runes in the common all-ASCII, already-trimmed case.
func trim(s string) string {
	if s == "" {
		return s
	}
	if f, l := s[0], s[len(s)-1]; f < utf8.RuneSelf && f > ' ' && l < utf8.RuneSelf && l > ' ' {
		return s
	}
	return strings.TrimFunc(s, isTrimRune)
}

// spreadsheetErrors are the error values Excel, LibreOffice, Google Sheets and
// Numbers write into a cell instead of a result.
var spreadsheetErrors = [...]string{
	"#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!",
	"#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!",
	"#BUSY!", "#UNKNOWN!", "#ERROR!", "#N/A!", "Err:502", "Err:504", "Err:508",
}

func checkArtifacts(t IdentifierType, v string) *ParseError {
	switch v[0] {
	case '=':
		return valueErr(ReasonSpreadsheetArtifact, "is a spreadsheet formula (starts with =), not an identifier; paste values only")
	case '@':
		// Excel reads a leading @ as a formula (implicit intersection),
		// such as @SUM(A1); a bare @example.com is only a bad address.
		if strings.ContainsRune(v, '(') {
			return valueErr(ReasonSpreadsheetArtifact, "is a spreadsheet formula (starts with @), not an identifier; paste values only")
		}
	case '-':
		if t == Phone {
			return valueErr(ReasonSpreadsheetArtifact, "starts with -, which a spreadsheet left where the + was (it read the number as negative); re-enter the number as text")
		}
	case '#', 'E', 'e':
		for _, e := range spreadsheetErrors {
			if strings.EqualFold(v, e) {
				return valueErr(ReasonSpreadsheetArtifact, "is a spreadsheet error value, not an identifier: fix the formula or paste values only")
			}
		}
		if v[0] != '#' {
			break
		}
		if strings.Trim(v, "#") == "" {
			return valueErr(ReasonSpreadsheetArtifact, "is a spreadsheet's #### placeholder for a value too wide to show")
		}
		if t == Phone {
			return valueErr(ReasonSpreadsheetArtifact, "starts with #, which a spreadsheet left where the + or a digit was; re-enter the number as text")
		}
	}
	if isScientific(v) {
		return valueErr(ReasonPhoneScientificNotation, "is a number in scientific notation: a spreadsheet rounded it and its digits are lost; format the column as text and enter the number again")
	}
	return nil
}

// isScientific reports whether v is a number like 4.47701E+11 (or 4,47701E+11
// in locales with a decimal comma).
func isScientific(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return false
	}
	if i < len(v) && (v[i] == '.' || v[i] == ',') {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i == len(v) || (v[i] != 'E' && v[i] != 'e') {
		return false
	}
	i++
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	return digits() > 0 && i == len(v)
}

func isSeparator(r rune) bool {
	switch r {
	case ',', ';', '\n', '\r', '\u2028', '\u2029':
		return true
	}
	return false
}

// countParts counts the non-blank pieces of v between separators.
func countParts(v string) int {
	n := 0
	for _, part := range strings.FieldsFunc(v, isSeparator) {
		if trim(part) != "" {
			n++
		}
	}
	return n
}

// scan reports whether v holds an identifier separator (comma, semicolon, line
// break) and whether it holds a control (Cc) or format (Cf) character, in one
// pass that decodes runes only past the first non-ASCII byte.
func scan(v string) (sep, ctrl bool) {
	for i := 0; i < len(v); i++ {
		b := v[i]
		switch {
		case b == ',' || b == ';' || b == '\n' || b == '\r':
			sep = true
		case b < ' ' || b == 0x7f:
			ctrl = true
		case b >= utf8.RuneSelf:
			for _, r := range v[i:] {
				switch {
				case isSeparator(r):
					sep = true
				case unicode.In(r, unicode.Cc, unicode.Cf):
					ctrl = true
				}
			}
			return sep, ctrl
		}
	}
	return sep, ctrl
}

// looksLikePhone reports whether v is made of phone characters only and holds
// at least seven digits, so that a phone number filed as an e-mail address or
// a username is named for what it is.
func looksLikePhone(v string) bool {
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || isPhonePunct(r):
		default:
			return false
		}
	}
	return digits >= 7
}

// Byte classes for the e-mail fast path.
const (
	cLocal  = 1 << iota // allowed in an ASCII dot-atom local part
	cDomain             // letter, digit, hyphen or dot
	cUpper
)

var byteClass = func() (t [256]uint8) {
	for b := '0'; b <= '9'; b++ {
		t[b] = cLocal | cDomain
	}
	for b := 'a'; b <= 'z'; b++ {
		t[b] = cLocal | cDomain
	}
	for b := 'A'; b <= 'Z'; b++ {
		t[b] = cLocal | cDomain | cUpper
	}
	for _, b := range []byte(atext + ".") {
		t[b] |= cLocal
	}
	t['.'] |= cDomain
	return t
}()

// emailFast accepts, with tight loops and at most one allocation, the common
// all-ASCII address that needs no trimming and no IDNA; it returns ok=false
// for anything else, which then takes the full path. It must never accept
// what the full path rejects, nor normalise differently (FuzzEmailFastPath
// compares the two).
func emailFast(v string) (string, bool) {
	n := len(v)
	if n < 5 || n > 254 || v[0] == '=' || v[0] == '.' {
		return "", false
	}
	at := 0
	for at < n && byteClass[v[at]]&cLocal != 0 {
		at++
	}
	if at == 0 || at > 64 || at == n || v[at] != '@' || v[at-1] == '.' {
		return "", false
	}
	for l := v[:at]; ; {
		i := strings.IndexByte(l, '.')
		if i < 0 {
			break
		}
		if l[i+1] == '.' { // safe: the local part does not end with a dot
			return "", false
		}
		l = l[i+1:]
	}
	if n-at-1 > 253 {
		return "", false
	}
	// One pass over the domain: the byte classes, and each label's length,
	// hyphens and "??--" (A-labels take the IDNA path) at its closing dot.
	var acc uint8
	start := at + 1
	for i := start; i <= n; i++ {
		if i < n {
			b := v[i]
			c := byteClass[b]
			if c&cDomain == 0 {
				return "", false
			}
			acc |= c
			if b != '.' {
				continue
			}
		}
		l := v[start:i]
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || len(l) >= 4 && l[2] == '-' && l[3] == '-' {
			return "", false
		}
		if i == n && (start == at+1 || l[0] >= '0' && l[0] <= '9') {
			return "", false // no dot, or a top-level label that may be numeric
		}
		start = i + 1
	}
	if acc&cUpper == 0 {
		return v, true
	}
	// Lower-case in a stack buffer, so that the result is the only allocation.
	var arr [64]byte
	buf := arr[:0]
	if n > len(arr) {
		buf = make([]byte, 0, n)
	}
	buf = append(buf, v[:at+1]...)
	for i := at + 1; i < n; i++ {
		c := v[i]
		if byteClass[c]&cUpper != 0 {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return string(buf), true
}

// isPhonePunct reports the separators people write inside phone numbers:
// spaces, brackets, dots, slashes and the dashes word processors substitute
// for hyphens. They carry no digits, so dropping them repairs nothing.
func isPhonePunct(r rune) bool {
	switch r {
	case '(', ')', '-', '.', '/', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return true
	}
	return unicode.IsSpace(r)
}

// atext is RFC 5322's set of characters allowed in a dot-atom, besides
// letters and digits.
const atext = "!#$%&'*+/=?^_`{|}~-"

func parseEmail(v string) (string, *ParseError) {
	at := strings.IndexByte(v, '@')
	if at < 0 {
		if looksLikePhone(v) {
			return "", valueErr(ReasonInvalidEmail, "looks like a phone number, not an e-mail address; use the type Phone")
		}
		return "", valueErr(ReasonInvalidEmail, "is not an e-mail address: it has no @")
	}
	if strings.IndexByte(v[at+1:], '@') >= 0 {
		if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return "", valueErr(ReasonMultipleIdentifiers, "holds several e-mail addresses; put one identifier per row")
		}
		return "", valueErr(ReasonInvalidEmail, "has more than one @")
	}
	local, domain := v[:at], v[at+1:]
	if msg := checkLocal(local); msg != "" {
		return "", valueErr(ReasonInvalidEmail, msg)
	}
	d, msg := normDomain(domain)
	if msg != "" {
		return "", valueErr(ReasonInvalidEmail, msg)
	}
	if len(d) == len(domain) && d == domain {
		return v, nil
	}
	return local + "@" + d, nil
}

func checkLocal(local string) string {
	switch {
	case local == "":
		return "has nothing before the @"
	case len(local) > 64:
		return "has a part before the @ longer than 64 bytes"
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return "has a misplaced dot before the @"
	}
	for i := 0; i < len(local); i++ {
		b := local[i]
		switch {
		case b >= utf8.RuneSelf:
			// Internationalised local parts (RFC 6531): any letter-like rune;
			// spaces and invisible characters were rejected earlier or here.
			for _, r := range local[i:] {
				if r >= utf8.RuneSelf && (unicode.IsSpace(r) || !unicode.IsGraphic(r)) {
					return "has a space or an invisible character before the @"
				}
			}
			return checkLocalASCII(local)
		}
	}
	return checkLocalASCII(local)
}

func checkLocalASCII(local string) string {
	for i := 0; i < len(local); i++ {
		b := local[i]
		if b >= utf8.RuneSelf || b == '.' || isAlnum(b) || strings.IndexByte(atext, b) >= 0 {
			continue
		}
		if b == ' ' {
			return "has a space before the @"
		}
		return "has a character before the @ that an e-mail address cannot hold"
	}
	return ""
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// normDomain returns the domain lower-cased and in ASCII (A-label) form, or a
// message saying why it is not a domain. All-ASCII domains without A-labels,
// the common case, are checked without the IDNA machinery.
func normDomain(d string) (string, string) {
	if d == "" {
		return "", "has nothing after the @"
	}
	ascii, upper := true, false
	for i := 0; i < len(d); i++ {
		b := d[i]
		if b >= utf8.RuneSelf {
			ascii = false
			break
		}
		if b >= 'A' && b <= 'Z' {
			upper = true
		}
	}
	if ascii && !hasALabel(d) {
		if msg := checkHostname(d); msg != "" {
			return "", msg
		}
		if upper {
			d = strings.ToLower(d)
		}
		return d, ""
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return "", "has a domain that is not a valid internationalised domain name"
	}
	if msg := checkHostname(a); msg != "" {
		return "", msg
	}
	// The Lookup profile maps ASCII to lower case but leaves A-labels as
	// written; lower-case so that equal domains have one spelling.
	return strings.ToLower(a), ""
}

func hasALabel(d string) bool {
	for len(d) >= 4 {
		if strings.EqualFold(d[:4], "xn--") {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
	}
	return false
}

// checkHostname checks an ASCII domain: letters, digits and inner hyphens in
// labels of 1–63 bytes, at least two labels, a non-numeric top-level label.
func checkHostname(d string) string {
	if len(d) > 253 {
		return "has a domain longer than 253 bytes"
	}
	labels, start := 0, 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			if b := d[i]; !isAlnum(b) && b != '-' {
				return "has a domain with a character a domain name cannot hold"
			}
			continue
		}
		l := d[start:i]
		switch {
		case l == "":
			return "has a domain with an empty label (a misplaced dot)"
		case len(l) > 63:
			return "has a domain label longer than 63 bytes"
		case l[0] == '-' || l[len(l)-1] == '-':
			return "has a domain label that starts or ends with a hyphen"
		}
		labels++
		start = i + 1
	}
	if labels < 2 {
		return "has a domain without a dot"
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	numeric := true
	for i := 0; i < len(tld); i++ {
		if tld[i] < '0' || tld[i] > '9' {
			numeric = false
			break
		}
	}
	if numeric {
		return "has a numeric top-level domain"
	}
	return ""
}

func (p *Parser) parsePhone(v string) (string, *ParseError) {
	if strings.IndexByte(v, '@') >= 0 {
		return "", valueErr(ReasonInvalidPhone, "looks like an e-mail address, not a phone number; use the type Email")
	}
	if len(v) > 40 {
		return "", valueErr(ReasonInvalidPhone, "is too long for a phone number")
	}
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case isPhonePunct(r):
		default:
			return "", valueErr(ReasonInvalidPhone, "contains characters that are not part of a phone number (letters, an extension or a second +)")
		}
	}
	if digits == 0 {
		return "", valueErr(ReasonInvalidPhone, "has no digits")
	}
	region := "ZZ"
	if v[0] != '+' {
		switch {
		case p.cfg.region == "":
			return "", valueErr(ReasonInvalidPhone, "has no country code: write it in international form with a leading + (such as +44 or +1), or set a default region")
		case !knownRegion(p.cfg.region):
			return "", valueErr(ReasonInvalidPhone, "has no country code and the default region is not a known region code")
		}
		region = p.cfg.region
	}
	n, err := phonenumbers.Parse(v, region)
	if err != nil {
		if err == phonenumbers.ErrInvalidCountryCode {
			return "", valueErr(ReasonInvalidPhone, "has an unknown country code")
		}
		return "", valueErr(ReasonInvalidPhone, "is not a phone number")
	}
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.IS_POSSIBLE:
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "", valueErr(ReasonInvalidPhone, "has an unknown country code")
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return "", valueErr(ReasonInvalidPhone, "is too short for a phone number of its country")
	case phonenumbers.TOO_LONG:
		return "", valueErr(ReasonInvalidPhone, "is too long for a phone number of its country")
	default:
		return "", valueErr(ReasonInvalidPhone, "has a length no phone number of its country has")
	}
	if n.GetNationalNumber() == 0 {
		return "", valueErr(ReasonInvalidPhone, "is not a phone number")
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	// The normal form must read back as itself; libphonenumber miscounts
	// leading zeros in some degenerate numbers, and a number whose digits
	// could shift is rejected rather than sent.
	if back, err := phonenumbers.Parse(e164, "ZZ"); err != nil || phonenumbers.Format(back, phonenumbers.E164) != e164 {
		return "", valueErr(ReasonInvalidPhone, "cannot be read unambiguously as a phone number")
	}
	return e164, nil
}

func (p *Parser) parseUser(v string) (string, *ParseError) {
	if len(v) > 256 {
		return "", valueErr(ReasonInvalidUser, "is longer than 256 bytes")
	}
	if !p.cfg.emailUsernames && strings.IndexByte(v, '@') >= 0 {
		if _, err := parseEmail(v); err == nil {
			return "", valueErr(ReasonIdentifierTypeMismatch, "looks like an e-mail address, not a username; use the type Email for a contact")
		}
	}
	if looksLikePhone(v) {
		return "", valueErr(ReasonIdentifierTypeMismatch, "looks like a phone number, not a username; use the type Phone for a contact")
	}
	return v, nil
}

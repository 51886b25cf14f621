package digital

import (
	"errors"
	"strings"
)

// Cond is one condition of DFO's customer query language, built with [Eq],
// [Like], [In] and [And]; [Cond.Build] renders it. Values are always
// double-quoted with backslash and double quote escaped, so no value can
// change the query's structure.
type Cond struct {
	field, op string
	values    []string
	and       []Cond
	raw       *string
}

// Eq is `field = "value"`.
func Eq(field, value string) Cond { return Cond{field: field, op: "=", values: []string{value}} }

// Like is `field LIKE "pattern"`; % in pattern matches any run.
func Like(field, pattern string) Cond {
	return Cond{field: field, op: "LIKE", values: []string{pattern}}
}

// In is `field IN ("a", "b")`.
func In(field string, values ...string) Cond { return Cond{field: field, op: "IN", values: values} }

// And joins conditions with AND.
func And(conds ...Cond) Cond { return Cond{op: "AND", and: conds} }

// Raw is a query written by hand, sent as is: the caller quotes.
func Raw(query string) Cond { return Cond{op: "RAW", raw: &query} }

// ErrBadQuery is matched (errors.Is) by every error of [Cond.Build].
var ErrBadQuery = errors.New("digital: bad query")

type queryError struct{ msg string }

func (e *queryError) Error() string        { return "digital: bad query: " + e.msg }
func (e *queryError) Is(target error) bool { return target == ErrBadQuery }

// Build renders the condition. It fails, without repeating any value, on an
// invalid field name, an empty IN list, an empty AND, or a value holding a
// control character (a line break has no escape in the language).
func (c Cond) Build() (string, error) {
	var b strings.Builder
	if err := c.build(&b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// String renders the condition, or "<invalid query>".
func (c Cond) String() string {
	s, err := c.Build()
	if err != nil {
		return "<invalid query>"
	}
	return s
}

func (c Cond) build(b *strings.Builder) error {
	switch c.op {
	case "RAW":
		if strings.TrimSpace(*c.raw) == "" {
			return &queryError{"empty raw query"}
		}
		b.WriteString(*c.raw)
		return nil
	case "AND":
		if len(c.and) == 0 {
			return &queryError{"AND of no conditions"}
		}
		for i, sub := range c.and {
			if i > 0 {
				b.WriteString(" AND ")
			}
			if err := sub.build(b); err != nil {
				return err
			}
		}
		return nil
	case "":
		return &queryError{"empty condition"}
	}
	if !validField(c.field) {
		return &queryError{"field name must be letters, digits, '_' or '.', starting with a letter"}
	}
	if c.op == "IN" && len(c.values) == 0 {
		return &queryError{"IN with no values"}
	}
	b.WriteString(c.field)
	b.WriteString(" " + c.op + " ")
	if c.op == "IN" {
		b.WriteByte('(')
	}
	for i, v := range c.values {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := quote(b, v); err != nil {
			return err
		}
	}
	if c.op == "IN" {
		b.WriteByte(')')
	}
	return nil
}

// Quote returns v as a double-quoted query-language string.
func Quote(v string) (string, error) {
	var b strings.Builder
	if err := quote(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func quote(b *strings.Builder, v string) error {
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			return &queryError{"value holds a control character"}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return nil
}

func validField(f string) bool {
	if f == "" || !(f[0] >= 'a' && f[0] <= 'z' || f[0] >= 'A' && f[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

package cxonetest

import (
	"errors"
	"fmt"
	"strings"
)

// The DFO customer query language, as far as the simulator models it:
//
//	cond { AND cond }
//	cond = field ( "=" str | "LIKE" str | "IN" "(" str { "," str } ")" )
//
// Strings are double-quoted; a backslash escapes the next character. Fields:
// identityIdOnExternalPlatform (any identity matches; inferred), fullName, id.
// Error messages never repeat a value.

type dfoCond struct {
	field, op string
	values    []string
}

type dfoQuery []dfoCond

var dfoQueryFields = map[string]bool{"identityIdOnExternalPlatform": true, "fullName": true, "id": true}

func parseDFOQuery(s string) (dfoQuery, error) {
	toks, err := lexDFOQuery(s)
	if err != nil {
		return nil, err
	}
	var q dfoQuery
	i := 0
	next := func() (dfoTok, bool) {
		if i >= len(toks) {
			return dfoTok{}, false
		}
		i++
		return toks[i-1], true
	}
	for {
		f, ok := next()
		if !ok || f.kind != 'i' {
			return nil, fmt.Errorf("expected a field name at token %d", i)
		}
		if !dfoQueryFields[f.text] {
			return nil, fmt.Errorf("unknown field at token %d", i)
		}
		op, ok := next()
		if !ok {
			return nil, errors.New("query ends after a field name")
		}
		c := dfoCond{field: f.text}
		switch {
		case op.kind == '=':
			c.op = "="
		case op.kind == 'i' && strings.EqualFold(op.text, "LIKE"):
			c.op = "LIKE"
		case op.kind == 'i' && strings.EqualFold(op.text, "IN"):
			c.op = "IN"
		default:
			return nil, fmt.Errorf("expected =, LIKE or IN at token %d", i)
		}
		if c.op == "IN" {
			if t, ok := next(); !ok || t.kind != '(' {
				return nil, fmt.Errorf("expected ( at token %d", i)
			}
			for {
				v, ok := next()
				if !ok || v.kind != 's' {
					return nil, fmt.Errorf("expected a quoted value at token %d", i)
				}
				c.values = append(c.values, v.text)
				t, ok := next()
				if !ok {
					return nil, errors.New("unclosed IN list")
				}
				if t.kind == ')' {
					break
				}
				if t.kind != ',' {
					return nil, fmt.Errorf("expected , or ) at token %d", i)
				}
			}
		} else {
			v, ok := next()
			if !ok || v.kind != 's' {
				return nil, fmt.Errorf("expected a quoted value at token %d", i)
			}
			c.values = []string{v.text}
		}
		q = append(q, c)
		t, ok := next()
		if !ok {
			return q, nil
		}
		if t.kind != 'i' || !strings.EqualFold(t.text, "AND") {
			return nil, fmt.Errorf("expected AND at token %d", i)
		}
	}
}

type dfoTok struct {
	kind byte // 'i' identifier/keyword, 's' string, or the punctuation itself
	text string
}

func lexDFOQuery(s string) ([]dfoTok, error) {
	var toks []dfoTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',' || c == '=':
			toks = append(toks, dfoTok{kind: c})
			i++
		case c == '"':
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' {
					if i+1 >= len(s) {
						return nil, fmt.Errorf("dangling backslash at offset %d", i)
					}
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, errors.New("unterminated string")
			}
			toks = append(toks, dfoTok{kind: 's', text: b.String()})
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, dfoTok{kind: 'i', text: s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character at offset %d", i)
		}
	}
	return toks, nil
}

func (q dfoQuery) match(c *dfoCustomer) bool {
	for _, cond := range q {
		var have []string
		switch cond.field {
		case "identityIdOnExternalPlatform":
			for _, id := range c.Identities {
				have = append(have, id.IDOnExternalPlatform)
			}
		case "fullName":
			have = []string{c.FullName}
		case "id":
			have = []string{c.ID}
		}
		ok := false
		for _, h := range have {
			for _, v := range cond.values {
				if cond.op == "LIKE" && likeMatch(strings.ToLower(v), strings.ToLower(h)) ||
					cond.op != "LIKE" && strings.EqualFold(h, v) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// likeMatch matches s against a pattern where % stands for any run.
func likeMatch(pat, s string) bool {
	parts := strings.Split(pat, "%")
	if len(parts) == 1 {
		return pat == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// Package redact masks personal data and credentials in text that is about to
// reach an error string, a log line or a report.
//
// It is a safety net, not a guarantee: the first rule of the SDK is that
// identifiers never get near an error string. Redact catches what a server
// echoes back (a message that quotes the e-mail address it refused, a token in
// a snippet of an HTML error page).
package redact

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask replaces each thing Redact hides.
const Mask = "[redacted]"

var (
	// An e-mail address, also percent-encoded (%40) as servers echo URLs.
	emailRE = regexp.MustCompile(`(?i)[\p{L}\p{N}._%+'\-]+(@|%40)[\p{L}\p{N}\-]+(\.[\p{L}\p{N}\-]+)*`)
	// A phone number: 7 or more digits, possibly separated by spaces, dots,
	// dashes or brackets, possibly with a leading +.
	phoneRE = regexp.MustCompile(`\+?\(?\d[\d\s().\-]{5,}\d`)
	// Bearer credentials and JWTs.
	bearerRE = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/\-]+=*`)
	jwtRE    = regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*\.?[A-Za-z0-9_\-]*`)
	// key=value pairs whose key names a secret, in query strings, forms or JSON.
	secretKV = regexp.MustCompile(`(?i)("?(?:access_token|refresh_token|id_token|token|secret|client_secret|password|accessKeySecret|apikey|api_key)"?\s*[:=]\s*"?)([^"&\s,;}]+)`)
	// Long runs of token-like characters (hex, base64) that carry digits and letters.
	longTokenRE = regexp.MustCompile(`[A-Za-z0-9_\-+/]{24,}={0,2}`)
	// UUIDs name requests, tenants and users, not people; they are kept so
	// an error can be traced.
	uuidRE = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	tagRE  = regexp.MustCompile(`(?s)<!--.*?-->|<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)
)

// String masks e-mail addresses, phone-like digit runs, bearer/basic
// credentials, JWTs, values of secret-named keys and long token-like strings.
// Each of values that is non-empty is masked too, wherever it appears (the
// caller passes what it knows is sensitive: the request's identifiers).
func String(s string, values ...string) string {
	uuids := uuidRE.FindAllString(s, -1)
	if len(uuids) > 0 {
		i := 0
		s = uuidRE.ReplaceAllStringFunc(s, func(string) string {
			i++
			return "\x00" + strconv.Itoa(i-1) + "\x00"
		})
	}
	for _, v := range values {
		if len(v) >= 3 {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	s = bearerRE.ReplaceAllString(s, "$1 "+Mask)
	s = jwtRE.ReplaceAllString(s, Mask)
	s = secretKV.ReplaceAllString(s, "${1}"+Mask)
	s = emailRE.ReplaceAllString(s, Mask)
	s = longTokenRE.ReplaceAllStringFunc(s, func(m string) string {
		if hasDigit(m) && hasLetter(m) {
			return Mask
		}
		return m
	})
	s = phoneRE.ReplaceAllStringFunc(s, func(m string) string {
		if countDigits(m) >= 7 {
			return Mask
		}
		return m
	})
	for i, u := range uuids {
		s = strings.Replace(s, "\x00"+strconv.Itoa(i)+"\x00", u, 1)
	}
	return s
}

// Snippet returns at most n bytes of body, as printable single-line text,
// redacted by [String]. Markup is dropped from an HTML page, keeping its
// text ("502 Bad Gateway"). It is what an error keeps of an answer it could
// not decode.
func Snippet(body []byte, n int, values ...string) string {
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '<' {
		body = tagRE.ReplaceAll(t, []byte(" "))
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		i += size
		if r == utf8.RuneError && size == 1 || !unicode.IsPrint(r) || unicode.IsSpace(r) {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
		if b.Len() >= 8*n { // enough input to redact whole before cutting
			break
		}
	}
	s := String(strings.TrimSpace(b.String()), values...)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func hasDigit(s string) bool  { return strings.ContainsAny(s, "0123456789") }
func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

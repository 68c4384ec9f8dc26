package connectors

import (
	"encoding/base64"
	"strings"
)

// EncodePageToken is the page token of a list that goes on after last: the
// connector's prefix (such as "ldap1:") and last, base64url-encoded, so a
// token is opaque and a connector can tell its own from others'.
func EncodePageToken(prefix, last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + last))
}

// DecodePageToken reads a token EncodePageToken made with prefix: what the
// next page comes after ("" for no token), and false for a token that is
// not one.
func DecodePageToken(prefix, token string) (after string, ok bool) {
	if token == "" {
		return "", true
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	if after, ok = strings.CutPrefix(string(raw), prefix); !ok {
		return "", false
	}
	return after, true
}

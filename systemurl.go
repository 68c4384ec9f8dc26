package entitled

import (
	"net/url"
	"strings"
)

// URLConfig is a ConnectorKind whose config holds URLs that may carry
// credentials (https://svc:pw@host/hook?code=KEY). RedactedConfig masks the
// password (or a lone user name) and the query values of those URLs, and
// UpdateSystem keeps the stored URL when a PATCH sends its masked form back.
type URLConfig interface {
	// URLFields lists the config keys whose values are URLs.
	URLFields() []string
}

// URLMask replaces the secret parts of a URL in redacted configs.
const URLMask = "xxxxx"

// RedactURL returns s with the secret parts of the URL masked by URLMask:
// the password (the user name is kept), or the user name when it stands
// alone (https://TOKEN@host); every query value (and a query part without
// "=", which may be a key itself); the fragment. A URL with none of these is
// returned unchanged; a value that does not parse as a URL is masked whole.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return URLMask
	}
	if u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" {
		return s
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), URLMask)
		} else {
			u.User = url.User(URLMask)
		}
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			if k, _, ok := strings.Cut(p, "="); ok {
				parts[i] = k + "=" + URLMask
			} else if p != "" {
				parts[i] = URLMask
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = URLMask, ""
	}
	return u.String()
}

// urlFields returns the URL-valued config keys of kind, if it declares any.
func urlFields(kind ConnectorKind) []string {
	if k, ok := kind.(URLConfig); ok {
		return k.URLFields()
	}
	return nil
}

// IsMaskedURLEcho reports whether sent, the value of config key in a PATCH,
// is the masked form RedactedConfig shows of stored, and differs from it:
// a config read back and sent unchanged. Such a value keeps the stored URL
// instead of replacing the real credentials with the mask.
func IsMaskedURLEcho(kind ConnectorKind, key string, sent, stored any) bool {
	s, ok1 := sent.(string)
	old, ok2 := stored.(string)
	if !ok1 || !ok2 || s == old {
		return false
	}
	for _, f := range urlFields(kind) {
		if f == key {
			return RedactURL(old) == s
		}
	}
	return false
}

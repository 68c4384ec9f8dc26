package sqlstore

import "strings"

// SQLitePath is the file an "sqlite:PATH" (or "sqlite://PATH") database
// URL names; ok is false for any other URL.
func SQLitePath(dsn string) (path string, ok bool) {
	if !strings.HasPrefix(dsn, "sqlite:") {
		return "", false
	}
	return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"), true
}

package e2e

import "net/url"

// urlq escapes a query value.
func urlq(s string) string { return url.QueryEscape(s) }

package http

import "strings"

// apiPrefixes are the roots of the API's routes.
var apiPrefixes = []string{"/v1.0", "/api/v1"}

// IsAPIPath reports whether a path belongs to the API server: /v1.0 and
// /api/v1 and below them, in any case (the router matches path segments
// case-insensitively, as Graph does), /healthz and /metrics. ui.Mux routes
// by it, so that the two never disagree.
func IsAPIPath(p string) bool {
	for _, prefix := range apiPrefixes {
		if strings.EqualFold(p, prefix) {
			return true
		}
	}
	return underAPIPrefix(p) || p == "/healthz" || p == "/metrics" || isSCIMPath(p)
}

// underAPIPrefix reports whether p lies below /v1.0/ or /api/v1/, in any case.
func underAPIPrefix(p string) bool {
	for _, prefix := range apiPrefixes {
		if n := len(prefix) + 1; len(p) >= n && strings.EqualFold(p[:n], prefix+"/") {
			return true
		}
	}
	return false
}

package http_test

import "testing"

// TestAPIPathAnyCase: the router matches path segments in any case, and so
// does the server's test for an API path: /V1.0/me is /v1.0/me, not an
// error.
func TestAPIPathAnyCase(t *testing.T) {
	e := newEnv(t)
	want := e.do("GET", "/v1.0/me", nil).must(t, 200)
	for _, p := range []string{"/V1.0/me", "/v1.0/ME", "/V1.0/Me"} {
		got := e.do("GET", p, nil).must(t, 200)
		if got["id"] != want["id"] {
			t.Errorf("%s: id %v, want %v", p, got["id"], want["id"])
		}
	}
}

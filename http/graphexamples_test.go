package http_test

import (
	"testing"

	"github.com/entitled-dev/entitled/internal/graphexamples"
)

// TestGraphExamples runs the table of Graph's documented examples
// in-process (the e2e package runs the same table against `entitled serve`).
func TestGraphExamples(t *testing.T) {
	e := newEnv(t)
	graphexamples.Run(t, graphexamples.Server{Base: e.srv.URL, AdminToken: e.token,
		TokenFor: func(t *testing.T, userID, _ string) string { return e.tokenFor(userID) }})
}

package e2e

import (
	"path/filepath"
	"testing"

	"github.com/entitled-dev/entitled/internal/graphexamples"
)

// TestGraphExamples runs the table of Graph's documented examples against a
// real `entitled serve` (the http package runs the same table in-process).
func TestGraphExamples(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "entitled.db")
	cli(t, "admin", "create", "--db", db, "--upn", "admin@example.com", "--display-name", "Admin")
	srv := startServer(t, db)
	graphexamples.Run(t, graphexamples.Server{Base: srv.base, AdminToken: tokenFor(t, db, "admin@example.com"),
		TokenFor: func(t *testing.T, _, upn string) string { return tokenFor(t, db, upn) }})
}

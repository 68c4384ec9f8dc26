package main

import (
	"context"
	"strings"
	"testing"
)

// runToken runs `entitled token ARGS…` on the database and returns stdout.
func runToken(t *testing.T, dsn string, args ...string) string {
	t.Helper()
	return runCommand(t, tokenCommand(), dsn, args...)
}

// TestTokenListCommand: `token list` shows a user's tokens with their
// description and revocation, never a secret.
func TestTokenListCommand(t *testing.T) {
	ctx := context.Background()
	dsn, services := commandDatabase(t)
	if _, err := services.Admin.EnsureAdmin(ctx, "ada@example.com", "Ada"); err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(runToken(t, dsn, "issue", "--upn", "ada@example.com", "--description", "backup job"))
	runToken(t, dsn, "issue", "--upn", "ada@example.com", "--ttl", "0")
	out := runToken(t, dsn, "list", "--upn", "ada@example.com")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "\tbackup job") || !strings.Contains(lines[1], "expires -") {
		t.Fatalf("token list:\n%s", out)
	}
	if strings.Contains(out, secret) || strings.Contains(out, "ent_") {
		t.Errorf("token list shows a secret:\n%s", out)
	}
	// An unknown user is not found, as for token issue (was a BadRequest
	// naming the internal target userId).
	if _, _, err := tryCommand(tokenCommand(), dsn, "list", "--upn", "ghost@example.com"); err == nil || err.Error() != `ResourceNotFound: user "ghost@example.com" was not found` {
		t.Errorf("token list of an unknown user: %v", err)
	}
	id, _, _ := strings.Cut(lines[0], "\t")
	runToken(t, dsn, "revoke", id)
	if out := runToken(t, dsn, "list", "--upn", "ada@example.com"); !strings.Contains(strings.Split(out, "\n")[0], "revoked 20") {
		t.Errorf("after revoke:\n%s", out)
	}
}

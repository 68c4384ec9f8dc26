package main

import (
	"context"
	"strings"
	"testing"
)

// TestLoginLinkCommand prints a link whose token signs the user in once.
func TestLoginLinkCommand(t *testing.T) {
	ctx := context.Background()
	dsn, services := commandDatabase(t)
	u, err := services.Admin.EnsureAdmin(ctx, "ada@example.com", "Ada")
	if err != nil {
		t.Fatal(err)
	}

	link := strings.TrimSpace(runCommand(t, loginLinkCommand(), dsn, "--upn", "ada@example.com", "--base", "https://id.example.com/"))
	const prefix = "https://id.example.com/login?token="
	if !strings.HasPrefix(link, prefix) || len(link) < len(prefix)+40 {
		t.Fatalf("link %q, want %s<secret>", link, prefix)
	}
	secret := strings.TrimPrefix(link, prefix)
	if _, uid, err := services.Sessions.RedeemLoginLink(ctx, secret, 0); err == nil || uid != "" {
		t.Fatalf("a zero session lifetime was accepted")
	}
	_, uid, err := services.Sessions.RedeemLoginLink(ctx, secret, 1e9)
	if err != nil || uid != u.ID {
		t.Fatalf("redeem: %v, user %q, want %s", err, uid, u.ID)
	}
	if _, _, err := services.Sessions.RedeemLoginLink(ctx, secret, 1e9); err == nil {
		t.Fatal("the link worked twice")
	}

	if _, _, err := tryCommand(loginLinkCommand(), dsn, "--upn", "nobody@example.com"); err == nil || !strings.Contains(err.Error(), "nobody@example.com") {
		t.Fatalf("unknown user: %v", err)
	}
}

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoginLinkCommand prints a link whose token signs the user in once.
func TestLoginLinkCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "e.db")
	db, services, err := openServices(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := services.Admin.EnsureAdmin(ctx, "ada@example.com", "Ada")
	if err != nil {
		t.Fatal(err)
	}

	cmd := loginLinkCommand()
	cmd.Flags().String("db", dsn, "")
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs([]string{"--upn", "ada@example.com", "--base", "https://id.example.com/"})
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("login-link: %v\n%s", err, errb.String())
	}
	link := strings.TrimSpace(out.String())
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

	bad := loginLinkCommand()
	bad.Flags().String("db", dsn, "")
	bad.SetOut(&out)
	bad.SetErr(&errb)
	bad.SetArgs([]string{"--upn", "nobody@example.com"})
	if err := bad.ExecuteContext(ctx); err == nil || !strings.Contains(err.Error(), "nobody@example.com") {
		t.Fatalf("unknown user: %v", err)
	}
}

package main

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
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

// TestLocalURLFollowsListenAddress: without --base (--base-url, --url) and
// their environment variables, login-link's links, the SCIM endpoint scim
// token prints, and reprocess's and reconcile's calls go where serve listens
// by ENTITLED_ADDR, as serve's own links do, not to port 8080 or an example
// host.
func TestLocalURLFollowsListenAddress(t *testing.T) {
	ctx := context.Background()
	dsn, services := commandDatabase(t)
	if _, err := services.Admin.EnsureAdmin(ctx, "ada@example.com", "Ada"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ENTITLED_BASE_URL", "")
	t.Setenv("ENTITLED_URL", "")
	t.Setenv("ENTITLED_ADDR", "0.0.0.0:18480")
	link := strings.TrimSpace(runCommand(t, loginLinkCommand(), dsn, "--upn", "ada@example.com"))
	if !strings.HasPrefix(link, "http://127.0.0.1:18480/login?token=") {
		t.Errorf("login-link printed %q", link)
	}
	if _, stderr, err := tryCommand(scimCommand(), dsn, "token", "--upn", "ada@example.com"); err != nil || !strings.Contains(stderr, "give the identity provider http://127.0.0.1:18480/scim/v2 ") {
		t.Errorf("scim token: %v, %s", err, stderr)
	}
	if _, _, err := tryCommand(scimCommand(), dsn, "token", "--upn", "ada@example.com", "--base-url", "entitled.example.com"); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("scim token with a base URL that is not one: %v", err)
	}
	for _, cmd := range []*cobra.Command{reprocessCommand(), reconcileCommand()} {
		if got := cmd.Flags().Lookup("url").DefValue; got != "http://127.0.0.1:18480" {
			t.Errorf("%s --url defaults to %q", cmd.Name(), got)
		}
	}
}

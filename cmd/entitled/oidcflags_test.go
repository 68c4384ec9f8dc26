package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/internal/oidctest"
)

// The client secret comes from the environment, is never printed by --help
// and never logged; the provider is discovered at start.
func TestOIDCFlags(t *testing.T) {
	op := oidctest.Start(t)
	t.Setenv("ENTITLED_OIDC_CLIENT_SECRET", "top-secret-value")
	t.Setenv("ENTITLED_OIDC_ISSUER", op.Issuer)
	t.Setenv("ENTITLED_OIDC_CLIENT_ID", "entitled")

	cmd := serveCommand()
	var help bytes.Buffer
	cmd.SetOut(&help)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(help.String(), "--oidc-issuer") || strings.Contains(help.String(), "top-secret-value") {
		t.Fatalf("serve --help:\n%s", help.String())
	}

	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(old)
	cmd = serveCommand()
	if err := cmd.ParseFlags([]string{"--oidc-audience", "api://entitled", "--oidc-provider-name", "Keycloak"}); err != nil {
		t.Fatal(err)
	}
	idp, err := oidcFromFlags(context.Background(), cmd, "https://entitled.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if idp == nil || idp.provider.Name() != "Keycloak" || !idp.provider.AcceptsAccessTokens() || len(idp.options.Matches) != 2 {
		t.Fatalf("setup %+v", idp)
	}
	if !strings.Contains(logs.String(), "clientSecretSet=true") || strings.Contains(logs.String(), "top-secret-value") {
		t.Fatalf("log: %s", logs.String())
	}

	for args, want := range map[string]string{
		"--oidc-claims=email":                 "--oidc-claims",
		"--oidc-client-id=":                   "needs --oidc-client-id",
		"--oidc-issuer=http://127.0.0.1:1/no": "discover",
	} {
		cmd := serveCommand()
		if err := cmd.ParseFlags([]string{args}); err != nil {
			t.Fatal(err)
		}
		if _, err := oidcFromFlags(context.Background(), cmd, "https://entitled.example.com"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error about %s", args, err, want)
		}
	}

	// No issuer: sign-in links only; an audience alone is a mistake.
	t.Setenv("ENTITLED_OIDC_ISSUER", "")
	t.Setenv("ENTITLED_OIDC_CLIENT_ID", "")
	cmd = serveCommand()
	if idp, err := oidcFromFlags(context.Background(), cmd, "https://entitled.example.com"); idp != nil || err != nil {
		t.Fatalf("without an issuer: %v, %v", idp, err)
	}
	cmd = serveCommand()
	_ = cmd.ParseFlags([]string{"--oidc-audience", "api://entitled"})
	if _, err := oidcFromFlags(context.Background(), cmd, "https://entitled.example.com"); err == nil {
		t.Fatal("an audience without an issuer was accepted")
	}
}

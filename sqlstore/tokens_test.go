package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestTokenLifecycle(t *testing.T) {
	s, sys, clock := newTestStoreAt(t, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	alice := mustUser(t, s, sys, "alice@example.com")
	bob := mustUser(t, s, sys, "bob@example.com")
	mustOK(t, s.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: alice.ID, RoleDefinitionID: entitled.RoleUserAdministrator}))
	mustOK(t, s.Roles.CreateRoleAssignment(sys, false, &entitled.RoleAssignment{PrincipalID: alice.ID, RoleDefinitionID: entitled.RoleCatalogCreator, AppScopeID: "/"}))

	// Issue by UPN (case-insensitive), with a lifetime.
	secret, tok, err := s.Tokens.IssueToken(sys, "ALICE@example.com", time.Hour)
	mustOK(t, err)
	if !strings.HasPrefix(secret, entitled.TokenPrefix) || len(secret) != len(entitled.TokenPrefix)+43 {
		t.Fatalf("secret %q: want ent_ + base64url(32 bytes)", secret)
	}
	var stored string
	mustOK(t, s.db.tQueryRow(`SELECT hash FROM tokens WHERE id = ?`, tok.ID).Scan(&stored))
	if stored != hashToken(secret) || strings.Contains(stored, secret) {
		t.Fatalf("stored %q: want the SHA-256 hex of the secret only", stored)
	}
	a, err := s.Tokens.Authenticate(context.Background(), secret)
	mustOK(t, err)
	if a.User.ID != alice.ID || !a.HasDirectoryRole(entitled.RoleUserAdministrator) {
		t.Fatalf("actor %+v: want alice with User Administrator", a)
	}
	if got := a.CatalogRoles["/"]; len(got) != 1 || got[0] != entitled.RoleCatalogCreator {
		t.Errorf("catalog roles %v: want catalog creator under /", a.CatalogRoles)
	}

	// Unknown secrets are 401.
	_, err = s.Tokens.Authenticate(context.Background(), secret+"x")
	wantKind(t, err, entitled.KindUnauthorized)
	_, err = s.Tokens.Authenticate(context.Background(), "garbage")
	wantKind(t, err, entitled.KindUnauthorized)
	if e := entitled.AsError(err); e.Code != entitled.CodeUnauthorized {
		t.Errorf("code %q, want %q", e.Code, entitled.CodeUnauthorized)
	}

	// Expiry.
	clock.Advance(time.Hour)
	_, err = s.Tokens.Authenticate(context.Background(), secret)
	wantKind(t, err, entitled.KindUnauthorized)

	// ttl 0 never expires; only the user themself or a tenant admin may issue.
	aliceCtx := asUser(context.Background(), s, t, alice.ID)
	forever, tok2, err := s.Tokens.IssueToken(aliceCtx, alice.ID, 0)
	mustOK(t, err)
	if tok2.ExpiresDateTime != nil {
		t.Errorf("ttl 0 token expires at %v", tok2.ExpiresDateTime)
	}
	_, _, err = s.Tokens.IssueToken(aliceCtx, bob.ID, 0)
	wantKind(t, err, entitled.KindForbidden)
	_, _, err = s.Tokens.IssueToken(aliceCtx, alice.ID, -time.Second)
	wantKind(t, err, entitled.KindInvalid)
	_, _, err = s.Tokens.IssueToken(sys, "nobody@example.com", 0)
	wantKind(t, err, entitled.KindNotFound)
	clock.Advance(10000 * time.Hour)
	_, err = s.Tokens.Authenticate(context.Background(), forever)
	mustOK(t, err)

	// Revoke: bob may not, alice (owner) may; then 401.
	wantKind(t, s.Tokens.RevokeToken(asUser(context.Background(), s, t, bob.ID), tok2.ID), entitled.KindForbidden)
	mustOK(t, s.Tokens.RevokeToken(aliceCtx, tok2.ID))
	_, err = s.Tokens.Authenticate(context.Background(), forever)
	wantKind(t, err, entitled.KindUnauthorized)
	wantKind(t, s.Tokens.RevokeToken(sys, newID()), entitled.KindNotFound)

	// A disabled account cannot authenticate.
	bobSecret, _, err := s.Tokens.IssueToken(sys, bob.ID, 0)
	mustOK(t, err)
	off := false
	_, err = s.Users.UpdateUser(sys, bob.ID, entitled.UserUpdate{AccountEnabled: &off})
	mustOK(t, err)
	_, err = s.Tokens.Authenticate(context.Background(), bobSecret)
	wantKind(t, err, entitled.KindUnauthorized)
	_, err = s.Tokens.ActorFor(context.Background(), bob.ID)
	wantKind(t, err, entitled.KindUnauthorized)
}

func TestEnsureAdmin(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	u, err := s.Admin.EnsureAdmin(ctx, "root@example.com", "Root")
	mustOK(t, err)
	u2, err := s.Admin.EnsureAdmin(ctx, "ROOT@example.com", "Root")
	mustOK(t, err)
	if u2.ID != u.ID {
		t.Fatalf("EnsureAdmin created a second user")
	}
	a, err := s.Tokens.ActorFor(ctx, u.ID)
	mustOK(t, err)
	if len(a.DirectoryRoles) != 1 || a.DirectoryRoles[0] != entitled.RoleGlobalAdministrator {
		t.Fatalf("directory roles %v, want exactly Global Administrator", a.DirectoryRoles)
	}
	_, err = s.Admin.EnsureAdmin(ctx, "not-an-upn", "x")
	wantKind(t, err, entitled.KindInvalid)
}

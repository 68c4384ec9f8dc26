package sqlstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// authed returns the context of a request authenticated with the secret:
// the actor and the token, as the HTTP server builds it.
func authed(t *testing.T, s *Services, secret string) context.Context {
	t.Helper()
	a, tok, err := s.Tokens.AuthenticateToken(context.Background(), secret)
	mustOK(t, err)
	return entitled.WithToken(entitled.NewContext(context.Background(), a), tok)
}

// TestChildTokensEndWithTheirParent: a minted token records its parent,
// stops working when the parent expires, and is revoked with it, through
// every generation; deleting the parent's owner revokes it too.
func TestChildTokensEndWithTheirParent(t *testing.T) {
	s, sys, clock := newTestStoreAt(t, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	alice := mustUser(t, s, sys, "alice@example.com")

	parent, ptok, err := s.Tokens.IssueToken(sys, alice.ID, time.Hour)
	mustOK(t, err)
	if ptok.ParentID != "" {
		t.Errorf("a token of the host has parent %q", ptok.ParentID)
	}
	child, ctok, err := s.Tokens.CreateToken(authed(t, s, parent), entitled.TokenRequest{User: alice.ID, Description: " ci "})
	mustOK(t, err)
	if ctok.ParentID != ptok.ID || ctok.ExpiresDateTime == nil || !ctok.ExpiresDateTime.Equal(*ptok.ExpiresDateTime) || ctok.Description != "ci" {
		t.Fatalf("child %+v of parent %+v", ctok, ptok)
	}
	clock.Advance(59 * time.Minute)
	_, err = s.Tokens.Authenticate(context.Background(), child)
	mustOK(t, err)
	clock.Advance(time.Minute)
	_, err = s.Tokens.Authenticate(context.Background(), child)
	wantKind(t, err, entitled.KindUnauthorized)

	// Revocation cascades through generations.
	root, _, err := s.Tokens.IssueToken(sys, alice.ID, 0)
	mustOK(t, err)
	gen1, _, err := s.Tokens.IssueToken(authed(t, s, root), alice.ID, 0)
	mustOK(t, err)
	gen2, _, err := s.Tokens.IssueToken(authed(t, s, gen1), alice.ID, 0)
	mustOK(t, err)
	rootCtx := authed(t, s, root)
	rootTok := entitled.TokenFrom(rootCtx)
	mustOK(t, s.Tokens.RevokeToken(sys, rootTok.ID))
	for _, sec := range []string{root, gen1, gen2} {
		_, err = s.Tokens.Authenticate(context.Background(), sec)
		wantKind(t, err, entitled.KindUnauthorized)
	}
	_, _, err = s.Tokens.IssueToken(rootCtx, alice.ID, 0)
	wantKind(t, err, entitled.KindUnauthorized)

	// Deleting the owner of a parent revokes what it minted for others.
	admin, err := s.Admin.EnsureAdmin(sys, "admin@example.com", "Admin")
	mustOK(t, err)
	adminSecret, _, err := s.Tokens.IssueToken(sys, admin.ID, 0)
	mustOK(t, err)
	forAlice, _, err := s.Tokens.IssueToken(authed(t, s, adminSecret), alice.ID, 0)
	mustOK(t, err)
	mustOK(t, s.Users.DeleteUser(sys, admin.ID))
	_, err = s.Tokens.Authenticate(context.Background(), forAlice)
	wantKind(t, err, entitled.KindUnauthorized)
}

// TestRevokeRacesMint: minting with a token while it is revoked never
// leaves a live child: either the mint is refused or the child is revoked.
func TestRevokeRacesMint(t *testing.T) {
	s, sys := newTestStore(t)
	alice := mustUser(t, s, sys, "alice@example.com")
	for i := 0; i < 10; i++ {
		parent, ptok, err := s.Tokens.IssueToken(sys, alice.ID, 0)
		mustOK(t, err)
		ctx := authed(t, s, parent)
		var wg sync.WaitGroup
		var child string
		var mintErr error
		wg.Add(2)
		go func() { defer wg.Done(); child, _, mintErr = s.Tokens.IssueToken(ctx, alice.ID, 0) }()
		go func() { defer wg.Done(); mustOK(t, s.Tokens.RevokeToken(sys, ptok.ID)) }()
		wg.Wait()
		if mintErr != nil {
			wantKind(t, mintErr, entitled.KindUnauthorized)
			continue
		}
		_, err = s.Tokens.Authenticate(context.Background(), child)
		wantKind(t, err, entitled.KindUnauthorized)
	}
}

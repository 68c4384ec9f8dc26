package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/entitled-dev/entitled"
)

// hashToken is the stored form of a token secret.
func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// IssueToken creates a bearer token for a user (id or userPrincipalName);
// only the system, tenant administrators or the user themself may. The
// secret is returned once; only its SHA-256 hash is stored.
func (s *Store) IssueToken(ctx context.Context, user string, ttl time.Duration) (string, *entitled.Token, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", nil, err
	}
	if ttl < 0 {
		return "", nil, &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "ttl",
			Message: "the token lifetime must be positive, or 0 for a token that never expires"}
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", nil, err
	}
	secret := entitled.TokenPrefix + base64.RawURLEncoding.EncodeToString(buf)
	var tok *entitled.Token
	err = s.inTx(ctx, func(t *tx) error {
		u, err := s.findUser(ctx, t, user)
		if err != nil {
			return err
		}
		if !a.IsTenantAdmin() && a.User.ID != u.ID {
			return entitled.Forbiddenf("only the user themself or a Global or Identity Governance Administrator may issue a token for %s", u.UserPrincipalName)
		}
		now := s.now()
		tok = &entitled.Token{ID: newID(), UserID: u.ID, CreatedDateTime: now}
		if ttl > 0 {
			exp := now.Add(ttl)
			tok.ExpiresDateTime = &exp
		}
		if _, err := t.exec(ctx, `INSERT INTO tokens (id, user_id, hash, expires_at, created_at) VALUES (?,?,?,?,?)`,
			tok.ID, u.ID, hashToken(secret), fmtTimePtr(tok.ExpiresDateTime), fmtTime(now)); err != nil {
			return err
		}
		return s.audit(ctx, t, a, auditEntry{Activity: "Issue token", Operation: "Add", TargetID: tok.ID,
			TargetType: "Token", TargetName: u.UserPrincipalName, After: tok})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

func scanToken(r scanner) (*entitled.Token, error) {
	var tok entitled.Token
	var exp, rev sql.NullString
	var created string
	if err := r.Scan(&tok.ID, &tok.UserID, &exp, &rev, &created); err != nil {
		return nil, err
	}
	tok.ExpiresDateTime = parseTimePtr(exp)
	tok.RevokedDateTime = parseTimePtr(rev)
	tok.CreatedDateTime = parseTime(created)
	return &tok, nil
}

// RevokeToken revokes a token; its owner or a tenant administrator may.
// Revoking a revoked token is a no-op.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		tok, err := scanToken(t.queryRow(ctx, `SELECT id, user_id, expires_at, revoked_at, created_at FROM tokens WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "token", id)
		}
		if !a.IsTenantAdmin() && a.User.ID != tok.UserID {
			return entitled.Forbiddenf("only the token's owner or a Global or Identity Governance Administrator may revoke it")
		}
		if tok.RevokedDateTime != nil {
			return nil
		}
		before := *tok
		now := s.now()
		tok.RevokedDateTime = &now
		if _, err := t.exec(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ?`, fmtTime(now), id); err != nil {
			return err
		}
		return s.audit(ctx, t, a, auditEntry{Activity: "Revoke token", Operation: "Update", TargetID: id,
			TargetType: "Token", Before: before, After: tok})
	})
}

// Authenticate returns the actor holding a valid token with their roles; a
// 401 for unknown, expired or revoked tokens and for disabled accounts.
func (s *Store) Authenticate(ctx context.Context, secret string) (*entitled.Actor, error) {
	bad := unauthorized("the bearer token is not valid: it is unknown, expired or revoked")
	if len(secret) < len(entitled.TokenPrefix)+10 || secret[:len(entitled.TokenPrefix)] != entitled.TokenPrefix {
		return nil, bad
	}
	var a *entitled.Actor
	err := s.readTx(ctx, func(t *tx) error {
		tok, err := scanToken(t.queryRow(ctx, `SELECT id, user_id, expires_at, revoked_at, created_at FROM tokens WHERE hash = ?`, hashToken(secret)))
		if errors.Is(err, sql.ErrNoRows) {
			return bad
		}
		if err != nil {
			return err
		}
		if tok.RevokedDateTime != nil || (tok.ExpiresDateTime != nil && !s.now().Before(*tok.ExpiresDateTime)) {
			return bad
		}
		u, err := s.loadUser(ctx, t, tok.UserID)
		if err != nil {
			if errIs(err, entitled.KindNotFound) {
				return bad
			}
			return err
		}
		if !u.AccountEnabled {
			return unauthorized("the account " + u.UserPrincipalName + " is disabled")
		}
		a, err = s.loadActor(ctx, t, u)
		return err
	})
	return a, err
}

// EnsureAdmin makes sure a user with the userPrincipalName exists and holds
// Global Administrator, creating either as needed. It acts as the system and
// is idempotent; `entitled admin create` uses it to bootstrap a database.
func (s *Store) EnsureAdmin(ctx context.Context, upn, displayName string) (*entitled.User, error) {
	if err := checkUPN(upn); err != nil {
		return nil, err
	}
	sys := entitled.SystemActor
	var out *entitled.User
	err := s.inTx(ctx, func(t *tx) error {
		u, err := s.findUser(ctx, t, upn)
		switch {
		case errIs(err, entitled.KindNotFound):
			u = &entitled.User{UserPrincipalName: upn, DisplayName: displayName, Mail: upn, AccountEnabled: true}
			if err := s.insertUser(ctx, t, sys, u); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		out = u
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM role_assignments WHERE principal_id = ? AND role_definition_id = ? AND directory_scope_id = '/'`,
			u.ID, entitled.RoleGlobalAdministrator).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		ra := &entitled.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: entitled.RoleGlobalAdministrator, DirectoryScopeID: "/"}
		return s.insertRoleAssignment(ctx, t, sys, ra, "")
	})
	return out, err
}

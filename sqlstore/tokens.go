package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/entitled-dev/entitled"
)

// hashToken is the stored form of a token secret.
func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// tokenCols are the columns scanToken reads.
const tokenCols = `id, user_id, expires_at, revoked_at, created_at, COALESCE(parent_id, ''), description, scope`

// maxTokenDescription bounds a token's description, in characters.
const maxTokenDescription = 200

func scanToken(r scanner) (*entitled.Token, error) {
	var tok entitled.Token
	var exp, rev sql.NullString
	var created string
	if err := r.Scan(&tok.ID, &tok.UserID, &exp, &rev, &created, &tok.ParentID, &tok.Description, &tok.Scope); err != nil {
		return nil, err
	}
	tok.ExpiresDateTime = parseTimePtr(exp)
	tok.RevokedDateTime = parseTimePtr(rev)
	tok.CreatedDateTime = parseTime(created)
	return &tok, nil
}

// IssueToken creates a bearer token for a user (id or userPrincipalName);
// it is CreateToken without a description.
func (s *TokenService) IssueToken(ctx context.Context, user string, ttl time.Duration) (string, *entitled.Token, error) {
	return s.CreateToken(ctx, entitled.TokenRequest{User: user, TTL: ttl})
}

// CreateToken creates a bearer token for a user; only the system, the user
// themself or a tenant administrator may (and for a holder of a privileged
// directory role only a Global Administrator, MayChangeUser). When the
// caller authenticated with a token (entitled.TokenFrom), the new token
// records it as its parent and expires no later than it. The secret is
// returned once; only its SHA-256 hash is stored.
func (s *TokenService) CreateToken(ctx context.Context, req entitled.TokenRequest) (string, *entitled.Token, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", nil, err
	}
	if req.TTL < 0 {
		return "", nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "ttl",
			Message: "the token lifetime must be positive, or 0 for a token that never expires"}).WithKey("err.token.badLifetime")
	}
	req.Description = strings.TrimSpace(req.Description)
	if utf8.RuneCountInString(req.Description) > maxTokenDescription {
		return "", nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "description",
			Message: "the description is longer than 200 characters"}).WithKey("err.token.descriptionTooLong")
	}
	if req.Scope != "" && req.Scope != entitled.TokenScopeSCIM {
		return "", nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "scope",
			Message: "unknown token scope " + quoteStr(req.Scope) + "; use " + quoteStr(entitled.TokenScopeSCIM) + " or none"}).WithKey("err.token.unknownScope", "Scope", req.Scope, "SCIM", entitled.TokenScopeSCIM)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", nil, err
	}
	secret := entitled.TokenPrefix + base64.RawURLEncoding.EncodeToString(buf)
	var tok *entitled.Token
	err = s.db.change(ctx, func(t *tx) error {
		u, err := t.findUser(ctx, req.User)
		if err != nil {
			return err
		}
		if a.User.ID != u.ID {
			if !a.IsTenantAdmin() {
				return entitled.Forbiddenf("only the user themself or a Global or Identity Governance Administrator may issue a token for %s", u.UserPrincipalName).WithKey("err.token.issueNotAllowed", "User", u.UserPrincipalName)
			}
			if err := mayChangeUser(ctx, t, a, u); err != nil {
				return err
			}
		}
		if !u.AccountEnabled {
			return entitled.Invalidf("the account %s is disabled, so a token for it would be refused; enable it before issuing one", u.UserPrincipalName).WithKey("err.token.accountDisabled", "User", u.UserPrincipalName)
		}
		now := t.now()
		tok = &entitled.Token{ID: newID(), UserID: u.ID, Description: req.Description, Scope: req.Scope, CreatedDateTime: now}
		var parentExp *time.Time
		if p := entitled.TokenFrom(ctx); p != nil {
			if parentExp, err = s.lockParent(ctx, t, p.ID, now); err != nil {
				return err
			}
			tok.ParentID = p.ID
		}
		tok.ExpiresDateTime = entitled.ChildExpiry(now, req.TTL, parentExp)
		if _, err := t.exec(ctx, `INSERT INTO tokens (id, user_id, hash, expires_at, created_at, parent_id, description, scope) VALUES (?,?,?,?,?,?,?,?)`,
			tok.ID, u.ID, hashToken(secret), fmtTimePtr(tok.ExpiresDateTime), fmtTime(now), nullIfEmpty(tok.ParentID), tok.Description, tok.Scope); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Issue token", Operation: "Add", TargetID: tok.ID,
			TargetType: "Token", TargetName: u.UserPrincipalName, After: tok})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// lockParent locks the row of the caller's token for the rest of the
// transaction and returns its expiry; a 401 when it was revoked or expired
// meanwhile. The lock orders a concurrent RevokeToken of the parent: it
// either waits for the child to be committed (and then revokes it too), or
// wins, and the child is refused here.
func (s *TokenService) lockParent(ctx context.Context, t *tx, id string, now time.Time) (*time.Time, error) {
	res, err := t.exec(ctx, `UPDATE tokens SET revoked_at = revoked_at WHERE id = ? AND revoked_at IS NULL`, id)
	if err != nil {
		return nil, err
	}
	gone := unauthorized("the bearer token is not valid: it is unknown, expired or revoked").WithKey("err.token.invalid")
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, gone
	}
	p, err := scanToken(t.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if p.ExpiresDateTime != nil && !now.Before(*p.ExpiresDateTime) {
		return nil, gone
	}
	return p.ExpiresDateTime, nil
}

// RevokeToken revokes a token and every token minted with it, transitively;
// its owner or a tenant administrator may (for a holder of a privileged
// directory role only a Global Administrator). Revoking a revoked token
// revokes what it minted, if anything remained.
func (s *TokenService) RevokeToken(ctx context.Context, id string) error {
	return s.db.changeAs(ctx, func(t *tx, a *entitled.Actor) error {
		tok, err := scanToken(t.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "token", id)
		}
		if a.User.ID != tok.UserID {
			if !a.IsTenantAdmin() {
				return entitled.Forbiddenf("only the token's owner or a Global or Identity Governance Administrator may revoke it").WithKey("err.token.revokeNotAllowed")
			}
			owner, err := t.loadUser(ctx, tok.UserID)
			if err != nil {
				return err
			}
			if err := mayChangeUser(ctx, t, a, owner); err != nil {
				return err
			}
		}
		now := t.now()
		res, err := t.exec(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, fmtTime(now), id)
		if err != nil {
			return err
		}
		// Of two concurrent revocations, one changes the row and audits.
		if n, _ := res.RowsAffected(); n == 1 {
			before := *tok
			tok.RevokedDateTime = &now
			if err := t.audit(ctx, a, auditEntry{Activity: "Revoke token", Operation: "Update", TargetID: id,
				TargetType: "Token", Before: before, After: tok}); err != nil {
				return err
			}
		}
		return t.revokeDescendants(ctx, a, []string{id}, now)
	})
}

// revokeDescendants revokes every live token minted, directly or through
// others, with one of the tokens ids, one generation at a time, each with
// its audit event. Each generation is read by a new statement, so a child
// committed while an earlier generation was revoked is still found.
func (t *tx) revokeDescendants(ctx context.Context, a *entitled.Actor, ids []string, now time.Time) error {
	for len(ids) > 0 {
		var children []string
		for _, id := range ids {
			got, err := idList(ctx, t, `SELECT id FROM tokens WHERE parent_id = ? ORDER BY id`, id)
			if err != nil {
				return err
			}
			children = append(children, got...)
		}
		for _, c := range children {
			res, err := t.exec(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, fmtTime(now), c)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := t.audit(ctx, a, auditEntry{Activity: "Revoke token", Operation: "Update", TargetID: c,
				TargetType: "Token", After: map[string]string{"reason": "the token that minted it was revoked"}}); err != nil {
				return err
			}
		}
		ids = children
	}
	return nil
}

// Tokens lists the tokens of the caller, or of q.UserID (id or
// userPrincipalName): anyone may list their own, Global and Identity
// Governance Administrators anyone's. Filterable on id, parentId,
// description, createdDateTime, expiresDateTime and revokedDateTime.
func (s *TokenService) Tokens(ctx context.Context, q entitled.TokenQuery) (entitled.Page[entitled.Token], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.Token]{}, err
	}
	owner := a.User.ID
	if q.UserID != "" {
		err := s.db.change(ctx, func(t *tx) error {
			u, err := t.findUser(ctx, q.UserID)
			if err != nil {
				return asInvalid(err, "userId")
			}
			owner = u.ID
			return nil
		})
		if err != nil {
			return entitled.Page[entitled.Token]{}, err
		}
	}
	if owner != a.User.ID && !a.IsTenantAdmin() {
		return entitled.Page[entitled.Token]{}, entitled.Forbiddenf("only Global and Identity Governance Administrators may list the tokens of another user").WithKey("err.token.listNotAllowed")
	}
	return listRows(ctx, s.db, q.ListOptions, tokenFields, "tokens", "id", tokenCols, "user_id = ?", []any{owner},
		valueOf(scanToken), func(tok entitled.Token) string { return tok.ID })
}

// tokenFields are the filterable properties of tokens.
var tokenFields = columnFields("id, parent_id, description, created_at, expires_at, revoked_at", nil)

// Authenticate returns the actor holding a valid token with their roles; a
// 401 for unknown, expired or revoked tokens and for disabled accounts.
func (s *TokenService) Authenticate(ctx context.Context, secret string) (*entitled.Actor, error) {
	a, _, err := s.AuthenticateToken(ctx, secret)
	return a, err
}

// AuthenticateToken is Authenticate that also returns the token, so the
// caller can mint child tokens bounded by it (entitled.WithToken).
func (s *TokenService) AuthenticateToken(ctx context.Context, secret string) (*entitled.Actor, *entitled.Token, error) {
	bad := unauthorized("the bearer token is not valid: it is unknown, expired or revoked").WithKey("err.token.invalid")
	if len(secret) < len(entitled.TokenPrefix)+10 || secret[:len(entitled.TokenPrefix)] != entitled.TokenPrefix {
		return nil, nil, bad
	}
	var a *entitled.Actor
	var tok *entitled.Token
	err := s.db.read(ctx, func(t *tx) error {
		var err error
		tok, err = scanToken(t.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hashToken(secret)))
		if errors.Is(err, sql.ErrNoRows) {
			return bad
		}
		if err != nil {
			return err
		}
		if tok.RevokedDateTime != nil || (tok.ExpiresDateTime != nil && !t.now().Before(*tok.ExpiresDateTime)) {
			return bad
		}
		u, err := t.loadUser(ctx, tok.UserID)
		if err != nil {
			if errIs(err, entitled.KindNotFound) {
				return bad
			}
			return err
		}
		if !u.AccountEnabled {
			return unauthorized("the account "+u.UserPrincipalName+" is disabled").WithKey("err.auth.accountDisabled", "User", u.UserPrincipalName)
		}
		a, err = s.loadActor(ctx, t, u)
		if a != nil {
			a.Scope = tok.Scope
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return a, tok, nil
}

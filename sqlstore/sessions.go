package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"github.com/entitled-dev/entitled"
)

// Web UI sign-in: an administrator hands a user a one-time sign-in link
// (`entitled login-link`); following it starts a browser session. Both
// secrets are stored only as SHA-256 hashes (hashToken) with an expiry.

// newSecret returns 32 random bytes, URL-safe.
func newSecret() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// CreateLoginLink makes a one-time sign-in secret for the user (id or
// userPrincipalName), valid for ttl; only the system or a Global or Identity
// Governance Administrator may, and for a holder of a privileged directory
// role only a Global Administrator (MayChangeUser). The secret is returned
// once.
func (s *SessionService) CreateLoginLink(ctx context.Context, user string, ttl time.Duration) (string, time.Time, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	if !a.IsTenantAdmin() {
		return "", time.Time{}, entitled.Forbiddenf("only a Global or Identity Governance Administrator may create sign-in links").WithKey("err.session.linkAdminsOnly")
	}
	if ttl <= 0 {
		return "", time.Time{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "ttl",
			Message: "the sign-in link lifetime must be positive, such as 15m"}).WithKey("err.session.badLinkLifetime")
	}
	secret, err := newSecret()
	if err != nil {
		return "", time.Time{}, err
	}
	var exp time.Time
	err = s.db.change(ctx, func(t *tx) error {
		u, err := t.findUser(ctx, user)
		if err != nil {
			return err
		}
		if a.User.ID != u.ID {
			if err := mayChangeUser(ctx, t, a, u); err != nil {
				return err
			}
		}
		if !u.AccountEnabled {
			return entitled.Invalidf("the account %s is disabled; enable it before creating a sign-in link", u.UserPrincipalName).WithKey("err.session.accountDisabled", "User", u.UserPrincipalName)
		}
		now := t.now()
		exp = now.Add(ttl)
		if _, err := t.exec(ctx, `DELETE FROM ui_login_links WHERE expires_at <= ?`, fmtTime(now)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO ui_login_links (hash, user_id, expires_at, created_at) VALUES (?,?,?,?)`,
			hashToken(secret), u.ID, fmtTime(exp), fmtTime(now)); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Create sign-in link", Operation: "Add", TargetID: u.ID,
			TargetType: "User", TargetName: u.UserPrincipalName})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return secret, exp, nil
}

// errBadLink is the answer for a sign-in secret that cannot be used.
func errBadLink() error {
	return unauthorized("this sign-in link cannot be used: it was already used, has expired or is unknown; ask an administrator for a new one").WithKey("err.session.linkUnusable")
}

// RedeemLoginLink uses up a sign-in secret and starts a session of ttl for
// its user: it returns the session secret (for the cookie) and the user id.
// A link works once: of two concurrent redemptions exactly one succeeds.
// Unknown, used or expired links and disabled accounts are 401 errors.
func (s *SessionService) RedeemLoginLink(ctx context.Context, secret string, ttl time.Duration) (string, string, error) {
	if secret == "" {
		return "", "", errBadLink()
	}
	if ttl <= 0 {
		return "", "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "ttl",
			Message: "the session lifetime must be positive"}).WithKey("err.session.badLifetime")
	}
	session, err := newSecret()
	if err != nil {
		return "", "", err
	}
	var userID string
	err = s.db.change(ctx, func(t *tx) error {
		var exp string
		err := t.queryRow(ctx, `SELECT user_id, expires_at FROM ui_login_links WHERE hash = ?`, hashToken(secret)).Scan(&userID, &exp)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadLink()
		}
		if err != nil {
			return err
		}
		now := t.now()
		if !now.Before(parseTime(exp)) {
			return errBadLink()
		}
		res, err := t.exec(ctx, `DELETE FROM ui_login_links WHERE hash = ?`, hashToken(secret))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errBadLink()
		}
		u, err := t.loadUser(ctx, userID)
		if err != nil {
			if errIs(err, entitled.KindNotFound) {
				return errBadLink()
			}
			return err
		}
		return t.openSession(ctx, u, session, ttl, nil)
	})
	if err != nil {
		return "", "", err
	}
	return session, userID, nil
}

// SessionUser returns the user id of a live session; a 401 error for
// unknown, ended or expired sessions.
func (s *SessionService) SessionUser(ctx context.Context, session string) (string, error) {
	bad := unauthorized("the session has ended or expired; sign in again").WithKey("err.session.ended")
	if session == "" {
		return "", bad
	}
	var userID, exp string
	err := s.db.queryRow(ctx, `SELECT user_id, expires_at FROM ui_sessions WHERE hash = ?`, hashToken(session)).Scan(&userID, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", bad
	}
	if err != nil {
		return "", err
	}
	if !s.db.now().Before(parseTime(exp)) {
		return "", bad
	}
	return userID, nil
}

// EndSession signs a session out; ending an unknown session is a no-op.
func (s *SessionService) EndSession(ctx context.Context, session string) error {
	if session == "" {
		return nil
	}
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM ui_sessions WHERE hash = ?`, hashToken(session))
		return err
	})
}

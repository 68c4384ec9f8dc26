package sqlstore

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
)

// openSession records a web UI session of ttl for the user signing in,
// whatever the way (a one-time link, an identity provider): a disabled
// account is a 401; expired sessions are swept; the sign-in is audited
// with after (nil for none) as its snapshot.
func (t *tx) openSession(ctx context.Context, u *entitled.User, session string, ttl time.Duration, after any) error {
	if !u.AccountEnabled {
		return unauthorized("the account "+u.UserPrincipalName+" is disabled").WithKey("err.auth.accountDisabled", "User", u.UserPrincipalName)
	}
	now := t.now()
	if _, err := t.exec(ctx, `DELETE FROM ui_sessions WHERE expires_at <= ?`, fmtTime(now)); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO ui_sessions (hash, user_id, expires_at, created_at) VALUES (?,?,?,?)`,
		hashToken(session), u.ID, fmtTime(now.Add(ttl)), fmtTime(now)); err != nil {
		return err
	}
	return t.audit(ctx, &entitled.Actor{User: *u}, auditEntry{Activity: "Sign in to the web UI", Operation: "Add",
		TargetID: u.ID, TargetType: "User", TargetName: u.UserPrincipalName, After: after})
}

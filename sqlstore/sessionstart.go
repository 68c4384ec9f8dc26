package sqlstore

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
)

// StartSession starts a web UI session of ttl for a user an identity
// provider signed in (SignInWithOIDC), without a one-time link: it returns
// the session secret for the cookie. A missing or disabled user is a 401.
// method names how the user signed in, for the audit event.
func (s *SessionService) StartSession(ctx context.Context, userID string, ttl time.Duration, method string) (string, error) {
	if ttl <= 0 {
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "ttl",
			Message: "the session lifetime must be positive"}).WithKey("err.session.badLifetime")
	}
	session, err := newSecret()
	if err != nil {
		return "", err
	}
	err = s.db.change(ctx, func(t *tx) error {
		u, err := t.loadUser(ctx, userID)
		if err != nil {
			if errIs(err, entitled.KindNotFound) {
				return unauthorized("the user signing in no longer exists").WithKey("err.session.userGone")
			}
			return err
		}
		return t.openSession(ctx, u, session, ttl, map[string]string{"method": method})
	})
	if err != nil {
		return "", err
	}
	return session, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/entitled-dev/entitled"
)

// API callers with an identity provider's access token
// (oidc.Authenticator): the TokenService maps the person or the
// application a verified token names to an actor, as it does for
// entitled's own tokens.

// ActorForIdentity is the actor of an API caller whose access token (or the
// provider's userinfo for it) names a person: the user recorded for the
// issuer and subject, else the claim matches of entitled.DecideSignIn.
// It never creates or links a user; no match, or a disabled user, is a 401.
func (s *TokenService) ActorForIdentity(ctx context.Context, x entitled.ExternalIdentity, o entitled.SignInOptions) (*entitled.Actor, error) {
	o.CreateUsers = false
	var a *entitled.Actor
	err := s.db.read(ctx, func(t *tx) error {
		f, err := t.signInFacts(ctx, x, o)
		if err != nil {
			return err
		}
		d, err := entitled.DecideSignIn(f)
		if err != nil {
			return unauthorized("the access token is valid, but "+lowerFirst(entitled.AsError(err).Message)).WithKey("err.auth.tokenUserRefused", "Reason", lowerFirst(entitled.AsError(err).Message))
		}
		a, err = s.loadActor(ctx, t, d.User)
		return err
	})
	return a, err
}

// ActorForApplication is the actor of an application calling with its own
// access token (client credentials): the service principal registered for
// appID, with the roles assigned to it. An unknown application or a disabled
// service principal is a 401 saying what to do.
func (s *TokenService) ActorForApplication(ctx context.Context, appID string) (*entitled.Actor, error) {
	var a *entitled.Actor
	err := s.db.read(ctx, func(t *tx) error {
		var id string
		if err := t.queryRow(ctx, `SELECT id FROM service_principals WHERE app_id = ?`, appID).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return unauthorized("the access token is an application token of client "+quoteStr(appID)+
					", which is not registered in entitled; an administrator registers it with POST /v1.0/servicePrincipals {\"appId\": \""+appID+"\"} and gives it roles").WithKey("err.auth.unknownApplication", "Client", appID)
			}
			return err
		}
		u, err := t.loadUser(ctx, id)
		if err != nil {
			return err
		}
		if !u.AccountEnabled {
			return unauthorized("the service principal of client "+quoteStr(appID)+" is disabled").WithKey("err.auth.applicationDisabled", "Client", appID)
		}
		a, err = s.loadActor(ctx, t, u)
		return err
	})
	return a, err
}

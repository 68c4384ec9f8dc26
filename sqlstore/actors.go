package sqlstore

import (
	"context"
	"errors"

	"github.com/entitled-dev/entitled"
)

// loadActor builds the actor of a user with every role they hold:
// directory roles (directory_scope_id "/") and catalog roles
// (app_scope_id "/" under key "/", "/AccessPackageCatalog/{id}" under the id).
func (s *TokenService) loadActor(ctx context.Context, t *tx, u *entitled.User) (*entitled.Actor, error) {
	a := &entitled.Actor{User: *u, CatalogRoles: map[string][]string{}}
	rows, err := t.query(ctx, `SELECT role_definition_id, directory_scope_id, app_scope_id FROM role_assignments
		WHERE principal_id = ? ORDER BY id`, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var role, dirScope, appScope string
		if err := rows.Scan(&role, &dirScope, &appScope); err != nil {
			return nil, err
		}
		switch {
		case dirScope == "/":
			a.DirectoryRoles = append(a.DirectoryRoles, role)
		case appScope == "/":
			a.CatalogRoles["/"] = append(a.CatalogRoles["/"], role)
		case len(appScope) > len(entitled.CatalogScope("")) && appScope[:len(entitled.CatalogScope(""))] == entitled.CatalogScope(""):
			id := appScope[len(entitled.CatalogScope("")):]
			a.CatalogRoles[id] = append(a.CatalogRoles[id], role)
		}
	}
	return a, rows.Err()
}

// ActorFor loads the actor (with roles) of a user id; used by sessions. A
// missing or disabled user is a 401.
func (s *TokenService) ActorFor(ctx context.Context, userID string) (*entitled.Actor, error) {
	var a *entitled.Actor
	err := s.db.read(ctx, func(t *tx) error {
		u, err := t.loadUser(ctx, userID)
		if err != nil {
			if entitled.ErrorKind(err) == entitled.KindNotFound {
				return unauthorized("the user of this session no longer exists").WithKey("err.auth.sessionUserGone")
			}
			return err
		}
		if !u.AccountEnabled {
			return unauthorized("the account "+u.UserPrincipalName+" is disabled").WithKey("err.auth.accountDisabled", "User", u.UserPrincipalName)
		}
		a, err = s.loadActor(ctx, t, u)
		return err
	})
	return a, err
}

// unauthorized is a 401 with msg; callers add the message key.
//
//i18n:keyed-by-caller
func unauthorized(msg string) *entitled.Error {
	return entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, "%s", msg)
}

// errIs reports whether err is an *entitled.Error of the kind.
func errIs(err error, kind entitled.Kind) bool {
	var e *entitled.Error
	return errors.As(err, &e) && e.Kind == kind
}

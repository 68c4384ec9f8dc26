package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/entitled-dev/entitled"
)

// notServicePrincipal is the list condition that leaves service principals
// out of the users.
const notServicePrincipal = `id NOT IN (SELECT id FROM service_principals)`

// signInFacts loads what entitled.DecideSignIn needs about an identity.
func (t *tx) signInFacts(ctx context.Context, x entitled.ExternalIdentity, o entitled.SignInOptions) (entitled.SignInFacts, error) {
	if o.Matches == nil {
		o.Matches = entitled.DefaultClaimMatches
	}
	f := entitled.SignInFacts{SignInOptions: o, Identity: x,
		LinkedElsewhere: map[string]bool{}, ServicePrincipals: map[string]bool{}}
	var linked string
	err := t.queryRow(ctx, `SELECT user_id FROM oidc_subjects WHERE issuer = ? AND subject = ?`, x.Issuer, x.Subject).Scan(&linked)
	switch {
	case err == nil:
		f.Linked, err = t.loadUser(ctx, linked)
		if err != nil {
			return f, err
		}
		return f, nil
	case !errors.Is(err, sql.ErrNoRows):
		return f, err
	}
	for _, m := range f.Matches {
		v := x.Claim(m.Claim)
		var found []entitled.User
		if v != "" {
			cond, arg := "id = ?", v
			switch m.Attribute {
			case entitled.AttrMail:
				cond, arg = "LOWER(mail) = ?", strings.ToLower(v)
			case entitled.AttrUserPrincipalName:
				cond, arg = "upn_key = ?", strings.ToLower(v)
			}
			rows, err := t.query(ctx, `SELECT `+userCols+` FROM users WHERE `+cond+` ORDER BY id LIMIT 2`, arg)
			if err != nil {
				return f, err
			}
			for rows.Next() {
				u, err := scanUser(rows)
				if err != nil {
					rows.Close()
					return f, err
				}
				found = append(found, *u)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return f, err
			}
		}
		f.Found = append(f.Found, found)
		for _, u := range found {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM oidc_subjects WHERE issuer = ? AND user_id = ?`, x.Issuer, u.ID).Scan(&n); err != nil {
				return f, err
			}
			f.LinkedElsewhere[u.ID] = n > 0
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM service_principals WHERE id = ?`, u.ID).Scan(&n); err != nil {
				return f, err
			}
			f.ServicePrincipals[u.ID] = n > 0
		}
	}
	return f, nil
}

// SignInWithOIDC finds (or, with o.CreateUsers, creates) the user an OpenID
// provider signed in, by entitled.DecideSignIn, and records the issuer and
// subject for them, so later sign-ins find them whatever their email
// becomes. Refusals are 403 errors whose message tells the person who to
// ask. The creation and the link are audited.
func (s *SessionService) SignInWithOIDC(ctx context.Context, x entitled.ExternalIdentity, o entitled.SignInOptions) (*entitled.User, error) {
	if x.Issuer == "" || x.Subject == "" {
		return nil, entitled.Invalidf("the identity provider's answer has no issuer or subject").WithKey("err.signin.noSubject")
	}
	var user *entitled.User
	err := s.db.change(ctx, func(t *tx) error {
		f, err := t.signInFacts(ctx, x, o)
		if err != nil {
			return err
		}
		d, err := entitled.DecideSignIn(f)
		if err != nil {
			return err
		}
		user = d.User
		if d.Create != nil {
			if err := t.insertUser(ctx, entitled.SystemActor, d.Create); err != nil {
				return err
			}
			user = d.Create
		}
		if !d.Link {
			return nil
		}
		if _, err := t.exec(ctx, `INSERT INTO oidc_subjects (issuer, subject, user_id, created_at) VALUES (?,?,?,?)`,
			x.Issuer, x.Subject, user.ID, fmtTime(t.now())); err != nil {
			return err
		}
		return t.audit(ctx, &entitled.Actor{User: *user}, auditEntry{Activity: "Link OpenID Connect account", Operation: "Add",
			TargetID: user.ID, TargetType: "User", TargetName: user.UserPrincipalName,
			After: map[string]string{"issuer": x.Issuer, "subject": x.Subject, "matchedBy": d.MatchedBy}})
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

// lowerFirst lower-cases the first letter of a sentence that is joined to
// another.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

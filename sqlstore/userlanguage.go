package sqlstore

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
)

// SetMyPreferredLanguage sets the caller's own preferredLanguage (PATCH
// /v1.0/me, the web UI's language setting): every signed-in user may, for
// themself only. "" clears it.
func (s *UserService) SetMyPreferredLanguage(ctx context.Context, lang string) (*entitled.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	lang, err = entitled.CheckPreferredLanguage(lang)
	if err != nil {
		return nil, err
	}
	var out *entitled.User
	err = s.db.change(ctx, func(t *tx) error {
		u, err := t.loadUser(ctx, a.User.ID)
		if err != nil {
			return err
		}
		if u.PreferredLanguage == lang {
			out = u
			return nil
		}
		before := *u
		u.PreferredLanguage = lang
		if _, err := t.exec(ctx, `UPDATE users SET preferred_language = ? WHERE id = ?`, lang, u.ID); err != nil {
			return err
		}
		out = u
		return t.audit(ctx, a, auditEntry{Activity: "Update user", Operation: "Update", TargetID: u.ID, TargetType: "User",
			TargetName: u.UserPrincipalName, Before: before, After: u})
	})
	return out, err
}

// nounKey is the catalogue key naming a kind of object ("access package"
// → "noun.accessPackage"), for messages in the reader's language.
func nounKey(what string) string {
	var b strings.Builder
	b.WriteString("noun.")
	up := false
	for _, r := range what {
		switch {
		case r == ' ':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

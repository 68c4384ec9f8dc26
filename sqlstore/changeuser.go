package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// changeUser runs fn in a change transaction on the user id, once the caller
// holds OpManageUsers and may change that user (MayChangeUser).
func (s *UserService) changeUser(ctx context.Context, id string, fn func(t *tx, a *entitled.Actor, u *entitled.User) error) error {
	return s.db.changeAuthorized(ctx, entitled.OpManageUsers, "", func(t *tx, a *entitled.Actor) error {
		u, err := t.findUser(ctx, id)
		if err != nil {
			return err
		}
		if err := mayChangeUser(ctx, t, a, u); err != nil {
			return err
		}
		return fn(t, a, u)
	})
}

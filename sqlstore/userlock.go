package sqlstore

import (
	"context"
	"database/sql"
	"errors"
)

// lockTarget locks the row of the user a request is for until the
// transaction ends (PostgreSQL; SQLite's single writer needs none), so the
// checks of two concurrent requests for the same user that read each
// other's effects — separation of duties — run one after the other: the
// second reads the first's request as committed. A user's row is locked
// after the request rows of the same change (locks.go's order).
func (t *tx) lockTarget(ctx context.Context, userID string) error {
	if t.db.forUpdate() == "" {
		return nil
	}
	var id string
	err := t.queryRow(ctx, `SELECT id FROM users WHERE id = ?`+t.db.forUpdate(), userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not a user of the directory: the request's own checks answer
	}
	return err
}

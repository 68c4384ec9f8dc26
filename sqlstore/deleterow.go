package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// deleteRow deletes the row id of table and records e, what went, in the
// audit log: the last step of a Delete method.
func (t *tx) deleteRow(ctx context.Context, a *entitled.Actor, table, id string, e auditEntry) error {
	if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE id = ?`, id); err != nil {
		return err
	}
	return t.audit(ctx, a, e)
}

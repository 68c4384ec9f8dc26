package sqlstore

import (
	"context"
	"strings"
)

// conflictIfAny runs q, which lists the ids (a few at most) of what still
// uses a row about to be deleted, and answers conflict with them, joined by
// ", ", when it finds any; nil when it finds none.
func conflictIfAny(ctx context.Context, t *tx, q string, args []any, conflict func(ids string) error) error {
	ids, err := idList(ctx, t, q, args...)
	if err != nil || len(ids) == 0 {
		return err
	}
	return conflict(strings.Join(ids, ", "))
}

package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// The caller's transactions: who calls (actor, a 401 without one) or
// whether they may (authorized, a 401 or 403) is settled before the
// transaction begins, and fn gets the actor.

// readAs runs fn in a read transaction (read) for the caller.
func (db *DB) readAs(ctx context.Context, fn func(t *tx, a *entitled.Actor) error) error {
	return runAs(ctx, actor, db.read, fn)
}

// readAuthorized runs fn in a read transaction (read) once the caller may
// perform op in the catalog ("" for tenant-wide operations).
func (db *DB) readAuthorized(ctx context.Context, op entitled.Op, catalogID string, fn func(t *tx, a *entitled.Actor) error) error {
	return runAs(ctx, mayDo(op, catalogID), db.read, fn)
}

// changeAs runs fn in a change transaction (change) for the caller; fn
// checks what they may do to what it loads.
func (db *DB) changeAs(ctx context.Context, fn func(t *tx, a *entitled.Actor) error) error {
	return runAs(ctx, actor, db.change, fn)
}

// changeAuthorized runs fn in a change transaction (change) once the
// caller may perform op in the catalog ("" for tenant-wide operations).
func (db *DB) changeAuthorized(ctx context.Context, op entitled.Op, catalogID string, fn func(t *tx, a *entitled.Actor) error) error {
	return runAs(ctx, mayDo(op, catalogID), db.change, fn)
}

// changeLifecycleAs runs fn in a lifecycle change (changeLifecycle) for
// the caller; fn checks what they may do to the rows it locks.
func (db *DB) changeLifecycleAs(ctx context.Context, fn func(t *tx, a *entitled.Actor) error) error {
	return runAs(ctx, actor, db.changeLifecycle, fn)
}

// mayDo is authorized for op in the catalog, as a check runAs makes.
func mayDo(op entitled.Op, catalogID string) func(context.Context) (*entitled.Actor, error) {
	return func(ctx context.Context) (*entitled.Actor, error) { return authorized(ctx, op, catalogID) }
}

// runAs settles who calls (who: actor or mayDo), then runs fn with them
// in the transaction run begins (db.read, db.change, …).
func runAs(ctx context.Context, who func(context.Context) (*entitled.Actor, error), run func(context.Context, func(*tx) error) error,
	fn func(t *tx, a *entitled.Actor) error) error {
	a, err := who(ctx)
	if err != nil {
		return err
	}
	return run(ctx, func(t *tx) error { return fn(t, a) })
}

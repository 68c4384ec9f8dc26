package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// now is the current time of the database's clock (DB.Now, else
// time.Now), in UTC to the microsecond that is stored.
func (db *DB) now() time.Time {
	clock := db.Now
	if clock == nil {
		clock = time.Now
	}
	return clock().UTC().Truncate(time.Microsecond)
}

// The transaction helpers. Reads take no lock anywhere; on PostgreSQL a
// change locks what it changes (see locks.go):
//
//   - read: a read, on SQLite in a transaction of the read pool, so it
//     never waits for a write;
//   - changeLifecycle: a change to existing requests or assignments, which
//     locks their rows (lockRequest, lockAssignment) and holds the change
//     lock shared: such changes run side by side;
//   - change: any other change (catalogs, packages, policies, users, …),
//     which holds the change lock exclusively, so its checks that span
//     rows and tables still hold when it commits;
//   - changeUnlocked: a change whose every check is re-made by the
//     statement that acts on it.
//
// SQLite has one writer: there every change runs alone and the locks are
// no-ops.

// read runs fn as a read, without any lock. On SQLite it is a
// transaction on a connection of the read pool (a WAL reader beside the
// writer), which reads one snapshot. On PostgreSQL its statements run on
// the pool without a transaction: under READ COMMITTED each statement
// sees what was committed when it began, inside a transaction or not, so
// a BEGIN and its end would only add two round trips. Either way it sees
// every change committed before it began, so a client reads its own
// writes. fn must not write.
func (db *DB) read(ctx context.Context, fn func(t *tx) error) error {
	if db.Dialect == DialectPostgres {
		return db.poolerHint(fn(&tx{conn: db.reader(), db: db}))
	}
	sqlTx, err := db.reader().BeginTx(ctx, nil) // query-only connections
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(newTx(sqlTx, db))
}

// change runs fn in a transaction and commits it when fn returns nil. On
// PostgreSQL it first takes the change lock exclusively (lockChanges): it
// runs alone among changes made with change and changeLifecycle, on every
// replica. Reads do not wait for it. Use it when in doubt.
func (db *DB) change(ctx context.Context, fn func(t *tx) error) error {
	return db.runTx(ctx, lockExclusive, fn)
}

// changeLifecycle runs a change to existing requests and assignments: fn
// locks the rows it changes (lockRequest, lockAssignment: a request before
// its assignment) before it checks them. On PostgreSQL it holds the change
// lock shared, so lifecycle changes of different requests run at the same
// time and wait only for a change made with change (a policy deleted, say).
func (db *DB) changeLifecycle(ctx context.Context, fn func(t *tx) error) error {
	return db.runTx(ctx, lockShared, fn)
}

// changeUnlocked is change without the change lock on PostgreSQL, for a
// transaction whose every check is re-made by the statement that acts on
// it (a foreign key, ON CONFLICT, a row count), so another transaction
// committing in between cannot make it wrong. Use change when in doubt.
func (db *DB) changeUnlocked(ctx context.Context, fn func(t *tx) error) error {
	return db.runTx(ctx, lockNone, fn)
}

// runTx runs fn in a transaction holding the change lock in mode.
func (db *DB) runTx(ctx context.Context, mode lockMode, fn func(t *tx) error) error {
	return db.poolerHint(db.runTxUnhinted(ctx, mode, fn))
}

// runTxUnhinted is runTx without poolerHint.
func (db *DB) runTxUnhinted(ctx context.Context, mode lockMode, fn func(t *tx) error) error {
	sqlTx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if db.Dialect == DialectPostgres {
		if err := lockChanges(ctx, sqlTx, mode); err != nil {
			_ = sqlTx.Rollback()
			return err
		}
	}
	t := newTx(sqlTx, db)
	err = fn(t)
	if err == nil {
		err = t.flushEvents(ctx)
	}
	if err == nil {
		err = t.flushAudit(ctx)
	}
	if err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.auditCommitted()
	return nil
}

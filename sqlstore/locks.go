package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// Row locks of lifecycle changes (DB.changeLifecycle). On PostgreSQL a change
// locks the request or assignment it is about to check and change with
// SELECT … FOR UPDATE, so two changes of the same request (an approval and
// a cancel through two replicas) run one after the other: the second reads
// the row as the first committed it, and its check refuses what is no
// longer allowed. Rows are locked in one order, a request before its
// assignment, as the roll-up does (requests in id order, then their
// assignments), so two changes never wait for each other in a circle. On
// SQLite the single writer runs changes one at a time and the lock clause
// is left out.

// forUpdate is the row-lock clause of the dialect: " FOR UPDATE" on
// PostgreSQL, nothing on SQLite.
func (db *DB) forUpdate() string {
	if db.Dialect == DialectPostgres {
		return ` FOR UPDATE`
	}
	return ``
}

// lockRequest loads a request and locks its row until the transaction
// ends; 404 when missing.
func (t *tx) lockRequest(ctx context.Context, id string) (*reqRow, error) {
	q, err := scanRequest(t.queryRow(ctx, `SELECT `+requestCols+` FROM assignment_requests WHERE id = ?`+t.db.forUpdate(), id))
	if err != nil {
		return nil, notFound(err, "assignment request", id)
	}
	return q, nil
}

// lockAssignment loads an assignment and locks its row until the
// transaction ends; 404 when missing. A change that opens a removal of the
// assignment or re-asserts it locks it first, so its check that no removal
// is open still holds when it commits.
func (t *tx) lockAssignment(ctx context.Context, id string) (*entitled.Assignment, error) {
	as, _, err := scanAssignment(t.queryRow(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = ?`+t.db.forUpdate(), id))
	if err != nil {
		return nil, notFound(err, "assignment", id)
	}
	return as, nil
}

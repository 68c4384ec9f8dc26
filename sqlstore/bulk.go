package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Set-based statements for the hot paths: one statement acts on many rows,
// so a batch of requests or outcomes costs a few round trips, not a few per
// row. Their text varies with the number of rows, so on PostgreSQL they run
// as unnamed statements (pgx's exec mode) instead of filling each
// connection's prepared-statement cache with one entry per row count.

// maxBulkRows bounds the rows of one multi-row statement, well inside
// both databases' limits on bound parameters.
const maxBulkRows = 500

// valueRows returns n parenthesised groups of cols placeholders:
// "(?,?),(?,?)" for n=2, cols=2.
func valueRows(n, cols int) string {
	row := "(" + inList(cols) + ")"
	var b strings.Builder
	b.Grow(n * (len(row) + 1))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// bulkArgs prepends, on PostgreSQL, the argument that makes pgx run the
// statement unprepared.
func (db *DB) bulkArgs(args []any) []any {
	if db.Dialect != DialectPostgres {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// bulkExec runs a set-based statement whose text depends on its row count.
func (t *tx) bulkExec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.exec(ctx, q, t.db.bulkArgs(args)...)
}

// bulkQuery runs a set-based query whose text depends on its row count.
func (t *tx) bulkQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.query(ctx, q, t.db.bulkArgs(args)...)
}

// chunks calls fn for each run of at most maxBulkRows of n items, with the
// run's bounds.
func chunks(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += maxBulkRows {
		if err := fn(lo, min(lo+maxBulkRows, n)); err != nil {
			return err
		}
	}
	return nil
}

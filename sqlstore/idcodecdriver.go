package sqlstore

import (
	"context"
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// idRows returns a 16-byte BLOB as the canonical UUID text, unless its
// column is declared BLOB (River's args, metadata and unique keys).
type idRows struct {
	driver.Rows
	// text says, per column, whether a 16-byte BLOB is a UUID; nil until
	// the first such value is met.
	text []bool
}

// newIDRows wraps rows of a SQLite statement.
func newIDRows(rows driver.Rows) driver.Rows { return &idRows{Rows: rows} }

// Next reads the next row, converting 16-byte BLOBs of non-BLOB columns.
func (r *idRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for i, v := range dest {
		b, ok := v.([]byte)
		if !ok || len(b) != 16 {
			continue
		}
		if r.text == nil {
			r.text = uuidColumns(r.Rows, len(dest))
		}
		if r.text[i] {
			dest[i] = uuidText(b)
		}
	}
	return nil
}

// uuidColumns says, for each of the n columns of rows, whether a 16-byte
// BLOB in it is a stored UUID: every column except those declared BLOB.
// A column without a declared type (an expression, COALESCE, a subquery,
// RETURNING of an expression) counts as text.
func uuidColumns(rows driver.Rows, n int) []bool {
	text := make([]bool, n)
	typed, ok := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i := range text {
		text[i] = !ok || !strings.Contains(strings.ToUpper(typed.ColumnTypeDatabaseTypeName(i)), "BLOB")
	}
	return text
}

// idStmt is a statement prepared on a SQLite connection whose rows convert
// UUIDs (idRows).
type idStmt struct{ driver.Stmt }

// QueryContext runs the statement and wraps its rows.
func (s idStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	return newIDRows(rows), nil
}

// ExecContext runs the statement.
func (s idStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// idTextFunc is SQL's idtext(x) on SQLite: the canonical text of a stored
// UUID (a 16-byte BLOB), any other value unchanged. Text functions apply to
// it, not to the column (LOWER(idtext(display_name))), so that they see
// the text every reader sees. PostgreSQL's idtext (migration 00028)
// returns its text argument.
func idTextFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if b, ok := args[0].([]byte); ok && len(b) == 16 {
		return uuidText(b), nil
	}
	return args[0], nil
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("idtext", 1, idTextFunc)
}

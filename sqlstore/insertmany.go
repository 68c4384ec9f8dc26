package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Multi-row inserts for batches. On SQLite they are INSERT … VALUES with a
// group of placeholders per row, in chunks of maxBulkRows. On PostgreSQL
// they are INSERT … SELECT FROM unnest(arrays): one array per column, so
// the statement's text is the same for any row count (prepared once per
// connection, no plan to choose), and pgx encodes a few arrays instead of
// thousands of parameters.

// bulkColumn is one column of a multi-row insert: its name and its
// PostgreSQL element type, "text" or "int8".
type bulkColumn struct{ name, pgType string }

// textColumns returns text columns with the names given.
func textColumns(names ...string) []bulkColumn {
	cols := make([]bulkColumn, len(names))
	for i, n := range names {
		cols[i] = bulkColumn{name: n, pgType: "text"}
	}
	return cols
}

// insertStatement is a multi-row insert into a table.
type insertStatement struct {
	table string
	cols  []bulkColumn
	// tail follows the rows: ON CONFLICT …, RETURNING ….
	tail string
	// head is the text up to the rows' source, values the SQLite text up
	// to VALUES, unnest the PostgreSQL text.
	head, values, unnest string
}

// newInsert builds the statements of a multi-row insert.
func newInsert(table string, cols []bulkColumn, tail string) *insertStatement {
	names := make([]string, len(cols))
	arrays := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
		arrays[i] = fmt.Sprintf("$%d::%s[]", i+1, c.pgType)
	}
	head := `INSERT INTO ` + table + ` (` + strings.Join(names, ", ") + `) `
	return &insertStatement{table: table, cols: cols, tail: tail, head: head, values: head + `VALUES `,
		unnest: head + `SELECT * FROM unnest(` + strings.Join(arrays, ", ") + `) ` + tail}
}

// run inserts the rows of args (len(cols) values per row, in column order:
// strings or nil for text, ints for int8). When scan is not nil the
// statement is a query (its tail RETURNING …) and scan reads its rows.
func (st *insertStatement) run(ctx context.Context, t *tx, args []any, scan func(*sql.Rows) error) error {
	n := len(st.cols)
	if len(args) == 0 {
		return nil
	}
	if len(args)%n != 0 {
		return fmt.Errorf("insert into %s: %d values for %d columns", st.table, len(args), n)
	}
	rows := len(args) / n
	if t.db.Dialect == DialectPostgres {
		arrays, err := st.arrays(args, rows)
		if err != nil {
			return err
		}
		return t.runRaw(ctx, st.unnest, arrays, scan)
	}
	return chunks(rows, func(lo, hi int) error {
		if hi-lo == 1 {
			return t.runRaw(ctx, st.values+valueRows(1, n)+" "+st.tail, args[lo*n:hi*n], scan)
		}
		src, padded := paddedRows(n, args[lo*n:hi*n])
		return t.runRaw(ctx, st.head+src+" "+st.tail, padded, scan)
	})
}

// arrays turns row-major args into one typed array per column.
func (st *insertStatement) arrays(args []any, rows int) ([]any, error) {
	return columnArrays(st.table, st.cols, args, rows)
}

// columnArrays turns row-major args (len(cols) per row) into one typed
// array per column, for PostgreSQL's unnest; what names the rows' table
// in errors.
func columnArrays(what string, cols []bulkColumn, args []any, rows int) ([]any, error) {
	n := len(cols)
	out := make([]any, n)
	for j, c := range cols {
		switch c.pgType {
		case "text":
			col := make([]*string, rows)
			for i := range rows {
				switch v := args[i*n+j].(type) {
				case nil:
				case string:
					col[i] = &v
				default:
					return nil, fmt.Errorf("%s: column %s: %T is not text", what, c.name, v)
				}
			}
			out[j] = col
		case "int8":
			col := make([]int64, rows)
			for i := range rows {
				switch v := args[i*n+j].(type) {
				case int:
					col[i] = int64(v)
				case int64:
					col[i] = v
				default:
					return nil, fmt.Errorf("%s: column %s: %T is not an integer", what, c.name, v)
				}
			}
			out[j] = col
		default:
			return nil, fmt.Errorf("%s: column %s: unknown type %s", what, c.name, c.pgType)
		}
	}
	return out, nil
}

// rowsSource returns a row source for a CTE, WITH v(…) AS (source), of
// the rows in args (len(cols) values per row), and its arguments: VALUES
// on SQLite, unnest of one array per column on PostgreSQL. Callers keep
// rows within maxBulkRows (SQLite's limit on placeholders). On SQLite
// the rows are padded (paddedRows): the first column must not be NULL.
func (db *DB) rowsSource(cols []bulkColumn, args []any) (string, []any, error) {
	n := len(cols)
	rows := len(args) / n
	if db.Dialect != DialectPostgres {
		src, padded := paddedRows(n, args)
		return src, padded, nil
	}
	arrays, err := columnArrays("rows", cols, args, rows)
	if err != nil {
		return "", nil, err
	}
	casts := make([]string, n)
	for i, c := range cols {
		casts[i] = "?::" + c.pgType + "[]"
	}
	return "SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")", arrays, nil
}

// idIn returns the condition "col is one of ids" and its arguments: an IN
// list on SQLite, = ANY(array) on PostgreSQL.
func (db *DB) idIn(col string, ids []any) (string, []any, error) {
	if db.Dialect != DialectPostgres {
		list, padded := paddedInList(ids)
		return col + " IN (" + list + ")", padded, nil
	}
	arrays, err := columnArrays(col, []bulkColumn{{col, "text"}}, ids, len(ids))
	if err != nil {
		return "", nil, err
	}
	return col + " = ANY(?::text[])", arrays, nil
}

// runRaw runs q (placeholders already in the dialect's form on PostgreSQL,
// ? on SQLite) as an exec, or as a query read by scan.
func (t *tx) runRaw(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	if scan == nil {
		_, err := t.exec(ctx, q, args...)
		return err
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := scan(rows); err != nil {
		return err
	}
	return rows.Err()
}

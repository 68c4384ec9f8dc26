package sqlstore

import "strings"

// SQLite parses a statement once per connection and keeps it (sqlitecache.go),
// keyed by its text. A multi-row statement's text grows with its rows, so
// batches of 1 to 500 rows would make 500 texts per statement: more than the
// cache holds, and each batch would be parsed again (a tenth of the CPU of
// `entitled bench` went to parsing). The rows are therefore padded to a few
// sizes (powers of two up to maxBulkRows): a statement has at most ten texts,
// each parsed once. Padding rows are NULLs, which the statement leaves out:
// a row source keeps only rows whose first column is not NULL (every caller
// puts an id there), and an IN list never matches NULL.

// rowBucket returns the number of rows a statement of n rows is padded to:
// the smallest power of two at least n, at most maxBulkRows.
func rowBucket(n int) int {
	b := 1
	for b < n {
		b *= 2
	}
	return min(b, max(n, maxBulkRows))
}

// paddedRows returns, for SQLite, a row source of the rows of args
// (cols values per row) padded to rowBucket rows with NULLs, and its
// arguments: SELECT * FROM (VALUES …) WHERE column1 IS NOT NULL. The padding
// rows' first column is NULL, so the source yields exactly the rows of args,
// as long as none of them has a NULL first column.
func paddedRows(cols int, args []any) (string, []any) {
	rows := len(args) / cols
	b := rowBucket(rows)
	padded := make([]any, b*cols)
	copy(padded, args)
	return "SELECT * FROM (VALUES " + valueRows(b, cols) + ") WHERE column1 IS NOT NULL", padded
}

// paddedInList returns, for SQLite, an IN list of ids padded to
// rowBucket entries with NULLs, and its arguments.
func paddedInList(ids []any) (string, []any) {
	b := rowBucket(len(ids))
	padded := make([]any, b)
	copy(padded, ids)
	return strings.Repeat("?,", b-1) + "?", padded
}

package sqlstore

import "context"

// queryRows runs a query and returns one value per row, each read by scan.
func queryRows[T any](ctx context.Context, t *tx, q string, args []any, scan func(r scanner) (T, error)) ([]T, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

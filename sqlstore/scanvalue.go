package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// valueOf turns a scan function that returns a pointer (scanCatalog,
// scanUser, …) into one that returns the value, as listRows takes it.
func valueOf[T any](scan func(scanner) (*T, error)) func(scanner) (T, error) {
	return func(r scanner) (T, error) {
		v, err := scan(r)
		if err != nil {
			var zero T
			return zero, err
		}
		return *v, nil
	}
}

// loadRow loads the row of table whose id is id, as scan reads cols; a
// missing row is a 404 naming what ("access package") and id.
func loadRow[T any](ctx context.Context, t *tx, scan func(scanner) (*T, error), cols, table, what, id string) (*T, error) {
	v, err := scan(t.queryRow(ctx, `SELECT `+cols+` FROM `+table+` WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, what, id)
	}
	return v, nil
}

// scanAssignmentValue is scanAssignment for queryRows: the assignment
// without its stored schedule.
func scanAssignmentValue(r scanner) (entitled.Assignment, error) {
	as, _, err := scanAssignment(r)
	if err != nil {
		return entitled.Assignment{}, err
	}
	return *as, nil
}

// scanRequestValue is scanRequest for queryRows: the request without its
// row version.
func scanRequestValue(r scanner) (entitled.AssignmentRequest, error) {
	q, err := scanRequest(r)
	if err != nil {
		return entitled.AssignmentRequest{}, err
	}
	return q.AssignmentRequest, nil
}

package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// visibleRequest loads the request id when the actor may read it
// (canSeeRequest); a request they may not read is the same 404 as one that
// does not exist.
func (t *tx) visibleRequest(ctx context.Context, a *entitled.Actor, id string) (*reqRow, error) {
	q, err := t.loadRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := t.canSeeRequest(ctx, a, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, entitled.NotFoundf("assignment request %q was not found", id).WithKey("error.notFound", "WhatKey", "noun.assignmentRequest", "ID", id)
	}
	return q, nil
}

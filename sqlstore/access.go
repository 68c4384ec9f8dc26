package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/entitled-dev/entitled"
)

// actor returns the caller or a 401 error.
func actor(ctx context.Context) (*entitled.Actor, error) {
	a := entitled.ActorFrom(ctx)
	if a == nil {
		return nil, entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, "authentication is required").WithKey("error.unauthenticated")
	}
	return a, nil
}

// authorized returns the caller when they may perform op in the catalog
// ("" for tenant-wide operations), else a 401 or 403 error.
func authorized(ctx context.Context, op entitled.Op, catalogID string) (*entitled.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(op, catalogID); err != nil {
		return nil, err
	}
	return a, nil
}

// notFound maps sql.ErrNoRows to a 404 naming the kind of thing and id.
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return entitled.NotFoundf("%s %q was not found", what, id).WithKey("error.notFound", "WhatKey", nounKey(what), "ID", id)
	}
	return err
}

package pgtest

import (
	"context"

	"github.com/jackc/pgx/v5"
)

func connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return c, c.Close(ctx)
}

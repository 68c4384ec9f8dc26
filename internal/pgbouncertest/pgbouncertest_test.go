package pgbouncertest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/entitled-dev/entitled/internal/pgtest"
)

// TestTransactionPooling: through the bouncer, a statement prepared in one
// transaction is unknown in the next when another client holds the server
// connection it was prepared on — what a transaction pooler does, and what
// entitled's pool_mode=transaction is for.
func TestTransactionPooling(t *testing.T) {
	pg := pgtest.Start(t)
	pg.CreateDatabase("app")
	b := Start(t, pg, Options{})
	ctx := context.Background()
	connect := func() *pgx.Conn {
		c, err := pgx.Connect(ctx, b.DSN("app"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	a, other := connect(), connect()
	if _, err := a.Exec(ctx, "PREPARE two AS SELECT 2", pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatal(err)
	}
	// The other client takes the server connection the statement was
	// prepared on (the last one used) and keeps it in a transaction.
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	_, err = a.Exec(ctx, "EXECUTE two", pgx.QueryExecModeSimpleProtocol)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("EXECUTE on another server connection: %v; want prepared statement \"two\" does not exist (is the bouncer pooling transactions?)", err)
	}
}

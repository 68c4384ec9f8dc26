package sqlstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestPoolerHint: PostgreSQL's answers to a statement prepared on another
// server connection say to add pool_mode=transaction, on PostgreSQL without
// it only; other errors are left as they are.
func TestPoolerHint(t *testing.T) {
	missing := fmt.Errorf("load: %w", &pgconn.PgError{Code: "26000", Message: `prepared statement "stmtcache_ab" does not exist`})
	twice := &pgconn.PgError{Code: "42P05", Message: `prepared statement "stmtcache_ab" already exists`}
	wrappedText := errors.New(`failed to execute pg_try_advisory_lock: ERROR: prepared statement "stmtcache_ab" already exists (SQLSTATE 42P05)`)
	other := &pgconn.PgError{Code: "23505", Message: "duplicate key value violates unique constraint"}
	direct := &DB{Dialect: DialectPostgres}
	pooled := &DB{Dialect: DialectPostgres, pooled: true}
	lite := &DB{Dialect: DialectSQLite}
	for _, tc := range []struct {
		name string
		db   *DB
		err  error
		hint bool
	}{
		{"missing statement", direct, missing, true},
		{"statement prepared twice", direct, twice, true},
		{"goose's wrapped text", direct, wrappedText, true},
		{"another error", direct, other, false},
		{"pool_mode=transaction set", pooled, missing, false},
		{"SQLite", lite, missing, false},
		{"no error", direct, nil, false},
	} {
		got := tc.db.poolerHint(tc.err)
		if hinted := errors.Is(got, errPoolsTransactions); hinted != tc.hint {
			t.Errorf("%s: %v; hint %v, want %v", tc.name, got, hinted, tc.hint)
		}
		if tc.err != nil && !errors.Is(got, tc.err) {
			t.Errorf("%s: the original error is lost: %v", tc.name, got)
		}
	}
}

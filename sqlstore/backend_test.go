package sqlstore

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/entitled-dev/entitled/internal/dbtest"
	"github.com/entitled-dev/entitled/internal/testkeys"
)

// The whole suite runs once per backend (internal/dbtest): SQLite, then
// PostgreSQL on a throwaway server. Every test gets a fresh database: a
// SQLite file in t.TempDir(), or a PostgreSQL database copied from a
// migrated template. ENTITLED_TEST_BACKENDS=sqlite or =postgres runs one.

func TestMain(m *testing.M) {
	os.Exit(dbtest.Main(m, "sqlstore", func(dsn string) error {
		db, err := Open(dsn, WithSecrets(testkeys.Keyring()))
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Migrate(context.Background())
	}))
}

// openTestDB opens a fresh, migrated database of the current backend,
// closed (and on PostgreSQL dropped) when the test ends.
func openTestDB(t testing.TB) *DB {
	t.Helper()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	if dbtest.Backend() == dbtest.Postgres {
		dsn = dbtest.NewPostgres(t)
	}
	db, err := Open(dsn, WithSecrets(testkeys.Keyring()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// On PostgreSQL the template is migrated: Migrate must find nothing to do.
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// tExec runs a statement with ? placeholders outside the store, for fixtures.
func (db *DB) tExec(q string, args ...any) (sql.Result, error) {
	return db.SQL.Exec(db.rebind(q), args...)
}

// tQueryRow runs a one-row query with ? placeholders outside the store.
func (db *DB) tQueryRow(q string, args ...any) *sql.Row {
	return db.SQL.QueryRow(db.rebind(q), args...)
}

// tQuery runs a query with ? placeholders outside the store.
func (db *DB) tQuery(q string, args ...any) (*sql.Rows, error) {
	return db.SQL.Query(db.rebind(q), args...)
}

// Package storetest opens the store that the tests of other packages (the
// API, the web UI, the SCIM server, events, the directory connector) run on:
// a migrated SQLite database in the test's temporary directory, its secrets
// sealed with the test keys, closed when the test ends.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/entitled-dev/entitled/internal/testkeys"
	"github.com/entitled-dev/entitled/sqlstore"
)

// Open opens and migrates a new SQLite database for tb.
func Open(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open("sqlite:"+filepath.Join(tb.TempDir(), "entitled.db"), sqlstore.WithSecrets(testkeys.Keyring()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/sqlstore"
)

// runCommand runs cmd with args on the database dsn (its --db flag) and
// returns what it printed on stdout; an error fails the test, with stderr.
func runCommand(t *testing.T, cmd *cobra.Command, dsn string, args ...string) string {
	t.Helper()
	out, errb, err := tryCommand(cmd, dsn, args...)
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", cmd.Name(), args, err, errb)
	}
	return out
}

// tryCommand runs cmd with args on the database dsn and returns its stdout,
// its stderr and its error.
func tryCommand(cmd *cobra.Command, dsn string, args ...string) (stdout, stderr string, err error) {
	cmd.PersistentFlags().String("db", dsn, "")
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// commandDatabase opens a new migrated SQLite database for a command's test
// and returns its DSN (for the command's --db) and its services (for the
// test to set up and check). It is closed when the test ends.
func commandDatabase(t *testing.T) (string, *sqlstore.Services) {
	t.Helper()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "e.db")
	db, services, err := openServices(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, services
}

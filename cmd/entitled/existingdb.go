package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// requireDatabase refuses an SQLite --db whose file does not exist, for the
// commands that read or change an existing database (token, login-link,
// export, audit, scim token, secrets rotate): opening it would create an
// empty database beside the real one, and a mistyped path would then
// answer "user not found" or export nothing. migrate, admin create, import
// and serve create a missing database. A PostgreSQL database is the
// server's to refuse.
func requireDatabase(dsn string) error {
	path, ok := sqlstore.SQLitePath(dsn)
	if !ok || path == "" {
		return nil
	}
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New(cliLoc().T("cli.noDatabase", i18n.V("Path", path), i18n.V("DB", dsn)))
	}
	if err != nil {
		return fmt.Errorf("--db %s: %w", dsn, err)
	}
	return nil
}

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkDatabaseFile refuses an SQLite --db whose file exists but is not an
// SQLite database (a backup archive, an export, a typo naming another
// file), saying so before SQLite answers "file is not a database". An empty
// file is a new database.
func checkDatabaseFile(dsn string) error {
	path, ok := sqlstore.SQLitePath(dsn)
	if !ok || path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil // missing (created), or for SQLite to report
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	if n == 0 || (err == nil && bytes.Equal(head, sqliteHeader)) {
		return nil
	}
	return errors.New(cliLoc().T("cli.notDatabase", i18n.V("Path", path), i18n.V("DB", dsn)))
}

package main

import (
	"errors"
	"fmt"
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

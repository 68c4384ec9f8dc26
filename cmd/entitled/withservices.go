package main

import (
	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/sqlstore"
)

// withServices opens and migrates the existing database of the command's
// --db (requireDatabase), runs do with its services and closes the
// database: the body of the commands that change or read the store once
// and stop.
func withServices(cmd *cobra.Command, do func(services *sqlstore.Services) error) error {
	return withStore(cmd, true, func(_ *sqlstore.DB, services *sqlstore.Services) error { return do(services) })
}

// withDB is withServices for the commands that read the database as a
// whole (export).
func withDB(cmd *cobra.Command, do func(db *sqlstore.DB) error) error {
	return withStore(cmd, true, func(db *sqlstore.DB, _ *sqlstore.Services) error { return do(db) })
}

// withStore opens and migrates the database of the command's --db (which
// must exist when existing is set, else it is created), runs do with it and
// its services, and closes it.
func withStore(cmd *cobra.Command, existing bool, do func(db *sqlstore.DB, services *sqlstore.Services) error) error {
	if existing {
		if err := requireDatabase(dbFlag(cmd)); err != nil {
			return err
		}
	}
	db, services, err := openServices(cmd.Context(), dbFlag(cmd))
	if err != nil {
		return err
	}
	defer db.Close()
	return do(db, services)
}

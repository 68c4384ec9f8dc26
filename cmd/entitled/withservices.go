package main

import (
	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/sqlstore"
)

// withServices opens and migrates the database of the command's --db, runs
// do with its services and closes the database: the body of the commands
// that change or read the store once and stop.
func withServices(cmd *cobra.Command, do func(services *sqlstore.Services) error) error {
	return withStore(cmd, func(_ *sqlstore.DB, services *sqlstore.Services) error { return do(services) })
}

// withDB is withServices for the commands that work on the database as a
// whole (migrate, export).
func withDB(cmd *cobra.Command, do func(db *sqlstore.DB) error) error {
	return withStore(cmd, func(db *sqlstore.DB, _ *sqlstore.Services) error { return do(db) })
}

// withStore opens and migrates the database of the command's --db, runs do
// with it and its services, and closes it.
func withStore(cmd *cobra.Command, do func(db *sqlstore.DB, services *sqlstore.Services) error) error {
	db, services, err := openServices(cmd.Context(), dbFlag(cmd))
	if err != nil {
		return err
	}
	defer db.Close()
	return do(db, services)
}

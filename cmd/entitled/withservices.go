package main

import (
	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/sqlstore"
)

// withServices opens and migrates the database of the command's --db, runs
// do with its services and closes the database: the body of the commands
// that change or read the store once and stop.
func withServices(cmd *cobra.Command, do func(services *sqlstore.Services) error) error {
	db, services, err := openServices(cmd.Context(), dbFlag(cmd))
	if err != nil {
		return err
	}
	defer db.Close()
	return do(services)
}

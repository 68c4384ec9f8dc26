package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/sqlstore"
)

func migrateCommand() *cobra.Command {
	return newCommand("migrate", "Create or upgrade the database schema (serve does this on start)", "", func(cmd *cobra.Command, _ []string) error {
		return withStore(cmd, false, func(*sqlstore.DB, *sqlstore.Services) error {
			fmt.Fprintln(cmd.OutOrStdout(), cliLoc().T("cli.migrated"))
			return nil
		})
	})
}

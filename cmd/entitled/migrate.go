package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema (serve does this on start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, _, err := openServices(cmd.Context(), dbFlag(cmd))
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintln(cmd.OutOrStdout(), cliLoc().T("cli.migrated"))
			return nil
		},
	}
}

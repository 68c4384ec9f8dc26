package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

func adminCommand() *cobra.Command {
	admin := &cobra.Command{Use: "admin", Short: "Administer the installation"}
	create := newCommand("create", "Create a user holding Global Administrator, or re-enable and promote an existing one (idempotent; works on an empty database)", "", func(cmd *cobra.Command, _ []string) error {
		upn, _ := cmd.Flags().GetString("upn")
		name, _ := cmd.Flags().GetString("display-name")
		if upn == "" {
			return errors.New("--upn is required, e.g. --upn admin@example.com")
		}
		// The first administrator is made on a new database.
		return withStore(cmd, false, func(_ *sqlstore.DB, services *sqlstore.Services) error {
			b, err := services.Admin.BootstrapAdmin(systemContext(cmd.Context()), upn, name)
			if err != nil {
				return err
			}
			u := b.User
			if b.Reenabled {
				fmt.Fprintln(cmd.OutOrStdout(), cliLoc().T("cli.adminReenabled", i18n.V("UPN", u.UserPrincipalName)))
			}
			fmt.Fprintln(cmd.OutOrStdout(), cliLoc().T("cli.adminIsGlobal", i18n.V("UPN", u.UserPrincipalName), i18n.V("ID", u.ID)))
			return nil
		})
	})
	create.Flags().String("upn", "", "user principal name of the administrator (required)")
	create.Flags().String("display-name", "", "display name (default: the part of the UPN before @)")
	admin.AddCommand(create)
	return admin
}

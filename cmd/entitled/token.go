package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
	"github.com/spf13/cobra"
)

func tokenCommand() *cobra.Command {
	tok := &cobra.Command{Use: "token", Short: "Issue and revoke bearer tokens"}
	issue := newCommand("issue", "Print a new bearer token for a user as the last line of stdout", "", func(cmd *cobra.Command, _ []string) error {
		req, err := tokenRequestFlags(cmd, "--upn is required")
		if err != nil {
			return err
		}
		return withServices(cmd, func(services *sqlstore.Services) error {
			secret, t, err := services.Tokens.CreateToken(systemContext(cmd.Context()), req)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), cliLoc().T("cli.tokenIssued", i18n.V("ID", t.ID), i18n.V("UPN", req.User), i18n.V("Expires", tokenExpiry(t))))
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		})
	})
	addTokenFlags(issue, "user principal name (required)", 24*time.Hour, "")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token by its id",
		Args:  oneArgument("cli.arg.tokenID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withServices(cmd, func(services *sqlstore.Services) error {
				if err := services.Tokens.RevokeToken(systemContext(cmd.Context()), args[0]); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), cliLoc().T("cli.tokenRevoked", i18n.V("ID", args[0])))
				return nil
			})
		},
	}
	revoke.Short = "Revoke a token by its id, and every token minted with it"
	tok.AddCommand(issue, tokenListCommand(), revoke)
	return tok
}

// tokenListCommand prints a user's tokens, one a line, never their secrets.
func tokenListCommand() *cobra.Command {
	list := newCommand("list", "List a user's tokens: id, scope, created, expires, revoked, parent, description", "", func(cmd *cobra.Command, _ []string) error {
		upn, _ := cmd.Flags().GetString("upn")
		if upn == "" {
			return errors.New("--upn is required")
		}
		return withServices(cmd, func(services *sqlstore.Services) error {
			w := cmd.OutOrStdout()
			loc := cliLoc()
			ctx := systemContext(cmd.Context())
			// An unknown --upn is "user not found", as for token issue.
			u, err := services.Users.User(ctx, upn)
			if err != nil {
				return err
			}
			q := entitled.TokenQuery{UserID: u.ID, ListOptions: entitled.ListOptions{Top: entitled.MaxPageSize}}
			for {
				pg, err := services.Tokens.Tokens(ctx, q)
				if err != nil {
					return err
				}
				for _, t := range pg.Items {
					fmt.Fprintln(w, loc.T("cli.tokenRow", i18n.V("ID", t.ID), i18n.V("Scope", orDash(t.Scope)), i18n.V("Created", stamp(&t.CreatedDateTime)),
						i18n.V("Expires", stamp(t.ExpiresDateTime)), i18n.V("Revoked", stamp(t.RevokedDateTime)), i18n.V("Parent", orDash(t.ParentID)), i18n.V("Description", t.Description)))
				}
				if pg.NextSkipToken == "" {
					return nil
				}
				q.SkipToken = pg.NextSkipToken
			}
		})
	})
	list.Flags().String("upn", "", "user principal name (required)")
	return list
}

// stamp formats a time for the CLI, "-" for none.
func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

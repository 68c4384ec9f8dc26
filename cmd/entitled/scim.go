package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// scimCommand groups the SCIM provisioning commands.
func scimCommand() *cobra.Command {
	c := &cobra.Command{Use: "scim", Short: "SCIM provisioning from an identity provider (/scim/v2)"}
	token := newCommand("token", "Print a new provisioning token, which only the SCIM endpoint accepts, as the last line of stdout", `token issues a provisioning token (scope "scim"): the SCIM endpoint /scim/v2
accepts it, every other route refuses it (403). It acts as --upn, who must be
allowed to manage users (a User Administrator or a Global Administrator);
holders of privileged roles stay for a Global Administrator to change. List
and revoke it like other tokens (entitled token list / revoke).`, func(cmd *cobra.Command, _ []string) error {
		req, err := tokenRequestFlags(cmd, "--upn is required: the user the identity provider acts as (a User Administrator)")
		if err != nil {
			return err
		}
		upn := req.User
		flag, _ := cmd.Flags().GetString("base-url")
		base, err := parseBaseURL("--base-url", flag)
		if err != nil {
			return err
		}
		return withServices(cmd, func(services *sqlstore.Services) error {
			ctx := systemContext(cmd.Context())
			owner, err := services.Tokens.ActorFor(ctx, upnID(ctx, services, upn))
			if err != nil {
				return err
			}
			if !owner.Can(entitled.OpManageUsers, "") {
				return fmt.Errorf("%s may not manage users: give them the User Administrator role first", upn)
			}
			req.Scope = entitled.TokenScopeSCIM
			secret, t, err := services.Tokens.CreateToken(ctx, req)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), cliLoc().T("cli.scimTokenIssued", i18n.V("ID", t.ID), i18n.V("UPN", upn),
				i18n.V("Expires", tokenExpiry(t)), i18n.V("URL", base+"/scim/v2")))
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		})
	})
	addTokenFlags(token, "the user the identity provider acts as; must be allowed to manage users (required)", 0, "SCIM provisioning")
	token.Flags().String("base-url", envOr("ENTITLED_BASE_URL", localURL()), "entitled's address as the identity provider reaches it, to print the SCIM endpoint's (env ENTITLED_BASE_URL; default: ENTITLED_ADDR on 127.0.0.1, as serve's links without --base-url)")
	c.AddCommand(token)
	return c
}

// upnID returns the id of the user a userPrincipalName (or id) names, or
// the argument itself for ActorFor to report.
func upnID(ctx context.Context, services *sqlstore.Services, upn string) string {
	u, err := services.Users.User(ctx, upn)
	if err != nil {
		return upn
	}
	return u.ID
}

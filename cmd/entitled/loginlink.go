package main

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// loginLinkCommand prints a one-time sign-in link to the web UI.
func loginLinkCommand() *cobra.Command {
	cmd := newCommand("login-link", "Print a one-time sign-in link to the web UI for a user as the last line of stdout", `login-link creates a one-time sign-in link for a user of the built-in directory and
prints it. Following it (and pressing Continue) starts a browser session; the link
then no longer works. Only the link's hash is stored.`, func(cmd *cobra.Command, _ []string) error {
		upn, _ := cmd.Flags().GetString("upn")
		base, _ := cmd.Flags().GetString("base")
		ttl, _ := cmd.Flags().GetDuration("ttl")
		if upn == "" {
			return errors.New("--upn is required")
		}
		if ttl <= 0 {
			return errors.New("--ttl must be positive, such as 15m")
		}
		link, err := loginURL(base, "")
		if err != nil {
			return err
		}
		return withServices(cmd, func(services *sqlstore.Services) error {
			secret, exp, err := services.Sessions.CreateLoginLink(systemContext(cmd.Context()), upn, ttl)
			if err != nil {
				return err
			}
			link, _ = loginURL(base, secret)
			fmt.Fprintln(cmd.ErrOrStderr(), cliLoc().T("cli.loginLink", i18n.V("UPN", upn), i18n.V("Until", exp.UTC().Format(time.RFC3339))))
			fmt.Fprintln(cmd.OutOrStdout(), link)
			return nil
		})
	})
	cmd.Flags().String("upn", "", "user principal name (required)")
	cmd.Flags().String("base", envOr("ENTITLED_BASE_URL", localURL()), "address of the web UI as users reach it, scheme://host[:port] (env ENTITLED_BASE_URL; default: ENTITLED_ADDR on 127.0.0.1, as serve's links without --base-url)")
	cmd.Flags().Duration("ttl", 15*time.Minute, "how long the link can be used")
	return cmd
}

// loginURL is base + /login?token=secret; base is checked by parseBaseURL.
func loginURL(base, secret string) (string, error) {
	b, err := parseBaseURL("--base", base)
	if err != nil {
		return "", err
	}
	return b + "/login?" + url.Values{"token": {secret}}.Encode(), nil
}

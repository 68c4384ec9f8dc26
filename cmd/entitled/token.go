package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func tokenCommand() *cobra.Command {
	tok := &cobra.Command{Use: "token", Short: "Issue and revoke bearer tokens"}
	issue := &cobra.Command{
		Use:   "issue",
		Short: "Print a new bearer token for a user as the last line of stdout",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			upn, _ := cmd.Flags().GetString("upn")
			ttl, _ := cmd.Flags().GetDuration("ttl")
			if upn == "" {
				return errors.New("--upn is required")
			}
			if ttl < 0 {
				return errors.New("--ttl must not be negative (0 means no expiry)")
			}
			db, store, err := openStore(cmd.Context(), dbFlag(cmd))
			if err != nil {
				return err
			}
			defer db.Close()
			secret, t, err := store.IssueToken(systemContext(cmd.Context()), upn, ttl)
			if err != nil {
				return err
			}
			exp := "never"
			if t.ExpiresDateTime != nil {
				exp = t.ExpiresDateTime.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "token %s for %s, expires %s\n", t.ID, upn, exp)
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	issue.Flags().String("upn", "", "user principal name (required)")
	issue.Flags().Duration("ttl", 24*time.Hour, "lifetime of the token (0: no expiry)")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token by its id",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, store, err := openStore(cmd.Context(), dbFlag(cmd))
			if err != nil {
				return err
			}
			defer db.Close()
			if err := store.RevokeToken(systemContext(cmd.Context()), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "revoked", args[0])
			return nil
		},
	}
	tok.AddCommand(issue, revoke)
	return tok
}

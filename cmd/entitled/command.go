package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
)

// newCommand is a subcommand that takes no arguments: use is its name,
// short its line in its parent's help, long its own help ("" for none) and
// run what it does. A command that takes arguments sets Args after.
func newCommand(use, short, long string, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Long: long, Args: cobra.NoArgs, RunE: run}
}

// oneArgument is the Args of a command that takes exactly one argument:
// without it, or with more, the command says what the argument is and
// shows its usage (cmd.UseLine, "entitled reconcile SYSTEM [flags]"),
// where cobra would say "accepts 1 arg(s), received 0"; what is its
// catalogue key (cli.arg.*) naming the argument.
func oneArgument(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			return nil
		}
		loc := cliLoc()
		return errors.New(loc.T("cli.oneArgument", i18n.N(len(args)), i18n.V("Usage", cmd.UseLine()), i18n.V("What", loc.T(what))))
	}
}

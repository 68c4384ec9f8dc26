package main

import "github.com/spf13/cobra"

// newCommand is a subcommand that takes no arguments: use is its name,
// short its line in its parent's help, long its own help ("" for none) and
// run what it does. A command that takes arguments sets Args after.
func newCommand(use, short, long string, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Long: long, Args: cobra.NoArgs, RunE: run}
}

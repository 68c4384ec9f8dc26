package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// writeOut runs write on the file --out names (created with mode 0600,
// truncated) or, for "-", on standard output; the file is closed, and a
// failure to close it reported, before writeOut returns.
func writeOut(cmd *cobra.Command, out string, write func(w io.Writer) error) error {
	if out == "-" {
		return write(cmd.OutOrStdout())
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	defer f.Close()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

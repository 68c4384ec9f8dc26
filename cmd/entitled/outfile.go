package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// writeOut runs write on the file --out names or, for "-", on standard
// output. A file is written whole or not at all: write goes to a new file
// (mode 0600) beside it, which replaces --out only once write succeeded and
// the file is closed, so a failed export never leaves a truncated or
// partial file where an earlier, complete one was — an audit archive is
// either all there or the old one.
func writeOut(cmd *cobra.Command, out string, write func(w io.Writer) error) error {
	if out == "-" {
		return write(cmd.OutOrStdout())
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	done = true
	return nil
}

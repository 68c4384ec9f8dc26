package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
)

// TestWriteOutWholeOrNothing: --out is replaced only by a write that
// succeeded (mode 0600); a write that fails halfway leaves the earlier file
// as it was and no partial file beside it.
func TestWriteOutWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "audit.jsonl")
	if err := os.WriteFile(out, []byte("the complete earlier export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("the database went away")
	err := writeOut(&cobra.Command{}, out, func(w io.Writer) error {
		io.WriteString(w, `{"half":`)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("writeOut = %v, want the write's error", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "the complete earlier export\n" {
		t.Errorf("after a failed write --out holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left in the directory: %v", entries)
	}
	if err := writeOut(&cobra.Command{}, out, func(w io.Writer) error {
		_, err := io.WriteString(w, "new\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "new\n" || fi.Mode().Perm() != 0o600 {
		t.Errorf("after a good write: %q, mode %v", b, fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left in the directory: %v", entries)
	}
}

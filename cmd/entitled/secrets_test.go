package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/secret"
)

// runCLI runs the command line with args and returns its standard output.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := rootCommand()
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// TestSecretsKeygenAndRotate: keygen prints a usable key; rotate seals the
// stored settings with a new key, and without --new-key-file says what is
// missing; the demo keeps its key beside the database (0600).
func TestSecretsKeygenAndRotate(t *testing.T) {
	dir := t.TempDir()
	var keyFiles []string
	for i := range 2 {
		text, err := runCLI(t, "secrets", "keygen")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := secret.ParseKey(text); err != nil {
			t.Fatalf("keygen printed %q: %v", text, err)
		}
		f := filepath.Join(dir, []string{"old.key", "new.key"}[i])
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		keyFiles = append(keyFiles, f)
	}
	db := "sqlite:" + filepath.Join(dir, "e.db")
	if _, err := runCLI(t, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "secrets", "rotate", "--db", db, "--secret-key-file", keyFiles[0], "--new-key-file", keyFiles[1])
	if err != nil || !strings.Contains(out, "sealed the settings of 1 connected systems") {
		t.Fatalf("rotate: %q, %v", out, err)
	}
	if _, err := runCLI(t, "secrets", "rotate", "--db", db); err == nil || !strings.Contains(err.Error(), "--new-key-file") {
		t.Errorf("rotate without --new-key-file: %v", err)
	}
	path, ok := demoKeyPath(db)
	if !ok {
		t.Fatal("no demo key path for an SQLite database")
	}
	first, err := demoKey(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := demoKey(path)
	if err != nil || again.ID != first.ID {
		t.Errorf("the demo key changed between runs: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("demo key file mode %v (%v)", fi.Mode().Perm(), err)
	}
	if _, ok := demoKeyPath("postgres://u@h/db"); ok {
		t.Error("a demo key path for PostgreSQL")
	}
}

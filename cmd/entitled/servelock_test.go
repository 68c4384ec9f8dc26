//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSecondServeOnOneSQLiteFile: while a serve holds an SQLite database,
// a second serve on the same file stops at once saying so (it started and
// served beside the first); the host commands still run beside it, and
// once the first lets go a serve starts.
func TestSecondServeOnOneSQLiteFile(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	path := filepath.Join(t.TempDir(), "e.db")
	db := "sqlite:" + path
	if _, err := runCLI(t, "admin", "create", "--upn", "ada@example.com", "--db", db); err != nil {
		t.Fatal(err)
	}
	release, err := lockServe(db) // the first serve
	if err != nil {
		t.Fatal(err)
	}
	_, err = runCLI(t, "serve", "--db", db, "--addr", "127.0.0.1:0")
	want := "another entitled serve already runs on " + path + ": SQLite has one writer"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("second serve: %v, want %q…", err, want)
	}
	if _, err := runCLI(t, "token", "issue", "--upn", "ada@example.com", "--db", db); err != nil {
		t.Errorf("token issue beside serve: %v", err)
	}
	release()
	again, err := lockServe(db)
	if err != nil {
		t.Fatalf("after the first serve stopped: %v", err)
	}
	again()
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsRefuseAMissingDatabase: the commands that read or change an
// existing database refuse an SQLite --db whose file does not exist, saying
// which path and what to check, and create nothing there; migrate and
// admin create still make a new database.
func TestCommandsRefuseAMissingDatabase(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	key := filepath.Join(dir, "new.key")
	text, err := runCLI(t, "secrets", "keygen")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "typo", "entitled.db")
	db := "sqlite:" + missing
	for _, args := range [][]string{
		{"token", "issue", "--upn", "ada@example.com"},
		{"token", "list", "--upn", "ada@example.com"},
		{"token", "revoke", "01a2230d-e697-722f-835b-be79abf58c57"},
		{"login-link", "--upn", "ada@example.com"},
		{"scim", "token", "--upn", "ada@example.com"},
		{"export", "--out", filepath.Join(dir, "export.jsonl")},
		{"audit", "export", "--before", "2026-01-01", "--out", filepath.Join(dir, "audit.jsonl")},
		{"audit", "prune", "--before", "2026-01-01", "--without-export"},
		{"secrets", "rotate", "--new-key-file", key},
	} {
		_, err := runCLI(t, append(args, "--db", db)...)
		if err == nil || !strings.Contains(err.Error(), "no database at "+missing) || !strings.Contains(err.Error(), "check --db") {
			t.Errorf("%s: %v", strings.Join(args, " "), err)
		}
		if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
			t.Fatalf("%s made %s: %v", strings.Join(args, " "), filepath.Dir(missing), err)
		}
		for _, f := range []string{"export.jsonl", "audit.jsonl"} {
			if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
				t.Errorf("%s wrote %s", strings.Join(args, " "), f)
			}
		}
	}
	if _, err := runCLI(t, "admin", "create", "--upn", "ada@example.com", "--db", db); err != nil {
		t.Fatalf("admin create on a new database: %v", err)
	}
	if _, err := runCLI(t, "token", "issue", "--upn", "ada@example.com", "--db", db); err != nil {
		t.Errorf("token issue once the database exists: %v", err)
	}
	other := "sqlite:" + filepath.Join(dir, "other", "entitled.db")
	if out, err := runCLI(t, "migrate", "--db", other); err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("migrate on a new database: %q, %v", out, err)
	}
}

// TestCommandsRefuseAFileThatIsNotADatabase: a --db naming a file that is
// not an SQLite database (here an export) is refused by every command,
// migrate included, saying what to give instead, and the file is left as
// it was.
func TestCommandsRefuseAFileThatIsNotADatabase(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	path := filepath.Join(t.TempDir(), "entitled.jsonl")
	body := []byte(`{"table":"users","row":{}}` + "\n")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"migrate"},
		{"admin", "create", "--upn", "ada@example.com"},
		{"token", "issue", "--upn", "ada@example.com"},
		{"export", "--out", "-"},
	} {
		_, err := runCLI(t, append(args, "--db", "sqlite:"+path)...)
		if err == nil || !strings.Contains(err.Error(), path+" is not an SQLite database") || !strings.Contains(err.Error(), "give the path of entitled's database file") {
			t.Errorf("%s: %v", strings.Join(args, " "), err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != string(body) {
		t.Errorf("the file changed: %q", got)
	}
}

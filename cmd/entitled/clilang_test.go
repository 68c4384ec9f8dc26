package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIMessagesFollowLocale: the CLI's messages for people follow
// LC_ALL/LC_MESSAGES/LANG (French here), English under C.
func TestCLIMessagesFollowLocale(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "e.db")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "fr_FR.UTF-8")
	if out := runAdminCreate(t, dsn, "ada@example.com"); !strings.Contains(out, "ada@example.com") || !strings.Contains(out, "est administrateur général") {
		t.Errorf("French: %q", out)
	}
	t.Setenv("LC_ALL", "C")
	if out := runAdminCreate(t, dsn, "ada@example.com"); !strings.Contains(out, "is a Global Administrator") {
		t.Errorf("C locale: %q", out)
	}
}

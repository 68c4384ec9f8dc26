package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
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

// TestCLIErrorsFollowLocale: an application error the CLI prints is in
// the environment's language, its Graph code unchanged; other errors are
// printed as they are.
func TestCLIErrorsFollowLocale(t *testing.T) {
	e := entitled.Invalidf("access package %q has no resource roles yet; it cannot be requested", "CRM").
		WithKey("err.request.packageWithoutRoles", "Package", "CRM")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "fr_FR.UTF-8")
	fr := errorText(e, cliLoc())
	if !strings.HasPrefix(fr, entitled.CodeBadRequest+": ") || fr == e.Error() || !strings.Contains(fr, "CRM") {
		t.Errorf("French: %q (English %q)", fr, e.Error())
	}
	t.Setenv("LANG", "C")
	if en := errorText(e, cliLoc()); en != e.Error() {
		t.Errorf("C locale: %q, want %q", en, e.Error())
	}
	plain := errors.New("open x.db: permission denied")
	if got := errorText(plain, cliLoc()); got != plain.Error() {
		t.Errorf("plain error: %q", got)
	}
}

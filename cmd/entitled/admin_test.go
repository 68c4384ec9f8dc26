package main

import (
	"context"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// runAdminCreate runs `entitled admin create --upn upn` on the database.
func runAdminCreate(t *testing.T, dsn, upn string) string {
	t.Helper()
	return runCommand(t, adminCommand(), dsn, "create", "--upn", upn)
}

// TestAdminCreateReenables: `admin create` on a disabled account enables it
// again, says so and audits it; on an enabled account it changes nothing.
func TestAdminCreateReenables(t *testing.T) {
	ctx := context.Background()
	sys := entitled.NewContext(ctx, entitled.SystemActor)
	dsn, services := commandDatabase(t)
	first := runAdminCreate(t, dsn, "ada@example.com")
	if !strings.Contains(first, "ada@example.com") || strings.Contains(first, "re-enabled") {
		t.Fatalf("first run: %q", first)
	}
	off := false
	if _, err := services.Users.UpdateUser(sys, "ada@example.com", entitled.UserUpdate{AccountEnabled: &off}); err != nil {
		t.Fatal(err)
	}

	out := runAdminCreate(t, dsn, "ada@example.com")
	if !strings.Contains(out, "re-enabled the disabled account ada@example.com") {
		t.Errorf("output %q does not say the account was re-enabled", out)
	}
	u, err := services.Users.User(sys, "ada@example.com")
	if err != nil || !u.AccountEnabled {
		t.Fatalf("after admin create: %+v, %v", u, err)
	}
	events, err := services.Audit.AuditEvents(sys, entitled.ListOptions{Top: 100})
	if err != nil {
		t.Fatal(err)
	}
	var reenabled int
	for _, e := range events.Items {
		if e.ActivityDisplayName == "Re-enable administrator account" && e.TargetID == u.ID {
			reenabled++
		}
	}
	if reenabled != 1 {
		t.Errorf("%d audit events re-enabling the account, want 1", reenabled)
	}

	again := runAdminCreate(t, dsn, "ada@example.com")
	if strings.Contains(again, "re-enabled") || !strings.Contains(again, "is a Global Administrator") {
		t.Errorf("run on an enabled account: %q", again)
	}
}

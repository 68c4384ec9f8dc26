package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/directory"
	"github.com/entitled-dev/entitled/internal/storetest"
	"github.com/entitled-dev/entitled/sqlstore"
)

const (
	groupID = "0190a000-0000-7000-8000-0000000000g1"
	userID  = "0190a000-0000-7000-8000-0000000000u1"
)

func setup(t *testing.T) (*sqlstore.DB, entitled.Connector) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	for _, q := range []string{
		`INSERT INTO users (id, user_principal_name, upn_key, display_name, created_at) VALUES ('` + userID + `', 'Ada@example.com', 'ada@example.com', 'Ada', '2026-01-01T00:00:00.000000Z')`,
		`INSERT INTO groups (id, display_name, description, created_at) VALUES ('` + groupID + `', 'Payroll', 'pays people', '2026-01-01T00:00:00.000000Z')`,
	} {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	k := directory.NewKind(sqlstore.NewMembership(db))
	c, err := k.New(&entitled.ConnectedSystem{ID: sqlstore.DirectorySystemID, Name: "directory", Kind: "directory"})
	if err != nil {
		t.Fatal(err)
	}
	return db, c
}

func count(t *testing.T, db *sqlstore.DB, q string) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func grantOf(group, user string) entitled.Grant {
	return entitled.Grant{
		Subject:  entitled.Subject{ID: user, ObjectID: user},
		Resource: entitled.ResourceRef{OriginID: group},
		Role:     entitled.ResourceRoleRef{OriginID: directory.RoleOriginID(group), DisplayName: "Member"},
	}
}

// TestRepeatedChangeIsAuditedOnce: a grant or revoke that changes nothing
// (the conformance suite checks that it succeeds) writes no audit event.
func TestRepeatedChangeIsAuditedOnce(t *testing.T) {
	db, c := setup(t)
	ctx := context.Background()
	g := grantOf(groupID, userID)
	for i := 0; i < 2; i++ {
		if err := c.Grant(ctx, g); err != nil {
			t.Fatalf("grant %d: %v", i+1, err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE activity_display_name = 'Add member to group' AND target_id = '`+groupID+`'`); n != 1 {
		t.Fatalf("%d add audit events, want 1 (the second grant changed nothing)", n)
	}
	for i := 0; i < 2; i++ {
		if err := c.Revoke(ctx, g); err != nil {
			t.Fatalf("revoke %d: %v", i+1, err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM audit_events WHERE activity_display_name = 'Remove member from group'`); n != 1 {
		t.Fatalf("%d remove audit events, want 1", n)
	}
}

func permanent(t *testing.T, err error, want string) {
	t.Helper()
	var de *entitled.DeliveryError
	if !errors.As(err, &de) || de.Class != entitled.Permanent || !strings.Contains(de.Message, want) {
		t.Fatalf("err = %v, want permanent containing %q", err, want)
	}
}

func TestUnknownGroupOrUserIsPermanent(t *testing.T) {
	db, c := setup(t)
	ctx := context.Background()
	permanent(t, c.Grant(ctx, grantOf("nope", userID)), "group nope does not exist in the directory")
	permanent(t, c.Revoke(ctx, grantOf("nope", userID)), "group nope does not exist")
	permanent(t, c.Grant(ctx, grantOf(groupID, "ghost")), "user ghost does not exist")
	permanent(t, c.Grant(ctx, entitled.Grant{Subject: entitled.Subject{ID: userID}, Resource: entitled.ResourceRef{OriginID: groupID},
		Role: entitled.ResourceRoleRef{OriginID: "Owner_" + groupID}}), "not a role")
	if n := count(t, db, `SELECT count(*) FROM group_members`); n != 0 {
		t.Fatalf("%d membership rows, want 0", n)
	}
}

// TestDescribe: the role is named after the group (the suite checks that
// Describe lists it); an unknown group is a 404.
func TestDescribe(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	info, err := c.Describe(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	if info.DisplayName != "Payroll" || len(info.Roles) != 1 || info.Roles[0].OriginID != "Member_"+groupID || info.Roles[0].DisplayName != "Member" {
		t.Fatalf("Describe = %+v", info)
	}
	if _, err := c.Describe(ctx, "nope"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("unknown group: %v, want 404", err)
	}
}

func TestValidate(t *testing.T) {
	k := directory.NewKind(nil)
	if k.Name() != "directory" || len(k.SecretFields()) != 0 {
		t.Fatalf("name %q secrets %v", k.Name(), k.SecretFields())
	}
	if err := k.Validate(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if err := k.Validate(nil); err != nil {
		t.Fatal(err)
	}
	var e *entitled.Error
	if err := k.Validate(map[string]any{"url": "x"}); !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != "config.url" {
		t.Fatalf("Validate with a key: %v, want 400 on config.url", err)
	}
}

package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/sqlstore"
)

// membershipStore opens a migrated store with one user and one group,
// inserted with plain SQL.
func membershipStore(t *testing.T) (*sqlstore.DB, *sqlstore.Store) {
	t.Helper()
	ctx := context.Background()
	db := sqlstore.OpenTestDB(t)
	for _, q := range []string{
		`INSERT INTO users (id, user_principal_name, upn_key, display_name, created_at) VALUES ('u1', 'ada@example.com', 'ada@example.com', 'Ada', '2026-01-01T00:00:00.000000Z')`,
		`INSERT INTO groups (id, display_name, description, mail_nickname, created_at) VALUES ('g1', 'Payroll', 'pays', 'payroll', '2026-01-02T03:04:05.000000Z')`,
	} {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return db, sqlstore.New(db, nil, nil)
}

func TestMembershipGrantRevoke(t *testing.T) {
	db, s := membershipStore(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := s.GrantMembership(ctx, "g1", "u1"); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.SQL.QueryRow(`SELECT count(*) FROM group_members WHERE group_id = 'g1' AND user_id = 'u1'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows after two grants, want 1", n)
	}
	var activity, by, target, op string
	if err := db.SQL.QueryRow(`SELECT activity_display_name, initiated_by_id, target_id, operation_type FROM audit_events`).
		Scan(&activity, &by, &target, &op); err != nil {
		t.Fatalf("one audit event expected: %v", err)
	}
	if activity != "Add member to group" || by != entitled.SystemActor.User.ID || target != "g1" || op != "Add" {
		t.Fatalf("audit = %q by %q on %q (%s)", activity, by, target, op)
	}
	for i := 0; i < 2; i++ {
		if err := s.RevokeMembership(ctx, "g1", "u1"); err != nil {
			t.Fatal(err)
		}
	}
	db.SQL.QueryRow(`SELECT count(*) FROM group_members`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows after revoke, want 0", n)
	}
	db.SQL.QueryRow(`SELECT count(*) FROM audit_events WHERE activity_display_name = 'Remove member from group'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d remove events, want 1", n)
	}
}

func TestMembershipUnknown(t *testing.T) {
	db, s := membershipStore(t)
	ctx := context.Background()
	for _, tc := range []struct{ group, user, target string }{
		{"nope", "u1", sqlstore.MembershipTargetGroup},
		{"g1", "ghost", sqlstore.MembershipTargetUser},
	} {
		for _, op := range []func(context.Context, string, string) error{s.GrantMembership, s.RevokeMembership} {
			var e *entitled.Error
			if err := op(ctx, tc.group, tc.user); !errors.As(err, &e) || e.Kind != entitled.KindNotFound || e.Target != tc.target {
				t.Errorf("%s/%s: err = %v, want 404 on %s", tc.group, tc.user, err, tc.target)
			}
		}
	}
	var n int
	db.SQL.QueryRow(`SELECT count(*) FROM audit_events`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d audit events for failed changes", n)
	}
	g, err := s.DirectoryGroup(ctx, "g1")
	if err != nil || g.DisplayName != "Payroll" || g.MailNickname != "payroll" || g.CreatedDateTime.Day() != 2 {
		t.Fatalf("DirectoryGroup = %+v, %v", g, err)
	}
	if _, err := s.DirectoryGroup(ctx, "nope"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("unknown group: %v", err)
	}
}

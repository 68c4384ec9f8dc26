package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

var seq atomic.Int64

// unique returns a fresh name with the given prefix.
func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// newConnector builds a connector for srv's superuser with extra config.
func newConnector(t testing.TB, srv *pgtest.Server, extra map[string]any) *Connector {
	t.Helper()
	return connectAs(t, srv.DSN(""), extra)
}

func connectAs(t testing.TB, dsn string, extra map[string]any) *Connector {
	t.Helper()
	cfg := map[string]any{"dsn": dsn, "connectTimeout": "5s"}
	for k, v := range extra {
		cfg[k] = v
	}
	conn, err := NewKind().New(&entitled.ConnectedSystem{Name: "pg", Kind: KindName, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	c := conn.(*Connector)
	t.Cleanup(func() { c.Close() })
	return c
}

// subject returns a subject whose principalName's local part, lower-cased,
// is user.
func subject(user string) entitled.Subject {
	return entitled.Subject{ID: "id-" + user, ObjectID: "id-" + user, PrincipalName: user + "@Example.com", SubjectType: "user"}
}

func grantOf(role, user string) entitled.Grant {
	return entitled.Grant{Subject: subject(user), Resource: entitled.ResourceRef{OriginID: role, DisplayName: role},
		Role: entitled.ResourceRoleRef{OriginID: RoleMember, DisplayName: RoleMember}}
}

// createRoles creates group roles (NOLOGIN) and login users.
func createRoles(t testing.TB, srv *pgtest.Server, groups []string, users []string) {
	t.Helper()
	for _, g := range groups {
		srv.Exec("CREATE ROLE " + pgx.Identifier{g}.Sanitize() + " NOLOGIN")
	}
	for _, u := range users {
		srv.Exec("CREATE ROLE " + pgx.Identifier{u}.Sanitize() + " LOGIN")
	}
}

// isMember reports whether user is a direct member of role.
func isMember(t testing.TB, srv *pgtest.Server, role, user string) bool {
	t.Helper()
	c, err := pgx.Connect(context.Background(), srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var held bool
	if err := c.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_auth_members m
		JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
		WHERE r.rolname = $1 AND u.rolname = $2)`, role, user).Scan(&held); err != nil {
		t.Fatal(err)
	}
	return held
}

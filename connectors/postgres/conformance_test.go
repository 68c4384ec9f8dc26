package postgres

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

func TestConformance(t *testing.T) {
	srv := pgtest.Start(t)
	c := newConnector(t, srv, nil)
	target := func(t *testing.T) connectortest.Target {
		role, user := unique("app_grp_"), unique("alice.")
		createRoles(t, srv, []string{role}, []string{user})
		return connectortest.Target{Connector: c, Grant: grantOf(role, user), Unknown: grantOf(role, unique("ghost")),
			Holds: func(t *testing.T) bool { return isMember(t, srv, role, user) }}
	}
	connectortest.Run(t, target)
	connectortest.RunMembers(t, target)
}

func TestBatchConformance(t *testing.T) {
	srv := pgtest.Start(t)
	c := newConnector(t, srv, nil)
	connectortest.RunBatch(t, func(t *testing.T) connectortest.BatchTarget {
		roles, users := []string{unique("b_grp_"), unique("b_grp_")}, []string{unique("bob."), unique("carol.")}
		createRoles(t, srv, roles, users)
		return connectortest.BatchTarget{Connector: c,
			Grants:  []entitled.Grant{grantOf(roles[0], users[0]), grantOf(roles[1], users[0]), grantOf(roles[1], users[1])},
			Unknown: grantOf(roles[0], unique("ghost")),
			Holds: func(t *testing.T, g entitled.Grant) bool {
				return isMember(t, srv, g.Resource.OriginID, g.Subject.ObjectID[len("id-"):])
			}}
	})
}

func TestListerConformance(t *testing.T) {
	srv := pgtest.Start(t)
	// Roles starting with "app_" are resources; others, the login user and
	// the superuser role "app_root" are not.
	createRoles(t, srv, []string{"app_read", "app_write", "app_admin", "app_Report", "billing", "app%odd"}, []string{"app_login_user"})
	srv.Exec(`CREATE ROLE app_root SUPERUSER NOLOGIN`)
	for _, filter := range []string{`app\_%`, `/^app_/`} {
		t.Run(filter, func(t *testing.T) {
			c := newConnector(t, srv, map[string]any{"roleFilter": filter})
			connectortest.RunLister(t, func(t *testing.T) connectortest.ListerTarget {
				return connectortest.ListerTarget{Lister: c,
					Want:       []string{"app_Report", "app_admin", "app_login_user", "app_read", "app_write"},
					Hidden:     []string{"billing", "app%odd", "app_root", "postgres"},
					Search:     "REA",
					SearchWant: []string{"app_read"}}
			})
		})
	}
	t.Run("default filter", func(t *testing.T) {
		c := newConnector(t, srv, nil)
		connectortest.RunLister(t, func(t *testing.T) connectortest.ListerTarget {
			return connectortest.ListerTarget{Lister: c,
				Want:       []string{"app%odd", "app_Report", "app_admin", "app_read", "app_write", "billing"},
				Hidden:     []string{"app_login_user", "app_root", "postgres", "pg_read_all_data", "pg_monitor"},
				Search:     "bill",
				SearchWant: []string{"billing"}}
		})
	})
}

func TestFaultConformance(t *testing.T) {
	connectortest.RunFaults(t, func(t *testing.T) connectortest.FaultTarget {
		srv := pgtest.Start(t)
		role, user := unique("f_grp_"), unique("dave.")
		createRoles(t, srv, []string{role}, []string{user})
		c := newConnector(t, srv, map[string]any{"maxConnections": 2})
		return connectortest.FaultTarget{
			Target: connectortest.Target{Connector: c, Grant: grantOf(role, user), Unknown: grantOf(role, unique("ghost")),
				Holds: func(t *testing.T) bool { return isMember(t, srv, role, user) }},
			Stop:          func(t *testing.T) { srv.Stop() },
			Start:         func(t *testing.T) { srv.Restart() },
			RemoveSubject: func(t *testing.T) { srv.Exec(`DROP ROLE "` + user + `"`) },
			Secrets:       []string{srv.Password(), srv.DSN("")},
		}
	})
}

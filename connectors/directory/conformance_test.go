package directory_test

import (
	"context"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
	"github.com/entitled-dev/entitled/sqlstore"
)

const (
	group2ID = "0190a000-0000-7000-8000-0000000000g2"
	user2ID  = "0190a000-0000-7000-8000-0000000000u2"
)

// holds reports whether user is a member of group in the store's database.
func holds(t *testing.T, db *sqlstore.DB, group, user string) bool {
	return count(t, db, `SELECT count(*) FROM group_members WHERE group_id = '`+group+`' AND user_id = '`+user+`'`) == 1
}

// exec runs statements that add rows to the directory's tables.
func exec(t *testing.T, db *sqlstore.DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := db.SQL.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// The directory runs the conformance suite against a real SQLite store.
func TestConformance(t *testing.T) {
	target := func(t *testing.T) connectortest.Target {
		db, c := setup(t)
		return connectortest.Target{Connector: c, Grant: grantOf(groupID, userID), Unknown: grantOf(groupID, "ghost"),
			Holds: func(t *testing.T) bool { return holds(t, db, groupID, userID) }}
	}
	connectortest.Run(t, target)
	connectortest.RunMembers(t, target)
}

func TestBatchConformance(t *testing.T) {
	connectortest.RunBatch(t, func(t *testing.T) connectortest.BatchTarget {
		db, c := setup(t)
		exec(t, db,
			`INSERT INTO users (id, user_principal_name, upn_key, display_name, created_at) VALUES ('`+user2ID+`', 'Bob@example.com', 'bob@example.com', 'Bob', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO groups (id, display_name, created_at) VALUES ('`+group2ID+`', 'Sales', '2026-01-01T00:00:00.000000Z')`)
		return connectortest.BatchTarget{Connector: c.(entitled.BatchConnector),
			Grants:  []entitled.Grant{grantOf(groupID, userID), grantOf(group2ID, userID), grantOf(groupID, user2ID)},
			Unknown: grantOf("no-such-group", userID),
			Holds: func(t *testing.T, g entitled.Grant) bool {
				return holds(t, db, g.Resource.OriginID, g.Subject.ObjectID)
			}}
	})
}

func TestListerConformance(t *testing.T) {
	connectortest.RunLister(t, func(t *testing.T) connectortest.ListerTarget {
		db, c := setup(t)
		for _, name := range []string{"Sales", "Sales EMEA", "Support"} {
			exec(t, db, `INSERT INTO groups (id, display_name, created_at) VALUES ('g-`+name+`', '`+name+`', '2026-01-01T00:00:00.000000Z')`)
		}
		return connectortest.ListerTarget{Lister: c.(entitled.ResourceLister),
			Want:   []string{groupID, "g-Sales", "g-Sales EMEA", "g-Support"},
			Search: "sales", SearchWant: []string{"g-Sales", "g-Sales EMEA"}}
	})
}

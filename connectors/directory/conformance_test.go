package directory_test

import (
	"testing"

	"github.com/entitled-dev/entitled/connectors/connectortest"
)

func TestConformance(t *testing.T) {
	connectortest.Run(t, func(t *testing.T) connectortest.Target {
		db, c := setup(t)
		return connectortest.Target{Connector: c, Grant: grantOf(groupID, userID), Unknown: grantOf(groupID, "ghost"),
			Holds: func(t *testing.T) bool {
				return count(t, db, `SELECT count(*) FROM group_members WHERE group_id = '`+groupID+`' AND user_id = '`+userID+`'`) == 1
			}}
	})
}

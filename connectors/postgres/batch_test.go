package postgres

import (
	"context"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

// Changes PostgreSQL itself refuses (here: a grant that would make a
// membership loop, SQLSTATE 0LP01) fail alone, wherever they stand in the
// batch, and the others commit.
func TestBatchServerRefusalsKeepTheRest(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"g1", "g2", "g3", "loop"}, []string{"usr"})
	srv.Exec(`GRANT usr TO loop; GRANT g3 TO usr`)
	c := newConnector(t, srv, map[string]any{"roleFilter": "%"})
	ch := func(a entitled.DeliveryAction, role string) entitled.Change {
		return entitled.Change{Action: a, Grant: grantOf(role, "usr")}
	}
	for _, tc := range []struct {
		name    string
		changes []entitled.Change
		refused map[int]bool
	}{
		{"middle", []entitled.Change{ch(entitled.ActionGrant, "g1"), ch(entitled.ActionGrant, "loop"), ch(entitled.ActionGrant, "g2"), ch(entitled.ActionRevoke, "g3")}, map[int]bool{1: true}},
		{"first and last", []entitled.Change{ch(entitled.ActionGrant, "loop"), ch(entitled.ActionGrant, "g1"), ch(entitled.ActionGrant, "g2"), ch(entitled.ActionGrant, "loop")}, map[int]bool{0: true, 3: true}},
		{"consecutive", []entitled.Change{ch(entitled.ActionGrant, "g1"), ch(entitled.ActionGrant, "loop"), ch(entitled.ActionGrant, "loop"), ch(entitled.ActionRevoke, "g2")}, map[int]bool{1: true, 2: true}},
		{"all", []entitled.Change{ch(entitled.ActionGrant, "loop"), ch(entitled.ActionGrant, "loop")}, map[int]bool{0: true, 1: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Exec(`REVOKE g1, g2 FROM usr; GRANT g3 TO usr`)
			errs := c.ApplyBatch(context.Background(), tc.changes)
			want := map[string]bool{"g1": false, "g2": false, "g3": true}
			for i, err := range errs {
				if tc.refused[i] {
					wantErr(t, err, entitled.Permanent, "0LP01")
					continue
				}
				if err != nil {
					t.Fatalf("change %d: %v", i, err)
				}
				want[tc.changes[i].Grant.Resource.OriginID] = tc.changes[i].Action == entitled.ActionGrant
			}
			for role, held := range want {
				if isMember(t, srv, role, "usr") != held {
					t.Errorf("usr in %s = %v, want %v", role, !held, held)
				}
			}
			if isMember(t, srv, "loop", "usr") {
				t.Error("the refused grant was applied")
			}
		})
	}
}

package sqlstore

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestDeleteRequest: a canceled request that delivered nothing is deleted
// by an administrator of its catalog, with an audit event; a delivered one
// and an open one stay (409); its target alone may not delete it (403), a
// stranger does not see it (404).
func TestDeleteRequest(t *testing.T) {
	f := newLC(t)
	// Delivered: alice's assignment, with deliveries.
	delivered := f.mustAddDelivered(entitled.RequestAdminAdd, f.policy, f.alice)
	wantKind(t, f.s.Requests.DeleteRequest(f.as(f.admin), delivered.ID), entitled.KindConflict)

	// Open: bob's request, waiting for approval.
	open := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.bob)
	wantKind(t, f.s.Requests.DeleteRequest(f.as(f.admin), open.ID), entitled.KindConflict)
	// Canceled before any delivery: deletable, by an administrator only.
	f.must(f.s.Requests.CancelRequest(f.as(f.bob), open.ID))
	f.wantState(open.ID, entitled.StateCanceled)
	wantKind(t, f.s.Requests.DeleteRequest(f.as(f.bob), open.ID), entitled.KindForbidden)
	wantKind(t, f.s.Requests.DeleteRequest(f.as(f.manager), open.ID), entitled.KindNotFound)
	f.must(f.s.Requests.DeleteRequest(f.as(f.admin), open.ID))
	_, err := f.s.Requests.Request(f.sys, open.ID)
	wantKind(t, err, entitled.KindNotFound)
	var n int
	f.must(f.s.db.tQueryRow(`SELECT COUNT(*) FROM audit_events WHERE target_id = ? AND operation_type = 'Delete'`, open.ID).Scan(&n))
	if n != 1 {
		t.Errorf("%d Delete audit events, want 1", n)
	}
}

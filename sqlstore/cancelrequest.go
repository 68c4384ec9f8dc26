package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// cancel cancels a locked request whose state allows it (CheckCancel);
// the caller has checked that a may. Canceling a failed or partially
// delivered add request revokes what it delivered through a systemRemove
// request. CancelRequest and the leaver path (leave) share it.
func (lc *lifecycle) cancel(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow) error {
	if err := q.CheckCancel(); err != nil {
		return err
	}
	failed := q.State == entitled.StateDeliveryFailed || q.State == entitled.StatePartiallyDelivered
	now := t.now()
	if err := lc.setRequestState(ctx, t, a, q, entitled.StateCanceled, &now, activityFor(entitled.StateCanceled)); err != nil {
		return err
	}
	if !failed || !q.RequestType.IsAdd() || q.AssignmentID == "" {
		return nil
	}
	grants, err := t.grantedRoles(ctx, q.AssignmentID, q.ID)
	if err != nil {
		return err
	}
	if len(grants) == 0 {
		return t.expireAssignmentNow(ctx, q.AssignmentID, now)
	}
	as, err := t.lockAssignment(ctx, q.AssignmentID)
	if err != nil {
		return err
	}
	rm, err := lc.createRemoval(ctx, t, a, as, entitled.RequestSystemRemove, entitled.SystemActor.User.ID,
		"revokes what canceled request "+q.ID+" delivered", grants)
	if err != nil {
		return err
	}
	// The canceled request's own history names the removal, as the
	// removal's justification names the canceled request.
	return t.audit(ctx, a, auditEntry{Activity: "Revoke what a canceled request delivered", Operation: "Update",
		TargetID: q.ID, TargetType: requestTargetType, TargetName: string(q.RequestType), CatalogID: q.CatalogID,
		After: map[string]string{"state": string(q.State), "removalRequestId": rm.ID}})
}

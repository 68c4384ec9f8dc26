package sqlstore

import (
	"context"
	"database/sql"

	"github.com/entitled-dev/entitled"
)

// leave applies entitled.PlanLeaver to a user whose account was just
// disabled, in the transaction that disabled it: their open add requests
// are canceled (lifecycle.cancel, as CancelRequest) and each live
// assignment is removed through a systemRemove request (createRemoval, as
// an expiry), delivered, audited and reprocessable like any other.
func (lc *lifecycle) leave(ctx context.Context, t *tx, a *entitled.Actor, u *entitled.User) error {
	reqs, err := queryRows(ctx, t, `SELECT `+requestCols+` FROM assignment_requests WHERE target_id = ? AND state IN `+openStatesSQL+` ORDER BY id`,
		[]any{u.ID}, scanRequestValue)
	if err != nil {
		return err
	}
	assigns, err := queryRows(ctx, t, `SELECT `+assignmentCols+` FROM assignments WHERE target_id = ? AND state <> ? ORDER BY id`,
		[]any{u.ID, string(entitled.AssignmentExpired)}, scanAssignmentValue)
	if err != nil {
		return err
	}
	open := map[string]bool{}
	for _, as := range assigns {
		id, err := openRemoval(ctx, t, as.ID)
		if err != nil {
			return err
		}
		open[as.ID] = id != ""
	}
	plan := entitled.PlanLeaver(reqs, assigns, open)
	for _, id := range plan.Cancel {
		q, err := t.lockRequest(ctx, id)
		if err != nil {
			return err
		}
		if err := lc.cancel(ctx, t, a, q); err != nil {
			return err
		}
	}
	why := "user " + u.UserPrincipalName + " left: their account was disabled"
	for _, id := range plan.Remove {
		as, err := t.lockAssignment(ctx, id)
		if err != nil {
			return err
		}
		if _, err := lc.createRemoval(ctx, t, a, as, entitled.RequestSystemRemove, entitled.SystemActor.User.ID, why, nil); err != nil {
			return err
		}
	}
	return nil
}

// checkExternalID returns a 409 when another user than selfID has the
// externalId; "" is never taken. Changes hold the change lock, so the
// check still holds when they write.
func (t *tx) checkExternalID(ctx context.Context, externalID, selfID string) error {
	if externalID == "" {
		return nil
	}
	id, err := idList(ctx, t, `SELECT id FROM users WHERE external_id = ? AND id <> ?`, externalID, selfID)
	if err != nil {
		return err
	}
	if len(id) > 0 {
		return (&entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeConflict, Target: "externalId",
			Message: "user " + id[0] + " already has externalId " + quoteStr(externalID) + "; externalIds are unique"}).WithKey("err.user.externalIdTaken", "User", id[0], "ExternalID", externalID)
	}
	return nil
}

// accountChanged follows a change of a user's accountEnabled from before
// to u.AccountEnabled: a leaver (entitled.IsLeaving) is stamped disabled
// now and loses their access at once, or without a grace period by a
// JobLeaver job when it ends; an account enabled again loses its stamp,
// so a pending job finds nothing to do.
func (lc *lifecycle) accountChanged(ctx context.Context, t *tx, a *entitled.Actor, before bool, u *entitled.User) error {
	switch {
	case entitled.IsLeaving(before, u.AccountEnabled):
		now := t.now()
		if _, err := t.exec(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, fmtTime(now), u.ID); err != nil {
			return err
		}
		if lc.leaverGrace <= 0 {
			return lc.leave(ctx, t, a, u)
		}
		return lc.enqueue(ctx, t, entitled.Job{Kind: entitled.JobLeaver, UserID: u.ID, RunAt: now.Add(lc.leaverGrace)})
	case !before && u.AccountEnabled:
		_, err := t.exec(ctx, `UPDATE users SET disabled_at = NULL WHERE id = ?`, u.ID)
		return err
	}
	return nil
}

// RemoveLeaverAccess removes the access of a user whose account has been
// disabled for the leaver grace period (entitled.LeaverDue), as the
// system; a user enabled again, gone, or within the period is left alone.
func (s *DeliveryService) RemoveLeaverAccess(ctx context.Context, userID string) error {
	return s.db.change(ctx, func(t *tx) error {
		u, err := t.loadUser(ctx, userID)
		if err != nil {
			return ignoreNotFound(err)
		}
		var disabled sql.NullString
		if err := t.queryRow(ctx, `SELECT disabled_at FROM users WHERE id = ?`, u.ID).Scan(&disabled); err != nil {
			return err
		}
		if u.AccountEnabled || !disabled.Valid || !entitled.LeaverDue(parseTime(disabled.String), s.lc.leaverGrace, t.now()) {
			return nil
		}
		return s.lc.leave(ctx, t, entitled.SystemActor, u)
	})
}

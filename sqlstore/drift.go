package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// DriftService reconciles connected systems with what entitled delivered
// and keeps the findings of each system's latest reconciliation
// (entitled.DriftService, entitled.DriftEngine; drift.go, driftrun.go,
// driftschedule.go).
type DriftService struct {
	db         *DB
	lc         *lifecycle
	connectors entitled.Connectors
	requests   *RequestService
}

// reconcileOperation is the kind of a "reconcile now" operation.
const reconcileOperation = "reconcile"

// lister returns the system's connector as a member lister, or the 400 of
// a kind that cannot list members.
func (s *DriftService) lister(sys *entitled.ConnectedSystem) (entitled.MemberLister, entitled.Connector, error) {
	conn, err := s.connectors.For(sys)
	if err != nil {
		return nil, nil, entitled.Invalidf("connected system %s: %v", sys.Name, err).WithKey("err.system.failed", "System", sys.Name, "Problem", err)
	}
	l, ok := conn.(entitled.MemberLister)
	if !ok {
		return nil, nil, errNotLister(sys)
	}
	return l, conn, nil
}

// manageableSystem finds a system by id or name for an administrator who
// manages systems.
func (s *DriftService) manageableSystem(ctx context.Context, id string) (*entitled.Actor, *entitled.ConnectedSystem, error) {
	a, err := authorized(ctx, entitled.OpManageSystems, "")
	if err != nil {
		return nil, nil, err
	}
	var sys *entitled.ConnectedSystem
	err = s.db.read(ctx, func(t *tx) (err error) {
		sys, err = t.db.scanSystem(t.queryRow(ctx, `SELECT `+systemCols+` FROM systems WHERE id = ? OR name = ?`, id, id))
		return notFound(err, "connected system", id)
	})
	return a, sys, err
}

// Reconcile starts a reconciliation of the system now: an operation of
// kind reconcile whose job runs it (RunOperation).
func (s *DriftService) Reconcile(ctx context.Context, systemID string) (*entitled.Operation, error) {
	a, sys, err := s.manageableSystem(ctx, systemID)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.lister(sys); err != nil {
		return nil, err
	}
	snap, err := snapshotActor(a)
	if err != nil {
		return nil, err
	}
	op := &entitled.Operation{ID: newID(), Kind: reconcileOperation, Status: entitled.OperationRunning, SystemID: sys.ID,
		CreatedBy: a.User.ID, Refused: []entitled.OperationRefusal{}}
	err = s.db.changeUnlocked(ctx, func(t *tx) error {
		op.CreatedDateTime = t.now()
		if _, err := t.exec(ctx, `INSERT INTO operations (id, kind, status, system_id, actor, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, op.ID, op.Kind, string(op.Status), op.SystemID, snap, op.CreatedBy,
			fmtTime(op.CreatedDateTime)); err != nil {
			return fmt.Errorf("insert operation: %w", err)
		}
		if err := t.audit(ctx, a, auditEntry{Activity: "Start reconciliation", Operation: "Add", TargetID: op.ID,
			TargetType: operationTargetType, TargetName: sys.Name, After: map[string]any{"system": sys.ID}}); err != nil {
			return err
		}
		return s.lc.enqueue(ctx, t, entitled.Job{Kind: entitled.JobOperation, OperationID: op.ID})
	})
	if err != nil {
		return nil, err
	}
	return op, nil
}

// runReconcileOperation runs a reconcile operation (RunOperation); ok is
// false when the operation is of another kind. A reconciliation of the
// system already under way elsewhere makes the job retry later.
func (s *DriftService) runReconcileOperation(ctx context.Context, id string) (ok bool, err error) {
	var kind, status, systemID, snap string
	err = s.db.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT kind, status, system_id, actor FROM operations WHERE id = ?`, id).Scan(&kind, &status, &systemID, &snap)
	})
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil || kind != reconcileOperation {
		return false, err
	}
	if status != string(entitled.OperationRunning) {
		return true, nil
	}
	a, err := restoreActor(snap)
	var sum entitled.ReconcileSummary
	if err == nil {
		sum, err = s.reconcileClaimed(ctx, a, systemID, false, entitled.DefaultReconcileInterval)
	}
	if entitled.ErrorKind(err) == entitled.KindConflict {
		return true, err // another replica reconciles it now: the job retries
	}
	if err != nil && ctx.Err() != nil {
		return true, err
	}
	return true, s.db.changeUnlocked(ctx, func(t *tx) error {
		st, msg := entitled.OperationSucceeded, ""
		if err != nil {
			st, msg = entitled.OperationFailed, entitled.AsError(err).Message
		}
		_, uerr := t.exec(ctx, `UPDATE operations SET status = ?, error = ?, total = ?, reprocessed = ?, completed_at = ? WHERE id = ?`,
			string(st), msg, sum.Missing+sum.Unmanaged, sum.Repaired+sum.Removed, fmtTime(t.now()), id)
		return uerr
	})
}

var findingInsert = newInsert("drift_findings", textColumns("id", "system_id", "resource_id", "resource_origin_id",
	"resource_display_name", "role_id", "role_origin_id", "role_display_name", "user_id", "principal_name", "target_id",
	"kind", "action", "assignment_id", "error", "detected_at"), "")

// replaceFindings replaces the system's findings by those of a run, audited
// with its summary.
func (s *DriftService) replaceFindings(ctx context.Context, a *entitled.Actor, sys *entitled.ConnectedSystem, fs []entitled.DriftFinding,
	sum entitled.ReconcileSummary) error {
	args := make([]any, 0, len(fs)*16)
	for _, f := range fs {
		args = append(args, f.ID, f.SystemID, f.Resource.ID, f.Resource.OriginID, f.Resource.DisplayName, f.Role.ID,
			f.Role.OriginID, f.Role.DisplayName, f.User.ID, f.User.PrincipalName, f.User.TargetID, string(f.Kind),
			string(f.Action), f.AssignmentID, f.Error, fmtTime(f.DetectedDateTime))
	}
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM drift_findings WHERE system_id = ?`, sys.ID); err != nil {
			return err
		}
		if err := findingInsert.run(ctx, t, args, nil); err != nil {
			return fmt.Errorf("insert drift findings: %w", err)
		}
		return t.audit(ctx, a, auditEntry{Activity: "Reconcile connected system", Operation: "Update", TargetID: sys.ID,
			TargetType: "ConnectedSystem", TargetName: sys.Name, After: sum})
	})
}

const findingCols = `id, system_id, resource_id, resource_origin_id, resource_display_name, role_id, role_origin_id,
	role_display_name, user_id, principal_name, target_id, kind, action, assignment_id, error, detected_at`

func scanFinding(r scanner) (*entitled.DriftFinding, error) {
	var f entitled.DriftFinding
	var kind, action, detected string
	if err := r.Scan(&f.ID, &f.SystemID, &f.Resource.ID, &f.Resource.OriginID, &f.Resource.DisplayName, &f.Role.ID,
		&f.Role.OriginID, &f.Role.DisplayName, &f.User.ID, &f.User.PrincipalName, &f.User.TargetID, &kind, &action,
		&f.AssignmentID, &f.Error, &detected); err != nil {
		return nil, err
	}
	f.Kind, f.Action, f.DetectedDateTime = entitled.DriftKind(kind), entitled.DriftAction(action), parseTime(detected)
	return &f, nil
}

// Drift lists the findings of the system's latest reconciliation.
func (s *DriftService) Drift(ctx context.Context, systemID string) ([]entitled.DriftFinding, error) {
	_, sys, err := s.manageableSystem(ctx, systemID)
	if err != nil {
		return nil, err
	}
	out := []entitled.DriftFinding{}
	err = s.db.read(ctx, func(t *tx) error {
		fs, err := queryRows(ctx, t, `SELECT `+findingCols+` FROM drift_findings WHERE system_id = ?`, []any{sys.ID},
			valueOf(scanFinding))
		out = append(out, fs...)
		return err
	})
	sortFindings(out)
	return out, err
}

// unmanagedFinding reads one unmanaged finding of the system.
func (s *DriftService) unmanagedFinding(ctx context.Context, systemID, findingID string) (*entitled.Actor, *entitled.ConnectedSystem, *entitled.DriftFinding, error) {
	a, sys, err := s.manageableSystem(ctx, systemID)
	if err != nil {
		return nil, nil, nil, err
	}
	var f *entitled.DriftFinding
	err = s.db.read(ctx, func(t *tx) (err error) {
		f, err = scanFinding(t.queryRow(ctx, `SELECT `+findingCols+` FROM drift_findings WHERE id = ? AND system_id = ?`, findingID, sys.ID))
		return notFound(err, "drift finding", findingID)
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if f.Kind != entitled.DriftUnmanaged || f.Action == entitled.DriftRemoved {
		return nil, nil, nil, entitled.Invalidf("drift finding %s is %s (%s); only unmanaged findings still in the target can be adopted or revoked", f.ID, f.Kind, f.Action).WithKey("err.drift.notActionable", "ID", f.ID, "Kind", f.Kind, "Action", f.Action)
	}
	return a, sys, f, nil
}

// dropFinding deletes a finding that was acted upon.
func (s *DriftService) dropFinding(ctx context.Context, t *tx, id string) error {
	_, err := t.exec(ctx, `DELETE FROM drift_findings WHERE id = ?`, id)
	return err
}

// RevokeFinding revokes an unmanaged finding in the target and drops it,
// audited.
func (s *DriftService) RevokeFinding(ctx context.Context, systemID, findingID string) error {
	a, sys, f, err := s.unmanagedFinding(ctx, systemID, findingID)
	if err != nil {
		return err
	}
	lister, conn, err := s.lister(sys)
	if err != nil {
		return err
	}
	if err := s.remove(ctx, a, conn, lister, f); err != nil {
		return err
	}
	return s.db.changeUnlocked(ctx, func(t *tx) error { return s.dropFinding(ctx, t, f.ID) })
}

// remove revokes an unmanaged membership through the connector, audited.
func (s *DriftService) remove(ctx context.Context, a *entitled.Actor, _ entitled.Connector, l entitled.MemberLister, f *entitled.DriftFinding) error {
	if err := l.RemoveMember(ctx, f.Resource, f.Role, f.User.TargetID); err != nil {
		return err
	}
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		return t.audit(ctx, a, auditEntry{Activity: "Remove unmanaged membership", Operation: "Delete", TargetID: f.SystemID,
			TargetType: "ConnectedSystem", TargetName: f.Resource.DisplayName,
			Before: map[string]any{"resource": f.Resource.OriginID, "role": f.Role.OriginID, "member": f.User.TargetID, "user": f.User.ID}})
	})
}

// repair re-delivers a missing membership through the delivery path: an
// adminUpdate request on its assignment with one grant, audited as a
// drift repair. An assignment no longer delivered, or being removed, is a
// 409 the finding records.
func (s *DriftService) repair(ctx context.Context, a *entitled.Actor, f *entitled.DriftFinding) error {
	return s.db.changeLifecycle(ctx, func(t *tx) error {
		as, err := t.lockAssignment(ctx, f.AssignmentID)
		if err != nil {
			return err
		}
		if as.State != entitled.AssignmentDelivered {
			return entitled.Conflictf("assignment %s is %s; it is repaired once delivered", as.ID, as.State).WithKey("err.drift.assignmentNotDelivered", "ID", as.ID, "State", as.State)
		}
		if open, err := openRemoval(ctx, t, as.ID); err != nil {
			return err
		} else if open != "" {
			return entitled.Conflictf("assignment %s is being removed by request %s", as.ID, open).WithKey("err.assignment.beingRemoved", "ID", as.ID, "Request", open)
		}
		scopes, err := t.loadRoleScopes(ctx, as.AccessPackageID)
		if err != nil {
			return err
		}
		var mine []entitled.ResourceRoleScope
		for _, sc := range scopes {
			if sc.Resource.SystemID == f.SystemID && sc.Resource.OriginID == f.Resource.OriginID && sc.Role.OriginID == f.Role.OriginID {
				mine = append(mine, sc)
				break
			}
		}
		if len(mine) == 0 {
			return entitled.Conflictf("access package %s no longer grants this role", as.AccessPackageID).WithKey("err.drift.roleNoLongerGranted", "Package", as.AccessPackageID)
		}
		return s.lc.reassert(ctx, t, a, as, mine, "drift repair", "Repair access package assignment (drift)")
	})
}

// AdoptFinding turns an unmanaged finding into a direct assignment: an
// adminAdd request, by the administrator, for the user, of the package
// entitled.AdoptionPackage picks among those granting the role, under its
// first policy. The finding is dropped once the request is submitted.
func (s *DriftService) AdoptFinding(ctx context.Context, systemID, findingID string) (*entitled.AssignmentRequest, error) {
	_, sys, f, err := s.unmanagedFinding(ctx, systemID, findingID)
	if err != nil {
		return nil, err
	}
	if f.User.ID == "" {
		return nil, entitled.Invalidf("member %s of the target matches no user of entitled; only a known user's membership can be adopted (revoke it instead)", f.User.TargetID).WithKey("err.drift.unknownMember", "Member", f.User.TargetID)
	}
	var cs []entitled.AdoptionCandidate
	err = s.db.read(ctx, func(t *tx) (err error) {
		cs, err = queryRows(ctx, t, `SELECT rs.access_package_id, MIN(p.id),
				(SELECT COUNT(*) FROM resource_role_scopes o WHERE o.access_package_id = rs.access_package_id)
			FROM resource_role_scopes rs JOIN resources r ON r.id = rs.resource_id JOIN resource_roles rr ON rr.id = rs.resource_role_id
			JOIN policies p ON p.access_package_id = rs.access_package_id
			WHERE r.system_id = ? AND r.origin_id = ? AND rr.origin_id = ?
			GROUP BY rs.access_package_id`, []any{sys.ID, f.Resource.OriginID, f.Role.OriginID},
			func(r scanner) (c entitled.AdoptionCandidate, err error) {
				err = r.Scan(&c.AccessPackageID, &c.PolicyID, &c.Roles)
				return c, err
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	c, err := entitled.AdoptionPackage(cs)
	if err != nil {
		return nil, err
	}
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, TargetID: f.User.ID, AccessPackageID: c.AccessPackageID,
		AssignmentPolicyID: c.PolicyID, Justification: "adopted from drift: " + f.User.TargetID}
	if err := s.requests.SubmitRequest(ctx, r); err != nil {
		return nil, err
	}
	return r, s.db.changeUnlocked(ctx, func(t *tx) error { return s.dropFinding(ctx, t, f.ID) })
}

// DriftCounts counts the findings per system name and kind.
func (s *DriftService) DriftCounts(ctx context.Context) (map[[2]string]int, error) {
	type count struct {
		name, kind string
		n          int
	}
	out := map[[2]string]int{}
	err := s.db.read(ctx, func(t *tx) error {
		cs, err := queryRows(ctx, t, `SELECT s.name, f.kind, COUNT(*) FROM drift_findings f JOIN systems s ON s.id = f.system_id
			GROUP BY s.name, f.kind`, nil, func(r scanner) (c count, err error) {
			err = r.Scan(&c.name, &c.kind, &c.n)
			return c, err
		})
		for _, c := range cs {
			out[[2]string{c.name, c.kind}] = c.n
		}
		return err
	})
	return out, err
}

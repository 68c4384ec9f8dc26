package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// Bulk reprocess (issue 10): an operation row, the requests it matched when
// it was created (operation_requests, pending until worked) and a job that
// works them in batches, one transaction each, for the caller whose
// identity the row keeps (docs/api.md "Bulk reprocess").

// defaultOperationBatch is how many requests one transaction of an
// operation works.
const defaultOperationBatch = 500

// operationTargetType is the audit target type of an operation.
const operationTargetType = "Operation"

// OperationService starts, reads and works long-running operations
// (entitled.OperationService, entitled.OperationEngine; operations.go,
// operationwork.go).
type OperationService struct {
	db       *DB
	lc       *lifecycle
	requests *RequestService
	// drift runs the operations of kind reconcile.
	drift *DriftService
	// batch is how many requests one transaction works (tests lower it).
	batch int
}

// actorSnapshot is the caller's identity an operation keeps: the job acts
// with these roles.
type actorSnapshot struct {
	User           entitled.User       `json:"user"`
	DirectoryRoles []string            `json:"directoryRoles"`
	CatalogRoles   map[string][]string `json:"catalogRoles"`
}

func snapshotActor(a *entitled.Actor) (string, error) {
	b, err := json.Marshal(actorSnapshot{User: a.User, DirectoryRoles: a.DirectoryRoles, CatalogRoles: a.CatalogRoles})
	return string(b), err
}

func restoreActor(s string) (*entitled.Actor, error) {
	var snap actorSnapshot
	if err := json.Unmarshal([]byte(s), &snap); err != nil {
		return nil, fmt.Errorf("operation actor: %w", err)
	}
	return &entitled.Actor{User: snap.User, DirectoryRoles: snap.DirectoryRoles, CatalogRoles: snap.CatalogRoles}, nil
}

// matching builds the condition on assignment_requests of the requests b
// matches among those the actor sees.
func (s *OperationService) matching(ctx context.Context, t *tx, a *entitled.Actor, b entitled.BulkReprocess) (string, []any, string, error) {
	if strings.TrimSpace(b.Filter) == "" && b.SystemID == "" {
		return "", nil, "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "filter",
			Message: "filter is required (an OData $filter over assignmentRequests, such as state eq 'deliveryFailed'), or system"}).WithKey("err.operation.filterRequired")
	}
	var opt entitled.ListOptions
	if strings.TrimSpace(b.Filter) != "" {
		expr, err := odata.ParseFilter(b.Filter)
		if err != nil {
			if e := entitled.AsError(err); e.Target == "" || e.Target == "$filter" {
				e.Target = "filter"
			}
			return "", nil, "", err
		}
		opt.Filter = expr
	}
	var conds []string
	var args []any
	vis, vargs, err := s.requests.visibleRequests(ctx, t, a)
	if err != nil {
		return "", nil, "", err
	}
	if vis != "" {
		conds = append(conds, vis)
		args = append(args, vargs...)
	}
	systemID := ""
	if b.SystemID != "" {
		err := t.queryRow(ctx, `SELECT id FROM systems WHERE id = ? OR name = ?`, b.SystemID, b.SystemID).Scan(&systemID)
		if err == sql.ErrNoRows {
			return "", nil, "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "system",
				Message: fmt.Sprintf("connected system %q was not found; give the id or name of a connected system", b.SystemID)}).WithKey("err.operation.systemNotFound", "System", b.SystemID)
		} else if err != nil {
			return "", nil, "", err
		}
		conds = append(conds, `id IN (SELECT request_id FROM deliveries WHERE system_id = ? AND status = 'failed')`)
		args = append(args, systemID)
	}
	base := ""
	if len(conds) > 0 {
		base = "(" + strings.Join(conds, ") AND (") + ")"
	}
	where, wargs, err := countWhere(opt, requestFields, base, args...)
	if err != nil {
		if e := entitled.AsError(err); e.Target == "" || e.Target == "$filter" {
			e.Target = "filter"
		}
		return "", nil, "", err
	}
	return where, wargs, systemID, nil
}

// CountReprocessable counts the requests ReprocessRequests with b would
// match.
func (s *OperationService) CountReprocessable(ctx context.Context, b entitled.BulkReprocess) (int, error) {
	var n int
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		where, args, _, err := s.matching(ctx, t, a, b)
		if err != nil {
			return err
		}
		return t.queryRow(ctx, `SELECT COUNT(*) FROM assignment_requests `+where, args...).Scan(&n)
	})
	return n, err
}

// ReprocessRequests records an operation with the requests b matches now
// (among those the caller sees) and queues the job that works them, in one
// transaction.
func (s *OperationService) ReprocessRequests(ctx context.Context, b entitled.BulkReprocess) (*entitled.Operation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.CanSomewhere(entitled.OpReprocess) {
		return nil, entitled.Forbiddenf("the caller may not reprocess requests in any catalog").WithKey("err.operation.reprocessNowhere")
	}
	snap, err := snapshotActor(a)
	if err != nil {
		return nil, err
	}
	op := &entitled.Operation{ID: newID(), Kind: "reprocess", Status: entitled.OperationRunning,
		Filter: b.Filter, CreatedBy: a.User.ID, Refused: []entitled.OperationRefusal{}}
	// Unlocked: the requests matched are a snapshot, each checked again
	// under its row lock when its batch runs.
	err = s.db.changeUnlocked(ctx, func(t *tx) error {
		where, args, systemID, err := s.matching(ctx, t, a, b)
		if err != nil {
			return err
		}
		op.SystemID = systemID
		op.CreatedDateTime = t.now()
		if _, err := t.exec(ctx, `INSERT INTO operations (id, kind, status, filter, system_id, actor, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, op.ID, op.Kind, string(op.Status), op.Filter, op.SystemID, snap,
			op.CreatedBy, fmtTime(op.CreatedDateTime)); err != nil {
			return fmt.Errorf("insert operation: %w", err)
		}
		res, err := t.exec(ctx, `INSERT INTO operation_requests (operation_id, request_id, outcome)
			SELECT ?, id, 'pending' FROM assignment_requests `+where, append([]any{op.ID}, args...)...)
		if err != nil {
			return fmt.Errorf("match requests: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		op.Total = int(n)
		if _, err := t.exec(ctx, `UPDATE operations SET total = ? WHERE id = ?`, op.Total, op.ID); err != nil {
			return err
		}
		if err := t.audit(ctx, a, auditEntry{Activity: "Start bulk reprocess", Operation: "Add", TargetID: op.ID,
			TargetType: operationTargetType, TargetName: op.Filter,
			After: map[string]any{"filter": op.Filter, "system": op.SystemID, "total": op.Total}}); err != nil {
			return err
		}
		return s.lc.enqueue(ctx, t, entitled.Job{Kind: entitled.JobOperation, OperationID: op.ID})
	})
	if err != nil {
		return nil, err
	}
	return op, nil
}

const operationCols = `id, kind, status, filter, system_id, created_by, total, reprocessed, error, created_at, completed_at`

func scanOperation(r scanner, extra ...any) (*entitled.Operation, error) {
	var op entitled.Operation
	var status, created string
	var completed sql.NullString
	dest := []any{&op.ID, &op.Kind, &status, &op.Filter, &op.SystemID, &op.CreatedBy, &op.Total, &op.Reprocessed,
		&op.Error, &created, &completed}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	op.Status = entitled.OperationStatus(status)
	op.CreatedDateTime = parseTime(created)
	op.CompletedDateTime = parseTimePtr(completed)
	op.Refused = []entitled.OperationRefusal{}
	return &op, nil
}

// Operation reads an operation with its refusals; its creator and tenant
// administrators may, others get a 404.
func (s *OperationService) Operation(ctx context.Context, id string) (*entitled.Operation, error) {
	var op *entitled.Operation
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) (err error) {
		op, err = scanOperation(t.queryRow(ctx, `SELECT `+operationCols+` FROM operations WHERE id = ?`, id))
		if err != nil || (op.CreatedBy != a.User.ID && !a.IsTenantAdmin()) {
			return entitled.NotFoundf("operation %q was not found", id).WithKey("err.operation.notFound", "ID", id)
		}
		refused, err := queryRows(ctx, t, `SELECT request_id, code, message FROM operation_requests
			WHERE operation_id = ? AND outcome = 'refused' ORDER BY request_id`, []any{id},
			func(r scanner) (x entitled.OperationRefusal, err error) {
				err = r.Scan(&x.ID, &x.Code, &x.Message)
				return x, err
			})
		op.Refused = append(op.Refused, refused...)
		return err
	})
	return op, err
}

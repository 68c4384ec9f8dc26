package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/entitled-dev/entitled"
)

// Add requests submitted at the same moment commit together, in the manner
// of a database's group commit: the submissions waiting while one batch
// commits form the next. A batch reads each policy, package and set of role
// scopes once, checks every target and entitled.CheckOneLive in two queries, and writes
// the requests that go straight to delivery with one multi-row insert per
// table and one insert of their jobs. Each submission keeps its own
// outcome: one refused by a rule is left out of the batch, and if the
// batch fails as a whole (a CheckOneLive race with another replica, say) every
// submission runs again on its own, where the error it gets is its own.

// maxSubmitBatch bounds the submissions of one batch.
const maxSubmitBatch = 200

// submitBatchTimeout bounds one batch's transaction: a database that stops
// answering fails the batch (each caller then tries alone, under its own
// context) instead of holding every later submission behind it.
const submitBatchTimeout = 30 * time.Second

// submission is one caller's add request waiting for a batch.
type submission struct {
	ctx context.Context // the caller's: its request id goes to the audit log
	a   *entitled.Actor
	r   entitled.AssignmentRequest
}

// submitted is a submission's outcome: the stored request, or why not.
type submitted struct {
	r   entitled.AssignmentRequest
	err error
}

// errLostSubmission is the outcome of a submission its batch did not
// report on.
var errLostSubmission = errors.New("submission lost by its batch")

// submitAddBatched submits an add request through the batcher and copies
// the stored request into r.
func (s *RequestService) submitAddBatched(ctx context.Context, a *entitled.Actor, r *entitled.AssignmentRequest) error {
	res, err := s.submits.Do(ctx, []*submission{{ctx: ctx, a: a, r: *r}})
	if err != nil {
		return err
	}
	if res[0].err != nil {
		return res[0].err
	}
	*r = res[0].r
	return nil
}

// submitAlone submits one add request in its own transaction.
func (s *RequestService) submitAlone(sub *submission) submitted {
	r := sub.r
	err := s.submitAdd(sub.ctx, sub.a, &r)
	if isUniqueViolation(err) {
		// A concurrent request for the same user and package won the race
		// past the check (CheckOneLive is backed by unique indexes): name it.
		err = s.liveConflict(sub.ctx, &r)
	}
	return submitted{r: r, err: err}
}

// submitAdds is the batcher's Apply: one transaction for the batch, each
// submission on its own when that fails.
func (s *RequestService) submitAdds(ctx context.Context, subs []*submission) []submitted {
	out := make([]submitted, len(subs))
	if len(subs) == 1 {
		out[0] = s.submitAlone(subs[0])
		return out
	}
	alone := make([]bool, len(subs))
	err := s.db.changeUnlocked(ctx, func(t *tx) error {
		return s.submitBatch(ctx, t, subs, out, alone)
	})
	for i, sub := range subs {
		if err != nil || alone[i] {
			out[i] = s.submitAlone(sub)
		}
	}
	return out
}

// submitBatch plans every submission, writes those that wait (for approval
// or a start date) one by one and those that deliver now together. It
// fills out for the submissions it decides and marks in alone those that
// must run on their own afterwards.
func (s *RequestService) submitBatch(ctx context.Context, t *tx, subs []*submission, out []submitted, alone []bool) error {
	c, err := s.newSubmitCache(ctx, t, subs)
	if err != nil {
		return err
	}
	now := t.now()
	claimed := map[string]bool{}
	var fast []int
	plans := make([]*addPlan, len(subs))
	for i, sub := range subs {
		pl, err := s.planAdd(ctx, t, sub.a, &sub.r, c)
		if err != nil {
			var e *entitled.Error
			if !errors.As(err, &e) {
				return err // the database failed, not a rule: the transaction is spoilt
			}
			out[i].err = err
			continue
		}
		// Two submissions of the batch for the same user: the second runs
		// after the batch, where it sees the first — CheckOneLive for the
		// same package, separation of duties for an incompatible one.
		if claimed[pl.q.TargetID] {
			alone[i] = true
			continue
		}
		claimed[pl.q.TargetID] = true
		plans[i] = pl
		if pl.deliversNow(now) {
			fast = append(fast, i)
			continue
		}
		if err := s.writeAdd(sub.ctx, t, sub.a, pl); err != nil {
			return err
		}
		out[i].r = pl.q.AssignmentRequest
	}
	if err := s.writeDeliveringNow(ctx, t, subs, plans, fast, now); err != nil {
		return err
	}
	for _, i := range fast {
		out[i].r = plans[i].q.AssignmentRequest
	}
	return nil
}

// writeDeliveringNow stores the requests of plans[idx] in state
// delivering with their assignments, audit events, deliveries and jobs,
// one multi-row insert per table: what startDelivery does for one. Their
// deliveries to one system may share queue jobs (Job.Group).
func (s *RequestService) writeDeliveringNow(ctx context.Context, t *tx, subs []*submission, plans []*addPlan, idx []int, now time.Time) error {
	if len(idx) == 0 {
		return nil
	}
	var assignments, requests []any
	audits := make([]auditEntry, 0, len(idx))
	var ds []entitled.Delivery
	var notices []entitled.Notice
	for _, i := range idx {
		q := plans[i].q
		q.AssignmentID = newID()
		q.State = entitled.StateDelivering
		assignments = append(assignments, newAssignmentArgs(q, now)...)
		requests = append(requests, requestArgs(&q.AssignmentRequest, scheduleOf(q.Schedule), len(plans[i].scopes))...)
		e := requestAudit(q, "Create access package assignment request", "")
		e.By, e.Correlation = subs[i].a, entitled.RequestIDFrom(subs[i].ctx)
		audits = append(audits, e)
		notices = append(notices, s.lc.requestNotices(t, q, "")...) // and its event, as auditRequest
		ds = append(ds, grantDeliveries(q.ID, q.AssignmentID, plans[i].scopes, now)...)
	}
	if err := assignmentInsert.run(ctx, t, assignments, nil); err != nil {
		return fmt.Errorf("insert assignments: %w", err)
	}
	if err := requestInsert.run(ctx, t, requests, nil); err != nil {
		return fmt.Errorf("insert requests: %w", err)
	}
	if err := t.auditMany(ctx, entitled.SystemActor, audits); err != nil {
		return err
	}
	if err := s.lc.queueNotices(ctx, t, notices); err != nil {
		return err
	}
	return s.lc.insertDeliveriesAs(ctx, t, ds, newID())
}

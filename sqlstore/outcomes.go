package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/entitled-dev/entitled"
)

// Recording delivery outcomes and rolling requests up (entitled.RollUp,
// entitled.SettleAssignment), set based: the delivery engine hands over the
// outcomes of many workers at once, and a batch costs the same few
// statements whatever its size.

// RecordDeliveryOutcomes records several outcomes in one transaction and
// rolls up, once each, the requests that have a newly final delivery.
func (s *DeliveryService) RecordDeliveryOutcomes(ctx context.Context, outcomes []entitled.DeliveryOutcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	// No change lock: each update names the run it records, and rollUp
	// locks the request rows before deciding.
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		if err := s.countHealth(ctx, t, outcomes); err != nil {
			return err
		}
		made := map[string]*deliveryCounts{} // per request: deliveries made final here
		var toRollUp []string
		err := chunks(len(outcomes), func(lo, hi int) error {
			return s.recordOutcomes(ctx, t, outcomes[lo:hi], func(requestID string, st entitled.DeliveryStatus) {
				c := made[requestID]
				if c == nil {
					c = &deliveryCounts{}
					made[requestID] = c
					toRollUp = append(toRollUp, requestID)
				}
				c.final++
				if st == entitled.DeliverySucceeded {
					c.ok++
				}
			})
		})
		if err != nil {
			return err
		}
		return chunks(len(toRollUp), func(lo, hi int) error { return s.lc.rollUp(ctx, t, toRollUp[lo:hi], made) })
	})
}

// recordOutcomesQuery updates each delivery named with the run it names
// while it is not final yet; v's columns are prefixed so that nothing is
// ambiguous beside deliveries' own. %s is v's row source (rowsSource).
var recordOutcomesQuery = `WITH v(vid, vrun, vstatus, vclass, vmsg, vat, vcompleted) AS (%s)
	UPDATE deliveries SET attempts = attempts + 1, status = v.vstatus, last_error_class = v.vclass, last_error = v.vmsg,
	modified_at = v.vat, completed_at = v.vcompleted
	FROM v WHERE deliveries.id = v.vid AND deliveries.run = v.vrun AND deliveries.status NOT IN ` + finalDeliverySQL + `
	` + outcomeReturning

// outcomeColumns are the columns of recordOutcomesQuery's rows.
var outcomeColumns = append(append(textColumns("vid"), bulkColumn{"vrun", "int8"}),
	textColumns("vstatus", "vclass", "vmsg", "vat", "vcompleted")...)

// recordOutcomes updates the deliveries and calls final for each that
// became final, with its request. Outcomes of an outdated run change
// nothing.
func (s *DeliveryService) recordOutcomes(ctx context.Context, t *tx, outcomes []entitled.DeliveryOutcome,
	final func(requestID string, st entitled.DeliveryStatus)) error {
	args := make([]any, 0, len(outcomeColumns)*len(outcomes))
	for _, o := range outcomes {
		at := o.At
		if at.IsZero() {
			at = t.now()
		}
		next := entitled.DeliveryPending
		class, msg := "", ""
		var completed any
		switch {
		case o.Err == nil:
			next = entitled.DeliverySucceeded
			completed = fmtTime(at)
		default:
			class, msg = string(entitled.ClassOf(o.Err)), deliveryMessage(o.Err)
			if o.Final {
				next = entitled.DeliveryFailed
				completed = fmtTime(at)
			}
		}
		args = append(args, o.DeliveryID, o.Run, string(next), class, msg, fmtTime(at), completed)
	}
	src, args, err := t.db.rowsSource(outcomeColumns, args)
	if err != nil {
		return err
	}
	rows, err := t.bulkQuery(ctx, fmt.Sprintf(recordOutcomesQuery, src), args...)
	if err != nil {
		return fmt.Errorf("record delivery outcomes: %w", err)
	}
	defer rows.Close()
	updated := 0
	var finals []entitled.Delivery
	var targetIDs []int64
	for rows.Next() {
		d, target, err := scanOutcome(rows)
		if err != nil {
			return err
		}
		updated++
		if d.Status.IsFinal() {
			finals = append(finals, d)
			targetIDs = append(targetIDs, target)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if updated < len(outcomes) {
		s.logger.Debug("ignored outdated delivery outcomes", "outcomes", len(outcomes), "recorded", updated)
	}
	for _, d := range finals {
		final(d.RequestID, d.Status)
	}
	// A delivery event names the delivery's target: read only when a
	// subscription wants the events.
	if len(finals) == 0 {
		return nil
	}
	want, err := t.wantsEvents(ctx, entitled.EventDeliverySucceeded, entitled.EventDeliveryFailed)
	if err != nil || !want {
		return err
	}
	return t.emitDeliveryEvents(ctx, finals, targetIDs)
}

// emitDeliveryEvents emits the event of each delivery made final, with
// its target (targetIDs, in order) and its request's assignment, which the
// outcome's RETURNING leaves out.
func (t *tx) emitDeliveryEvents(ctx context.Context, finals []entitled.Delivery, targetIDs []int64) error {
	targets, err := t.deliveryTargets(ctx, targetIDs)
	if err != nil {
		return err
	}
	requestIDs := make([]any, len(finals))
	for i, d := range finals {
		requestIDs[i] = d.RequestID
	}
	cond, args, err := t.db.idIn("id", requestIDs)
	if err != nil {
		return err
	}
	pairs, err := queryRows(ctx, t, `SELECT id, assignment_id FROM assignment_requests WHERE `+cond, t.db.bulkArgs(args),
		func(r scanner) (p [2]string, err error) { return p, r.Scan(&p[0], &p[1]) })
	if err != nil {
		return err
	}
	assignmentOf := make(map[string]string, len(pairs))
	for _, p := range pairs {
		assignmentOf[p[0]] = p[1]
	}
	for i, d := range finals {
		targets[targetIDs[i]].fill(&d)
		d.AssignmentID = assignmentOf[d.RequestID]
		t.emit(entitled.DeliveryEvent(d, t.now()))
	}
	return nil
}

func deliveryMessage(err error) string {
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// rollUpCountsQuery counts each request's deliveries, as the text
// "all,final,succeeded". The counts are one correlated subquery per
// request, which both databases run as one index lookup whatever their
// statistics say (a join or an IN list is planned as a scan of every
// delivery while the table is young and has none); the three counts
// travel as one value so that the lookup runs once.
var rollUpCountsQuery = `WITH v(rid) AS (%s) SELECT v.rid,
	(SELECT COUNT(*) || ',' || COALESCE(SUM(CASE WHEN d.status IN ` + finalDeliverySQL + ` THEN 1 ELSE 0 END),0)
	        || ',' || COALESCE(SUM(CASE WHEN d.status = 'succeeded' THEN 1 ELSE 0 END),0)
	 FROM deliveries d WHERE d.request_id = v.rid) FROM v`

// rollUp sets each delivering request whose deliveries are all final to
// the state they add up to, and its assignment's state after it. made
// counts, per request, the deliveries this transaction made final: when
// that is all of a request's deliveries (its delivery_count), nothing
// needs counting.
func (lc *lifecycle) rollUp(ctx context.Context, t *tx, requestIDs []string, made map[string]*deliveryCounts) error {
	ids := make([]any, len(requestIDs))
	for i, id := range requestIDs {
		ids[i] = id
	}
	// On PostgreSQL the requests are locked first: deliveries of one
	// request may be recorded by concurrent transactions, and the row
	// locks make the last of them see all the others' results (and roll
	// up) after they commit. Locking in id order keeps two batches from
	// deadlocking. (SQLite has one writer.)
	cond, args, err := t.db.idIn("id", ids)
	if err != nil {
		return err
	}
	q := `SELECT ` + requestCols + `, delivery_count FROM assignment_requests WHERE ` + cond
	if t.db.Dialect == DialectPostgres {
		q += ` ORDER BY id FOR UPDATE`
	}
	rows, err := t.bulkQuery(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("lock requests: %w", err)
	}
	var qs, count []*reqRow
	done := map[string]deliveryCounts{}
	for rows.Next() {
		var n int
		q, err := scanRequest(rows, &n)
		if err != nil {
			rows.Close()
			return err
		}
		if q.State != entitled.StateDelivering {
			continue
		}
		qs = append(qs, q)
		if m := made[q.ID]; m != nil && n > 0 && m.final == n {
			done[q.ID] = deliveryCounts{total: n, final: n, ok: m.ok}
		} else {
			count = append(count, q)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(count) > 0 {
		counted, err := t.allFinal(ctx, count)
		if err != nil {
			return err
		}
		maps.Copy(done, counted)
	}
	settle := qs[:0]
	for _, q := range qs {
		if _, ok := done[q.ID]; ok {
			settle = append(settle, q)
		}
	}
	return lc.settle(ctx, t, settle, done)
}

// deliveryCounts is how many of a request's deliveries are final and how
// many of those succeeded.
type deliveryCounts struct{ total, final, ok int }

// state is what the deliveries add up to (entitled.RollUp).
func (c deliveryCounts) state() entitled.RequestState {
	return entitled.RollUp(entitled.DeliveryTally{Total: c.total, Final: c.final, Succeeded: c.ok})
}

// allFinal returns the counts of the requests whose deliveries are all final.
func (t *tx) allFinal(ctx context.Context, qs []*reqRow) (map[string]deliveryCounts, error) {
	ids := make([]any, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	src, args, err := t.db.rowsSource(textColumns("rid"), ids)
	if err != nil {
		return nil, err
	}
	rows, err := t.bulkQuery(ctx, fmt.Sprintf(rollUpCountsQuery, src), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := map[string]deliveryCounts{}
	for rows.Next() {
		var id, packed string
		if err := rows.Scan(&id, &packed); err != nil {
			return nil, err
		}
		var c deliveryCounts
		if _, err := fmt.Sscanf(packed, "%d,%d,%d", &c.total, &c.final, &c.ok); err != nil {
			return nil, fmt.Errorf("delivery counts of request %s: %q: %w", id, packed, err)
		}
		if c.final == c.total {
			done[id] = c
		}
	}
	return done, rows.Err()
}

// settle moves locked delivering requests to their rolled-up states with
// one update per state, audits them in one insert and updates their
// assignments: states in one update per state, expiry for those with an
// end time, expiry at once for a delivered removal and partially
// delivered for a partial one.
func (lc *lifecycle) settle(ctx context.Context, t *tx, qs []*reqRow, counts map[string]deliveryCounts) error {
	if len(qs) == 0 {
		return nil
	}
	now := t.now()
	byState := map[entitled.RequestState][]any{}
	assignments := map[entitled.AssignmentState][]any{}
	audits := make([]auditEntry, 0, len(qs))
	var notices []entitled.Notice
	var expireNow []string
	var schedule []any
	for _, q := range qs {
		state := counts[q.ID].state()
		byState[state] = append(byState[state], q.ID)
		before := q.State
		q.State, q.Status, q.CompletedDateTime = state, state.Status(), &now
		audits = append(audits, requestAudit(q, activityFor(state), before))
		notices = append(notices, lc.requestNotices(t, q, before)...)
		if q.AssignmentID == "" {
			continue
		}
		eff := entitled.SettleAssignment(q.RequestType, state, q.Schedule.Expiration.Ends())
		if eff.State != "" {
			assignments[eff.State] = append(assignments[eff.State], q.AssignmentID)
		}
		if eff.ExpireNow {
			expireNow = append(expireNow, q.AssignmentID)
			t.emit(entitled.ExpiryEvent(&q.AssignmentRequest, now))
		}
		if eff.ScheduleExpiry {
			schedule = append(schedule, q.AssignmentID)
		}
	}
	for state, ids := range byState {
		cond, args, err := t.db.idIn("id", ids)
		if err != nil {
			return err
		}
		res, err := t.bulkExec(ctx, `UPDATE assignment_requests SET state = ?, status = ?, completed_at = ?, version = version + 1
			WHERE state = ? AND `+cond, append([]any{string(state), state.Status(), fmtTime(now), string(entitled.StateDelivering)}, args...)...)
		if err != nil {
			return fmt.Errorf("update requests: %w", err)
		}
		if n, _ := res.RowsAffected(); int(n) != len(ids) {
			return fmt.Errorf("roll-up: %d of %d requests were no longer delivering", len(ids)-int(n), len(ids))
		}
	}
	if err := t.auditMany(ctx, entitled.SystemActor, audits); err != nil {
		return err
	}
	if err := lc.queueNotices(ctx, t, notices); err != nil {
		return err
	}
	for st, ids := range assignments {
		cond, args, err := t.db.idIn("id", ids)
		if err != nil {
			return err
		}
		if _, err := t.bulkExec(ctx, `UPDATE assignments SET state = ?, status = ? WHERE `+cond,
			append([]any{string(st), st.Status()}, args...)...); err != nil {
			return fmt.Errorf("update assignments: %w", err)
		}
	}
	for _, id := range expireNow {
		if err := t.expireAssignmentNow(ctx, id, now); err != nil {
			return err
		}
	}
	if len(schedule) > 0 {
		if err := lc.scheduleExpiries(ctx, t, schedule); err != nil {
			return err
		}
	}
	return nil
}

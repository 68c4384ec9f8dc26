package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Events for subscriptions. The lifecycle's changes emit events on their
// transaction (tx.emit) at the points where they happen: a request's state
// change where its notices are derived (requestNotices), an approval stage
// started, decided or timed out, a delivery made final, an assignment
// expired, a system's health transition. Before the transaction commits,
// flushEvents queues one send per event and matching subscription in the
// outbox (subscription_sends), numbered per subscription and subject: the
// change and its events commit together or not at all.
//
// The numbering reads the last number of the subject: every change that
// emits an event about a request holds that request's row lock (a request
// change locks it; recording outcomes locks the requests it rolls up, and
// only final deliveries are events), and system events hold the system's
// health lock, so two transactions never number the same subject at once
// (the unique key would refuse the second if they did).

// emit adds events to the transaction, queued when it commits.
func (t *tx) emit(evs ...entitled.Event) { t.events = append(t.events, evs...) }

// subscriptionSendInsert stores new sends.
var subscriptionSendInsert = newInsert("subscription_sends", append(append(textColumns("id", "subscription_id", "event_id",
	"type", "subject"), bulkColumn{"seq", "int8"}), textColumns("event_time", "data", "status", "next_at", "created_at")...), "")

// flushEvents queues the transaction's events for the subscriptions they
// match. Without events it costs nothing; without subscriptions, one read.
func (t *tx) flushEvents(ctx context.Context) error {
	if len(t.events) == 0 {
		return nil
	}
	evs := t.events
	t.events = nil
	subs, err := t.subscriptions(ctx)
	if err != nil || len(subs) == 0 {
		return err
	}
	now := t.now()
	type stream struct{ sub, subject string }
	last := map[stream]int64{}
	var args []any
	for i := range evs {
		ev := &evs[i]
		ev.ID = newID()
		if ev.Time.IsZero() {
			ev.Time = now
		}
		var data []byte
		for _, s := range subs {
			if !entitled.Subscribed(s.events, ev.Type) {
				continue
			}
			if data == nil {
				if data, err = json.Marshal(ev.Data); err != nil {
					return fmt.Errorf("event %s: %w", ev.Type, err)
				}
			}
			k := stream{s.id, ev.Subject}
			seq, ok := last[k]
			if !ok {
				var max sql.NullInt64
				if err := t.queryRow(ctx, `SELECT MAX(seq) FROM subscription_sends WHERE subscription_id = ? AND subject = ?`,
					s.id, ev.Subject).Scan(&max); err != nil {
					return fmt.Errorf("event sequence: %w", err)
				}
				seq = max.Int64
			}
			seq++
			last[k] = seq
			args = append(args, newID(), s.id, ev.ID, ev.Type, ev.Subject, seq, fmtTime(ev.Time), string(data),
				entitled.SendPending, fmtTime(now), fmtTime(now))
		}
	}
	if err := subscriptionSendInsert.run(ctx, t, args, nil); err != nil {
		return fmt.Errorf("queue events: %w", err)
	}
	return nil
}

// subscriptionPattern is a subscription's id and event patterns.
type subscriptionPattern struct {
	id     string
	events []string
}

// subscriptionPatterns loads every subscription's patterns.
func (t *tx) subscriptionPatterns(ctx context.Context) ([]subscriptionPattern, error) {
	rows, err := t.query(ctx, `SELECT id, events FROM subscriptions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	defer rows.Close()
	var out []subscriptionPattern
	for rows.Next() {
		var s subscriptionPattern
		var raw string
		if err := rows.Scan(&s.id, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &s.events); err != nil {
			return nil, fmt.Errorf("subscription %s: events: %w", s.id, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// outcomeReturning is what recording an outcome returns of each delivery
// it changed: enough for its request's roll-up and for its event.
// (the target's snapshot is read apart: an UPDATE's RETURNING names only
// the updated table on SQLite; so is the assignment, its request's, and
// both only when a subscription wants the event: eventDeliveries).
const outcomeReturning = `RETURNING request_id, status, id, system_id, action, target_id, last_error`

// scanOutcome reads a row of outcomeReturning, and the delivery's target id.
func scanOutcome(r scanner) (entitled.Delivery, int64, error) {
	var d entitled.Delivery
	var status, action string
	var target int64
	err := r.Scan(&d.RequestID, &status, &d.ID, &d.SystemID, &action, &target, &d.LastError)
	d.Status, d.Action = entitled.DeliveryStatus(status), entitled.DeliveryAction(action)
	return d, target, err
}

// emitRequest emits the event of a request's state change
// (entitled.RequestEvent).
func (t *tx) emitRequest(c entitled.StateChange) {
	if ev, ok := entitled.RequestEvent(c); ok {
		t.emit(ev)
	}
}

// stageEventOf is the event type of a stage's decision.
func stageEventOf(result string) string {
	if result == entitled.ReviewDeny {
		return entitled.EventStageDenied
	}
	return entitled.EventStageApproved
}

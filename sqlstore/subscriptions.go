package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/stdwebhook"
)

// SubscriptionService manages event subscriptions for tenant
// administrators (entitled.SubscriptionService) and is the sender's outbox
// (entitled.EventOutbox): the sends the lifecycle queued (events.go), due
// ones claimed in order, outcomes recorded.
type SubscriptionService struct{ db *DB }

const subscriptionCols = `id, url, events, created_by, created_at`

func scanSubscription(r scanner) (entitled.Subscription, error) {
	var s entitled.Subscription
	var events, created string
	if err := r.Scan(&s.ID, &s.URL, &events, &s.CreatedBy, &created); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(events), &s.Events); err != nil {
		return s, fmt.Errorf("subscription %s: events: %w", s.ID, err)
	}
	s.CreatedDateTime = parseTime(created)
	return s, nil
}

// subscriptionAdmin checks that the caller may manage subscriptions: they
// carry the same kind of secret as connected systems and see every
// lifecycle event, so the same tenant administrators.
func subscriptionAdmin(ctx context.Context) (*entitled.Actor, error) {
	return authorized(ctx, entitled.OpManageSystems, "")
}

// CreateSubscription validates and stores a subscription; the result has
// no secret.
func (s *SubscriptionService) CreateSubscription(ctx context.Context, sub *entitled.Subscription) (*entitled.Subscription, error) {
	a, err := subscriptionAdmin(ctx)
	if err != nil {
		return nil, err
	}
	if err := sub.Validate(); err != nil {
		return nil, err
	}
	sealed, err := s.db.sealSecret("secret", sub.Secret)
	if err != nil {
		return nil, err
	}
	out := *sub
	out.ID, out.Secret, out.CreatedBy = newID(), "", a.User.ID
	events, _ := json.Marshal(sub.Events)
	err = s.db.changeUnlocked(ctx, func(t *tx) error {
		out.CreatedDateTime = t.now()
		if _, err := t.exec(ctx, `INSERT INTO subscriptions (id, url, events, secret, created_by, created_at) VALUES (?,?,?,?,?,?)`,
			out.ID, out.URL, string(events), sealed, out.CreatedBy, fmtTime(out.CreatedDateTime)); err != nil {
			return fmt.Errorf("insert subscription: %w", err)
		}
		return t.audit(ctx, a, auditEntry{Activity: "Create event subscription", Operation: "Add", TargetID: out.ID,
			TargetType: "Subscription", TargetName: out.URL, After: map[string]any{"url": out.URL, "events": out.Events}})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

var subscriptionFields = columnFields("id, url, created_at", nil)

// Subscriptions lists the subscriptions, without secrets.
func (s *SubscriptionService) Subscriptions(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Subscription], error) {
	if _, err := subscriptionAdmin(ctx); err != nil {
		return entitled.Page[entitled.Subscription]{}, err
	}
	return listRows(ctx, s.db, opt, subscriptionFields, "subscriptions", "id", subscriptionCols, "", nil, scanSubscription,
		func(s entitled.Subscription) string { return s.ID })
}

// Subscription reads one subscription, without its secret.
func (s *SubscriptionService) Subscription(ctx context.Context, id string) (*entitled.Subscription, error) {
	if _, err := subscriptionAdmin(ctx); err != nil {
		return nil, err
	}
	var out entitled.Subscription
	err := s.db.read(ctx, func(t *tx) error {
		var err error
		out, err = scanSubscription(t.queryRow(ctx, `SELECT `+subscriptionCols+` FROM subscriptions WHERE id = ?`, id))
		return notFound(err, "subscription", id)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSubscription removes a subscription and its sends: nothing more is
// sent to it.
func (s *SubscriptionService) DeleteSubscription(ctx context.Context, id string) error {
	a, err := subscriptionAdmin(ctx)
	if err != nil {
		return err
	}
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		sub, err := scanSubscription(t.queryRow(ctx, `SELECT `+subscriptionCols+` FROM subscriptions WHERE id = ?`, id))
		if err != nil {
			return notFound(err, "subscription", id)
		}
		if _, err := t.exec(ctx, `DELETE FROM subscription_sends WHERE subscription_id = ?`, id); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "subscriptions", id, auditEntry{Activity: "Delete event subscription", Operation: "Delete", TargetID: id,
			TargetType: "Subscription", TargetName: sub.URL, Before: map[string]any{"url": sub.URL, "events": sub.Events}})
	})
}

const sendCols = `id, subscription_id, event_id, type, subject, seq, event_time, data, status, attempts, last_error,
	response_status, next_at, sent_at, created_at`

func scanSend(r scanner, extra ...any) (entitled.EventSend, error) {
	var e entitled.EventSend
	var evTime, data, next, created string
	var sent sql.NullString
	if err := r.Scan(append([]any{&e.ID, &e.SubscriptionID, &e.Event.ID, &e.Event.Type, &e.Event.Subject, &e.Event.Sequence,
		&evTime, &data, &e.Status, &e.Attempts, &e.LastError, &e.ResponseStatus, &next, &sent, &created}, extra...)...); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(data), &e.Event.Data); err != nil {
		return e, fmt.Errorf("event %s: data: %w", e.Event.ID, err)
	}
	e.Event.Time, e.NextAttempt, e.CreatedDateTime = parseTime(evTime), parseTime(next), parseTime(created)
	e.SentDateTime = parseTimePtr(sent)
	return e, nil
}

var sendFields = columnFields("id, type, subject, status, event_id, created_at", nil)

// SubscriptionSends lists a subscription's sends in the order they were
// queued (filterable on status, type, subject, eventId, createdDateTime).
func (s *SubscriptionService) SubscriptionSends(ctx context.Context, id string, opt entitled.ListOptions) (entitled.Page[entitled.EventSend], error) {
	if _, err := s.Subscription(ctx, id); err != nil {
		return entitled.Page[entitled.EventSend]{}, err
	}
	return listRows(ctx, s.db, opt, sendFields, "subscription_sends", "id", sendCols, "subscription_id = ?", []any{id},
		func(r scanner) (entitled.EventSend, error) { return scanSend(r) }, func(e entitled.EventSend) string { return e.ID })
}

// claimQuery finds the due sends that head their subject's queue: no
// earlier send of the same subscription and subject is still pending.
const claimQuery = `SELECT s.id, s.subscription_id, s.event_id, s.type, s.subject, s.seq, s.event_time, s.data, s.status,
	s.attempts, s.last_error, s.response_status, s.next_at, s.sent_at, s.created_at, sub.url, sub.secret
	FROM subscription_sends s JOIN subscriptions sub ON sub.id = s.subscription_id
	WHERE s.status = ? AND s.next_at <= ? AND NOT EXISTS (SELECT 1 FROM subscription_sends e
		WHERE e.subscription_id = s.subscription_id AND e.subject = s.subject AND e.status = ? AND e.seq < s.seq)
	ORDER BY s.next_at, s.id LIMIT ?`

// ClaimEventSends claims up to limit due sends, each the oldest pending
// send of its subscription and subject, by moving its next attempt lease
// ahead: another sender (replica) skips it meanwhile, and a sender that
// dies mid-send leaves it due again when the lease ends.
func (s *SubscriptionService) ClaimEventSends(ctx context.Context, limit int, lease time.Duration) ([]entitled.EventSend, error) {
	var out []entitled.EventSend
	err := s.db.changeUnlocked(ctx, func(t *tx) error {
		now := t.now()
		rows, err := t.query(ctx, claimQuery, entitled.SendPending, fmtTime(now), entitled.SendPending, limit)
		if err != nil {
			return fmt.Errorf("due sends: %w", err)
		}
		var due []entitled.EventSend
		for rows.Next() {
			var url, secret string
			e, err := scanSend(rows, &url, &secret)
			if err != nil {
				rows.Close()
				return err
			}
			e.SubscriptionURL = url
			plain, err := t.db.secrets.Open(secret)
			if err != nil {
				rows.Close()
				return fmt.Errorf("subscription %s: %w", e.SubscriptionID, err)
			}
			if e.SubscriptionKey, err = stdwebhook.SigningKey(string(plain)); err != nil {
				rows.Close()
				return fmt.Errorf("subscription %s: %w", e.SubscriptionID, err)
			}
			due = append(due, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range due {
			res, err := t.exec(ctx, `UPDATE subscription_sends SET next_at = ? WHERE id = ? AND status = ? AND next_at = ?`,
				fmtTime(now.Add(lease)), e.ID, entitled.SendPending, fmtTime(e.NextAttempt))
			if err != nil {
				return fmt.Errorf("claim send: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

// RecordEventSend records the outcome of an attempt: sent, or due again
// after entitled.SendBackoff, or failed for good after
// entitled.MaxSendAttempts (the subject's later sends then go on). A send
// that is gone (its subscription was deleted meanwhile) records nothing.
func (s *SubscriptionService) RecordEventSend(ctx context.Context, id string, out entitled.SendOutcome) error {
	return s.db.changeUnlocked(ctx, func(t *tx) error {
		now := t.now()
		var attempts int
		if err := t.queryRow(ctx, `SELECT attempts FROM subscription_sends WHERE id = ? AND status = ?`, id,
			entitled.SendPending).Scan(&attempts); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		attempts++
		status, errText, next := entitled.SendSucceeded, "", now
		var sent any
		if out.Err == nil {
			sent = fmtTime(now)
		} else {
			errText = out.Err.Error()
			if len(errText) > 2000 {
				errText = errText[:2000]
			}
			status, next = entitled.SendPending, now.Add(entitled.SendBackoff(attempts))
			if attempts >= entitled.MaxSendAttempts {
				status = entitled.SendFailed
			}
		}
		_, err := t.exec(ctx, `UPDATE subscription_sends SET status = ?, attempts = ?, last_error = ?, response_status = ?,
			next_at = ?, sent_at = ? WHERE id = ? AND status = ?`, status, attempts, errText, out.ResponseStatus, fmtTime(next), sent,
			id, entitled.SendPending)
		return err
	})
}

// The subscription service checks that it implements its interfaces.
var (
	_ entitled.SubscriptionService = (*SubscriptionService)(nil)
	_ entitled.EventOutbox         = (*SubscriptionService)(nil)
)

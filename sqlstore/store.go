package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/coalesce"
)

// Store implements every service of entitled.Services and entitled.Engine.
type Store struct {
	db         *DB
	queue      Queue
	connectors entitled.Connectors
	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// reprocessWindow is how long after completion a failed request may be
	// reprocessed (entitled.AssignmentRequest.CheckReprocess): the one
	// setting of it, SetReprocessWindow, read by ReprocessWindow.
	reprocessWindow time.Duration
	Logger          *slog.Logger
	// Notices tunes the notices state changes queue (queueNotices).
	Notices entitled.NoticeSettings

	// submits batches concurrent add requests (submitbatch.go).
	submitOnce sync.Once
	submits    *coalesce.Batcher[*submission, submitted]
}

// New returns a store over db. The queue receives the jobs that state
// changes start; connectors describe resources of connected systems.
func New(db *DB, queue Queue, connectors entitled.Connectors) *Store {
	return &Store{db: db, queue: queue, connectors: connectors, Now: time.Now,
		reprocessWindow: entitled.DefaultReprocessWindow, Logger: slog.Default()}
}

// SetReprocessWindow sets how long after completion a failed request may
// be reprocessed; d ≤ 0 restores the default. Set it before serving: it is
// the one setting of the window, which the UI reads (ReprocessWindow).
func (s *Store) SetReprocessWindow(d time.Duration) {
	if d <= 0 {
		d = entitled.DefaultReprocessWindow
	}
	s.reprocessWindow = d
}

// ReprocessWindow is how long after completion a failed request may be
// reprocessed.
func (s *Store) ReprocessWindow() time.Duration { return s.reprocessWindow }

// SetQueue sets the queue after construction (the queue's workers need the
// store, and the store needs the queue).
func (s *Store) SetQueue(q Queue) { s.queue = q }

// SetConnectors sets the connector registry after construction (the
// built-in directory connector needs the store itself).
func (s *Store) SetConnectors(c entitled.Connectors) { s.connectors = c }

// Connectors returns the store's connector registry.
func (s *Store) Connectors() entitled.Connectors { return s.connectors }

// DB returns the store's database.
func (s *Store) DB() *DB { return s.db }

// Services returns the store as the bundle of domain services.
func (s *Store) Services() entitled.Services {
	return entitled.Services{Tokens: s, Users: s, Groups: s, Roles: s, Catalogs: s, AccessPackages: s,
		Policies: s, Requests: s, Assignments: s, Approvals: s, Systems: s, Audit: s, ServicePrincipals: s, Notifications: s}
}

func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// The transaction helpers. Reads take no lock anywhere; on PostgreSQL a
// change locks what it changes (see locks.go):
//
//   - readTx: a read, on SQLite in a transaction of the read pool, so it
//     never waits for a write;
//   - inLifecycleTx: a change to existing requests or assignments, which
//     locks their rows (lockRequest, lockAssignment) and holds the change
//     lock shared: such changes run side by side;
//   - inTx: any other change (catalogs, packages, policies, users, …),
//     which holds the change lock exclusively, so its checks that span
//     rows and tables still hold when it commits;
//   - inUnlockedTx: a change whose every check is re-made by the statement
//     that acts on it.
//
// SQLite has one writer: there every change runs alone and the locks are
// no-ops.

// readTx runs fn as a read, without any lock. On SQLite it is a
// transaction on a connection of the read pool (a WAL reader beside the
// writer), which reads one snapshot. On PostgreSQL its statements run on
// the pool without a transaction: under READ COMMITTED each statement
// sees what was committed when it began, inside a transaction or not, so
// a BEGIN and its end would only add two round trips. Either way it sees
// every change committed before it began, so a client reads its own
// writes. fn must not write.
func (s *Store) readTx(ctx context.Context, fn func(t *tx) error) error {
	if s.db.Dialect == DialectPostgres {
		return fn(&tx{conn: s.db.reader(), db: s.db, clock: s.now})
	}
	sqlTx, err := s.db.reader().BeginTx(ctx, nil) // query-only connections
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(newTx(sqlTx, s.db, s.now))
}

// inTx runs fn in a transaction and commits it when fn returns nil. On
// PostgreSQL it first takes the change lock exclusively (lockChanges): it
// runs alone among changes made with inTx and inLifecycleTx, on every
// replica. Reads do not wait for it. Use it when in doubt.
func (s *Store) inTx(ctx context.Context, fn func(t *tx) error) error {
	return s.runTx(ctx, lockExclusive, fn)
}

// inLifecycleTx runs a change to existing requests and assignments: fn
// locks the rows it changes (lockRequest, lockAssignment: a request before
// its assignment) before it checks them. On PostgreSQL it holds the change
// lock shared, so lifecycle changes of different requests run at the same
// time and wait only for an inTx change (a policy deleted, say).
func (s *Store) inLifecycleTx(ctx context.Context, fn func(t *tx) error) error {
	return s.runTx(ctx, lockShared, fn)
}

// inUnlockedTx is inTx without the change lock on PostgreSQL, for a
// transaction whose every check is re-made by the statement that acts on it
// (a foreign key, ON CONFLICT, a row count), so another transaction
// committing in between cannot make it wrong. Use inTx when in doubt.
func (s *Store) inUnlockedTx(ctx context.Context, fn func(t *tx) error) error {
	return s.runTx(ctx, lockNone, fn)
}

func (s *Store) runTx(ctx context.Context, mode lockMode, fn func(t *tx) error) error {
	sqlTx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if s.db.Dialect == DialectPostgres {
		if err := lockChanges(ctx, sqlTx, mode); err != nil {
			_ = sqlTx.Rollback()
			return err
		}
	}
	t := newTx(sqlTx, s.db, s.now)
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// enqueue inserts jobs in the transaction.
func (s *Store) enqueue(ctx context.Context, t *tx, jobs ...entitled.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	if s.queue == nil {
		return errors.New("no queue configured")
	}
	return s.queue.InsertJobs(ctx, t.Tx, jobs)
}

// actor returns the caller or a 401 error.
func actor(ctx context.Context) (*entitled.Actor, error) {
	a := entitled.ActorFrom(ctx)
	if a == nil {
		return nil, entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, "authentication is required").WithKey("error.unauthenticated")
	}
	return a, nil
}

// authorized returns the caller when they may perform op in the catalog
// ("" for tenant-wide operations), else a 401 or 403 error.
func authorized(ctx context.Context, op entitled.Op, catalogID string) (*entitled.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Authorize(op, catalogID); err != nil {
		return nil, err
	}
	return a, nil
}

// auditEntry describes one change for the audit log.
type auditEntry struct {
	Activity      string // "Create access package"
	Operation     string // Add | Update | Delete
	TargetID      string
	TargetType    string
	TargetName    string
	CatalogID     string
	Before, After any // snapshots, marshalled as JSON; nil for none
	Result        string
	ResultReason  string
	// By and Correlation, when set, override the transaction's actor and
	// the context's request id (a batch writes events of many callers).
	By          *entitled.Actor
	Correlation string
}

// audit appends an event to the audit log inside the transaction.
func (s *Store) audit(ctx context.Context, t *tx, a *entitled.Actor, e auditEntry) error {
	return s.auditMany(ctx, t, a, []auditEntry{e})
}

// auditInsert appends audit events.
var auditInsert = newInsert("audit_events", textColumns("id", "activity_date_time", "activity_display_name",
	"operation_type", "result", "result_reason", "correlation_id", "initiated_by_id", "initiated_by_upn",
	"initiated_by_name", "target_id", "target_type", "target_display_name", "catalog_id", "before_state",
	"after_state"), "")

// auditMany appends events to the audit log inside the transaction, all by
// the same actor, in as few statements as the batch allows.
func (s *Store) auditMany(ctx context.Context, t *tx, a *entitled.Actor, es []auditEntry) error {
	if len(es) == 0 {
		return nil
	}
	by := entitled.AuditActorOf(a)
	now := fmtTime(t.now())
	corr := entitled.RequestIDFrom(ctx)
	args := make([]any, 0, len(es)*len(auditInsert.cols))
	for _, e := range es {
		result := e.Result
		if result == "" {
			result = "success"
		}
		by, corr := by, corr
		if e.By != nil {
			by = entitled.AuditActorOf(e.By)
		}
		if e.Correlation != "" {
			corr = e.Correlation
		}
		args = append(args, newID(), now, e.Activity, e.Operation, result, e.ResultReason, corr,
			by.UserID, by.UserPrincipalName, by.DisplayName, e.TargetID, e.TargetType, e.TargetName, e.CatalogID,
			snapshot(e.Before), snapshot(e.After))
	}
	if err := auditInsert.run(ctx, t, args, nil); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func snapshot(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// notFound maps sql.ErrNoRows to a 404 naming the kind of thing and id.
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return entitled.NotFoundf("%s %q was not found", what, id).WithKey("error.notFound", "WhatKey", nounKey(what), "ID", id)
	}
	return err
}

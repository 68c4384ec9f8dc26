package sqlstore

import (
	"context"
	"database/sql"
	"errors"
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
	// reprocessWindow is how long after completion a failed request may be
	// reprocessed (entitled.AssignmentRequest.CheckReprocess): the one
	// setting of it, SetReprocessWindow, read by ReprocessWindow.
	reprocessWindow time.Duration
	Logger          *slog.Logger

	// submits batches concurrent add requests (submitbatch.go).
	submitOnce sync.Once
	submits    *coalesce.Batcher[*submission, submitted]
}

// New returns a store over db. The queue receives the jobs that state
// changes start; connectors describe resources of connected systems.
func New(db *DB, queue Queue, connectors entitled.Connectors) *Store {
	return &Store{db: db, queue: queue, connectors: connectors,
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
		Policies: s, Requests: s, Assignments: s, Approvals: s, Systems: s, Audit: s}
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
		return nil, entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, "authentication is required")
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

// notFound maps sql.ErrNoRows to a 404 naming the kind of thing and id.
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return entitled.NotFoundf("%s %q was not found", what, id)
	}
	return err
}

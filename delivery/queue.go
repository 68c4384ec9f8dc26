package delivery

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// Queue inserts background jobs in the caller's transaction, so they run
// only if it commits; it implements sqlstore.Queue. It is an insert-only
// River client (no queues, no workers, never started) beside the Engine's
// client, which works the jobs: River documents such clients for processes
// that only insert, and both share the database's River tables.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// NewQueue returns the queue over db, the store's pool, in the dialect
// ("sqlite", the default when empty, or "postgres"). It needs nothing else,
// so it is built before the services that insert jobs and the engine that
// works them.
func NewQueue(db *sql.DB, dialect string) (*Queue, error) {
	if db == nil {
		return nil, fmt.Errorf("delivery: NewQueue needs a database")
	}
	driver, err := Driver(dialect, db)
	if err != nil {
		return nil, err
	}
	// MaxAttempts applies to the jobs that set none (expire, start,
	// approval time-out): it is read when a job is inserted.
	client, err := river.NewClient(driver, &river.Config{MaxAttempts: otherMaxAttempts})
	if err != nil {
		return nil, fmt.Errorf("delivery: queue: %w", err)
	}
	return &Queue{client: client}, nil
}

// InsertJobs inserts jobs in the caller's transaction: deliver jobs of the
// same group and system merge (groupDeliveries), the others pass as they
// are.
func (q *Queue) InsertJobs(ctx context.Context, tx *sql.Tx, jobs []entitled.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, 0, len(jobs))
	for _, j := range groupDeliveries(jobs) {
		p, err := insertParams(j)
		if err != nil {
			return err
		}
		params = append(params, p)
	}
	if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("insert jobs: %w", err)
	}
	return nil
}

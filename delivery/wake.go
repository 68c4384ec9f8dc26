package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// WakeSystemArgs are the River args of a JobWakeSystem job, which a resume
// inserts in its transaction.
type WakeSystemArgs struct {
	SystemID string `json:"systemId"`
}

// Kind is the River job kind.
func (WakeSystemArgs) Kind() string { return string(entitled.JobWakeSystem) }

// wakeWorker makes the deliver jobs that wait for a resumed system due at
// once. It runs twice: when the resume commits, and again once every
// replica's health cache has expired (2 × HealthCacheTTL later), for the
// jobs that a worker with a stale cache put back to sleep in between.
type wakeWorker struct {
	river.WorkerDefaults[WakeSystemArgs]
	e *Engine
}

// Work wakes the system's sleeping deliver jobs.
func (w *wakeWorker) Work(ctx context.Context, job *river.Job[WakeSystemArgs]) error {
	e := w.e
	e.health.invalidate()
	n, err := e.wakeDeliveries(ctx, job.Args.SystemID)
	if err != nil {
		return err
	}
	e.log.Info("resumed system: waiting deliveries woken", "system", job.Args.SystemID, "jobs", n)
	if again := job.CreatedAt.Add(2 * e.cfg.HealthCacheTTL); time.Now().Before(again) {
		return river.JobSnooze(time.Until(again) + 10*time.Millisecond)
	}
	return nil
}

// wakeDeliveries makes the sleeping (snoozed or retrying) deliver jobs of
// a system available now, through River's JobRetry, in one transaction.
// Jobs carry their system in their args (DeliverArgs.SystemID).
func (e *Engine) wakeDeliveries(ctx context.Context, systemID string) (int, error) {
	q := `SELECT id FROM river_job WHERE kind = 'deliver' AND state IN ('scheduled', 'retryable')
		AND json_extract(args, '$.systemId') = idtext(?)`
	if e.cfg.Dialect == "postgres" {
		q = `SELECT id FROM river_job WHERE kind = 'deliver' AND state IN ('scheduled', 'retryable') AND args->>'systemId' = $1`
	}
	rows, err := e.cfg.DB.QueryContext(ctx, q, systemID)
	if err != nil {
		return 0, fmt.Errorf("find waiting deliveries: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	tx, err := e.cfg.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // committed below
	for _, id := range ids {
		if _, err := e.client.JobRetryTx(ctx, tx, id); err != nil {
			return 0, fmt.Errorf("wake delivery job %d: %w", id, err)
		}
	}
	return len(ids), tx.Commit()
}

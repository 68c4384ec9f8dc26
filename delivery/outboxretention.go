package delivery

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// OutboxPruner removes old messages from the outbox
// (sqlstore.NotificationService does).
type OutboxPruner interface {
	PruneNotifications(ctx context.Context, before time.Time) (int, error)
}

// DefaultNotificationRetention is how long serve keeps sent and recorded
// messages in the outbox by default (--notification-retention).
const DefaultNotificationRetention = 30 * 24 * time.Hour

// outboxPruneInterval is how often the outbox is pruned (and once at start).
const outboxPruneInterval = time.Hour

// PruneOutboxArgs is the periodic job that prunes the outbox: River runs
// it on one instance at a time (its leader).
type PruneOutboxArgs struct{}

// Kind names the job for River.
func (PruneOutboxArgs) Kind() string { return "prune_outbox" }

// outboxRetention registers the outbox's prune job and answers its
// schedule: none without Config.Outbox or with a retention of 0 or less
// (messages kept for ever).
func (e *Engine) outboxRetention(workers *river.Workers) []*river.PeriodicJob {
	if e.cfg.Outbox == nil || e.cfg.NotificationRetention <= 0 {
		return nil
	}
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[PruneOutboxArgs]) error {
		n, err := e.cfg.Outbox.PruneNotifications(entitled.NewContext(ctx, entitled.SystemActor), time.Now().Add(-e.cfg.NotificationRetention))
		if err == nil && n > 0 {
			e.log.Info("outbox pruned", "messages", n, "retention", e.cfg.NotificationRetention)
		}
		return err
	}))
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(outboxPruneInterval),
		func() (river.JobArgs, *river.InsertOpts) { return PruneOutboxArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
}

package delivery

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// recordTimeout bounds recording an outcome; recording uses a context
// detached from the attempt's, so an attempt that timed out is still recorded.
const recordTimeout = 30 * time.Second

// deliverWorker attempts one delivery per run.
type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	e *Engine
}

// NextRetry follows the connected system's backoff: after n failed attempts
// wait RetryPolicy.Backoff(n).
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(job.Args.policy().Backoff(job.Attempt))
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	e := w.e
	a := job.Args
	log := e.log.With("delivery", a.DeliveryID, "run", a.Run, "attempt", job.Attempt)

	work, err := e.cfg.Engine.DeliveryWork(ctx, a.DeliveryID, a.Run)
	if err != nil {
		if gone(err) {
			log.Info("delivery skipped: no longer applies", "request", a.RequestID, "reason", err.Error())
			return nil
		}
		if shutdown(ctx) {
			return river.JobSnooze(0)
		}
		log.Error("delivery: cannot load work", "request", a.RequestID, "error", err)
		return w.infraError(job, err)
	}
	log = log.With("request", work.Delivery.RequestID, "system", work.System.Name, "action", string(work.Delivery.Action))

	start := time.Now()
	err = w.attempt(ctx, work)
	took := time.Since(start)

	if err != nil && shutdown(ctx) {
		// Stopping: not the target's fault. Put the job back without using
		// an attempt; it runs again when a worker starts.
		log.Info("delivery interrupted by shutdown; it will run again", "duration", took)
		return river.JobSnooze(0)
	}
	final := err == nil || entitled.ClassOf(err) == entitled.Permanent || job.Attempt >= job.Args.attemptLimit(job.MaxAttempts)
	outcome := outcomeSucceeded
	switch {
	case err != nil && final:
		outcome = outcomeFailed
	case err != nil:
		outcome = outcomeRetried
	}
	e.metrics.observe(work.Delivery.Action, outcome, work.System.Kind, took)
	attrs := []any{"outcome", outcome, "duration", took, "maxAttempts", job.Args.attemptLimit(job.MaxAttempts)}
	if err != nil {
		attrs = append(attrs, "class", string(entitled.ClassOf(err)), "error", err.Error())
		log.Warn("delivery attempt failed", attrs...)
	} else {
		log.Info("delivery attempt succeeded", attrs...)
	}

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if rerr := e.cfg.Engine.RecordDeliveryOutcome(rctx, entitled.DeliveryOutcome{
		DeliveryID: a.DeliveryID, Run: a.Run, Err: err, Final: final, At: time.Now().UTC(),
	}); rerr != nil {
		if gone(rerr) {
			log.Info("delivery outcome not recorded: no longer applies", "reason", rerr.Error())
			return nil
		}
		log.Error("delivery: cannot record outcome; the attempt will run again", "error", rerr)
		return w.infraError(job, rerr)
	}
	if final {
		return nil
	}
	return err
}

// attempt builds the connector and calls Grant or Revoke.
func (w *deliverWorker) attempt(ctx context.Context, work *entitled.DeliveryWork) error {
	conn, err := w.e.cfg.Connectors.For(&work.System)
	if err != nil {
		var de *entitled.DeliveryError
		if errors.As(err, &de) {
			return err
		}
		// A connector that cannot be built has a bad config: retrying the
		// same config will not help.
		return entitled.PermanentErrorf("connected system %s: %v", work.System.Name, err)
	}
	g := work.Grant
	switch work.Delivery.Action {
	case entitled.ActionGrant:
		return conn.Grant(ctx, g)
	case entitled.ActionRevoke:
		return conn.Revoke(ctx, g)
	}
	return entitled.PermanentErrorf("unknown delivery action %q", work.Delivery.Action)
}

// infraError returns an error for a failure of entitled itself (loading or
// recording). River retries it; on the last attempt the job is snoozed
// instead, so that it is never discarded with its delivery unrecorded.
func (w *deliverWorker) infraError(job *river.Job[DeliverArgs], err error) error {
	if job.Attempt >= job.MaxAttempts {
		return river.JobSnooze(max(job.Args.policy().Backoff(job.Attempt), time.Second))
	}
	return err
}

// gone reports whether err says the work no longer applies: the delivery is
// stale (final, or started again since) or was deleted.
func gone(err error) bool {
	var e *entitled.Error
	return errors.As(err, &e) && (e.Code == entitled.CodeStale || e.Kind == entitled.KindNotFound)
}

// shutdown reports whether the attempt's context was canceled by a stop
// (not timed out).
func shutdown(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// other runs an expire, start or approval time-out job; stale or missing
// targets are done.
func (e *Engine) other(ctx context.Context, kind, id string, fn func() error) error {
	start := time.Now()
	err := fn()
	switch {
	case err == nil:
		e.log.Info("job done", "kind", kind, "target", id, "duration", time.Since(start))
	case gone(err) || entitled.ErrorKind(err) == entitled.KindConflict:
		e.log.Info("job skipped: no longer applies", "kind", kind, "target", id, "reason", err.Error())
		return nil
	case shutdown(ctx):
		return river.JobSnooze(0)
	default:
		e.log.Error("job failed; it will be retried", "kind", kind, "target", id, "error", err)
	}
	return err
}

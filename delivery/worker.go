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

// Work attempts every delivery of the job that is still due, in order, then
// records all outcomes in one transaction. A transient failure that is not
// final makes River retry the job; deliveries that succeeded meanwhile are
// final and skipped on the next attempt.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	e := w.e
	a := job.Args
	limit := a.attemptLimit(job.MaxAttempts)
	outcomes := make([]entitled.DeliveryOutcome, 0, len(a.Deliveries))
	var retryErr error
	interrupted := false
	for _, ref := range a.Deliveries {
		log := e.log.With("delivery", ref.ID, "run", ref.Run, "attempt", job.Attempt, "request", a.RequestID)
		work, err := e.cfg.Engine.DeliveryWork(ctx, ref.ID, ref.Run)
		if err != nil {
			if gone(err) {
				log.Debug("delivery skipped: no longer applies", "reason", err.Error())
				continue
			}
			if shutdown(ctx) {
				interrupted = true
				break
			}
			log.Error("delivery: cannot load work", "error", err)
			if len(outcomes) == 0 {
				return w.infraError(job, err)
			}
			retryErr = err
			continue
		}
		log = log.With("system", work.System.Name, "action", string(work.Delivery.Action))

		start := time.Now()
		err = w.attempt(ctx, work)
		took := time.Since(start)
		if err != nil && shutdown(ctx) {
			// Stopping: not the target's fault. Nothing is recorded for this
			// delivery; the job runs again when a worker starts.
			log.Info("delivery interrupted by shutdown; it will run again", "duration", took)
			interrupted = true
			break
		}
		final := err == nil || entitled.ClassOf(err) == entitled.Permanent || job.Attempt >= limit
		outcome := outcomeSucceeded
		switch {
		case err != nil && final:
			outcome = outcomeFailed
		case err != nil:
			outcome = outcomeRetried
			retryErr = err
		}
		e.metrics.observe(work.Delivery.Action, outcome, work.System.Kind, took)
		attrs := []any{"outcome", outcome, "duration", took, "maxAttempts", limit}
		if err != nil {
			attrs = append(attrs, "class", string(entitled.ClassOf(err)), "error", err.Error())
			log.Warn("delivery attempt failed", attrs...)
		} else {
			log.Info("delivery attempt succeeded", attrs...)
		}
		outcomes = append(outcomes, entitled.DeliveryOutcome{DeliveryID: ref.ID, Run: ref.Run, Err: err, Final: final, At: time.Now().UTC()})
	}

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if rerr := e.cfg.Engine.RecordDeliveryOutcomes(rctx, outcomes); rerr != nil {
		if gone(rerr) {
			e.log.Info("delivery outcomes not recorded: no longer apply", "request", a.RequestID, "reason", rerr.Error())
			return nil
		}
		e.log.Error("delivery: cannot record outcomes; the attempt will run again", "request", a.RequestID, "error", rerr)
		return w.infraError(job, rerr)
	}
	if interrupted {
		// Put the job back without using an attempt; recorded deliveries
		// are final or carry their attempt, the rest run again.
		return river.JobSnooze(0)
	}
	if retryErr != nil {
		return w.infraError(job, retryErr)
	}
	return nil
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

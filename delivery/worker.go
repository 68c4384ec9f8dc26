package delivery

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/logattr"
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

// Work attempts every delivery of the job that is still due, then records
// all outcomes in one transaction. A connector that applies batches gets all
// of them in one call. A transient failure that is not final makes River
// retry the job; deliveries that succeeded meanwhile are final and skipped
// on the next attempt.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	e := w.e
	a := job.Args
	limit := a.attemptLimit(job.MaxAttempts)
	if h, wait := e.health.waitingFor(ctx, a.SystemID); wait {
		return e.wait(a, a.SystemID, h)
	}

	loaded, err := e.load(ctx, a.Deliveries)
	if err != nil {
		if shutdown(ctx) {
			return river.JobSnooze(0)
		}
		e.log.Error("delivery: cannot load work", "request", a.RequestID, "error", err)
		return w.infraError(job, err)
	}
	works := make([]*entitled.DeliveryWork, 0, len(loaded))
	for i, work := range loaded {
		if work == nil {
			e.log.Debug("delivery skipped: no longer applies", "delivery", a.Deliveries[i].ID, "run", a.Deliveries[i].Run)
			continue
		}
		works = append(works, work)
	}
	if len(works) == 0 {
		return nil
	}
	// Jobs queued before they carried their system are checked here.
	if sys := works[0].System.ID; a.SystemID == "" {
		if h, wait := e.health.waitingFor(ctx, sys); wait {
			return e.wait(a, sys, h)
		}
	}

	start := time.Now()
	errs := w.apply(ctx, works)
	took := time.Since(start)
	if shutdown(ctx) {
		// Stopping: a failure now is not the target's fault. Only what
		// succeeded is recorded; the job runs again, without using an
		// attempt, when a worker starts.
		var done []entitled.DeliveryOutcome
		for i, work := range works {
			if errs[i] == nil {
				done = append(done, entitled.DeliveryOutcome{DeliveryID: work.Delivery.ID, Run: work.Delivery.Run, Final: true,
					At: time.Now().UTC(), SystemID: work.System.ID})
			}
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if err := e.cfg.Engine.RecordDeliveryOutcomes(rctx, done); err != nil {
			e.log.Warn("delivery: cannot record outcomes at shutdown; they will run again", "request", a.RequestID, "error", err)
		}
		e.log.Info("deliveries interrupted by shutdown; they will run again", "request", a.RequestID, logattr.Duration(took))
		return river.JobSnooze(0)
	}

	var retryErr error
	transient := false
	outcomes := make([]entitled.DeliveryOutcome, len(works))
	for i, work := range works {
		err := errs[i]
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
		attrs := []any{"delivery", work.Delivery.ID, "run", work.Delivery.Run, "attempt", job.Attempt,
			"request", work.Delivery.RequestID, "system", work.System.Name, "action", string(work.Delivery.Action),
			"outcome", outcome, logattr.Duration(took), "maxAttempts", limit}
		if err != nil {
			attrs = append(attrs, "class", string(entitled.ClassOf(err)), "error", err.Error())
			e.log.Warn("delivery attempt failed", attrs...)
		} else {
			e.log.Info("delivery attempt succeeded", attrs...)
		}
		outcomes[i] = entitled.DeliveryOutcome{DeliveryID: work.Delivery.ID, Run: work.Delivery.Run, Err: err, Final: final,
			At: time.Now().UTC(), SystemID: work.System.ID}
		if err != nil && entitled.ClassOf(err) == entitled.Transient {
			transient = true
		}
	}

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if rerr := e.record(rctx, outcomes); rerr != nil {
		if gone(rerr) {
			e.log.Info("delivery outcomes not recorded: no longer apply", "request", a.RequestID, "reason", rerr.Error())
			return nil
		}
		e.log.Error("delivery: cannot record outcomes; the attempt will run again", "request", a.RequestID, "error", rerr)
		return w.infraError(job, rerr)
	}
	if transient {
		// The failures counted towards the system's health may have
		// suspended it: the next job reads it again.
		e.health.invalidate()
	}
	if retryErr != nil {
		return w.infraError(job, retryErr)
	}
	return nil
}

// apply runs the changes of works (all for one system): through the
// system's batcher when the connector applies batches, else one request at
// a time per goroutine. It returns one error per work.
func (w *deliverWorker) apply(ctx context.Context, works []*entitled.DeliveryWork) []error {
	errs := make([]error, len(works))
	conn, err := w.connector(&works[0].System)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	if bc, ok := conn.(entitled.BatchConnector); ok {
		changes := make([]entitled.Change, len(works))
		for i, work := range works {
			changes[i] = entitled.Change{Action: work.Delivery.Action, Grant: work.Grant}
		}
		return w.e.applyBatched(ctx, bc, changes)
	}
	// A grouped job holds the deliveries of several requests: each
	// request's run in order, the requests side by side, so that the job
	// takes as long as its slowest request, not the sum of them (a job holds
	// at most maxJobDeliveries deliveries); callOne keeps the calls in flight
	// across all jobs within --workers.
	var wg sync.WaitGroup
	for _, idx := range byRequest(works) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range idx {
				errs[i] = w.e.callOne(ctx, conn, works[i])
			}
		}()
	}
	wg.Wait()
	return errs
}

// callOne calls the target for one delivery once a slot is free: at most
// Config.Workers calls are in flight at once, as when every job held one
// delivery.
func (e *Engine) callOne(ctx context.Context, conn entitled.Connector, work *entitled.DeliveryWork) error {
	select {
	case e.calls <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-e.calls }()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return applyOne(ctx, conn, work)
}

// byRequest returns the indexes of works per request, in order.
func byRequest(works []*entitled.DeliveryWork) [][]int {
	var out [][]int
	seen := map[string]int{}
	for i, work := range works {
		k, ok := seen[work.Delivery.RequestID]
		if !ok {
			k = len(out)
			seen[work.Delivery.RequestID] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// connector builds the system's connector; a connector that cannot be
// built has a bad config, so retrying the same config will not help.
func (w *deliverWorker) connector(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	conn, err := w.e.cfg.Connectors.For(sys)
	if err != nil {
		var de *entitled.DeliveryError
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, entitled.PermanentErrorf("connected system %s: %v", sys.Name, err)
	}
	return conn, nil
}

// applyOne calls Grant or Revoke for one delivery.
func applyOne(ctx context.Context, conn entitled.Connector, work *entitled.DeliveryWork) error {
	switch work.Delivery.Action {
	case entitled.ActionGrant:
		return conn.Grant(ctx, work.Grant)
	case entitled.ActionRevoke:
		return conn.Revoke(ctx, work.Grant)
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
		e.log.Info("job done", "kind", kind, "target", id, logattr.Duration(time.Since(start)))
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

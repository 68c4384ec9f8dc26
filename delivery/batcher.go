package delivery

import (
	"context"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/coalesce"
)

// Deliveries of many requests often go to the same system at the same time
// (one LDAP group, one database). For connectors that take batches, the
// workers hand their changes to the system's batcher, which sends all the
// changes waiting at that moment in one ApplyBatch while the next ones queue
// up behind it: no timer, no added latency when the system is idle, and as
// much batching as the load brings. Outcomes are recorded the same way: the
// recorder writes those of every worker waiting at that moment in one
// store transaction.

// maxBatch bounds one ApplyBatch call and one recording transaction.
const maxBatch = 500

// batcher serialises the batches of one connector.
type batcher = coalesce.Batcher[entitled.Change, error]

// batcherFor returns the batcher of a connector, made on first use.
func (e *Engine) batcherFor(conn entitled.BatchConnector) *batcher {
	e.batchMu.Lock()
	defer e.batchMu.Unlock()
	if e.batchers == nil {
		e.batchers = map[entitled.BatchConnector]*batcher{}
	}
	b, ok := e.batchers[conn]
	if !ok {
		b = &batcher{Apply: conn.ApplyBatch, Max: maxBatch, Timeout: e.cfg.JobTimeout,
			Missing: func() error { return entitled.TransientErrorf("the connector returned no result for this change") }}
		b.Idle = func() { e.forgetBatcher(conn, b) }
		e.batchers[conn] = b
	}
	return b
}

// forgetBatcher drops an idle batcher, so that connectors replaced by new
// settings are not kept; a later delivery makes a new one.
func (e *Engine) forgetBatcher(conn entitled.BatchConnector, b *batcher) {
	e.batchMu.Lock()
	defer e.batchMu.Unlock()
	if !b.Busy() && e.batchers[conn] == b {
		delete(e.batchers, conn)
	}
}

// applyBatched queues changes on the connector's batcher and waits for
// their results. A worker whose context ends stops waiting; its changes may
// still be applied, which is safe: grants and revokes are idempotent and
// the job runs again.
func (e *Engine) applyBatched(ctx context.Context, conn entitled.BatchConnector, changes []entitled.Change) []error {
	errs, err := e.batcherFor(conn).Do(ctx, changes)
	if err != nil {
		errs = make([]error, len(changes))
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// recorder writes the outcomes of concurrent workers in one transaction.
type recorder = coalesce.Batcher[entitled.DeliveryOutcome, error]

// newRecorder returns the engine's outcome recorder.
func (e *Engine) newRecorder() *recorder {
	return &recorder{Max: maxBatch, Timeout: recordTimeout,
		Apply: func(ctx context.Context, outcomes []entitled.DeliveryOutcome) []error {
			err := e.cfg.Engine.RecordDeliveryOutcomes(ctx, outcomes)
			errs := make([]error, len(outcomes))
			for i := range errs {
				errs[i] = err
			}
			return errs
		}}
}

// record stores a worker's outcomes through the recorder; the error is the
// transaction's (all of a batch share it) or ctx's.
func (e *Engine) record(ctx context.Context, outcomes []entitled.DeliveryOutcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	errs, err := e.recorder.Do(ctx, outcomes)
	if err != nil {
		return err
	}
	return errs[0]
}

// loader loads the deliveries of concurrent jobs in one query; each
// item is one job's deliveries.
type loader = coalesce.Batcher[[]entitled.DeliveryRun, loaded]

// loaded is one job's share of a load: its works in order (nil where the
// delivery no longer applies), or the error of the whole load.
type loaded struct {
	works []*entitled.DeliveryWork
	err   error
}

// newLoader returns the engine's delivery loader.
func (e *Engine) newLoader() *loader {
	return &loader{Max: maxBatch, Timeout: recordTimeout,
		Apply: func(ctx context.Context, jobs [][]entitled.DeliveryRun) []loaded {
			var all []entitled.DeliveryRun
			for _, runs := range jobs {
				all = append(all, runs...)
			}
			works, err := e.cfg.Engine.DeliveryWorks(ctx, all)
			out := make([]loaded, len(jobs))
			for i, runs := range jobs {
				if err != nil {
					out[i].err = err
					continue
				}
				out[i].works, works = works[:len(runs)], works[len(runs):]
			}
			return out
		}}
}

// load returns the works of a job's deliveries through the loader.
func (e *Engine) load(ctx context.Context, runs []entitled.DeliveryRun) ([]*entitled.DeliveryWork, error) {
	res, err := e.loads.Do(ctx, [][]entitled.DeliveryRun{runs})
	if err != nil {
		return nil, err
	}
	return res[0].works, res[0].err
}

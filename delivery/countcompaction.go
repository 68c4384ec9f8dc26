package delivery

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// CountCompactor folds the request counters of closed database
// connections (sqlstore.RequestService does; on SQLite it has nothing to do).
type CountCompactor interface {
	CompactRequestCounts(ctx context.Context) (int, error)
}

// countCompactionInterval is how often the request counters are compacted
// (and once at start): between two runs a count sums at most a row per
// connection opened since, per package and state.
const countCompactionInterval = 5 * time.Minute

// CompactCountsArgs is the periodic job that compacts the request
// counters: River runs it on one instance at a time (its leader).
type CompactCountsArgs struct{}

// Kind names the job for River.
func (CompactCountsArgs) Kind() string { return "compact_request_counts" }

// countCompaction registers the compaction job and answers its schedule:
// none without Config.Counts or on SQLite, where every count is in one row.
func (e *Engine) countCompaction(workers *river.Workers) []*river.PeriodicJob {
	if e.cfg.Counts == nil || e.cfg.Dialect != "postgres" {
		return nil
	}
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[CompactCountsArgs]) error {
		n, err := e.cfg.Counts.CompactRequestCounts(entitled.NewContext(ctx, entitled.SystemActor))
		if err == nil && n > 0 {
			e.log.Debug("request counters compacted", "rows", n)
		}
		return err
	}))
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(countCompactionInterval),
		func() (river.JobArgs, *river.InsertOpts) { return CompactCountsArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
}

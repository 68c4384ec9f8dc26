// Package delivery runs entitled's background jobs — deliveries, expiries,
// scheduled starts and approval time-outs — on River, in the same database
// as the store, so jobs commit with the state changes that cause them.
package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/entitled-dev/entitled"
)

// Defaults of Config.
const (
	DefaultWorkers = 50
	// DefaultPostgresWorkers is the default on PostgreSQL: its pool serves
	// many connections, and a job spends most of its time waiting for a
	// batch (load, apply, record), so more jobs in flight make bigger
	// batches rather than more load.
	DefaultPostgresWorkers = 200
	DefaultPollInterval    = 50 * time.Millisecond
	DefaultJobTimeout      = 2 * time.Minute
	DefaultRescueAfter     = time.Minute
)

// River's finished jobs are kept this long, then its job cleaner deletes
// them (docs/operations.md, "River's finished jobs"). A completed job holds
// nothing the store does not: every delivery's outcome is in deliveries
// and the audit log, every notice in notifications; an hour is room to
// look at a burst while it happens, and keeps river_job small (about 1 KB
// per request while kept). A discarded job (attempts exhausted) or a
// cancelled one is what an operator investigates: a week, past a weekend.
const (
	CompletedJobRetention = time.Hour
	CancelledJobRetention = 7 * 24 * time.Hour
	DiscardedJobRetention = 7 * 24 * time.Hour
)

// Notifier works notices queued together (notify.Notifier does).
type Notifier interface {
	Notices(ctx context.Context, ns []entitled.Notice) error
}

// otherMaxAttempts is how often an expire, start or approval time-out job is
// tried; they fail only when the database does.
const otherMaxAttempts = 25

// Config configures the delivery engine.
type Config struct {
	// DB is the store's pool (SQLite: one connection).
	DB *sql.DB
	// Dialect is the database's dialect: "sqlite" (the default when empty)
	// or "postgres". It picks River's driver; both are database/sql
	// drivers, so jobs insert in the store's *sql.Tx either way.
	Dialect string
	// Engine is the store side that loads and records work.
	Engine entitled.Engine
	// Connectors builds the connector of a connected system.
	Connectors entitled.Connectors
	// Logger logs every attempt; nil means slog.Default().
	Logger *slog.Logger
	// Workers is the most deliveries run at once (default 50, 200 on
	// PostgreSQL).
	Workers int
	// PollInterval is how often the queue is polled for new jobs (default
	// 50ms; SQLite has no LISTEN/NOTIFY).
	PollInterval time.Duration
	// RescueAfter is when a job left running by a crashed process runs again
	// (default 1m, or JobTimeout + 1m when that is longer).
	RescueAfter time.Duration
	// JobTimeout bounds one attempt (default 2m); it must be shorter than
	// RescueAfter.
	JobTimeout time.Duration
	// Registerer receives the engine's metrics; nil for none.
	Registerer prometheus.Registerer
	// Notifier works notify jobs; nil drops them (logged).
	Notifier Notifier
	// StateCounts counts requests by state for the entitled_requests gauge;
	// nil for none.
	StateCounts func(ctx context.Context) (map[entitled.RequestState]int, error)
	// Health is the store side of system health; nil turns suspension,
	// probes and waiting off (health.go, prober.go).
	Health entitled.HealthEngine
	// Operations works long-running operations (bulk reprocess); nil
	// leaves their jobs to retry.
	Operations entitled.OperationEngine
	// HealthCacheTTL, ProbeInterval and WaitSnooze tune it (defaults
	// DefaultHealthCacheTTL, DefaultProbeInterval, DefaultWaitSnooze).
	HealthCacheTTL, ProbeInterval, WaitSnooze time.Duration
	// Drift runs periodic reconciliations and counts drift for the
	// entitled_drift gauge; nil for none (reconciler.go). ReconcileCheck
	// is how often it looks for due ones (default DefaultReconcileCheck).
	Drift          entitled.DriftEngine
	ReconcileCheck time.Duration
	// Outbox prunes the sent and recorded messages older than
	// NotificationRetention, hourly (outboxretention.go); nil, or a
	// retention of 0 or less, keeps them for ever.
	Outbox                OutboxPruner
	NotificationRetention time.Duration
	// Counts compacts the request counters of closed connections on
	// PostgreSQL every few minutes (countcompaction.go); nil for never.
	Counts CountCompactor
}

// Engine runs background jobs on River.
type Engine struct {
	cfg     Config
	log     *slog.Logger
	client  *river.Client[*sql.Tx]
	metrics *metrics

	batchMu  sync.Mutex
	batchers map[entitled.BatchConnector]*batcher
	recorder *recorder
	loads    *loader
	// calls bounds the target calls in flight for connectors without
	// batches to Config.Workers, however the jobs group them.
	calls chan struct{}

	health     *healthCache // nil without Config.Health
	stopProber context.CancelFunc
	proberDone chan struct{}

	stopReconciler context.CancelFunc
	reconcilerDone chan struct{}
}

// New checks the config, applies defaults and builds the engine, which
// works jobs after Start; a Queue (NewQueue) inserts them.
func New(cfg Config) (*Engine, error) {
	if cfg.DB == nil || cfg.Engine == nil || cfg.Connectors == nil {
		return nil, errors.New("delivery: Config needs DB, Engine and Connectors")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
		if cfg.Dialect == "postgres" {
			cfg.Workers = DefaultPostgresWorkers
		}
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = DefaultJobTimeout
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = max(DefaultRescueAfter, cfg.JobTimeout+time.Minute)
	}
	if cfg.JobTimeout >= cfg.RescueAfter {
		return nil, fmt.Errorf("delivery: JobTimeout (%s) must be shorter than RescueAfter (%s), or a slow job would run twice at once",
			cfg.JobTimeout, cfg.RescueAfter)
	}
	e := &Engine{cfg: cfg, log: cfg.Logger, calls: make(chan struct{}, cfg.Workers)}
	e.initHealth()
	e.recorder = e.newRecorder()
	e.loads = e.newLoader()
	e.metrics = newMetrics(e)
	if cfg.Registerer != nil {
		if err := e.metrics.register(cfg.Registerer); err != nil {
			return nil, fmt.Errorf("delivery: metrics: %w", err)
		}
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &deliverWorker{e: e})
	river.AddWorker(workers, &wakeWorker{e: e})
	river.AddWorker(workers, &operationWorker{e: e})
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[ExpireArgs]) error {
		return e.other(ctx, j.JobRow.Kind, j.Args.AssignmentID, func() error { return cfg.Engine.ExpireAssignment(ctx, j.Args.AssignmentID) })
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[StartArgs]) error {
		return e.other(ctx, j.JobRow.Kind, j.Args.RequestID, func() error { return cfg.Engine.StartScheduledRequest(ctx, j.Args.RequestID) })
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[LeaverArgs]) error {
		return e.other(ctx, j.JobRow.Kind, j.Args.UserID, func() error { return cfg.Engine.RemoveLeaverAccess(ctx, j.Args.UserID) })
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[ApprovalTimeoutArgs]) error {
		return e.other(ctx, j.JobRow.Kind, j.Args.StageID, func() error {
			return cfg.Engine.TimeOutApprovalStage(ctx, j.Args.RequestID, j.Args.StageID)
		})
	}))

	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[NotifyArgs]) error {
		ns := j.Args.all()
		if cfg.Notifier == nil || len(ns) == 0 {
			e.log.Warn("notices dropped: no notifier configured", "notices", len(ns))
			return nil
		}
		return e.other(ctx, j.JobRow.Kind, ns[0].ID, func() error { return cfg.Notifier.Notices(ctx, ns) })
	}))

	periodic := append(e.outboxRetention(workers), e.countCompaction(workers)...)

	driver, err := Driver(cfg.Dialect, cfg.DB)
	if err != nil {
		return nil, err
	}
	cooldown := min(cfg.PollInterval, 10*time.Millisecond)
	client, err := river.NewClient(driver, &river.Config{
		Logger:               slog.New(warnOnly{cfg.Logger.Handler()}),
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:              workers,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        cooldown,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          otherMaxAttempts,

		CompletedJobRetentionPeriod: CompletedJobRetention,
		CancelledJobRetentionPeriod: CancelledJobRetention,
		DiscardedJobRetentionPeriod: DiscardedJobRetention,
		PeriodicJobs:                periodic,
	})
	if err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	e.client = client
	return e, nil
}

// Driver returns River's database/sql driver for the dialect ("sqlite" or
// empty, or "postgres") over db.
func Driver(dialect string, db *sql.DB) (riverdriver.Driver[*sql.Tx], error) {
	switch dialect {
	case "", "sqlite":
		return riversqlite.New(db), nil
	case "postgres":
		return riverdatabasesql.New(db), nil
	}
	return nil, fmt.Errorf("delivery: unknown database dialect %q; use sqlite or postgres", dialect)
}

// deliverGroup is a deliver job for several deliveries.
type deliverGroup struct {
	entitled.Job
	refs    []DeliveryRef
	notices []entitled.Notice // JobNotify: the notices of the job
}

// maxJobNotices bounds the notices of one notify job.
const maxJobNotices = 100

// maxJobDeliveries bounds the deliveries of one grouped deliver job, so
// that a connector applying changes one at a time still spreads a batch
// of requests over several workers.
const maxJobDeliveries = 16

// groupDeliveries merges deliver jobs of the same group (Job.Group, else
// their request), system, retry policy and due time into jobs of at most
// maxJobDeliveries deliveries; other jobs pass through in order. A job
// holding several requests' deliveries names no single request.
func groupDeliveries(jobs []entitled.Job) []deliverGroup {
	out := make([]deliverGroup, 0, len(jobs))
	index := map[[2]string]int{}
	notify := map[time.Time]int{} // due time → the notify job gathering notices due then
	for _, j := range jobs {
		if j.Kind == entitled.JobNotify && j.Notice != nil {
			if i, ok := notify[j.RunAt]; ok && len(out[i].notices) < maxJobNotices {
				out[i].notices = append(out[i].notices, *j.Notice)
				continue
			}
			notify[j.RunAt] = len(out)
			out = append(out, deliverGroup{Job: j, notices: []entitled.Notice{*j.Notice}})
			continue
		}
		if j.Kind != entitled.JobDeliver {
			out = append(out, deliverGroup{Job: j})
			continue
		}
		ref := DeliveryRef{ID: j.DeliveryID, Run: j.Run}
		group := j.Group
		if group == "" {
			group = j.RequestID
		}
		key := [2]string{group, j.SystemID}
		if i, ok := index[key]; ok && group != "" && out[i].Retry == j.Retry && out[i].RunAt.Equal(j.RunAt) &&
			len(out[i].refs) < maxJobDeliveries {
			out[i].refs = append(out[i].refs, ref)
			if out[i].RequestID != j.RequestID {
				out[i].RequestID = ""
			}
			continue
		}
		index[key] = len(out)
		out = append(out, deliverGroup{Job: j, refs: []DeliveryRef{ref}})
	}
	return out
}

func insertParams(g deliverGroup) (river.InsertManyParams, error) {
	j := g.Job
	opts := &river.InsertOpts{ScheduledAt: j.RunAt}
	var args river.JobArgs
	switch j.Kind {
	case entitled.JobDeliver:
		policy := j.Retry
		if policy.MaxAttempts < 1 {
			policy = entitled.DefaultRetryPolicy
		}
		opts.MaxAttempts = policy.MaxAttempts + rescueHeadroom
		args = DeliverArgs{Deliveries: g.refs, RequestID: j.RequestID, SystemID: j.SystemID, MaxAttempts: policy.MaxAttempts,
			InitialBackoff: policy.InitialBackoff, MaxBackoff: policy.MaxBackoff}
	case entitled.JobExpire:
		args = ExpireArgs{AssignmentID: j.AssignmentID}
	case entitled.JobStart:
		args = StartArgs{RequestID: j.RequestID}
	case entitled.JobLeaver:
		args = LeaverArgs{UserID: j.UserID}
	case entitled.JobApprovalTimeout:
		args = ApprovalTimeoutArgs{RequestID: j.RequestID, StageID: j.StageID}
	case entitled.JobWakeSystem:
		args = WakeSystemArgs{SystemID: j.SystemID}
	case entitled.JobOperation:
		args = OperationArgs{OperationID: j.OperationID}
	case entitled.JobNotify:
		if len(g.notices) == 0 {
			return river.InsertManyParams{}, fmt.Errorf("delivery: notify job without a notice")
		}
		args = NotifyArgs{Notices: g.notices}
	default:
		return river.InsertManyParams{}, fmt.Errorf("delivery: unknown job kind %q", j.Kind)
	}
	return river.InsertManyParams{Args: args, InsertOpts: opts}, nil
}

// Start starts working jobs; cancelling ctx stops at once (prefer Stop).
func (e *Engine) Start(ctx context.Context) error {
	if err := e.client.Start(ctx); err != nil {
		return err
	}
	e.startProber(ctx)
	e.startReconciler(ctx)
	return nil
}

// Stop stops fetching jobs and lets running ones finish until ctx ends;
// then it cancels them (their jobs run again later: nothing is lost).
func (e *Engine) Stop(ctx context.Context) error {
	e.stopProbing()
	e.stopReconciling()
	err := e.client.Stop(ctx)
	if err == nil {
		return nil
	}
	hard, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return e.client.StopAndCancel(hard)
}

// QueueDepth counts the jobs not yet done: available, scheduled, retryable
// and running. It runs outside any transaction.
func (e *Engine) QueueDepth(ctx context.Context) (int, error) {
	var n int
	err := e.cfg.DB.QueryRowContext(ctx,
		`SELECT count(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'running')`).Scan(&n)
	return n, err
}

// warnOnly passes only warnings and errors to the wrapped handler, to keep
// River's own logging quiet.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnOnly{h.Handler.WithAttrs(attrs)}
}

func (h warnOnly) WithGroup(name string) slog.Handler { return warnOnly{h.Handler.WithGroup(name)} }

// Workers is how many delivery jobs the engine runs at once.
func (e *Engine) Workers() int { return e.cfg.Workers }

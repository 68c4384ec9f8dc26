package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/internal/dbtest"
	"github.com/entitled-dev/entitled/internal/syncbuf"
)

// waitLimit bounds how long a test waits for background work; it is a
// safety net against hanging, not an assertion on speed.
const waitLimit = 30 * time.Second

// openDB opens a real SQLite file the way the store does (one connection)
// and migrates River's tables; in the PostgreSQL run (backend_test.go) it
// opens a fresh PostgreSQL database with River's tables instead.
func openDB(t testing.TB) *sql.DB {
	t.Helper()
	if dbtest.Backend() == dbtest.Postgres {
		return openPostgres(t)
	}
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	m, err := rivermigrate.New(riversqlite.New(db), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(context.Background(), rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// fakeStore is a tiny entitled.Engine: it hands out work for any delivery
// id and records outcomes. Delivery ids starting with "stale" are stale.
type fakeStore struct {
	mu       sync.Mutex
	loads    map[string]int
	outcomes map[string][]entitled.DeliveryOutcome
	changed  chan struct{}
	others   []string
	// failRecords is how many RecordDeliveryOutcome calls fail first.
	failRecords int
}

func newFakeStore() *fakeStore {
	return &fakeStore{loads: map[string]int{}, outcomes: map[string][]entitled.DeliveryOutcome{}, changed: make(chan struct{}, 1000)}
}

func (f *fakeStore) DeliveryWork(ctx context.Context, id string, run int) (*entitled.DeliveryWork, error) {
	f.mu.Lock()
	f.loads[id]++
	f.mu.Unlock()
	if strings.HasPrefix(id, "stale") || f.isFinal(id) {
		return nil, &entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeStale, Message: "stale"}
	}
	d := entitled.Delivery{ID: id, RequestID: "req-" + id, Action: entitled.ActionGrant, Run: run}
	if strings.HasPrefix(id, "conc-") { // conc-<request>-<n>: several deliveries of one request
		d.RequestID = id[:strings.LastIndex(id, "-")]
	}
	return &entitled.DeliveryWork{Delivery: d,
		System: entitled.ConnectedSystem{ID: "sys1", Name: "fake", Kind: "fake"},
		Grant:  entitled.Grant{DeliveryID: id, RequestID: d.RequestID, IdempotencyKey: d.IdempotencyKey()}}, nil
}

func (f *fakeStore) DeliveryWorks(ctx context.Context, runs []entitled.DeliveryRun) ([]*entitled.DeliveryWork, error) {
	out := make([]*entitled.DeliveryWork, len(runs))
	for i, r := range runs {
		w, err := f.DeliveryWork(ctx, r.ID, r.Run)
		if err != nil && entitled.ErrorKind(err) != entitled.KindConflict {
			return nil, err
		}
		out[i] = w
	}
	return out, nil
}

// isFinal reports whether a final outcome was recorded for the delivery.
func (f *fakeStore) isFinal(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.outcomes[id] {
		if o.Final {
			return true
		}
	}
	return false
}

func (f *fakeStore) RecordDeliveryOutcome(ctx context.Context, o entitled.DeliveryOutcome) error {
	f.mu.Lock()
	if f.failRecords > 0 {
		f.failRecords--
		f.mu.Unlock()
		return errors.New("database is locked")
	}
	f.outcomes[o.DeliveryID] = append(f.outcomes[o.DeliveryID], o)
	f.mu.Unlock()
	f.changed <- struct{}{}
	return nil
}

func (f *fakeStore) RecordDeliveryOutcomes(ctx context.Context, os []entitled.DeliveryOutcome) error {
	if len(os) == 0 {
		return nil
	}
	f.mu.Lock()
	if f.failRecords > 0 {
		f.failRecords--
		f.mu.Unlock()
		return errors.New("database is locked")
	}
	for _, o := range os {
		f.outcomes[o.DeliveryID] = append(f.outcomes[o.DeliveryID], o)
	}
	f.mu.Unlock()
	f.changed <- struct{}{}
	return nil
}

func (f *fakeStore) other(s string) error {
	f.mu.Lock()
	f.others = append(f.others, s)
	f.mu.Unlock()
	f.changed <- struct{}{}
	return nil
}

func (f *fakeStore) ExpireAssignment(ctx context.Context, id string) error {
	return f.other("expire " + id)
}

func (f *fakeStore) StartScheduledRequest(ctx context.Context, id string) error {
	return f.other("start " + id)
}

func (f *fakeStore) RemoveLeaverAccess(ctx context.Context, userID string) error {
	return f.other("leaver " + userID)
}

func (f *fakeStore) TimeOutApprovalStage(ctx context.Context, requestID, stageID string) error {
	return f.other("timeout " + requestID + " " + stageID)
}

func (f *fakeStore) outcomesOf(id string) []entitled.DeliveryOutcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]entitled.DeliveryOutcome(nil), f.outcomes[id]...)
}

func (f *fakeStore) loadsOf(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loads[id]
}

// waitFor waits until cond holds, failing the test after waitLimit.
func (f *fakeStore) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitLimit)
	for !cond() {
		select {
		case <-f.changed:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// fakeKind's connector answers by delivery id prefix: ok, transient,
// permanent, block (waits for its context).
type fakeKind struct {
	mu     sync.Mutex
	grants map[string]int
	// conc: calls for "conc-" deliveries in flight, per request and in all,
	// the most seen at once, and the order each request's calls came in.
	concNow     map[string]int
	concAll     int
	concMax     int
	concOverlap int
	concOrder   map[string][]string
	concMore    chan struct{} // signalled when a call starts
}

func (k *fakeKind) Name() string                  { return "fake" }
func (k *fakeKind) SecretFields() []string        { return nil }
func (k *fakeKind) Validate(map[string]any) error { return nil }
func (k *fakeKind) New(*entitled.ConnectedSystem) (entitled.Connector, error) {
	return k, nil
}
func (k *fakeKind) Describe(context.Context, string) (entitled.ResourceInfo, error) {
	return entitled.ResourceInfo{}, nil
}
func (k *fakeKind) Revoke(ctx context.Context, g entitled.Grant) error { return k.Grant(ctx, g) }
func (k *fakeKind) Grant(ctx context.Context, g entitled.Grant) error {
	k.mu.Lock()
	k.grants[g.DeliveryID]++
	k.mu.Unlock()
	switch {
	case strings.HasPrefix(g.DeliveryID, "transient"):
		return entitled.TransientErrorf("HTTP 503: busy")
	case strings.HasPrefix(g.DeliveryID, "permanent"):
		return entitled.PermanentErrorf("HTTP 404: no such user")
	case strings.HasPrefix(g.DeliveryID, "block"):
		<-ctx.Done()
		return entitled.TransientErrorf("canceled")
	case strings.HasPrefix(g.DeliveryID, "conc-"):
		k.concCall(g)
	}
	return nil
}

// concCall is a target call that waits (up to a second) for a call of
// another request to arrive while it is in flight: calls made one after
// another see no company and the test sees concMax 1.
func (k *fakeKind) concCall(g entitled.Grant) {
	k.mu.Lock()
	k.concNow[g.RequestID]++
	if k.concNow[g.RequestID] > 1 {
		k.concOverlap++
	}
	k.concAll++
	k.concMax = max(k.concMax, k.concAll)
	k.concOrder[g.RequestID] = append(k.concOrder[g.RequestID], g.DeliveryID)
	k.mu.Unlock()
	select {
	case k.concMore <- struct{}{}:
	default:
	}
	deadline := time.After(time.Second)
	for waiting := true; waiting; {
		k.mu.Lock()
		company := k.concAll > 1
		k.mu.Unlock()
		if company {
			break
		}
		select {
		case <-k.concMore:
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			waiting = false
		}
	}
	time.Sleep(20 * time.Millisecond)
	k.mu.Lock()
	k.concNow[g.RequestID]--
	k.concAll--
	k.mu.Unlock()
}

func (k *fakeKind) grantsOf(id string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.grants[id]
}

type harness struct {
	logs  *syncbuf.Buffer
	db    *sql.DB
	store *fakeStore
	kind  *fakeKind
	eng   *Engine
	queue *Queue
	reg   *prometheus.Registry
}

func start(t *testing.T) *harness {
	t.Helper()
	return startWith(t, func(*Config) {})
}

// startWith is start with the engine's config changed by edit first.
func startWith(t *testing.T, edit func(*Config)) *harness {
	t.Helper()
	h := &harness{logs: &syncbuf.Buffer{}, db: openDB(t), store: newFakeStore(), kind: &fakeKind{grants: map[string]int{}, concNow: map[string]int{}, concOrder: map[string][]string{}, concMore: make(chan struct{}, 1)}, reg: prometheus.NewRegistry()}
	cfg := Config{DB: h.db, Dialect: dbtest.Backend(), Engine: h.store, Connectors: connectors.NewRegistry(h.kind),
		Logger: slog.New(slog.NewTextHandler(h.logs, nil)), Registerer: h.reg,
		StateCounts: func(context.Context) (map[entitled.RequestState]int, error) {
			return map[entitled.RequestState]int{entitled.StateDelivering: 2}, nil
		}}
	edit(&cfg)
	eng, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.eng = eng
	if h.queue, err = NewQueue(h.db, dbtest.Backend()); err != nil {
		t.Fatal(err)
	}
	if err := eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, eng)
	return h
}

// insert inserts jobs in a transaction and commits (or rolls back).
func (h *harness) insert(t *testing.T, commit bool, jobs ...entitled.Job) {
	t.Helper()
	ctx := context.Background()
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.queue.InsertJobs(ctx, tx, jobs); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if commit {
		err = tx.Commit()
	} else {
		err = tx.Rollback()
	}
	if err != nil {
		t.Fatal(err)
	}
}

func deliver(id string, p entitled.RetryPolicy) entitled.Job {
	return entitled.Job{Kind: entitled.JobDeliver, DeliveryID: id, Run: 1, RequestID: "req-" + id, Retry: p}
}

// jobState returns the River state of the deliver job of a delivery.
func (h *harness) jobState(t *testing.T, id string) (state string, attempt int) {
	t.Helper()
	err := h.db.QueryRow(q(`SELECT state, attempt FROM river_job WHERE kind = 'deliver' AND json_extract(args, '$.deliveries[0].id') = ?`), id).
		Scan(&state, &attempt)
	if err != nil {
		t.Fatalf("job of %s: %v", id, err)
	}
	return state, attempt
}

func (h *harness) waitJobState(t *testing.T, id, want string) {
	t.Helper()
	h.store.waitFor(t, "job "+id+" "+want, func() bool { s, _ := h.jobState(t, id); return s == want })
}

var fast = entitled.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}

func TestSuccessRecordsFinalOnce(t *testing.T) {
	h := start(t)
	h.insert(t, true, deliver("ok-1", fast))
	h.waitJobState(t, "ok-1", "completed")
	out := h.store.outcomesOf("ok-1")
	if len(out) != 1 || !out[0].Final || out[0].Err != nil || out[0].Run != 1 {
		t.Fatalf("outcomes = %+v, want one final success", out)
	}
	if n := h.kind.grantsOf("ok-1"); n != 1 {
		t.Fatalf("granted %d times, want 1", n)
	}
	logs := h.logs.String()
	for _, want := range []string{"delivery=ok-1", "request=req-ok-1", "system=fake", "action=grant", "attempt=1", "outcome=succeeded", "duration_ms="} {
		if !strings.Contains(logs, want) {
			t.Errorf("attempt log lacks %q:\n%s", want, logs)
		}
	}
}

func TestRecordFailureRetries(t *testing.T) {
	h := start(t)
	h.store.mu.Lock()
	h.store.failRecords = 1
	h.store.mu.Unlock()
	h.insert(t, true, deliver("ok-recordfail", fast))
	h.waitJobState(t, "ok-recordfail", "completed")
	out := h.store.outcomesOf("ok-recordfail")
	if len(out) != 1 || !out[0].Final || out[0].Err != nil {
		t.Fatalf("outcomes = %+v, want one final success after the failed record", out)
	}
	if n := h.kind.grantsOf("ok-recordfail"); n != 2 {
		t.Fatalf("granted %d times, want 2 (the unrecorded attempt runs again)", n)
	}
}

func TestTransientRetriedUntilMaxAttempts(t *testing.T) {
	h := start(t)
	h.insert(t, true, deliver("transient-1", fast))
	h.waitJobState(t, "transient-1", "completed")
	out := h.store.outcomesOf("transient-1")
	if len(out) != 3 {
		t.Fatalf("%d outcomes, want 3 (MaxAttempts)", len(out))
	}
	for i, o := range out {
		if o.Err == nil || entitled.ClassOf(o.Err) != entitled.Transient {
			t.Errorf("outcome %d: err %v, want transient", i, o.Err)
		}
		if o.Final != (i == 2) {
			t.Errorf("outcome %d: Final = %v", i, o.Final)
		}
	}
	if n := h.kind.grantsOf("transient-1"); n != 3 {
		t.Fatalf("granted %d times, want 3", n)
	}
}

func TestPermanentFailsAtOnce(t *testing.T) {
	h := start(t)
	h.insert(t, true, deliver("permanent-1", entitled.RetryPolicy{MaxAttempts: 5, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	h.waitJobState(t, "permanent-1", "completed")
	out := h.store.outcomesOf("permanent-1")
	if len(out) != 1 || !out[0].Final || entitled.ClassOf(out[0].Err) != entitled.Permanent {
		t.Fatalf("outcomes = %+v, want one final permanent failure", out)
	}
	if _, attempt := h.jobState(t, "permanent-1"); attempt != 1 {
		t.Fatalf("attempt = %d, want 1", attempt)
	}
}

func TestBackoffFollowsPolicy(t *testing.T) {
	h := start(t)
	p := entitled.RetryPolicy{MaxAttempts: 4, InitialBackoff: time.Hour, MaxBackoff: 90 * time.Minute}
	h.insert(t, true, deliver("transient-slow", p))
	h.waitJobState(t, "transient-slow", "retryable")
	var sched, attempted string
	if err := h.db.QueryRow(q(`SELECT scheduled_at, attempted_at FROM river_job WHERE json_extract(args, '$.deliveries[0].id') = 'transient-slow'`)).
		Scan(&sched, &attempted); err != nil {
		t.Fatal(err)
	}
	s, a := parseRiverTime(t, sched), parseRiverTime(t, attempted)
	if d := s.Sub(a); d < time.Hour-time.Minute || d > time.Hour+time.Minute {
		t.Fatalf("retry scheduled %s after the attempt, want about 1h (InitialBackoff)", d)
	}
	if out := h.store.outcomesOf("transient-slow"); len(out) != 1 || out[0].Final {
		t.Fatalf("outcomes = %+v, want one non-final", out)
	}

	// Later attempts double the wait, capped at MaxBackoff.
	w := &deliverWorker{}
	args := DeliverArgs{InitialBackoff: p.InitialBackoff, MaxBackoff: p.MaxBackoff}
	for attempt, want := range map[int]time.Duration{1: time.Hour, 2: 90 * time.Minute, 3: 90 * time.Minute} {
		job := &river.Job[DeliverArgs]{Args: args}
		job.JobRow = &riverJobRow{Attempt: attempt}
		before := time.Now()
		got := w.NextRetry(job).Sub(before)
		if got < want-time.Second || got > want+time.Second {
			t.Errorf("NextRetry after attempt %d = %s, want %s", attempt, got, want)
		}
	}
}

func parseRiverTime(t *testing.T, s string) time.Time {
	t.Helper()
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v
		}
	}
	t.Fatalf("cannot parse River time %q", s)
	return time.Time{}
}

func TestRolledBackJobNeverRuns(t *testing.T) {
	h := start(t)
	h.insert(t, false, deliver("ok-rolledback", fast))
	h.insert(t, true, deliver("ok-after", fast))
	h.waitJobState(t, "ok-after", "completed")
	if n := h.store.loadsOf("ok-rolledback"); n != 0 {
		t.Fatalf("rolled-back job ran %d times", n)
	}
	var n int
	h.db.QueryRow(q(`SELECT count(*) FROM river_job WHERE json_extract(args, '$.deliveries[0].id') = 'ok-rolledback'`)).Scan(&n)
	if n != 0 {
		t.Fatalf("%d river_job rows for a rolled-back insert", n)
	}
}

func TestStaleIsDone(t *testing.T) {
	h := start(t)
	h.insert(t, true, deliver("stale-1", fast))
	h.waitJobState(t, "stale-1", "completed")
	if out := h.store.outcomesOf("stale-1"); len(out) != 0 || h.kind.grantsOf("stale-1") != 0 {
		t.Fatalf("stale delivery attempted: outcomes %+v", out)
	}
}

func TestOtherJobs(t *testing.T) {
	h := start(t)
	h.insert(t, true,
		entitled.Job{Kind: entitled.JobExpire, AssignmentID: "a1"},
		entitled.Job{Kind: entitled.JobStart, RequestID: "r1"},
		entitled.Job{Kind: entitled.JobApprovalTimeout, RequestID: "r2", StageID: "s1"},
		entitled.Job{Kind: entitled.JobLeaver, UserID: "u1"},
		entitled.Job{Kind: entitled.JobStart, RequestID: "later", RunAt: time.Now().Add(time.Hour)})
	h.store.waitFor(t, "four jobs", func() bool {
		h.store.mu.Lock()
		defer h.store.mu.Unlock()
		return len(h.store.others) == 4
	})
	got := strings.Join(h.store.others, ",")
	for _, want := range []string{"expire a1", "start r1", "timeout r2 s1", "leaver u1"} {
		if !strings.Contains(got, want) {
			t.Errorf("ran %q, missing %q", got, want)
		}
	}
	var state string
	h.db.QueryRow(q(`SELECT state FROM river_job WHERE json_extract(args, '$.requestId') = 'later'`)).Scan(&state)
	if state != "scheduled" {
		t.Fatalf("future job state %q, want scheduled", state)
	}
	// Once River has marked the four done, only the scheduled job is left.
	h.store.waitFor(t, "queue depth 1", func() bool {
		depth, err := h.eng.QueueDepth(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return depth == 1
	})
	ctx := context.Background()
	tx, _ := h.db.BeginTx(ctx, nil)
	defer tx.Rollback()
	if err := h.queue.InsertJobs(ctx, tx, []entitled.Job{{Kind: "bogus"}}); err == nil {
		t.Fatalf("unknown job kind accepted")
	}
}

func TestStopInterruptsWithoutRecording(t *testing.T) {
	h := start(t)
	h.insert(t, true, deliver("block-1", fast))
	h.store.waitFor(t, "the blocking grant", func() bool { return h.kind.grantsOf("block-1") == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	h.eng.Stop(ctx)
	if out := h.store.outcomesOf("block-1"); len(out) != 0 {
		t.Fatalf("an interrupted attempt was recorded: %+v", out)
	}
	state, attempt := h.jobState(t, "block-1")
	if state != "available" || attempt != 0 {
		t.Fatalf("after stop: state %q attempt %d; want available with the attempt not used", state, attempt)
	}
}

func TestMetrics(t *testing.T) {
	h := start(t)
	h.insert(t, true, deliver("ok-m", fast), deliver("transient-m", fast), deliver("permanent-m", fast))
	for _, id := range []string{"ok-m", "transient-m", "permanent-m"} {
		h.waitJobState(t, id, "completed")
	}
	families, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += fmt.Sprintf(",%s=%s", l.GetName(), l.GetValue())
			}
			switch {
			case m.Counter != nil:
				got[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				got[key] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	for key, want := range map[string]float64{
		"entitled_deliveries_total,action=grant,outcome=succeeded": 1,
		"entitled_deliveries_total,action=grant,outcome=retried":   2,
		"entitled_deliveries_total,action=grant,outcome=failed":    2,
		"entitled_delivery_duration_seconds,system_kind=fake":      5,
		"entitled_queue_depth": 0,
		"entitled_requests,state=" + string(entitled.StateDelivering): 2,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", key, v, ok, want)
		}
	}
}

func TestConfigChecks(t *testing.T) {
	db := openDB(t)
	if _, err := New(Config{DB: db}); err == nil {
		t.Fatal("missing Engine and Connectors accepted")
	}
	_, err := New(Config{DB: db, Dialect: dbtest.Backend(), Engine: newFakeStore(), Connectors: connectors.NewRegistry(),
		JobTimeout: time.Minute, RescueAfter: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "RescueAfter") {
		t.Fatalf("JobTimeout ≥ RescueAfter: err = %v", err)
	}
	e, err := New(Config{DB: db, Dialect: dbtest.Backend(), Engine: newFakeStore(), Connectors: connectors.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	wantWorkers := DefaultWorkers
	if dbtest.Backend() == dbtest.Postgres {
		wantWorkers = DefaultPostgresWorkers
	}
	if e.cfg.JobTimeout >= e.cfg.RescueAfter || e.Workers() != wantWorkers {
		t.Fatalf("defaults: %+v", e.cfg)
	}
}

// TestGroupedDeliveries: deliveries of one request to one system run as one
// job; a retry re-attempts only the delivery that failed.
func TestGroupedDeliveries(t *testing.T) {
	h := start(t)
	ok, bad := deliver("ok-g", fast), deliver("transient-g", fast)
	ok.RequestID, bad.RequestID = "req-g", "req-g"
	ok.SystemID, bad.SystemID = "sys1", "sys1"
	other := deliver("ok-other-system", fast)
	other.RequestID, other.SystemID = "req-g", "sys2"
	h.insert(t, true, ok, bad, other)
	var jobs int
	if err := h.db.QueryRow(q(`SELECT count(*) FROM river_job WHERE kind = 'deliver'`)).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 2 {
		t.Fatalf("%d deliver jobs, want 2 (one per request and system)", jobs)
	}
	h.store.waitFor(t, "transient-g final", func() bool { return h.store.isFinal("transient-g") })
	if out := h.store.outcomesOf("ok-g"); len(out) != 1 || !out[0].Final || out[0].Err != nil {
		t.Errorf("ok-g outcomes %+v: want one success, not attempted again on retries", out)
	}
	if out := h.store.outcomesOf("transient-g"); len(out) != fast.MaxAttempts || !out[len(out)-1].Final {
		t.Errorf("transient-g outcomes %+v: want %d attempts, the last final", out, fast.MaxAttempts)
	}
	h.kind.mu.Lock()
	defer h.kind.mu.Unlock()
	if n := h.kind.grants["ok-g"]; n != 1 {
		t.Errorf("ok-g granted %d times, want 1", n)
	}
}

// TestGroupedJobCallsRequestsSideBySide: a grouped job of a connector that
// does not apply batches calls the target for its requests at the same
// time, never more calls at once than the engine has workers, and for each
// request's deliveries one after another, in order.
func TestGroupedJobCallsRequestsSideBySide(t *testing.T) {
	h := startWith(t, func(c *Config) { c.Workers = 3 })
	var jobs []entitled.Job
	var ids []string
	for r := range 4 {
		for n := range 2 {
			j := deliver(fmt.Sprintf("conc-r%d-%d", r, n), fast)
			j.RequestID, j.SystemID, j.Group = fmt.Sprintf("conc-r%d", r), "sys1", "batch"
			jobs = append(jobs, j)
			ids = append(ids, j.DeliveryID)
		}
	}
	h.insert(t, true, jobs...)
	var n int
	if err := h.db.QueryRow(q(`SELECT count(*) FROM river_job WHERE kind = 'deliver'`)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d deliver jobs, want the 8 deliveries in one", n)
	}
	h.store.waitFor(t, "every delivery final", func() bool {
		for _, id := range ids {
			if !h.store.isFinal(id) {
				return false
			}
		}
		return true
	})
	h.kind.mu.Lock()
	defer h.kind.mu.Unlock()
	if h.kind.concMax < 2 {
		t.Errorf("at most %d call in flight: the job called its requests one after another", h.kind.concMax)
	}
	if h.kind.concMax > 3 {
		t.Errorf("%d calls in flight at once, more than the engine's 3 workers", h.kind.concMax)
	}
	if h.kind.concOverlap != 0 {
		t.Errorf("%d calls overlapped another of the same request", h.kind.concOverlap)
	}
	for r := range 4 {
		req := fmt.Sprintf("conc-r%d", r)
		if got := h.kind.concOrder[req]; len(got) != 2 || got[0] != req+"-0" {
			t.Errorf("request %s called %v, want its deliveries in order", req, got)
		}
	}
}

// TestGroupDeliveriesOfABatch: deliveries of several requests sharing a
// Group merge per system into jobs of at most maxJobDeliveries, naming no
// single request; without a Group each request keeps its own job.
func TestGroupDeliveriesOfABatch(t *testing.T) {
	var jobs []entitled.Job
	for i := range 20 {
		for _, sys := range []string{"sysA", "sysB"} {
			jobs = append(jobs, entitled.Job{Kind: entitled.JobDeliver, DeliveryID: fmt.Sprintf("d%d%s", i, sys), Run: 1,
				RequestID: fmt.Sprintf("r%d", i), SystemID: sys, Group: "batch1", Retry: fast})
		}
	}
	jobs = append(jobs, entitled.Job{Kind: entitled.JobDeliver, DeliveryID: "alone", Run: 1, RequestID: "r-alone", SystemID: "sysA", Retry: fast})
	groups := groupDeliveries(jobs)
	perSystem := map[string]int{}
	for _, g := range groups {
		if len(g.refs) > maxJobDeliveries {
			t.Errorf("a job of %d deliveries, the bound is %d", len(g.refs), maxJobDeliveries)
		}
		if g.RequestID == "r-alone" {
			if len(g.refs) != 1 || g.refs[0].ID != "alone" {
				t.Errorf("the ungrouped request's job holds %+v", g.refs)
			}
			continue
		}
		if len(g.refs) > 1 && g.RequestID != "" {
			t.Errorf("a job of several requests names request %s", g.RequestID)
		}
		for _, r := range g.refs {
			if !strings.HasSuffix(r.ID, g.SystemID) {
				t.Errorf("delivery %s in a job for %s", r.ID, g.SystemID)
			}
		}
		perSystem[g.SystemID] += len(g.refs)
	}
	if perSystem["sysA"] != 20 || perSystem["sysB"] != 20 {
		t.Errorf("deliveries per system %v, want 20 each", perSystem)
	}
	if want := 2*((20+maxJobDeliveries-1)/maxJobDeliveries) + 1; len(groups) != want {
		t.Errorf("%d jobs, want %d", len(groups), want)
	}
}

// TestGroupNotices: the notices one transaction queues become one notify
// job per due time (at most maxJobNotices each), beside the other jobs.
func TestGroupNotices(t *testing.T) {
	later := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	var jobs []entitled.Job
	for i := range maxJobNotices + 5 {
		n := entitled.Notice{ID: fmt.Sprintf("n%d", i), Event: entitled.NoticeDelivered}
		jobs = append(jobs, entitled.Job{Kind: entitled.JobNotify, Notice: &n})
	}
	r := entitled.Notice{ID: "reminder", Event: entitled.NoticeReprocessDeadline, RunAt: later}
	jobs = append(jobs, entitled.Job{Kind: entitled.JobNotify, Notice: &r, RunAt: later},
		entitled.Job{Kind: entitled.JobExpire, AssignmentID: "a1"})
	groups := groupDeliveries(jobs)
	if len(groups) != 4 {
		t.Fatalf("%d jobs, want 4 (two of notices due now, the reminder, the expiry)", len(groups))
	}
	if len(groups[0].notices) != maxJobNotices || len(groups[1].notices) != 5 {
		t.Errorf("notices due now split %d + %d, want %d + 5", len(groups[0].notices), len(groups[1].notices), maxJobNotices)
	}
	if len(groups[2].notices) != 1 || groups[2].notices[0].ID != "reminder" || !groups[2].RunAt.Equal(later) {
		t.Errorf("the reminder's job: %+v", groups[2])
	}
	p, err := insertParams(groups[0])
	if err != nil {
		t.Fatal(err)
	}
	if args := p.Args.(NotifyArgs); len(args.all()) != maxJobNotices || args.all()[0].ID != "n0" {
		t.Errorf("insert args hold %d notices", len(args.all()))
	}
	old := NotifyArgs{Notice: &r}
	if got := old.all(); len(got) != 1 || got[0].ID != "reminder" {
		t.Errorf("a job queued before grouping is read as %+v", got)
	}
}

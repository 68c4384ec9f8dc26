package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/pgtest"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// driftApp opens entitled with its engine running (its metrics in reg)
// and an LDAP system "ldap" on dir, with config.reconcile as given (the
// periodic run off).
func driftApp(tb testing.TB, dir *slapdtest.Server, extra map[string]any) (a *app, ctx context.Context, reg *prometheus.Registry) {
	tb.Helper()
	reg = prometheus.NewRegistry()
	a, err := openApp(context.Background(), "sqlite:"+filepath.Join(tb.TempDir(), "d.db"), appOptions{workers: 50,
		rescueAfter: time.Minute, jobTimeout: 30 * time.Second, pollInterval: 20 * time.Millisecond, registerer: reg,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)), secrets: benchKeys()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.db.Close() })
	ctx = systemContext(context.Background())
	cfg := map[string]any{"url": dir.URL, "bindDN": slapdtest.ServiceDN, "bindPassword": slapdtest.ServicePassword,
		"baseDN": slapdtest.BaseDN, "maxConnections": 4, "reconcile": map[string]any{"interval": "off"}}
	for k, v := range extra {
		cfg[k] = v
	}
	if err := a.services.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "ldap", Kind: "ldap",
		Retry: entitled.DefaultRetryPolicy, Config: cfg}); err != nil {
		tb.Fatal(err)
	}
	startEngine(tb, a)
	return a, ctx, reg
}

// reconcileNow starts a reconciliation of the system and waits for its
// operation to end.
func reconcileNow(tb testing.TB, a *app, ctx context.Context, system string) *entitled.Operation {
	tb.Helper()
	op, err := a.services.Drift.Reconcile(ctx, system)
	if err != nil {
		tb.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got, err := a.services.Operations.Operation(ctx, op.ID)
		if err != nil {
			tb.Fatal(err)
		}
		if got.Status != entitled.OperationRunning {
			if got.Status != entitled.OperationSucceeded {
				tb.Fatalf("reconciliation %s: %s", got.Status, got.Error)
			}
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatal("the reconciliation did not end within 2 minutes")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDriftLDAP delivers memberships of a posixGroup on a real slapd,
// removes one member and adds a stranger directly in slapd, reconciles,
// and finds exactly those two: the first missing and repaired through a
// new delivery (the member is back in slapd), the stranger unmanaged and
// reported, named as the entitled user it is.
func TestDriftLDAP(t *testing.T) {
	dir := slapdtest.Start(t)
	for _, uid := range []string{"alice", "bob", "carol", "mallory"} {
		dir.AddUser(t, uid)
	}
	group := dir.AddPosixGroup(t, "staff", 7000)
	a, ctx, _ := driftApp(t, dir, map[string]any{"memberAttribute": "memberUid"})
	pkg, policy := mustBenchPackage(t, ctx, a, "ldap", group)
	users := exampleUsers(t, ctx, a, []string{"alice", "bob", "carol", "mallory"})
	if _, _, err := submitAndWait(ctx, []*app{a}, pkg, policy, users[:3], 1); err != nil {
		t.Fatal(err)
	}
	if op := reconcileNow(t, a, ctx, "ldap"); op.Total != 0 {
		t.Fatalf("in sync, the reconciliation found %d differences", op.Total)
	}

	conn := dir.Dial(t)
	m := goldap.NewModifyRequest(group, nil)
	m.Delete("memberUid", []string{"bob"})
	m.Add("memberUid", []string{"mallory"})
	if err := conn.Modify(m); err != nil {
		t.Fatal(err)
	}

	op := reconcileNow(t, a, ctx, "ldap")
	if op.Total != 2 || op.Reprocessed != 1 {
		t.Fatalf("operation found %d and acted on %d, want 2 and 1", op.Total, op.Reprocessed)
	}
	fs, err := a.services.Drift.Drift(ctx, "ldap")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("findings %+v, want 2", fs)
	}
	miss, strange := fs[0], fs[1]
	if miss.Kind != entitled.DriftMissing || miss.User.ID != users[1] || miss.Action != entitled.DriftRepaired || miss.Error != "" {
		t.Errorf("first finding %+v, want bob missing, repaired", miss)
	}
	if strange.Kind != entitled.DriftUnmanaged || strange.User.ID != users[3] || strange.User.TargetID != "mallory" ||
		strange.Action != entitled.DriftReported {
		t.Errorf("second finding %+v, want mallory unmanaged, reported", strange)
	}
	if miss.Resource.OriginID != group || miss.Role.OriginID != "Member" {
		t.Errorf("finding names %s/%s, want %s/Member", miss.Resource.OriginID, miss.Role.OriginID, group)
	}
	deadline := time.Now().Add(time.Minute)
	for !dir.HasValue(t, group, "memberUid", "bob") {
		if time.Now().After(deadline) {
			t.Fatal("bob is not back in the group a minute after the repair")
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitForState(t, a, entitled.StateDelivered, 4) // three adds and the repair
	if got := dir.Values(t, group, "memberUid"); !slices.Contains(got, "mallory") {
		t.Errorf("members %v: the stranger was removed though config.reconcile.unmanaged is report", got)
	}

	// Repaired, the next run finds only the stranger; adopting it makes
	// mallory's membership an assignment, and the run after finds nothing.
	reconcileNow(t, a, ctx, "ldap")
	fs, err = a.services.Drift.Drift(ctx, "ldap")
	if err != nil || len(fs) != 1 || fs[0].User.TargetID != "mallory" {
		t.Fatalf("after the repair: findings %+v, %v; want only mallory", fs, err)
	}
	r, err := a.services.Drift.AdoptFinding(ctx, "ldap", fs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.TargetID != users[3] || r.AccessPackageID != pkg {
		t.Fatalf("adoption request %+v, want mallory in the package", r)
	}
	waitForState(t, a, entitled.StateDelivered, 5)
	if op := reconcileNow(t, a, ctx, "ldap"); op.Total != 0 {
		t.Fatalf("after the adoption the reconciliation found %d differences", op.Total)
	}
}

// TestDriftRemoveUnmanaged: with config.reconcile.unmanaged remove, a
// stranger added directly in slapd is removed by the reconciliation.
func TestDriftRemoveUnmanaged(t *testing.T) {
	dir := slapdtest.Start(t)
	dir.AddUser(t, "alice")
	group := dir.AddPosixGroup(t, "ops", 7001, "eve")
	a, ctx, _ := driftApp(t, dir, map[string]any{"memberAttribute": "memberUid",
		"reconcile": map[string]any{"interval": "off", "unmanaged": "remove"}})
	mustBenchPackage(t, ctx, a, "ldap", group)
	op := reconcileNow(t, a, ctx, "ldap")
	if op.Total != 1 || op.Reprocessed != 1 {
		t.Fatalf("operation found %d and acted on %d, want 1 and 1", op.Total, op.Reprocessed)
	}
	if got := dir.Values(t, group, "memberUid"); len(got) != 0 {
		t.Fatalf("members %v after removing the unmanaged one", got)
	}
	fs, err := a.services.Drift.Drift(ctx, "ldap")
	if err != nil || len(fs) != 1 || fs[0].Action != entitled.DriftRemoved || fs[0].User.TargetID != "eve" || fs[0].User.ID != "" {
		t.Fatalf("findings %+v, %v; want eve (no entitled user) removed", fs, err)
	}
}

// BenchmarkReconcileLDAP reconciles 10,000 memberships entitled delivered
// into one groupOfNames on a real slapd (PIPELINE_N sets the number); the
// goal is under 5 s.
//
//	go test ./cmd/entitled -run '^$' -bench ReconcileLDAP -benchtime 1x
func BenchmarkReconcileLDAP(b *testing.B) {
	n := pipelineN()
	dir := slapdtest.Start(b)
	uids := dir.AddUsers(b, "u", n)
	group := dir.AddGroupOfNames(b, "big")
	a, ctx, _ := driftApp(b, dir, map[string]any{"userDNTemplate": "uid={localPart}," + slapdtest.PeopleDN})
	pkg, policy := mustBenchPackage(b, ctx, a, "ldap", group)
	users := exampleUsers(b, ctx, a, uids)
	if _, _, err := submitAndWait(ctx, []*app{a}, pkg, policy, users, 4); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		op := reconcileNow(b, a, ctx, "ldap")
		elapsed := time.Since(start)
		if op.Total != 1 { // the group's placeholder member, unmanaged
			b.Fatalf("found %d differences, want 1 (the placeholder)", op.Total)
		}
		b.ReportMetric(elapsed.Seconds(), "s/reconcile")
		b.Logf("reconciled %s memberships in one LDAP group in %s", fmt.Sprint(n), elapsed.Round(time.Millisecond))
	}
}

// `entitled reconcile SYSTEM` against a served instance: it waits for the
// reconciliation and prints each finding and the summary line; an unknown
// system is the API's 404.
func TestReconcileCommand(t *testing.T) {
	dir := slapdtest.Start(t)
	group := dir.AddPosixGroup(t, "ops", 7002, "eve")
	a, ctx, reg := driftApp(t, dir, map[string]any{"memberAttribute": "memberUid"})
	mustBenchPackage(t, ctx, a, "ldap", group)
	url, token := serveAPI(t, a)
	run := func(system string) (string, error) {
		cmd := reconcileCommand()
		var out, errb bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&errb)
		cmd.SetArgs([]string{"--url", url, "--token", token, "--poll", "20ms", system})
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	out, err := run("ldap")
	if err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out)
	}
	if !strings.Contains(out, "unmanaged eve in "+group+" (Member): reported") || !strings.Contains(out, ": 0 missing, 1 unmanaged, 0 repaired or removed") {
		t.Fatalf("output:\n%s", out)
	}
	if _, err := run("nope"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("unknown system: %v", err)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`# HELP entitled_drift Differences the latest reconciliation of each connected system found, by kind (missing, unmanaged).
# TYPE entitled_drift gauge
entitled_drift{kind="unmanaged",system="ldap"} 1
`), "entitled_drift"); err != nil {
		t.Errorf("metric: %v", err)
	}
}

// TestDriftTwoReplicasPostgres: two instances share one PostgreSQL
// database; when a system's reconciliation is due and both look for due
// ones at once, exactly one reconciles it.
func TestDriftTwoReplicasPostgres(t *testing.T) {
	pg := pgtest.Start(t)
	dsn := pg.CreateDatabase("drift_replicas")
	dir := slapdtest.Start(t)
	group := dir.AddPosixGroup(t, "ops", 7003, "eve")
	ctx := systemContext(context.Background())
	open := func() *app {
		a, err := openApp(context.Background(), dsn, appOptions{workers: 4, rescueAfter: time.Minute, jobTimeout: 30 * time.Second,
			logger: slog.New(slog.NewTextHandler(io.Discard, nil)), secrets: benchKeys()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.db.Close() })
		return a
	}
	a1, a2 := open(), open()
	if err := a1.services.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "ldap", Kind: "ldap", Retry: entitled.DefaultRetryPolicy,
		Config: map[string]any{"url": dir.URL, "bindDN": slapdtest.ServiceDN, "bindPassword": slapdtest.ServicePassword,
			"baseDN": slapdtest.BaseDN, "memberAttribute": "memberUid", "reconcile": map[string]any{"interval": "PT1M"}}}); err != nil {
		t.Fatal(err)
	}
	mustBenchPackage(t, ctx, a1, "ldap", group)
	if err := a1.services.Drift.ReconcileDue(ctx); err != nil { // first sight: due in a minute
		t.Fatal(err)
	}
	if _, err := a1.db.SQL.Exec(`UPDATE reconcile_schedule SET next_at = '2000-01-01T00:00:00.000000Z'`); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for _, a := range []*app{a1, a2} {
		go func() { errs <- a.services.Drift.ReconcileDue(ctx) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var runs int
	if err := a1.db.SQL.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE activity_display_name = 'Reconcile connected system' AND target_display_name = 'ldap'`).Scan(&runs); err != nil {
		t.Fatal(err)
	}
	fs, err := a2.services.Drift.Drift(ctx, "ldap")
	if runs != 1 || err != nil || len(fs) != 1 || fs[0].User.TargetID != "eve" {
		t.Fatalf("%d runs, findings %+v (%v); want one run finding eve", runs, fs, err)
	}
}

package sqlstore

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/dbtest"
)

// The suite really runs on the backend it names.
func TestBackendIsTheRunsBackend(t *testing.T) {
	s, _ := newTestStore(t)
	backend := dbtest.Backend()
	if s.db.Dialect != backend {
		t.Fatalf("store dialect %q, run's backend %q", s.db.Dialect, backend)
	}
	q := `SELECT sqlite_version()`
	if backend == DialectPostgres {
		q = `SELECT version()`
	}
	var v string
	mustOK(t, s.db.tQueryRow(q).Scan(&v))
	if backend == DialectPostgres && !strings.HasPrefix(v, "PostgreSQL") {
		t.Fatalf("version() = %q", v)
	}
	t.Logf("%s %s", backend, v)
}

// Audit events cannot be changed or deleted, on either backend: neither
// through the view nor in the tables under it (the dictionaries too).
func TestAuditAppendOnly(t *testing.T) {
	s, sys := newTestStore(t)
	mustOK(t, s.Catalogs.CreateCatalog(sys, &entitled.Catalog{DisplayName: "Audited"}))
	for _, q := range []string{
		`UPDATE audit_events SET result = 'failure'`,
		`DELETE FROM audit_events`,
		`UPDATE audit_event_rows SET result_reason = 'x'`,
		`DELETE FROM audit_event_rows`,
		`UPDATE audit_kinds SET result = 'failure'`,
		`DELETE FROM audit_kinds`,
		`UPDATE audit_actors SET initiated_by_name = 'x'`,
		`DELETE FROM audit_actors`,
	} {
		_, err := s.db.tExec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want an append-only error, got %v", q, err)
		}
	}
	if n := countAudit(t, s); n == 0 {
		t.Fatal("the audit events are gone")
	}
}

// entitled.CheckOneLive holds under concurrency: of several add requests for the same user
// and package submitted at once, exactly one is accepted and the others are
// refused naming it (on PostgreSQL, store transactions take a lock so the
// check and the insert are not interleaved).
func TestConcurrentAddsOneLiveAssignment(t *testing.T) {
	f := newLC(t)
	ctx := f.as(f.alice)
	const n = 8
	errs := atOnce(n, func(int) error {
		return f.s.Requests.SubmitRequest(ctx, &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd,
			AssignmentPolicyID: f.policy})
	})
	accepted := 0
	for _, err := range errs {
		if err == nil {
			accepted++
			continue
		}
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid && e.Kind != entitled.KindConflict {
			t.Errorf("refused with %v, want a 400 or 409 naming the open request", err)
		}
	}
	if accepted != 1 {
		t.Fatalf("%d of %d concurrent adds accepted, want exactly 1: %v", accepted, n, errs)
	}
	var live int
	mustOK(t, f.s.db.tQueryRow(`SELECT COUNT(*) FROM assignments WHERE target_id = ? AND access_package_id = ?`,
		f.alice.ID, f.pkg).Scan(&live))
	if live != 1 {
		t.Fatalf("%d assignments for alice and the package, want 1", live)
	}
}

// max_conns and pool_mode are taken off a PostgreSQL URL and checked;
// passwords never appear in messages.
func TestOpenPostgresURL(t *testing.T) {
	_, err := Open("postgres://u:s3cret@127.0.0.1:1/db?max_conns=zero")
	if err == nil || !strings.Contains(err.Error(), "max_conns") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("bad max_conns: %v", err)
	}
	_, err = Open("postgres://u:s3cret@127.0.0.1:1/db?pool_mode=statement")
	if err == nil || !strings.Contains(err.Error(), `pool_mode="statement" must be session (the default) or transaction`) || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("bad pool_mode: %v", err)
	}
	for _, mode := range []string{"session", "transaction"} {
		_, err = Open("postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=1&pool_mode=" + mode)
		if err == nil || !strings.HasPrefix(err.Error(), "connect to ") {
			t.Fatalf("pool_mode=%s: %v; want it accepted, and the server found unreachable", mode, err)
		}
	}
	_, err = Open("postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=1")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("unreachable server: %v", err)
	}
	if got := Redact("postgres://u:s3cret@h/db?sslmode=disable"); strings.Contains(got, "s3cret") || !strings.Contains(got, "u:xxxxx@h/db") {
		t.Fatalf("Redact = %q", got)
	}
	if got := Redact("sqlite:entitled.db"); got != "sqlite:entitled.db" {
		t.Fatalf("Redact(sqlite) = %q", got)
	}
	_, err = Open("mysql://x")
	if err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Fatalf("unknown scheme: %v", err)
	}
}

// Concurrent grants of one membership (they run without the store lock on
// PostgreSQL) add one row and audit it once.
func TestConcurrentGrantsOneMembership(t *testing.T) {
	s, sys := newTestStore(t)
	u := mustUser(t, s, sys, "ada@example.com")
	g := &entitled.Group{DisplayName: "Payroll"}
	mustOK(t, s.Groups.CreateGroup(sys, g))
	before := countAudit(t, s)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Membership.GrantMembership(sys, g.ID, u.ID) }()
	}
	wg.Wait()
	for _, err := range errs {
		mustOK(t, err)
	}
	var rows int
	mustOK(t, s.db.tQueryRow(`SELECT COUNT(*) FROM group_members WHERE group_id = ? AND user_id = ?`, g.ID, u.ID).Scan(&rows))
	if rows != 1 || countAudit(t, s) != before+1 {
		t.Fatalf("%d membership rows and %d audit events, want 1 and 1", rows, countAudit(t, s)-before)
	}
}

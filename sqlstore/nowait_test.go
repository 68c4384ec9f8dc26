package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// waitProbe tells whether a call is waiting behind a change held open by
// another transaction: on PostgreSQL a backend of the test's database waits
// for a lock; on SQLite a caller waits for the one write connection.
type waitProbe struct {
	t     *testing.T
	db    *DB
	waits int64 // write-pool waits before the call (SQLite)
}

func newWaitProbe(t *testing.T, db *DB) *waitProbe {
	return &waitProbe{t: t, db: db, waits: db.SQL.Stats().WaitCount}
}

// waiting reports whether some call waits behind the held change now.
func (p *waitProbe) waiting() bool {
	p.t.Helper()
	if p.db.Dialect == DialectSQLite {
		return p.db.SQL.Stats().WaitCount > p.waits
	}
	var n int
	err := p.db.SQL.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`).Scan(&n)
	if err != nil {
		p.t.Fatal(err)
	}
	return n > 0
}

// run calls fn in a goroutine and returns its error channel, and whether
// fn was seen waiting behind the held change before it returned. When
// stopOnWait is set, it returns as soon as fn waits (fn goes on).
func (p *waitProbe) run(fn func() error, stopOnWait bool) (done chan error, waited bool) {
	p.t.Helper()
	p.waits = p.db.SQL.Stats().WaitCount
	done = make(chan error, 1)
	go func() { done <- fn() }()
	for {
		select {
		case err := <-done:
			done <- err
			return done, waited
		default:
		}
		if !waited && p.waiting() {
			waited = true
			if stopOnWait {
				return done, true
			}
		}
		time.Sleep(time.Millisecond)
	}
}

// TestReadsDoNotWaitForAChange: a lifecycle change holds the request it
// changes (its row lock on PostgreSQL; the one write connection on SQLite)
// and stays open. Every read completes meanwhile, without waiting, and on
// PostgreSQL so does a change of another request. A
// second change of the same request waits for the first, then reads the
// request as the first left it: one wins, the other gets a 400, and the audit log holds
// one cancel.
func TestReadsDoNotWaitForAChange(t *testing.T) {
	f := newLC(t)
	approval := f.approvalPolicy(approvedBy(f.approver))
	r := f.mustAdd(entitled.RequestUserAdd, approval, f.alice)
	other := f.mustAdd(entitled.RequestUserAdd, approval, f.bob)
	delivering := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.manager)
	alice, admin := f.as(f.alice), f.as(f.admin)

	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- f.s.db.changeLifecycle(context.Background(), func(t *tx) error {
			q, err := t.lockRequest(context.Background(), r.ID)
			if err != nil {
				close(holding)
				return err
			}
			close(holding)
			<-release
			now := f.s.db.now()
			return f.s.Requests.lc.setRequestState(context.Background(), t, entitled.SystemActor, q, entitled.StateCanceled, &now,
				activityFor(entitled.StateCanceled))
		})
	}()
	<-holding
	released := false
	letGo := func() {
		if !released {
			released = true
			close(release)
		}
	}
	defer letGo()

	probe := newWaitProbe(t, f.s.db)
	reads := []struct {
		name string
		read func() error
	}{
		{"Request", func() error { _, err := f.s.Requests.Request(alice, r.ID); return err }},
		{"Requests", func() error { _, err := f.s.Requests.Requests(admin, entitled.RequestQuery{}); return err }},
		{"Requests of the caller", func() error {
			_, err := f.s.Requests.Requests(alice, entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
			return err
		}},
		{"Catalog", func() error { _, err := f.s.Catalogs.Catalog(f.sys, f.catalog); return err }},
		{"Policy", func() error { _, err := f.s.Policies.Policy(f.sys, approval); return err }},
		{"AccessPackages", func() error { _, err := f.s.AccessPackages.AccessPackages(f.sys, entitled.ListOptions{}); return err }},
		{"Assignments", func() error { _, err := f.s.Assignments.Assignments(admin, entitled.AssignmentQuery{}); return err }},
		{"Deliveries", func() error { _, err := f.s.Requests.Deliveries(admin, delivering.ID); return err }},
		{"AuditEvents", func() error { _, err := f.s.Audit.AuditEvents(f.sys, entitled.ListOptions{}); return err }},
		{"ApprovalStages", func() error { _, err := f.s.Approvals.ApprovalStages(alice, r.ID); return err }},
		{"ActorFor", func() error { _, err := f.s.Tokens.ActorFor(f.sys, f.alice.ID); return err }},
	}
	for _, rd := range reads {
		done, waited := probe.run(rd.read, true)
		if waited {
			t.Fatalf("%s waited behind the open change of request %s", rd.name, r.ID)
		}
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", rd.name, err)
		}
	}

	// On PostgreSQL a change of another request does not wait either
	// (SQLite has one writer: there it does).
	if f.s.db.Dialect == DialectPostgres {
		done, waited := probe.run(func() error { return f.s.Requests.CancelRequest(f.as(f.bob), other.ID) }, true)
		if waited {
			t.Fatalf("a cancel of request %s waited behind the open change of request %s", other.ID, r.ID)
		}
		f.must(<-done)
	}

	// A second change of the same request waits for the held one.
	done, waited := probe.run(func() error { return f.s.Requests.CancelRequest(alice, r.ID) }, true)
	if !waited {
		t.Fatalf("a second cancel of request %s did not wait for the open change: %v", r.ID, <-done)
	}
	letGo()
	f.must(<-held)
	// It then reads the request as the first change left it.
	wantCode(t, <-done, entitled.KindInvalid, entitled.CodeNotCancelable)
	f.wantState(r.ID, entitled.StateCanceled)
	cancels := 0
	for _, st := range f.auditStates(r.ID) {
		if strings.Contains(st, `"`+string(entitled.StateCanceled)+`"`) {
			cancels++
		}
	}
	if cancels != 1 {
		t.Fatalf("%d cancel events in the audit log of request %s, want 1", cancels, r.ID)
	}
}

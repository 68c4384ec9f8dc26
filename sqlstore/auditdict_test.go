package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/dbtest"
)

// auditEventsOf reads every audit event as the Graph API lists them
// (AuditEvents, page after page) and as `entitled audit export` reads them
// (EachAuditEventBefore), and the rows of the view audit_events as the
// database export reads them.
func auditEventsOf(t *testing.T, s *Services, sys context.Context) (api, export []entitled.AuditEvent, rows []string) {
	t.Helper()
	opt := entitled.ListOptions{Top: 7}
	for {
		p, err := s.Audit.AuditEvents(sys, opt)
		mustOK(t, err)
		api = append(api, p.Items...)
		if p.NextSkipToken == "" {
			break
		}
		opt.SkipToken = p.NextSkipToken
	}
	mustOK(t, s.Audit.EachAuditEventBefore(sys, time.Now().Add(24*time.Hour), func(e entitled.AuditEvent) error {
		export = append(export, e)
		return nil
	}))
	return api, export, dumpTable(t, s.db, "audit_events")
}

// TestAuditDictionaryMigration: migration 00029 moves the events of a log
// written before it (events of several kinds, catalogs, states and
// actors, a renamed actor among them) into the dictionaries, and every
// event reads back identical through the API, the audit export and the
// database export.
func TestAuditDictionaryMigration(t *testing.T) {
	f := newLC(t)
	ctx := context.Background()
	f.mustAddDelivered(entitled.RequestUserAdd, f.policy, f.alice)
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	f.now = f.now.Add(time.Minute)
	api0, export0, view0 := auditEventsOf(t, f.s, f.sys)
	p, err := f.s.db.schemaMigrations()
	mustOK(t, err)
	if _, err := p.DownTo(ctx, 27); err != nil {
		t.Fatal(err)
	}
	// Events as an entitled before 00029 wrote them: straight into the table.
	old := []map[string]string{
		{"activity_display_name": "Create access package assignment request", "operation_type": "Add", "initiated_by_id": f.alice.ID,
			"initiated_by_upn": "alice@old.example", "initiated_by_name": "Alice Old", "target_type": "AccessPackageAssignmentRequest",
			"catalog_id": f.catalog, "after_state": `{"state":"pendingApproval"}`, "correlation_id": "corr-1", "target_display_name": "userAdd"},
		{"activity_display_name": "Create access package assignment request", "operation_type": "Add", "initiated_by_id": f.alice.ID,
			"initiated_by_upn": "alice@new.example", "initiated_by_name": "Alice New", "target_type": "AccessPackageAssignmentRequest",
			"catalog_id": f.catalog, "after_state": `{"state":"pendingApproval"}`, "target_display_name": "userAdd"},
		{"activity_display_name": "Request delivery failed", "operation_type": "Update", "result": "failure", "result_reason": "boom",
			"target_type": "AccessPackageAssignmentRequest", "catalog_id": "other-catalog", "before_state": `{"state":"delivering"}`,
			"after_state": `{"state":"deliveryFailed"}`},
		{"activity_display_name": "Cancel access package assignment request", "operation_type": "Update",
			"target_type": "AccessPackageAssignmentRequest", "catalog_id": f.catalog, "before_state": `{"state":"delivered"}`,
			"after_state": `{"state":"canceled","removalRequestId":"r-1"}`},
		{"activity_display_name": "Create group", "operation_type": "Add", "target_type": "Group", "after_state": `{"ID":"g","DisplayName":"Ops"}`},
	}
	for i, e := range old {
		cols := []string{"id", "activity_date_time", "result"}
		args := []any{newAuditID(f.now.Add(time.Duration(i) * time.Second)), fmtTime(f.now.Add(time.Duration(i) * time.Second)), "success"}
		for c, v := range e {
			if c == "result" {
				args[2] = v
				continue
			}
			cols, args = append(cols, c), append(args, v)
		}
		f.exec(`INSERT INTO audit_events (`+strings.Join(cols, ", ")+`) VALUES (`+inList(len(cols))+`)`, args...)
	}
	table := dumpTable(t, f.s.db, "audit_events")
	if !reflect.DeepEqual(table[:len(view0)], view0) {
		t.Fatalf("down to 00027, the table differs from the view:\n got %q\nwant %q", table[:len(view0)], view0)
	}
	if _, err := p.Up(ctx); err != nil { // through 00029, and back to the latest schema the code reads
		t.Fatal(err)
	}
	api, export, view := auditEventsOf(t, f.s, f.sys)
	if !reflect.DeepEqual(view, table) {
		t.Fatalf("the view differs from the table it replaced:\n got %q\nwant %q", view, table)
	}
	if len(api) != len(table) || !reflect.DeepEqual(api, export) {
		t.Fatalf("%d events by the API, %d exported, %d in the table", len(api), len(export), len(table))
	}
	if !reflect.DeepEqual(api[:len(api0)], api0) || !reflect.DeepEqual(export[:len(export0)], export0) {
		t.Fatalf("the events written before the migrations read back differently:\n got %+v\nwant %+v", api[:len(api0)], api0)
	}
	for i, e := range api {
		row := fmt.Sprintf("activity_date_time=%q activity_display_name=%q after_state=%q before_state=%q", fmtTime(e.ActivityDateTime),
			e.ActivityDisplayName, e.After, e.Before)
		if !strings.HasPrefix(table[i], row) {
			t.Fatalf("event %d reads back as %s, was %s", i, row, table[i])
		}
	}
	// The renamed actor is two actors; the request states are in the kinds.
	if n := f.count(`SELECT count(*) FROM audit_actors WHERE initiated_by_id = ?`, f.alice.ID); n < 2 {
		t.Errorf("alice's two names are %d actor rows", n)
	}
	if n := f.count(`SELECT count(*) FROM audit_event_rows WHERE after_state LIKE '{"state":%' AND after_state NOT LIKE '%,%'`); n != 0 {
		t.Errorf("%d events keep a lone request state of their own", n)
	}
	if n := f.count(`SELECT count(*) FROM audit_event_rows WHERE after_state LIKE '%removalRequestId%'`); n != 1 {
		t.Errorf("the snapshot with a removal request id is in %d events, want its own", n)
	}
}

// TestAuditDictionaryReplicas: two replicas recording the same new actor
// at once both succeed and share one dictionary row (on PostgreSQL the
// second waits on the first's unique index entry, then reads its row).
func TestAuditDictionaryReplicas(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "replicas.db")
	if dbtest.Backend() == dbtest.Postgres {
		dsn = dbtest.NewPostgres(t)
	}
	ctx := context.Background()
	open := func() *DB {
		db, err := Open(dsn)
		mustOK(t, err)
		t.Cleanup(func() { db.Close() })
		mustOK(t, db.Migrate(ctx))
		return db
	}
	one, two := open(), open()
	who := &entitled.Actor{User: entitled.User{ID: newID(), UserPrincipalName: "new@example.com", DisplayName: "New"}}
	event := func(target string) auditEntry {
		return auditEntry{Activity: "Update user", Operation: "Update", TargetID: target, TargetType: "User"}
	}

	// Replica one writes the new actor and holds its transaction open.
	sqlTx, err := one.SQL.BeginTx(ctx, nil)
	mustOK(t, err)
	t1 := newTx(sqlTx, one)
	mustOK(t, t1.audit(ctx, who, event("target-1")))
	mustOK(t, t1.flushAudit(ctx))
	done := make(chan error, 1)
	go func() {
		done <- two.changeUnlocked(ctx, func(t *tx) error { return t.audit(ctx, who, event("target-2")) })
	}()
	if one.Dialect == DialectPostgres {
		waitForLockWaiter(t, one)
	}
	mustOK(t, sqlTx.Commit())
	t1.auditCommitted()
	mustOK(t, <-done)

	var rows int
	mustOK(t, one.SQL.QueryRow(one.rebind(`SELECT count(*) FROM audit_actors WHERE initiated_by_id = ?`), who.User.ID).Scan(&rows))
	if rows != 1 {
		t.Fatalf("the actor is %d rows, want 1", rows)
	}
	var names []string
	r, err := one.SQL.Query(`SELECT initiated_by_upn FROM audit_events WHERE target_id IN ('target-1', 'target-2') ORDER BY target_id`)
	mustOK(t, err)
	for r.Next() {
		var n string
		mustOK(t, r.Scan(&n))
		names = append(names, n)
	}
	r.Close()
	if !reflect.DeepEqual(names, []string{"new@example.com", "new@example.com"}) {
		t.Fatalf("the events' initiators: %v", names)
	}
	k := auditContent{who.User.ID, who.User.UserPrincipalName, who.User.DisplayName}
	k1, ok1 := one.audit.actors.get(k)
	k2, ok2 := two.audit.actors.get(k)
	if !ok1 || !ok2 || k1 != k2 {
		t.Fatalf("cached keys: replica one %d (%v), replica two %d (%v)", k1, ok1, k2, ok2)
	}
}

// waitForLockWaiter waits until a session of db's database waits for a
// lock.
func waitForLockWaiter(t *testing.T, db *DB) {
	t.Helper()
	for range 1000 {
		var n int
		mustOK(t, db.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n))
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no session waits for a lock")
}

// TestAuditDictionaryRename: an actor renamed later is a new actor row; the
// events written before keep the name they were written with.
func TestAuditDictionaryRename(t *testing.T) {
	s, sys := newTestStore(t)
	ctx := context.Background()
	id := newID()
	for _, name := range []string{"Before", "After"} {
		who := &entitled.Actor{User: entitled.User{ID: id, UserPrincipalName: "who@example.com", DisplayName: name}}
		mustOK(t, s.db.changeUnlocked(ctx, func(t *tx) error {
			return t.audit(ctx, who, auditEntry{Activity: "Update user", Operation: "Update", TargetID: "t-" + name, TargetType: "User"})
		}))
	}
	p, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "initiatedBy/user/id", Value: id}})
	mustOK(t, err)
	var got []string
	for _, e := range p.Items {
		got = append(got, e.TargetID+"="+e.InitiatedBy.DisplayName)
	}
	if !reflect.DeepEqual(got, []string{"t-Before=Before", "t-After=After"}) {
		t.Fatalf("events by the renamed actor: %v", got)
	}
	var n int
	mustOK(t, s.db.tQueryRow(`SELECT count(*) FROM audit_actors WHERE initiated_by_id = ?`, id).Scan(&n))
	if n != 2 {
		t.Fatalf("the renamed actor is %d rows, want 2", n)
	}
}

// TestAuditDictionaryCacheOnlyCommitted: the keys a transaction made join
// the cache only when it commits: after a rollback the key may name other
// content (SQLite reuses the rowid), and an event of the first content
// written later still reads back as itself.
func TestAuditDictionaryCacheOnlyCommitted(t *testing.T) {
	s, sys := newTestStore(t)
	ctx := context.Background()
	boom := errors.New("boom")
	entry := func(activity, target string) auditEntry {
		return auditEntry{Activity: activity, Operation: "Add", TargetID: target, TargetType: "Thing"}
	}
	err := s.db.changeUnlocked(ctx, func(tx *tx) error {
		mustOK(t, tx.audit(ctx, entitled.SystemActor, entry("Rolled back", "x")))
		mustOK(t, tx.flushAudit(ctx))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("the change: %v", err)
	}
	mustOK(t, s.db.changeUnlocked(ctx, func(t *tx) error { return t.audit(ctx, entitled.SystemActor, entry("Committed", "y")) }))
	mustOK(t, s.db.changeUnlocked(ctx, func(t *tx) error { return t.audit(ctx, entitled.SystemActor, entry("Rolled back", "z")) }))
	p, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "targetId", Value: "z"}})
	mustOK(t, err)
	if len(p.Items) != 1 || p.Items[0].ActivityDisplayName != "Rolled back" {
		t.Fatalf("the event of a content first made in a rolled-back transaction reads %+v", p.Items)
	}
}

// TestAuditDictionaryCachedKeysCostNothing: once a process knows the keys
// of an event's kind and actor, writing another such event runs no
// statement on the dictionaries (here they are renamed away meanwhile, so
// any statement on them would fail).
func TestAuditDictionaryCachedKeysCostNothing(t *testing.T) {
	s, sys := newTestStore(t)
	ctx := context.Background()
	write := func(target string) error {
		return s.db.changeUnlocked(ctx, func(t *tx) error {
			return t.auditMany(ctx, entitled.SystemActor, []auditEntry{
				{Activity: "Request delivered", Operation: "Update", TargetID: target, TargetType: requestTargetType,
					CatalogID: "c", Before: map[string]string{"state": "delivering"}, After: map[string]string{"state": "delivered"}},
				{Activity: "Create access package assignment request", Operation: "Add", TargetID: target,
					TargetType: requestTargetType, CatalogID: "c", After: map[string]string{"state": "delivering"}},
			})
		})
	}
	mustOK(t, write("first"))
	for _, q := range []string{`ALTER TABLE audit_kinds RENAME TO audit_kinds_away`, `ALTER TABLE audit_actors RENAME TO audit_actors_away`} {
		_, err := s.db.tExec(q)
		mustOK(t, err)
	}
	err := write("second")
	for _, q := range []string{`ALTER TABLE audit_kinds_away RENAME TO audit_kinds`, `ALTER TABLE audit_actors_away RENAME TO audit_actors`} {
		_, rerr := s.db.tExec(q)
		mustOK(t, rerr)
	}
	mustOK(t, err)
	p, err := s.Audit.AuditEvents(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "targetId", Value: "second"}})
	mustOK(t, err)
	if len(p.Items) != 2 || p.Items[0].After != `{"state":"delivered"}` || p.Items[1].After != `{"state":"delivering"}` {
		t.Fatalf("the events written with cached keys read %+v", p.Items)
	}
}

package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/dbtest"
	"github.com/entitled-dev/entitled/internal/testkeys"
)

// openSQLiteStore opens a fresh migrated SQLite store in t.TempDir() with a
// recording queue and the test connectors.
func openSQLiteStore(t *testing.T, name string) *Services {
	t.Helper()
	db, err := Open("sqlite:"+filepath.Join(t.TempDir(), name), WithSecrets(testkeys.Keyring()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	mustOK(t, db.Migrate(context.Background()))
	return newServices(t, db, Config{})
}

// populate fills the fixture's store with requests in many states: delivered
// (one with an end, so an expire job is due), partially delivered,
// delivering with pending deliveries, scheduled, pending approval, canceled
// and a completed removal; a token and a resource request.
func populate(t *testing.T, f *lc) {
	t.Helper()
	carol, dan := f.user("carol@example.com"), f.user("dan@example.com")
	// A subscription to every event: the lifecycle below queues its sends.
	_, err := f.s.Subscriptions.CreateSubscription(f.sys, &entitled.Subscription{URL: "https://hooks.example.org/entitled",
		Events: []string{"*"}, Secret: testSubscriptionSecret})
	mustOK(t, err)
	// Separation of duties: an audit package incompatible with the CRM, and
	// the CRM incompatible with the auditors group.
	audit := &entitled.AccessPackage{CatalogID: f.catalog, DisplayName: "Audit"}
	mustOK(t, f.s.AccessPackages.CreateAccessPackage(f.sys, audit))
	mustOK(t, f.s.AccessPackages.AddIncompatibleAccessPackage(f.sys, audit.ID, f.pkg))
	auditors := &entitled.Group{DisplayName: "Auditors"}
	mustOK(t, f.s.Groups.CreateGroup(f.sys, auditors))
	mustOK(t, f.s.AccessPackages.AddIncompatibleGroup(f.sys, f.pkg, auditors.ID))
	// bob: delivered.
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	f.deliverAll(ok)
	// alice: partially delivered (her manager comes later in id order).
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	f.deliverAll(failAt(1, "no such user in mail"))
	// carol: delivered with an end time.
	expiring := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.DisplayName = "Contractors"
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 48 * time.Hour}
	})
	f.mustAdd(entitled.RequestUserAdd, expiring, carol)
	f.deliverAll(ok)
	// manager: delivering, deliveries pending.
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.manager)
	f.newDeliverJobs()
	// big: scheduled.
	start := f.now.Add(24 * time.Hour)
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.admin), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd,
		AssignmentPolicyID: f.policy, TargetID: f.big.ID, Schedule: entitled.Schedule{StartDateTime: &start}}))
	// reader: pending approval with a due time; dan: canceled while pending.
	approval := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.DisplayName = "With approval"
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{
			{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}},
				DurationBeforeAutomaticDenial: 24 * time.Hour}}}
	})
	pending := f.mustAdd(entitled.RequestUserAdd, approval, f.reader)
	sent, _, err := f.s.Notifications.RecordNotifications(f.sys, []*entitled.Notification{{NoticeID: newID(),
		Event: entitled.NoticeApprovalPending, RequestID: pending.ID, RecipientID: f.approver.ID, RecipientAddress: f.approver.Mail,
		Language: "en", Subject: "Approval needed", Status: entitled.NotificationQueued}})
	mustOK(t, err)
	mustOK(t, f.s.Notifications.MarkNotification(f.sys, sent[0].ID, entitled.NotificationSent, ""))
	canceled := f.mustAdd(entitled.RequestUserAdd, approval, dan)
	mustOK(t, f.s.Requests.CancelRequest(f.as(dan), canceled.ID))
	// approver: delivered, then removed.
	r := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.approver)
	f.deliverAll(ok)
	rm := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove, AssignmentID: f.request(r.ID).AssignmentID}
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.admin), rm))
	f.deliverAll(ok)
	f.wantState(rm.ID, entitled.StateDelivered)

	f.exec(`INSERT INTO oidc_subjects (issuer, subject, user_id, created_at) VALUES (?,?,?,?)`,
		"https://idp.example.org", "sub-carol", carol.ID, fmtTime(f.now))
	app := f.user("app@example.com")
	f.exec(`INSERT INTO service_principals (id, app_id, created_at) VALUES (?,?,?)`, app.ID, "client-app", fmtTime(f.now))
	_, _, err = f.s.Tokens.IssueToken(f.sys, f.admin.ID, time.Hour)
	mustOK(t, err)
	mustOK(t, f.s.Catalogs.CreateResourceRequest(f.sys, &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd,
		CatalogID: f.catalog, Resource: entitled.Resource{OriginID: f.group, OriginSystem: entitled.OriginSystemAadGroup}}))
	mustOK(t, f.s.Groups.AddGroupOwner(f.sys, f.group, f.approver.ID))
	delegated := []string{f.catalog}
	_, err = f.s.Systems.UpdateSystem(f.sys, f.systems[0], entitled.SystemUpdate{DelegatedCatalogIDs: &delegated})
	mustOK(t, err)
	mustOK(t, f.s.Audit.RecordAuditExport(f.sys, &entitled.AuditRetention{Before: f.now.Add(-time.Hour), SHA256: "e3b0c442"}))
}

// dumpTables reads every exported table of db, row by row in primary-key
// order, each row as "column=value" text, independently of Export.
func dumpTables(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range ExportTables {
		out[table] = dumpTable(t, db, table)
	}
	return out
}

// dumpTable lists the rows of one table in its export order, each as its
// sorted column=value pairs.
func dumpTable(t *testing.T, db *DB, table string) []string {
	t.Helper()
	order := "id"
	if o := exportOrder[table]; o != "" {
		order = o
	}
	rows, err := db.SQL.Query(`SELECT * FROM ` + table + ` ORDER BY ` + order)
	mustOK(t, err)
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		mustOK(t, rows.Scan(ptrs...))
		parts := make([]string, len(cols))
		for i, c := range cols {
			v := "NULL"
			if vals[i].Valid {
				v = fmt.Sprintf("%q", vals[i].String)
			}
			parts[i] = c + "=" + v
		}
		slices.Sort(parts)
		out = append(out, strings.Join(parts, " "))
	}
	mustOK(t, rows.Err())
	return out
}

// sameTables fails the test unless both dumps hold the same rows.
func sameTables(t *testing.T, what string, a, b map[string][]string) {
	t.Helper()
	for _, table := range ExportTables {
		ra, rb := a[table], b[table]
		if len(ra) != len(rb) {
			t.Errorf("%s: table %s has %d rows, want %d", what, table, len(rb), len(ra))
			continue
		}
		for i := range ra {
			if ra[i] != rb[i] {
				t.Errorf("%s: table %s row %d differs:\n want %s\n  got %s", what, table, i, ra[i], rb[i])
				break
			}
		}
	}
}

// TestExportImportRoundTrip exports a populated SQLite database, imports it
// into the run's backend (a PostgreSQL database in the PostgreSQL run),
// exports that and imports it into a new SQLite database: every table is
// the same row by row, the exports are identical, and the import queued the
// jobs of the unfinished work.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := openSQLiteStore(t, "source.db")
	f := setupLC(t, src, entitled.NewContext(ctx, entitled.SystemActor))
	populate(t, f)
	want := dumpTables(t, src.db)
	for _, table := range ExportTables {
		if len(want[table]) == 0 {
			t.Fatalf("the fixture leaves table %s empty; the round trip would not cover it", table)
		}
	}

	var first bytes.Buffer
	stats, err := src.db.Export(ctx, &first)
	mustOK(t, err)
	if stats.Rows["users"] != len(want["users"]) || stats.Total() != strings.Count(first.String(), "\n") {
		t.Fatalf("export stats %v for %d lines", stats.Rows, strings.Count(first.String(), "\n"))
	}

	mid, _ := newTestStore(t) // PostgreSQL in the PostgreSQL run
	in, err := mid.Admin.Import(ctx, bytes.NewReader(first.Bytes()))
	mustOK(t, err)
	if in.Total() != stats.Total() {
		t.Errorf("imported %d rows, exported %d", in.Total(), stats.Total())
	}
	sameTables(t, "source → "+mid.db.Dialect, want, dumpTables(t, mid.db))

	// The jobs of the unfinished work: the manager's two pending
	// deliveries, carol's expiry, big's start, the reader's time-out.
	jobs := testQueue(mid).Jobs()
	kinds := map[entitled.JobKind]int{}
	for _, j := range jobs {
		kinds[j.Kind]++
		switch j.Kind {
		case entitled.JobDeliver:
			w, err := mid.Deliveries.DeliveryWork(ctx, j.DeliveryID, j.Run)
			if err != nil || w.Grant.Subject.ID != f.manager.ID || j.Retry.MaxAttempts == 0 {
				t.Errorf("deliver job %+v: work %+v, %v", j, w, err)
			}
		case entitled.JobExpire:
			if !j.RunAt.Equal(f.now.Add(48 * time.Hour)) {
				t.Errorf("expire job at %s, want %s", j.RunAt, f.now.Add(48*time.Hour))
			}
		case entitled.JobStart:
			if !j.RunAt.Equal(f.now.Add(24 * time.Hour)) {
				t.Errorf("start job at %s", j.RunAt)
			}
		case entitled.JobApprovalTimeout:
			if j.StageID == "" || !j.RunAt.Equal(f.now.Add(24*time.Hour)) {
				t.Errorf("time-out job %+v", j)
			}
		}
	}
	wantJobs := map[entitled.JobKind]int{entitled.JobDeliver: 2, entitled.JobExpire: 1, entitled.JobStart: 1, entitled.JobApprovalTimeout: 1}
	if fmt.Sprint(kinds) != fmt.Sprint(wantJobs) || fmt.Sprint(in.Jobs) != fmt.Sprint(wantJobs) {
		t.Errorf("re-created jobs %v (stats %v), want %v", kinds, in.Jobs, wantJobs)
	}

	var second bytes.Buffer
	_, err = mid.db.Export(ctx, &second)
	mustOK(t, err)
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("the export of the imported %s database differs from the source's", mid.db.Dialect)
	}
	back := openSQLiteStore(t, "back.db")
	_, err = back.Admin.Import(ctx, bytes.NewReader(second.Bytes()))
	mustOK(t, err)
	sameTables(t, "source → "+mid.db.Dialect+" → sqlite", want, dumpTables(t, back.db))
	var third bytes.Buffer
	_, err = back.db.Export(ctx, &third)
	mustOK(t, err)
	if !bytes.Equal(first.Bytes(), third.Bytes()) {
		t.Error("the export after the round trip differs from the first")
	}

	// The imported store works: the pending deliveries complete.
	for _, j := range jobs {
		if j.Kind == entitled.JobDeliver {
			mustOK(t, mid.Deliveries.RecordDeliveryOutcome(ctx, entitled.DeliveryOutcome{DeliveryID: j.DeliveryID, Run: j.Run, Final: true, At: f.now}))
		}
	}
	if r, err := mid.Requests.Request(f.sys, jobs[0].RequestID); err != nil || r.State != entitled.StateDelivered {
		t.Errorf("imported delivering request after its deliveries: %v %v", r, err)
	}
}

// TestImportRefusesNonEmptyDatabase: an import needs an empty database and
// writes nothing when it fails.
func TestImportRefusesNonEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	src := openSQLiteStore(t, "source.db")
	f := setupLC(t, src, entitled.NewContext(ctx, entitled.SystemActor))
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	var exp bytes.Buffer
	_, err := src.db.Export(ctx, &exp)
	mustOK(t, err)

	dst, sys := newTestStore(t)
	mustOK(t, dst.Users.CreateUser(sys, &entitled.User{UserPrincipalName: "someone@example.com", AccountEnabled: true}))
	_, err = dst.Admin.Import(ctx, bytes.NewReader(exp.Bytes()))
	e := wantCode(t, err, entitled.KindConflict, "")
	if !strings.Contains(e.Message, "empty database") || !strings.Contains(e.Message, "users") {
		t.Errorf("message %q does not say the database must be empty", e.Message)
	}

	// A failure half-way (a row naming a missing user) leaves nothing.
	empty, _ := newTestStore(t)
	bad := exp.String() + `{"table":"audit_events","row":{"id":"x"}}` + "\n" + `{"table":"nonsense","row":{"id":"y"}}` + "\n"
	_, err = empty.Admin.Import(ctx, strings.NewReader(bad))
	e = wantCode(t, err, entitled.KindInvalid, "")
	if !strings.Contains(e.Message, "nonsense") || !strings.Contains(e.Message, "line ") {
		t.Errorf("message %q does not name the bad line and table", e.Message)
	}
	for table, rows := range dumpTables(t, empty.db) {
		if n := len(rows); n > 0 && !(table == "systems" && n == 1) {
			t.Errorf("a failed import left %d rows in %s", n, table)
		}
	}
	if len(testQueue(empty).Jobs()) != 0 {
		t.Error("a failed import queued jobs")
	}
	_, err = empty.Admin.Import(ctx, strings.NewReader(`{"table":"users","row":{"id":"u","shoe_size":42}}`+"\n"))
	e = wantCode(t, err, entitled.KindInvalid, "")
	if !strings.Contains(e.Message, "shoe_size") {
		t.Errorf("unknown column: %q", e.Message)
	}
	_, err = empty.Admin.Import(ctx, strings.NewReader(`{"table":"catalogs","row":{"id":"c"}}`+"\n"+`{"table":"users","row":{"id":"u"}}`+"\n"))
	e = wantCode(t, err, entitled.KindInvalid, "")
	if !strings.Contains(e.Message, "comes after") {
		t.Errorf("tables out of order: %q", e.Message)
	}
}

// TestExportCoversEveryTable: every table of the schema is exported or
// deliberately left out, so a new migration cannot be forgotten.
func TestExportCoversEveryTable(t *testing.T) {
	db := openTestDB(t)
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if dbtest.Backend() == dbtest.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := db.SQL.Query(q)
	mustOK(t, err)
	defer rows.Close()
	for rows.Next() {
		var name string
		mustOK(t, rows.Scan(&name))
		if strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "sqlite_") || name == "goose_db_version" {
			continue
		}
		if !slices.Contains(ExportTables, name) && !slices.Contains(NotExported, name) {
			t.Errorf("table %s is neither exported (ExportTables) nor deliberately left out (NotExported)", name)
		}
	}
	mustOK(t, rows.Err())
}

// TestImportManagersAcrossBatches: a user's manager may come later in the
// export, beyond the batch that inserts the user.
func TestImportManagersAcrossBatches(t *testing.T) {
	src := openSQLiteStore(t, "source.db")
	ts := fmtTime(time.Now())
	ids := make([]string, 3*importBatch)
	for i := range ids {
		ids[i] = newID()
	}
	for i := len(ids) - 1; i >= 0; i-- { // managers first, so the FK holds
		var manager any
		if i+importBatch+1 < len(ids) {
			manager = ids[i+importBatch+1]
		}
		_, err := src.db.tExec(`INSERT INTO users (id, user_principal_name, upn_key, manager_id, created_at) VALUES (?,?,?,?,?)`,
			ids[i], fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("u%d@example.com", i), manager, ts)
		mustOK(t, err)
	}
	dst := importNew(t, strings.NewReader(exportOf(t, src)))
	sameTables(t, "users with later managers", dumpTables(t, src.db), dumpTables(t, dst.db))
}

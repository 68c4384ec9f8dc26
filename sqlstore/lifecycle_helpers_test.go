package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/testkeys"
)

// lc is a lifecycle fixture: a catalog with one access package of two
// resource role scopes on two webhook systems, and users in every role.
type lc struct {
	t        testing.TB
	s        *Services
	sys      context.Context // system actor
	now      time.Time
	catalog  string
	pkg      string
	scopes   []string
	systems  []string
	admin    *entitled.User // access package assignment manager
	reader   *entitled.User // catalog reader
	alice    *entitled.User // requestor
	bob      *entitled.User
	manager  *entitled.User // alice's manager
	big      *entitled.User // manager's manager
	approver *entitled.User
	group    string // group with bob as member
	policy   string // self-add, no approval, no expiry
	seen     int    // deliver jobs already handed out
}

func newLC(t *testing.T) *lc {
	t.Helper()
	s, sys := newTestStore(t)
	f := setupLC(t, s, sys)
	t.Cleanup(func() {
		wantDeliveryCounts(t, s.db)
		wantRequestCounts(t, s.db)
	})
	return f
}

// wantDeliveryCounts fails the test unless every request that has
// deliveries records how many (assignment_requests.delivery_count): the
// roll-up trusts that number to know a request is done without counting.
// It runs at the end of every lifecycle test, so every path that creates
// deliveries is checked.
func wantDeliveryCounts(t *testing.T, db *DB) {
	t.Helper()
	rows, err := db.tQuery(`SELECT r.id, r.request_type, r.delivery_count,
		(SELECT COUNT(*) FROM deliveries d WHERE d.request_id = r.id) FROM assignment_requests r`)
	if err != nil {
		t.Errorf("delivery counts: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id, typ string
		var recorded, actual int
		if err := rows.Scan(&id, &typ, &recorded, &actual); err != nil {
			t.Errorf("delivery counts: %v", err)
			return
		}
		if recorded != actual {
			t.Errorf("%s request %s records %d deliveries and has %d", typ, id, recorded, actual)
		}
	}
}

// newLCB is newLC for benchmarks: the same fixture on a store whose queue
// records jobs.
func newLCB(b *testing.B) *lc {
	b.Helper()
	db, err := Open("sqlite:"+filepath.Join(b.TempDir(), "bench.db"), WithSecrets(testkeys.Keyring()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	s := newServices(b, db, Config{})
	return setupLC(b, s, entitled.NewContext(context.Background(), entitled.SystemActor))
}

func setupLC(t testing.TB, s *Services, sys context.Context) *lc {
	f := &lc{t: t, s: s, sys: sys, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.db.Now = func() time.Time { return f.now }
	f.admin = f.user("admin@example.com")
	f.reader = f.user("reader@example.com")
	f.alice = f.user("alice@example.com")
	f.bob = f.user("bob@example.com")
	f.manager = f.user("manager@example.com")
	f.big = f.user("big@example.com")
	f.approver = f.user("approver@example.com")
	ts := fmtTime(f.now)
	f.catalog, f.pkg, f.group = newID(), newID(), newID()
	f.exec(`INSERT INTO catalogs (id, display_name, created_at, modified_at) VALUES (?,?,?,?)`, f.catalog, "Sales", ts, ts)
	f.exec(`INSERT INTO access_packages (id, catalog_id, display_name, created_at, modified_at) VALUES (?,?,?,?,?)`,
		f.pkg, f.catalog, "CRM", ts, ts)
	f.exec(`INSERT INTO groups (id, display_name, created_at) VALUES (?,?,?)`, f.group, "Approvers", ts)
	f.exec(`INSERT INTO group_members (group_id, user_id) VALUES (?,?)`, f.group, f.bob.ID)
	f.exec(`UPDATE users SET manager_id = ? WHERE id = ?`, f.manager.ID, f.alice.ID)
	f.exec(`UPDATE users SET manager_id = ? WHERE id = ?`, f.big.ID, f.manager.ID)
	for i, name := range []string{"crm", "mail"} {
		sysID, resID, roleID, scopeID := newID(), newID(), newID(), newID()
		retry := encodeRetry(entitled.RetryPolicy{MaxAttempts: 3 + i, InitialBackoff: time.Second, MaxBackoff: time.Minute})
		f.exec(`INSERT INTO systems (id, name, kind, config, retry, created_at, modified_at) VALUES (?,?,?,?,?,?,?)`,
			sysID, name, "webhook", `{"url":"http://example.com"}`, retry, ts, ts)
		f.exec(`INSERT INTO resources (id, catalog_id, system_id, display_name, origin_id, origin_system, created_at, modified_at)
			VALUES (?,?,?,?,?,?,?,?)`, resID, f.catalog, sysID, name+" users", name+"-users", name, ts, ts)
		f.exec(`INSERT INTO resource_roles (id, resource_id, display_name, origin_id, origin_system) VALUES (?,?,?,?,?)`,
			roleID, resID, "Member", "Member", name)
		f.exec(`INSERT INTO resource_role_scopes (id, access_package_id, resource_role_id, resource_id, created_at) VALUES (?,?,?,?,?)`,
			scopeID, f.pkg, roleID, resID, ts)
		f.systems = append(f.systems, sysID)
		f.scopes = append(f.scopes, scopeID)
	}
	f.role(f.admin.ID, entitled.RoleAccessPackageAssignmentManager)
	f.role(f.reader.ID, entitled.RoleCatalogReader)
	f.policy = f.newPolicy(nil)
	return f
}

// user creates an enabled user.
func (f *lc) user(upn string) *entitled.User {
	u := &entitled.User{ID: newID(), UserPrincipalName: upn, DisplayName: upn, Mail: upn, AccountEnabled: true}
	f.exec(`INSERT INTO users (id, user_principal_name, upn_key, display_name, mail, created_at) VALUES (?,?,?,?,?,?)`,
		u.ID, upn, strings.ToLower(upn), upn, upn, fmtTime(f.now))
	return u
}

func (f *lc) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *lc) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.s.db.tExec(q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// role gives a user a catalog role in the fixture's catalog.
func (f *lc) role(userID, roleDef string) {
	f.exec(`INSERT INTO role_assignments (id, principal_id, role_definition_id, directory_scope_id, app_scope_id, created_at)
		VALUES (?,?,?,?,?,?)`, newID(), userID, roleDef, "", entitled.CatalogScope(f.catalog), fmtTime(f.now))
}

// newPolicy stores a policy on the package: everyone may request it for
// themselves, no approval; mutate adjusts it.
func (f *lc) newPolicy(mutate func(p *entitled.AssignmentPolicy)) string {
	f.t.Helper()
	p := &entitled.AssignmentPolicy{ID: newID(), AccessPackageID: f.pkg, CatalogID: f.catalog, DisplayName: "Sales staff",
		AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings:  entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfRemoveAccess: true},
		Expiration:         entitled.Expiration{Type: entitled.ExpirationNone}}
	if mutate != nil {
		mutate(p)
	}
	ts := fmtTime(f.now)
	f.exec(`INSERT INTO policies (id, access_package_id, catalog_id, display_name, allowed_target_scope, settings, created_at, modified_at)
		VALUES (?,?,?,?,?,?,?,?)`, p.ID, p.AccessPackageID, p.CatalogID, p.DisplayName, p.AllowedTargetScope,
		encodePolicySettings(p), ts, ts)
	return p.ID
}

// approvalPolicy stores a policy (see newPolicy) whose add requests need
// approval through the stages, in order.
func (f *lc) approvalPolicy(stages ...entitled.ApprovalStage) string {
	f.t.Helper()
	return f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: stages}
	})
}

// approvedBy is an approval stage whose primary approvers are the users.
func approvedBy(users ...*entitled.User) entitled.ApprovalStage {
	var st entitled.ApprovalStage
	for _, u := range users {
		st.PrimaryApprovers = append(st.PrimaryApprovers, entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: u.ID})
	}
	return st
}

func (f *lc) as(u *entitled.User) context.Context {
	f.t.Helper()
	a, err := f.s.Tokens.ActorFor(f.sys, u.ID)
	f.must(err)
	return entitled.NewContext(context.Background(), a)
}

// add submits an add request; userAdd by u for themselves, adminAdd by
// the admin for u.
func (f *lc) add(typ entitled.RequestType, policy string, u *entitled.User) (*entitled.AssignmentRequest, error) {
	r := &entitled.AssignmentRequest{RequestType: typ, AssignmentPolicyID: policy}
	ctx := f.as(u)
	if typ == entitled.RequestAdminAdd {
		r.TargetID = u.ID
		ctx = f.as(f.admin)
	}
	err := f.s.Requests.SubmitRequest(ctx, r)
	return r, err
}

func (f *lc) mustAdd(typ entitled.RequestType, policy string, u *entitled.User) *entitled.AssignmentRequest {
	f.t.Helper()
	r, err := f.add(typ, policy, u)
	f.must(err)
	return r
}

// jobs returns recorded jobs of a kind.
// mustAddDelivered submits a request (see mustAdd) and delivers it,
// every delivery succeeding, failing unless the request ends delivered.
func (f *lc) mustAddDelivered(typ entitled.RequestType, policy string, u *entitled.User) *entitled.AssignmentRequest {
	f.t.Helper()
	r := f.mustAdd(typ, policy, u)
	f.deliverAll(ok)
	return f.wantState(r.ID, entitled.StateDelivered)
}

func (f *lc) jobs(kind entitled.JobKind) []entitled.Job {
	var out []entitled.Job
	for _, j := range testQueue(f.s).Jobs() {
		if j.Kind == kind {
			out = append(out, j)
		}
	}
	return out
}

// newDeliverJobs returns the deliver jobs queued since the last call.
func (f *lc) newDeliverJobs() []entitled.Job {
	all := f.jobs(entitled.JobDeliver)
	out := all[f.seen:]
	f.seen = len(all)
	return out
}

// attempt runs one attempt of a deliver job the way the engine does: load
// the work, then record err; final as the engine would decide.
func (f *lc) attempt(j entitled.Job, err error, final bool) {
	f.t.Helper()
	w, werr := f.s.Deliveries.DeliveryWork(context.Background(), j.DeliveryID, j.Run)
	f.must(werr)
	if w.Grant.IdempotencyKey != w.Delivery.IdempotencyKey() || w.Grant.Subject.ID == "" {
		f.t.Fatalf("bad work: %+v", w.Grant)
	}
	f.must(f.s.Deliveries.RecordDeliveryOutcome(context.Background(), entitled.DeliveryOutcome{DeliveryID: j.DeliveryID,
		Run: j.Run, Err: err, Final: final || err == nil, At: f.now}))
}

// failAt is a deliverAll outcome: the i-th delivery fails for good with
// msg, every other succeeds.
func failAt(i int, msg string) func(int, entitled.Job) error {
	return func(n int, _ entitled.Job) error {
		if n == i {
			return entitled.PermanentErrorf("%s", msg)
		}
		return nil
	}
}

// deliverAll runs every new deliver job with the outcome chosen per job.
func (f *lc) deliverAll(outcome func(i int, j entitled.Job) error) {
	f.t.Helper()
	for i, j := range f.newDeliverJobs() {
		err := outcome(i, j)
		f.attempt(j, err, true)
	}
}

func ok(int, entitled.Job) error { return nil }

func (f *lc) request(id string) *entitled.AssignmentRequest {
	f.t.Helper()
	r, err := f.s.Requests.Request(f.sys, id)
	f.must(err)
	return r
}

func (f *lc) assignment(id string) *entitled.Assignment {
	f.t.Helper()
	a, err := f.s.Assignments.Assignment(f.sys, id)
	f.must(err)
	return a
}

func (f *lc) deliveries(requestID string) []entitled.Delivery {
	f.t.Helper()
	ds, err := f.s.Requests.Deliveries(f.sys, requestID)
	f.must(err)
	return ds
}

func (f *lc) wantState(id string, want entitled.RequestState) *entitled.AssignmentRequest {
	f.t.Helper()
	r := f.request(id)
	if r.State != want || r.Status != want.Status() {
		f.t.Fatalf("request %s: state %s/%s, want %s", id, r.State, r.Status, want)
	}
	return r
}

// onlyRequestOfType returns the one request whose requestType filter
// value is typ (as spelled: the filter ignores case), failing unless there
// is exactly one.
func (f *lc) onlyRequestOfType(typ string) *entitled.AssignmentRequest {
	f.t.Helper()
	page, err := f.s.Requests.Requests(f.sys, entitled.RequestQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.Compare{Op: "eq", Property: "requestType", Value: typ}}})
	f.must(err)
	if len(page.Items) != 1 {
		f.t.Fatalf("%s requests: %d, want one: %+v", typ, len(page.Items), page.Items)
	}
	return &page.Items[0]
}

// wantCode fails unless err is an *entitled.Error with the kind and code.
func wantCode(t *testing.T, err error, kind entitled.Kind, code string) *entitled.Error {
	t.Helper()
	wantKind(t, err, kind)
	var e *entitled.Error
	errors.As(err, &e)
	if code != "" && e.Code != code {
		t.Fatalf("want code %s, got %s (%s)", code, e.Code, e.Message)
	}
	return e
}

// auditStates lists the after-states audited for a request, in order.
func (f *lc) auditStates(requestID string) []string {
	f.t.Helper()
	return f.column(`SELECT after_state FROM audit_events WHERE target_id = ? ORDER BY id`, requestID)
}

// column runs a query of one text column (with ? placeholders) and
// returns its values, in order.
func (f *lc) column(query string, args ...any) []string {
	f.t.Helper()
	values, err := scanStrings(f.s.db.tQuery(query, args...))
	f.must(err)
	return values
}

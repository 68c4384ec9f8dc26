package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// Tests of batched submissions (submitbatch.go, submitcache.go) and of the
// set-based roll-up (outcomes.go). Each submission test runs in two modes:
// "concurrent", where goroutines released together call SubmitRequest and
// the batcher groups them as they queue, and "oneBatch", where every
// submission goes to the batch function at once, so that duplicates and
// failures certainly share a batch with successes.

// batchCall is one caller's submission and what it got back.
type batchCall struct {
	label  string
	ctx    context.Context
	by     *entitled.User // the caller
	target *entitled.User // whose access it is (nil: no such user)
	r      *entitled.AssignmentRequest
	err    error

	// What the caller must get: a state, or an error.
	want      entitled.RequestState
	errKind   entitled.Kind
	errCode   string
	errTarget string
	errNames  []string // ids the error's message must name
	pair      string   // calls of one pair: exactly one succeeds
	corr      string   // the request id carried by ctx
}

// batchModes are the ways the calls reach the batch path.
var batchModes = []string{"concurrent", "oneBatch"}

// submitCalls runs the calls in the mode.
func submitCalls(t *testing.T, s *Services, mode string, calls []*batchCall) {
	t.Helper()
	switch mode {
	case "concurrent":
		submitConcurrently(s, calls)
	case "oneBatch":
		submitInOneBatch(s, calls)
	default:
		t.Fatalf("unknown mode %q", mode)
	}
}

// submitConcurrently starts one goroutine per call, all waiting on a start
// barrier, then releases them together.
func submitConcurrently(s *Services, calls []*batchCall) {
	submitTogether(calls, func(*batchCall) *Services { return s })
}

// submitTogether submits each call on the services storeOf gives it, one
// goroutine per call, all waiting on a start barrier, then released
// together.
func submitTogether(calls []*batchCall, storeOf func(*batchCall) *Services) {
	errs := atOnce(len(calls), func(i int) error {
		c := calls[i]
		return storeOf(c).Requests.SubmitRequest(c.ctx, c.r)
	})
	for i, c := range calls {
		c.err = errs[i]
	}
}

// submitInOneBatch hands every call to the batcher's Apply function at
// once, as one batch, the way SubmitRequest does for an add request.
func submitInOneBatch(s *Services, calls []*batchCall) {
	subs := make([]*submission, len(calls))
	for i, c := range calls {
		subs[i] = &submission{ctx: c.ctx, a: entitled.ActorFrom(c.ctx), r: *c.r}
	}
	out := s.Requests.submitAdds(context.Background(), subs)
	for i, c := range calls {
		c.err = out[i].err
		if c.err == nil {
			*c.r = out[i].r
		}
	}
}

// batchWatch records the sizes of the batches the store's batcher applies.
type batchWatch struct {
	mu    sync.Mutex
	sizes []int
}

// watchBatches wraps the store's batcher, which an earlier submission must
// have created, to record batch sizes.
func watchBatches(t *testing.T, s *Services) *batchWatch {
	t.Helper()
	if s.Requests.submits == nil {
		t.Fatal("no submission has gone through the batcher yet")
	}
	w := &batchWatch{}
	apply := s.Requests.submits.Apply
	s.Requests.submits.Apply = func(ctx context.Context, subs []*submission) []submitted {
		w.mu.Lock()
		w.sizes = append(w.sizes, len(subs))
		w.mu.Unlock()
		return apply(ctx, subs)
	}
	return w
}

// wantBatched fails unless some batch held more than one submission: the
// test would not have exercised the batch path otherwise.
func (w *batchWatch) wantBatched(t *testing.T, mode string) {
	t.Helper()
	if mode != "concurrent" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t.Logf("batch sizes: %v", w.sizes)
	if slices.Max(append([]int{0}, w.sizes...)) < 2 {
		t.Fatalf("every batch held one submission (%v): the batch path was not exercised", w.sizes)
	}
}

// count runs a COUNT(*) query.
func (f *lc) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.s.db.tQueryRow(q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// needsApprovalPolicy stores a policy, "Needs approval", under which a
// userAdd waits for one approval stage (decided by the fixture's approver,
// denied after 3 days); an adminAdd under it needs no approval.
func (f *lc) needsApprovalPolicy() string {
	return f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.DisplayName = "Needs approval"
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true,
			Stages: []entitled.ApprovalStage{{DurationBeforeAutomaticDenial: 72 * time.Hour,
				PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}}}}}
	})
}

// adminAddCall is an adminAdd by admin for target under policy.
func (f *lc) adminAddCall(label string, admin, target *entitled.User, policy string, want entitled.RequestState) *batchCall {
	return &batchCall{label: label, ctx: f.as(admin), by: admin, target: target, want: want,
		r: &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AssignmentPolicyID: policy, TargetID: target.ID}}
}

// userAddCall is a userAdd by u for themselves under policy.
func (f *lc) userAddCall(label string, u *entitled.User, policy string, want entitled.RequestState) *batchCall {
	return &batchCall{label: label, ctx: f.as(u), by: u, target: u, want: want,
		r: &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: policy}}
}

// wantCallResult checks what one caller got against what it must get.
func wantCallResult(t *testing.T, c *batchCall) {
	t.Helper()
	if c.errKind == 0 {
		if c.err != nil {
			t.Errorf("%s: %v", c.label, c.err)
		} else if c.r.State != c.want {
			t.Errorf("%s: state %s, want %s", c.label, c.r.State, c.want)
		}
		return
	}
	var e *entitled.Error
	if !errors.As(c.err, &e) {
		t.Errorf("%s: want HTTP %d (%s), got %v", c.label, c.errKind.HTTPStatus(), c.errCode, c.err)
		return
	}
	if e.Kind != c.errKind || (c.errCode != "" && e.Code != c.errCode) || (c.errTarget != "" && e.Target != c.errTarget) {
		t.Errorf("%s: got HTTP %d %s target %q (%s); want HTTP %d %s target %q", c.label, e.Kind.HTTPStatus(), e.Code, e.Target,
			e.Message, c.errKind.HTTPStatus(), c.errCode, c.errTarget)
	}
	for _, id := range c.errNames {
		if !strings.Contains(e.Message, id) {
			t.Errorf("%s: message does not name %s: %s", c.label, id, e.Message)
		}
	}
}

// TestBatchMixedSubmissions: successes of every kind (delivering at once,
// pending approval, scheduled) share batches with refusals (CheckOneLive within
// the batch and against the database, a missing target, an unknown policy,
// a caller without the role). Every caller gets its own outcome, and the
// database holds exactly what the successes wrote: nothing of a refusal.
func TestBatchMixedSubmissions(t *testing.T) {
	for _, mode := range batchModes {
		t.Run(mode, func(t *testing.T) { testMixedBatch(t, mode) })
	}
}

func testMixedBatch(t *testing.T, mode string) {
	f := newLC(t)
	approval := f.needsApprovalPolicy()
	users := make([]*entitled.User, 60)
	for i := range users {
		users[i] = f.user(fmt.Sprintf("batch%02d@example.com", i))
	}
	admin2 := f.user("admin2@example.com")
	f.role(admin2.ID, entitled.RoleAccessPackageAssignmentManager)

	// Before the batch: users[53] holds a delivered assignment, users[54]
	// has a request pending approval.
	prior := f.mustAdd(entitled.RequestAdminAdd, f.policy, users[53])
	f.deliverAll(ok)
	f.wantState(prior.ID, entitled.StateDelivered)
	priorPending := f.mustAdd(entitled.RequestUserAdd, approval, users[54])
	f.wantState(priorPending.ID, entitled.StatePendingApproval)
	watch := watchBatches(t, f.s)

	const createActivity = "Create access package assignment request"
	before := struct{ requests, assignments, deliveries, audits, stages, jobs int }{
		f.count(`SELECT COUNT(*) FROM assignment_requests`), f.count(`SELECT COUNT(*) FROM assignments`),
		f.count(`SELECT COUNT(*) FROM deliveries`),
		f.count(`SELECT COUNT(*) FROM audit_events WHERE activity_display_name = ?`, createActivity),
		f.count(`SELECT COUNT(*) FROM approval_stages`), len(testQueue(f.s).Jobs())}

	start := f.now.Add(24 * time.Hour)
	var calls []*batchCall
	add := func(c *batchCall) *batchCall { calls = append(calls, c); return c }
	for i := 0; i < 24; i++ {
		admin := f.admin
		if i%2 == 1 {
			admin = admin2
		}
		add(f.adminAddCall(fmt.Sprintf("adminAdd %d", i), admin, users[i], f.policy, entitled.StateDelivering))
	}
	for i := 24; i < 36; i++ {
		add(f.userAddCall(fmt.Sprintf("userAdd %d", i), users[i], f.policy, entitled.StateDelivering))
	}
	for i := 36; i < 44; i++ {
		add(f.userAddCall(fmt.Sprintf("userAdd needing approval %d", i), users[i], approval, entitled.StatePendingApproval))
	}
	for i := 44; i < 46; i++ {
		c := add(f.adminAddCall(fmt.Sprintf("adminAdd starting tomorrow %d", i), f.admin, users[i], f.policy, entitled.StateScheduled))
		c.r.Schedule = entitled.Schedule{StartDateTime: &start}
	}
	for i := 46; i < 48; i++ {
		add(f.adminAddCall(fmt.Sprintf("adminAdd under the approval policy %d", i), admin2, users[i], approval, entitled.StateDelivering))
	}
	// Pairs for the same user and package: exactly one of each succeeds.
	add(f.adminAddCall("pair A, first", f.admin, users[48], f.policy, entitled.StateDelivering)).pair = "A"
	add(f.adminAddCall("pair A, second", admin2, users[48], f.policy, entitled.StateDelivering)).pair = "A"
	add(f.adminAddCall("pair B, adminAdd", f.admin, users[49], f.policy, entitled.StateDelivering)).pair = "B"
	add(f.userAddCall("pair B, userAdd needing approval", users[49], approval, entitled.StatePendingApproval)).pair = "B"
	add(f.userAddCall("pair C, first", users[50], approval, entitled.StatePendingApproval)).pair = "C"
	add(f.userAddCall("pair C, second", users[50], approval, entitled.StatePendingApproval)).pair = "C"
	// Refusals.
	ghost := &entitled.User{ID: newID(), UserPrincipalName: "ghost@example.com"}
	c := add(f.adminAddCall("target does not exist", f.admin, ghost, f.policy, ""))
	c.errKind, c.errCode, c.errTarget, c.errNames = entitled.KindInvalid, entitled.CodeBadRequest, "assignment.targetId", []string{ghost.ID}
	c = add(f.adminAddCall("unknown policy", admin2, users[51], newID(), ""))
	c.errKind, c.errCode, c.errTarget, c.errNames = entitled.KindInvalid, entitled.CodeBadRequest, "assignment.assignmentPolicyId", []string{c.r.AssignmentPolicyID}
	c = add(f.adminAddCall("already assigned", f.admin, users[53], f.policy, ""))
	c.errKind, c.errCode, c.errNames = entitled.KindConflict, entitled.CodeExistingAssignment, []string{prior.AssignmentID, prior.ID}
	c = add(f.adminAddCall("open request pending approval", admin2, users[54], f.policy, ""))
	c.errKind, c.errCode, c.errNames = entitled.KindConflict, entitled.CodeExistingAssignment, []string{priorPending.ID}
	c = add(f.adminAddCall("catalog reader may not assign", f.reader, users[52], f.policy, ""))
	c.errKind = entitled.KindForbidden
	c = add(f.userAddCall("userAdd for someone else", users[55], f.policy, ""))
	c.r.TargetID, c.target = users[56].ID, users[56]
	c.errKind, c.errCode, c.errTarget = entitled.KindInvalid, entitled.CodeBadRequest, "assignment.targetId"

	submitCalls(t, f.s, mode, calls)
	watch.wantBatched(t, mode)

	// Every caller's own outcome.
	pairs := map[string][]*batchCall{}
	var won []*batchCall
	for _, c := range calls {
		if c.pair != "" {
			pairs[c.pair] = append(pairs[c.pair], c)
			continue
		}
		wantCallResult(t, c)
		if c.errKind == 0 && c.err == nil {
			won = append(won, c)
		}
	}
	for name, pc := range pairs {
		var winners, losers []*batchCall
		for _, c := range pc {
			if c.err == nil {
				winners = append(winners, c)
			} else {
				losers = append(losers, c)
			}
		}
		if len(winners) != 1 || len(losers) != 1 {
			t.Errorf("pair %s: %d succeeded, %d failed (%v, %v); want exactly one each", name, len(winners), len(losers), pc[0].err, pc[1].err)
			continue
		}
		w, l := winners[0], losers[0]
		wantCallResult(t, w)
		won = append(won, w)
		l.errKind, l.errCode, l.errNames = entitled.KindConflict, entitled.CodeExistingAssignment, []string{w.r.ID}
		wantCallResult(t, l)
	}
	if t.Failed() {
		t.FailNow()
	}

	// The database: exactly what the successes wrote.
	byState := map[entitled.RequestState]int{}
	for _, c := range won {
		byState[c.want]++
	}
	delivering := byState[entitled.StateDelivering]
	if got := f.count(`SELECT COUNT(*) FROM assignment_requests`) - before.requests; got != len(won) {
		t.Errorf("%d requests stored, want %d (one per success)", got, len(won))
	}
	if got := f.count(`SELECT COUNT(*) FROM assignments`) - before.assignments; got != delivering {
		t.Errorf("%d assignments stored, want %d (one per request delivering now)", got, delivering)
	}
	if got := f.count(`SELECT COUNT(*) FROM deliveries`) - before.deliveries; got != len(f.scopes)*delivering {
		t.Errorf("%d deliveries stored, want %d (scopes × requests delivering now)", got, len(f.scopes)*delivering)
	}
	if got := f.count(`SELECT COUNT(*) FROM audit_events WHERE activity_display_name = ?`, createActivity) - before.audits; got != len(won) {
		t.Errorf("%d create events, want %d (one per success)", got, len(won))
	}
	if got := f.count(`SELECT COUNT(*) FROM approval_stages`) - before.stages; got != byState[entitled.StatePendingApproval] {
		t.Errorf("%d approval stages, want %d", got, byState[entitled.StatePendingApproval])
	}

	// Nothing of a refusal: its target has nothing new.
	for _, u := range []*entitled.User{ghost, users[51], users[52], users[55], users[56]} {
		if n := f.count(`SELECT COUNT(*) FROM assignment_requests WHERE target_id = ?`, u.ID) +
			f.count(`SELECT COUNT(*) FROM assignments WHERE target_id = ?`, u.ID); n != 0 {
			t.Errorf("refused target %s has %d requests and assignments", u.UserPrincipalName, n)
		}
	}
	for _, u := range []*entitled.User{users[53], users[54]} {
		if n := f.count(`SELECT COUNT(*) FROM assignment_requests WHERE target_id = ?`, u.ID); n != 1 {
			t.Errorf("%s has %d requests, want only the earlier one", u.UserPrincipalName, n)
		}
	}

	// Jobs: one deliver job per new delivery, an approval time-out per
	// request pending approval, a start job per scheduled request.
	jobs := testQueue(f.s).Jobs()[before.jobs:]
	deliverJobs := map[string]entitled.Job{}
	timeouts, starts, asked := map[string]int{}, map[string]entitled.Job{}, map[string]int{}
	for _, j := range jobs {
		switch j.Kind {
		case entitled.JobDeliver:
			if _, dup := deliverJobs[j.DeliveryID]; dup {
				t.Errorf("delivery %s queued twice", j.DeliveryID)
			}
			deliverJobs[j.DeliveryID] = j
		case entitled.JobApprovalTimeout:
			timeouts[j.RequestID]++
		case entitled.JobStart:
			starts[j.RequestID] = j
		case entitled.JobNotify:
			if j.Notice == nil || j.Notice.ID == "" || j.Notice.RequestID != j.RequestID {
				t.Errorf("notify job without its notice: %+v", j)
			} else if j.Notice.Event == entitled.NoticeApprovalPending {
				asked[j.RequestID]++
			}
		default:
			t.Errorf("unexpected job %+v", j)
		}
	}
	if len(deliverJobs) != len(f.scopes)*delivering {
		t.Errorf("%d deliver jobs, want %d", len(deliverJobs), len(f.scopes)*delivering)
	}

	seen := map[string]bool{}
	for _, c := range won {
		r := f.request(c.r.ID)
		if r.State != c.want || r.TargetID != c.target.ID || r.RequestorID != c.by.ID {
			t.Errorf("%s: stored request %s is %s for %s by %s; want %s for %s by %s", c.label, r.ID, r.State, r.TargetID,
				r.RequestorID, c.want, c.target.ID, c.by.ID)
		}
		if n := f.count(`SELECT COUNT(*) FROM assignment_requests WHERE target_id = ?`, c.target.ID); n != 1 {
			t.Errorf("%s: %d requests for the target, want 1", c.label, n)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_events WHERE target_id = ? AND activity_display_name = ?`, r.ID, createActivity); n != 1 {
			t.Errorf("%s: %d create events, want 1", c.label, n)
		}
		ds := f.deliveries(r.ID)
		stages := f.count(`SELECT COUNT(*) FROM approval_stages WHERE request_id = ? AND status = ?`, r.ID, entitled.StageInProgress)
		switch c.want {
		case entitled.StateDelivering:
			a := f.assignment(r.AssignmentID)
			if a.TargetID != c.target.ID || a.State != entitled.AssignmentDelivering || a.AssignmentPolicyID != c.r.AssignmentPolicyID {
				t.Errorf("%s: assignment %+v", c.label, a)
			}
			if len(ds) != len(f.scopes) {
				t.Errorf("%s: %d deliveries, want %d", c.label, len(ds), len(f.scopes))
			}
			for _, d := range ds {
				j, queued := deliverJobs[d.ID]
				if d.AssignmentID != r.AssignmentID || d.Status != entitled.DeliveryPending || d.Run != 1 || d.Action != entitled.ActionGrant {
					t.Errorf("%s: delivery %+v", c.label, d)
				}
				if !queued || j.RequestID != r.ID || j.AssignmentID != r.AssignmentID || j.Run != 1 || j.SystemID != d.SystemID {
					t.Errorf("%s: delivery %s has job %+v (queued %v)", c.label, d.ID, j, queued)
				}
				seen[d.ID] = true
			}
			if stages != 0 {
				t.Errorf("%s: delivering request has %d approval stages", c.label, stages)
			}
		case entitled.StatePendingApproval, entitled.StateScheduled:
			if r.AssignmentID != "" || len(ds) != 0 {
				t.Errorf("%s: %s request has assignment %q and %d deliveries", c.label, c.want, r.AssignmentID, len(ds))
			}
			if n := f.count(`SELECT COUNT(*) FROM assignments WHERE target_id = ?`, c.target.ID); n != 0 {
				t.Errorf("%s: %d assignments for a %s request", c.label, n, c.want)
			}
			wantStages, wantTimeouts := 0, 0
			if c.want == entitled.StatePendingApproval {
				wantStages, wantTimeouts = 1, 1
			} else if j, ok := starts[r.ID]; !ok || !j.RunAt.Equal(start) {
				t.Errorf("%s: start job %+v (queued %v)", c.label, j, ok)
			}
			if stages != wantStages || timeouts[r.ID] != wantTimeouts {
				t.Errorf("%s: %d stages in progress, %d time-out jobs; want %d, %d", c.label, stages, timeouts[r.ID], wantStages, wantTimeouts)
			}
			if asked[r.ID] != wantStages {
				t.Errorf("%s: the approvers were asked %d times, want %d", c.label, asked[r.ID], wantStages)
			}
		}
	}
	for id, j := range deliverJobs {
		if !seen[id] {
			t.Errorf("deliver job for delivery %s of request %s, which no success created "+
				"(did a batch fail as a whole? the recording queue keeps the jobs of a rolled-back transaction)", id, j.RequestID)
		}
	}
	if len(starts) != byState[entitled.StateScheduled] || len(timeouts) != byState[entitled.StatePendingApproval] {
		t.Errorf("%d start jobs, %d time-out jobs; want %d, %d", len(starts), len(timeouts), byState[entitled.StateScheduled],
			byState[entitled.StatePendingApproval])
	}
}

// actorCalls builds calls by several actors, each with its own request id:
// adminAdds by five assignment managers, userAdds (half of them waiting
// for approval) by the targets themselves.
func actorCalls(f *lc, approval string) []*batchCall {
	f.t.Helper()
	admins := []*entitled.User{f.admin}
	for i := 1; i < 5; i++ {
		a := f.user(fmt.Sprintf("manager%d@example.com", i))
		f.role(a.ID, entitled.RoleAccessPackageAssignmentManager)
		admins = append(admins, a)
	}
	var calls []*batchCall
	for i := 0; i < 25; i++ {
		u := f.user(fmt.Sprintf("assigned%02d@example.com", i))
		calls = append(calls, f.adminAddCall(fmt.Sprintf("adminAdd %d by %s", i, admins[i%5].UserPrincipalName), admins[i%5], u,
			f.policy, entitled.StateDelivering))
	}
	for i := 0; i < 20; i++ {
		u := f.user(fmt.Sprintf("self%02d@example.com", i))
		if i%2 == 0 {
			calls = append(calls, f.userAddCall(fmt.Sprintf("userAdd %d", i), u, f.policy, entitled.StateDelivering))
		} else {
			calls = append(calls, f.userAddCall(fmt.Sprintf("userAdd %d needing approval", i), u, approval, entitled.StatePendingApproval))
		}
	}
	for i, c := range calls {
		c.corr = fmt.Sprintf("corr-%02d-%s", i, newID())
		c.ctx = entitled.WithRequestID(c.ctx, c.corr)
	}
	return calls
}

// submitActorCalls submits actorCalls in one batch (in mode) on a new
// fixture whose batcher exists, and checks they were batched.
func submitActorCalls(t *testing.T, mode string) (*lc, []*batchCall) {
	t.Helper()
	f := newLC(t)
	approval := f.needsApprovalPolicy()
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob) // creates the batcher
	watch := watchBatches(t, f.s)
	calls := actorCalls(f, approval)
	submitCalls(t, f.s, mode, calls)
	watch.wantBatched(t, mode)
	return f, calls
}

// TestBatchAuditActorAndCorrelation: in a batch of submissions by
// different callers, each create event names its own caller and carries
// its own caller's request id, and each request its own requestor.
func TestBatchAuditActorAndCorrelation(t *testing.T) {
	for _, mode := range batchModes {
		t.Run(mode, func(t *testing.T) {
			f, calls := submitActorCalls(t, mode)
			for _, c := range calls {
				wantCallResult(t, c)
			}
			if t.Failed() {
				t.FailNow()
			}
			for _, c := range calls {
				rows, err := f.s.db.tQuery(`SELECT initiated_by_id, initiated_by_upn, correlation_id FROM audit_events
					WHERE target_id = ? AND activity_display_name = 'Create access package assignment request'`, c.r.ID)
				mustOK(t, err)
				n := 0
				for rows.Next() {
					var by, upn, corr string
					mustOK(t, rows.Scan(&by, &upn, &corr))
					n++
					if by != c.by.ID || upn != c.by.UserPrincipalName || corr != c.corr {
						t.Errorf("%s: create event by %s (%s) correlation %q; want %s (%s) correlation %q", c.label, by, upn, corr,
							c.by.ID, c.by.UserPrincipalName, c.corr)
					}
				}
				mustOK(t, rows.Err())
				rows.Close()
				if n != 1 {
					t.Errorf("%s: %d create events, want 1", c.label, n)
				}
				if r := f.request(c.r.ID); r.RequestorID != c.by.ID {
					t.Errorf("%s: stored requestor %s, want %s", c.label, r.RequestorID, c.by.ID)
				}
			}
		})
	}
}

// TestBatchReturnedRequests: every caller of a batch gets back its own
// request: its own id, state, target, requestor and assignment, the same
// as stored.
func TestBatchReturnedRequests(t *testing.T) {
	for _, mode := range batchModes {
		t.Run(mode, func(t *testing.T) {
			f, calls := submitActorCalls(t, mode)
			ids, assignments := map[string]string{}, map[string]string{}
			for _, c := range calls {
				wantCallResult(t, c)
				if c.err != nil {
					continue
				}
				r := c.r
				if r.ID == "" || ids[r.ID] != "" {
					t.Errorf("%s: request id %q (also returned to %q)", c.label, r.ID, ids[r.ID])
				}
				ids[r.ID] = c.label
				if r.Status != r.State.Status() || r.TargetID != c.target.ID || r.RequestorID != c.by.ID ||
					r.AccessPackageID != f.pkg || r.CatalogID != f.catalog || r.AssignmentPolicyID != c.r.AssignmentPolicyID ||
					!r.CreatedDateTime.Equal(f.now) || r.RequestType != c.r.RequestType {
					t.Errorf("%s: returned %+v", c.label, r)
				}
				switch r.State {
				case entitled.StateDelivering:
					if r.AssignmentID == "" || assignments[r.AssignmentID] != "" {
						t.Errorf("%s: assignment id %q (also returned to %q)", c.label, r.AssignmentID, assignments[r.AssignmentID])
						continue
					}
					assignments[r.AssignmentID] = c.label
					if a := f.assignment(r.AssignmentID); a.TargetID != c.target.ID {
						t.Errorf("%s: returned assignment %s is %s's, want %s's", c.label, a.ID, a.TargetID, c.target.ID)
					}
				case entitled.StatePendingApproval:
					if r.AssignmentID != "" {
						t.Errorf("%s: pending request has assignment %s", c.label, r.AssignmentID)
					}
				}
				stored := f.request(r.ID)
				if stored.State != r.State || stored.Status != r.Status || stored.TargetID != r.TargetID ||
					stored.RequestorID != r.RequestorID || stored.AssignmentID != r.AssignmentID || !stored.CreatedDateTime.Equal(r.CreatedDateTime) {
					t.Errorf("%s: returned %+v, stored %+v", c.label, r, stored)
				}
			}
		})
	}
}

// rollUpCase is one request of the roll-up world and the outcomes its two
// deliveries get.
type rollUpCase struct {
	r        *entitled.AssignmentRequest
	jobs     []entitled.Job // one per scope, in the fixture's scope order
	kind     int            // see rollUpKinds
	expiring bool
}

// rollUpKinds: what the two deliveries of a request get in the one call,
// and the state the request must be in after it.
var rollUpKinds = []struct {
	name string
	want entitled.RequestState
}{
	{"both succeed", entitled.StateDelivered},
	{"one fails for good", entitled.StatePartiallyDelivered},
	{"both fail for good", entitled.StateDeliveryFailed},
	{"one will be retried", entitled.StateDelivering},
	{"one outcome is of a stale run", entitled.StateDelivering},
}

// rollUpWorld creates 30 delivering requests (two deliveries each), every
// kind of rollUpKinds six times, half of each kind under a policy whose
// assignments expire after 48 hours. It returns them and the outcomes of
// one RecordDeliveryOutcomes call: first deliveries first, then second ones.
func rollUpWorld(f *lc) ([]*rollUpCase, []entitled.DeliveryOutcome) {
	f.t.Helper()
	expiring := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.DisplayName = "Two days"
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 48 * time.Hour}
	})
	var cases []*rollUpCase
	for i := range 30 {
		c := &rollUpCase{kind: i % len(rollUpKinds), expiring: (i/len(rollUpKinds))%2 == 0}
		policy := f.policy
		if c.expiring {
			policy = expiring
		}
		c.r = f.mustAdd(entitled.RequestAdminAdd, policy, f.user(fmt.Sprintf("rollup%02d@example.com", i)))
		byRequest := map[string][]entitled.Job{}
		for _, j := range f.newDeliverJobs() {
			byRequest[j.RequestID] = append(byRequest[j.RequestID], j)
		}
		for _, sys := range f.systems {
			for _, j := range byRequest[c.r.ID] {
				if j.SystemID == sys {
					c.jobs = append(c.jobs, j)
				}
			}
		}
		if len(c.jobs) != 2 || len(byRequest) != 1 {
			f.t.Fatalf("request %d: deliver jobs %+v", i, byRequest)
		}
		cases = append(cases, c)
	}
	perm := entitled.PermanentErrorf("no such user")
	at := f.now.Add(time.Minute)
	var firsts, seconds []entitled.DeliveryOutcome
	for _, c := range cases {
		first := entitled.DeliveryOutcome{DeliveryID: c.jobs[0].DeliveryID, Run: c.jobs[0].Run, Final: true, At: at}
		second := entitled.DeliveryOutcome{DeliveryID: c.jobs[1].DeliveryID, Run: c.jobs[1].Run, Final: true, At: at}
		switch c.kind {
		case 1:
			second.Err = perm
		case 2:
			first.Err = perm
			second.Err = entitled.TransientErrorf("timeout, the last attempt")
		case 3:
			second.Err, second.Final = entitled.TransientErrorf("connection refused"), false
		case 4:
			second.Err, second.Run = perm, c.jobs[1].Run+1
		}
		firsts = append(firsts, first)
		seconds = append(seconds, second)
	}
	return cases, append(firsts, seconds...)
}

// wantRolledUp checks the requests, assignments, audit events and expire
// jobs after the outcomes of rollUpWorld were recorded.
func wantRolledUp(t *testing.T, f *lc, cases []*rollUpCase) {
	t.Helper()
	expireJobs := map[string][]entitled.Job{}
	for _, j := range f.jobs(entitled.JobExpire) {
		expireJobs[j.AssignmentID] = append(expireJobs[j.AssignmentID], j)
	}
	for i, c := range cases {
		kind := rollUpKinds[c.kind]
		r := f.request(c.r.ID)
		if r.State != kind.want || r.Status != kind.want.Status() {
			t.Errorf("request %d (%s): %s/%s, want %s", i, kind.name, r.State, r.Status, kind.want)
			continue
		}
		rolled := kind.want != entitled.StateDelivering
		if rolled != (r.CompletedDateTime != nil) || (rolled && !r.CompletedDateTime.Equal(f.now)) {
			t.Errorf("request %d (%s): completedDateTime %v", i, kind.name, r.CompletedDateTime)
		}
		if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentStateFor(kind.want) || a.Status != a.State.Status() {
			t.Errorf("request %d (%s): assignment %s/%s, want %s", i, kind.name, a.State, a.Status, entitled.AssignmentStateFor(kind.want))
		}
		wantEvents := 1 // the create event
		if rolled {
			wantEvents = 2
			if n := f.count(`SELECT COUNT(*) FROM audit_events WHERE target_id = ? AND activity_display_name = ? AND initiated_by_id = ?`,
				r.ID, activityFor(kind.want), entitled.SystemActor.User.ID); n != 1 {
				t.Errorf("request %d (%s): %d %q events by the system, want 1", i, kind.name, n, activityFor(kind.want))
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_events WHERE target_id = ?`, r.ID); n != wantEvents {
			t.Errorf("request %d (%s): %d audit events, want %d: %v", i, kind.name, n, wantEvents, f.auditStates(r.ID))
		}
		wantExpire := c.expiring && (kind.want == entitled.StateDelivered || kind.want == entitled.StatePartiallyDelivered)
		js := expireJobs[r.AssignmentID]
		switch {
		case wantExpire && (len(js) != 1 || !js[0].RunAt.Equal(f.now.Add(48*time.Hour))):
			t.Errorf("request %d (%s, expiring): expire jobs %+v, want one at %s", i, kind.name, js, f.now.Add(48*time.Hour))
		case !wantExpire && len(js) != 0:
			t.Errorf("request %d (%s, expiring %v): expire jobs %+v, want none", i, kind.name, c.expiring, js)
		}
		ds := f.deliveries(r.ID)
		if len(ds) != 2 {
			t.Fatalf("request %d: %d deliveries", i, len(ds))
		}
		second := ds[0]
		if ds[0].ID != c.jobs[1].DeliveryID {
			second = ds[1]
		}
		switch c.kind {
		case 3:
			if second.Status != entitled.DeliveryPending || second.Attempts != 1 || second.LastErrorClass != entitled.Transient {
				t.Errorf("request %d (%s): retried delivery %+v", i, kind.name, second)
			}
		case 4:
			if second.Status != entitled.DeliveryPending || second.Attempts != 0 || second.LastError != "" {
				t.Errorf("request %d (%s): the stale outcome was recorded: %+v", i, kind.name, second)
			}
		}
	}
}

// TestBatchRollUpSetBased: the outcomes of thirty requests recorded in one
// call roll up each request that became final, once, to what its
// deliveries add up to (entitled.RollUp); the others stay delivering; a stale run's
// outcome is ignored; expiring assignments that were delivered get their
// expire job.
func TestBatchRollUpSetBased(t *testing.T) {
	f := newLC(t)
	cases, outcomes := rollUpWorld(f)
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcomes(context.Background(), outcomes))
	wantRolledUp(t, f, cases)
}

// dbSnapshot renders what a roll-up may change: requests, assignments,
// deliveries and audit events, and the number of queued jobs.
func dbSnapshot(f *lc) string {
	f.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, state, status, version, COALESCE(completed_at, '') FROM assignment_requests ORDER BY id`,
		`SELECT id, state, status, schedule, COALESCE(expired_at, '') FROM assignments ORDER BY id`,
		`SELECT id, status, attempts, run, last_error_class, last_error, modified_at, COALESCE(completed_at, '') FROM deliveries ORDER BY id`,
		`SELECT id, activity_display_name, target_id, before_state, after_state FROM audit_events ORDER BY id`,
	} {
		rows, err := f.s.db.tQuery(q)
		f.must(err)
		cols, err := rows.Columns()
		f.must(err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			f.must(rows.Scan(ptrs...))
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			b.WriteByte('\n')
		}
		f.must(rows.Err())
		rows.Close()
	}
	fmt.Fprintf(&b, "jobs: %d\n", len(testQueue(f.s).Jobs()))
	return b.String()
}

// TestBatchRollUpIdempotent: recording the same final outcomes again, in
// one call or one by one and later, changes nothing: no audit event, no
// job, no state. The requests still delivering then roll up on their own
// outcomes, once, leaving the others alone.
func TestBatchRollUpIdempotent(t *testing.T) {
	f := newLC(t)
	cases, outcomes := rollUpWorld(f)
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcomes(context.Background(), outcomes))
	want := dbSnapshot(f)

	var again []entitled.DeliveryOutcome
	for _, o := range outcomes {
		if o.Final {
			o.At = o.At.Add(time.Hour)
			again = append(again, o)
		}
	}
	f.now = f.now.Add(time.Hour)
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcomes(context.Background(), again))
	if got := dbSnapshot(f); got != want {
		t.Fatalf("recording the final outcomes again changed the database:\nbefore:\n%s\nafter:\n%s", want, got)
	}
	for _, o := range again {
		mustOK(t, f.s.Deliveries.RecordDeliveryOutcome(context.Background(), o))
	}
	if got := dbSnapshot(f); got != want {
		t.Fatalf("recording the final outcomes again one by one changed the database:\nbefore:\n%s\nafter:\n%s", want, got)
	}

	// The requests still delivering get their last outcomes: they roll up,
	// once each; the others are untouched.
	var last []entitled.DeliveryOutcome
	for _, c := range cases {
		if c.kind == 3 || c.kind == 4 {
			last = append(last, entitled.DeliveryOutcome{DeliveryID: c.jobs[1].DeliveryID, Run: c.jobs[1].Run, Final: true, At: f.now})
		}
	}
	eventsBefore := f.count(`SELECT COUNT(*) FROM audit_events`)
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcomes(context.Background(), append(last, last...)))
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcomes(context.Background(), last))
	if n := f.count(`SELECT COUNT(*) FROM audit_events`) - eventsBefore; n != len(last) {
		t.Errorf("%d audit events for %d requests rolling up", n, len(last))
	}
	for i, c := range cases {
		r := f.request(c.r.ID)
		switch c.kind {
		case 3, 4:
			if r.State != entitled.StateDelivered || r.CompletedDateTime == nil || !r.CompletedDateTime.Equal(f.now) {
				t.Errorf("request %d (%s): %s completed %v after its last outcome, want delivered now", i, rollUpKinds[c.kind].name,
					r.State, r.CompletedDateTime)
			}
		default:
			if want := rollUpKinds[c.kind].want; r.State != want || !r.CompletedDateTime.Equal(f.now.Add(-time.Hour)) {
				t.Errorf("request %d (%s): %s completed %v, want %s as before", i, rollUpKinds[c.kind].name, r.State, r.CompletedDateTime, want)
			}
		}
	}
}

// TestBatchRule7AcrossReplicas: two stores on one database (two replicas,
// each with its own batcher) receive, at the same moment, two add requests
// for each of thirty users and the same package (three rounds). On
// PostgreSQL their batches race past the checks to CheckOneLive's unique indexes,
// and the losing submissions run again on their own. CheckOneLive holds across the
// batches: exactly one request per user succeeds, the other gets a 409
// naming it, and the database holds one request, one assignment, its
// deliveries and one create event per user.
func TestBatchRule7AcrossReplicas(t *testing.T) {
	f := newLC(t)
	other := newServices(t, f.s.db, Config{})
	admin2 := f.user("admin2@example.com")
	f.role(admin2.ID, entitled.RoleAccessPackageAssignmentManager)
	for round := range 3 {
		contendAcrossReplicas(t, f, other, admin2, round)
	}
}

// contendAcrossReplicas is one round of TestBatchRule7AcrossReplicas.
func contendAcrossReplicas(t *testing.T, f *lc, other *Services, admin2 *entitled.User, round int) {
	t.Helper()
	const createActivity = "Create access package assignment request"
	eventsBefore := f.count(`SELECT COUNT(*) FROM audit_events WHERE activity_display_name = ?`, createActivity)
	var calls []*batchCall
	stores := map[*batchCall]*Services{}
	for i := range 30 {
		u := f.user(fmt.Sprintf("contested%d-%02d@example.com", round, i))
		a := f.adminAddCall(fmt.Sprintf("user %d on replica 1", i), f.admin, u, f.policy, entitled.StateDelivering)
		b := f.adminAddCall(fmt.Sprintf("user %d on replica 2", i), admin2, u, f.policy, entitled.StateDelivering)
		if i%3 == 0 {
			// The target asks too, under the same policy: a userAdd.
			b = f.userAddCall(fmt.Sprintf("user %d on replica 2, by themselves", i), u, f.policy, entitled.StateDelivering)
		}
		a.pair, b.pair = u.ID, u.ID
		stores[a], stores[b] = f.s, other
		calls = append(calls, a, b)
	}
	submitTogether(calls, func(c *batchCall) *Services { return stores[c] })

	winners := 0
	for i := 0; i < len(calls); i += 2 {
		a, b := calls[i], calls[i+1]
		w, l := a, b
		if a.err != nil {
			w, l = b, a
		}
		if w.err != nil || l.err == nil {
			t.Errorf("%s: got %v and %v; want exactly one success", a.target.UserPrincipalName, a.err, b.err)
			continue
		}
		winners++
		wantCallResult(t, w)
		l.errKind, l.errCode, l.errNames = entitled.KindConflict, entitled.CodeExistingAssignment, []string{w.r.ID}
		wantCallResult(t, l)
		if n := f.count(`SELECT COUNT(*) FROM assignment_requests WHERE target_id = ?`, w.target.ID); n != 1 {
			t.Errorf("%s: %d requests, want 1", w.target.UserPrincipalName, n)
		}
		if n := f.count(`SELECT COUNT(*) FROM assignments WHERE target_id = ?`, w.target.ID); n != 1 {
			t.Errorf("%s: %d assignments, want 1", w.target.UserPrincipalName, n)
		}
		if n := f.count(`SELECT COUNT(*) FROM deliveries WHERE request_id = ?`, w.r.ID); n != len(f.scopes) {
			t.Errorf("%s: %d deliveries, want %d", w.target.UserPrincipalName, n, len(f.scopes))
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_events WHERE target_id = ? AND activity_display_name = ?`, w.r.ID,
			"Create access package assignment request"); n != 1 {
			t.Errorf("%s: %d create events, want 1", w.target.UserPrincipalName, n)
		}
		if r := f.request(w.r.ID); r.State != entitled.StateDelivering || r.AssignmentID != w.r.AssignmentID || r.RequestorID != w.by.ID {
			t.Errorf("%s: stored %+v, returned %+v", w.target.UserPrincipalName, r, w.r)
		}
	}
	if n := f.count(`SELECT COUNT(*) FROM audit_events WHERE activity_display_name = ?`, createActivity) - eventsBefore; n != winners {
		t.Errorf("%d create events for %d successes", n, winners)
	}
	// Every stored delivery was queued, by one replica or the other (their
	// recording queues also keep the jobs of batches that rolled back).
	queued := map[string]bool{}
	for _, j := range append(testQueue(f.s).Jobs(), testQueue(other).Jobs()...) {
		queued[j.DeliveryID] = true
	}
	for _, id := range f.column(`SELECT id FROM deliveries`) {
		if !queued[id] {
			t.Errorf("delivery %s was never queued", id)
		}
	}
}

// TestBatchFallbackConflictNamesOpenRequest: when a submission that ran
// on its own after its batch failed meets CheckOneLive's unique index (another
// replica's request for the same user and package committed first),
// submitAlone explains the conflict with liveConflict, passing the
// caller's input. A caller who named only the policy (the package is
// optional) must still get a 409 that names the open request, as the
// checked path does. This drives that step directly, since the race that
// reaches it is not reproducible at will.
func TestBatchFallbackConflictNamesOpenRequest(t *testing.T) {
	f := newLC(t)
	open := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		r    entitled.AssignmentRequest
	}{
		{"adminAdd naming the package", f.as(f.admin), entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd,
			AssignmentPolicyID: f.policy, AccessPackageID: f.pkg, TargetID: f.alice.ID}},
		{"adminAdd naming only the policy", f.as(f.admin), entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd,
			AssignmentPolicyID: f.policy, TargetID: f.alice.ID}},
		{"userAdd naming only the policy", f.as(f.alice), entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd,
			AssignmentPolicyID: f.policy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The submission as the batch hands it to submitAlone.
			sub := &submission{ctx: tc.ctx, a: entitled.ActorFrom(tc.ctx), r: tc.r}
			r := sub.r
			err := f.s.Requests.liveConflict(sub.ctx, &r)
			e := wantCode(t, err, entitled.KindConflict, entitled.CodeExistingAssignment)
			if !strings.Contains(e.Message, open.ID) || !strings.Contains(e.Message, f.pkg) {
				t.Fatalf("the 409 must name open request %s and package %s: %s", open.ID, f.pkg, e.Message)
			}
		})
	}
}

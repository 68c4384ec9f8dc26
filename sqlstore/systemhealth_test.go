package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// healthFixture is the lifecycle fixture with requests whose deliveries go
// to crm (f.systems[0]) and mail (f.systems[1]).
type healthFixture struct {
	*lc
	crm, mail string
	n         int
}

func newHealthFixture(t *testing.T) *healthFixture {
	f := newLC(t)
	return &healthFixture{lc: f, crm: f.systems[0], mail: f.systems[1]}
}

// request submits a userAdd for a new user and returns its deliver jobs to
// crm and mail.
func (h *healthFixture) request() (crm, mail entitled.Job) {
	h.t.Helper()
	h.n++
	u := h.user(fmt.Sprintf("user%d@example.com", h.n))
	h.mustAdd(entitled.RequestUserAdd, h.policy, u)
	for _, j := range h.newDeliverJobs() {
		switch j.SystemID {
		case h.crm:
			crm = j
		case h.mail:
			mail = j
		}
	}
	if crm.DeliveryID == "" || mail.DeliveryID == "" {
		h.t.Fatalf("request %d: deliver jobs to crm and mail expected", h.n)
	}
	return crm, mail
}

// requests submits n requests (see request) and returns their jobs.
func (h *healthFixture) requests(n int) (crm, mail []entitled.Job) {
	h.t.Helper()
	for range n {
		c, m := h.request()
		crm, mail = append(crm, c), append(mail, m)
	}
	return crm, mail
}

// outcome records one attempt of a job, counted towards its system.
func (h *healthFixture) outcome(j entitled.Job, err error, final bool) {
	h.t.Helper()
	h.must(h.s.Deliveries.RecordDeliveryOutcome(context.Background(), entitled.DeliveryOutcome{DeliveryID: j.DeliveryID, Run: j.Run,
		Err: err, Final: final || err == nil, At: h.now, SystemID: j.SystemID}))
}

// health reads a system through the API's service method.
func (h *healthFixture) health(id string) *entitled.SystemHealth {
	h.t.Helper()
	sys, err := h.s.Systems.System(h.sys, id)
	h.must(err)
	if sys.Health == nil {
		h.t.Fatalf("system %s read without its health", id)
	}
	return sys.Health
}

// auditActivities lists the audit activities on a target, oldest first,
// with who made them.
func (h *healthFixture) auditActivities(targetID string) []string {
	h.t.Helper()
	rows, err := h.s.db.tQuery(`SELECT activity_display_name, initiated_by_upn FROM audit_events WHERE target_id = ? ORDER BY id`, targetID)
	h.must(err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, by string
		h.must(rows.Scan(&a, &by))
		out = append(out, a+" by "+by)
	}
	return out
}

var errDown = entitled.TransientErrorf("HTTP 503: target unavailable")

func TestSystemSuspendsAfterConsecutiveTransientFailures(t *testing.T) {
	h := newHealthFixture(t)
	crmJobs, mailJobs := h.requests(5)
	for _, mail := range mailJobs {
		h.outcome(mail, nil, true) // mail works: its successes count for mail only
	}
	for i, j := range crmJobs[:4] {
		h.outcome(j, errDown, false)
		if got := h.health(h.crm); got.State != entitled.HealthActive || got.Failures != i+1 {
			t.Fatalf("after %d failures: %+v", i+1, got)
		}
	}
	h.outcome(crmJobs[4], errDown, false)
	got := h.health(h.crm)
	if got.State != entitled.HealthSuspended || got.Reason != "5 consecutive transient failures" || !got.Since.Equal(h.now) ||
		got.LastError != "HTTP 503: target unavailable" || got.NextProbe == nil || !got.NextProbe.Equal(h.now.Add(time.Second)) {
		t.Fatalf("after 5 failures: %+v", got)
	}
	if got.WaitingDeliveries != 5 {
		t.Errorf("waiting deliveries %d, want the 5 crm deliveries", got.WaitingDeliveries)
	}
	if mail := h.health(h.mail); mail.State != entitled.HealthActive || mail.Failures != 0 {
		t.Errorf("mail: %+v", mail)
	}
	if acts := h.auditActivities(h.crm); len(acts) != 1 || acts[0] != "Suspend connected system by system" {
		t.Errorf("audit of crm: %v", acts)
	}
	// The request shows why its delivery waits.
	for _, d := range h.deliveries(crmJobs[0].RequestID) {
		want := ""
		if d.SystemID == h.crm {
			want = "waiting: crm is suspended since 2026-03-01 12:00:00 UTC after 5 consecutive transient failures"
		}
		if d.Waiting != want {
			t.Errorf("delivery to %s: waiting %q, want %q", d.SystemID, d.Waiting, want)
		}
	}
	recs, err := h.s.Health.SystemHealths(context.Background())
	h.must(err)
	states := map[string]entitled.HealthState{}
	for _, r := range recs {
		states[r.Name] = r.Health.State
	}
	if states["crm"] != entitled.HealthSuspended || states["mail"] != entitled.HealthActive || states["directory"] != entitled.HealthActive {
		t.Errorf("SystemHealths: %v", states)
	}
}

func TestSuccessResetsFailuresAndZeroNeverSuspends(t *testing.T) {
	h := newHealthFixture(t)
	jobs, _ := h.requests(9)
	for _, j := range jobs[:4] {
		h.outcome(j, errDown, false)
	}
	h.outcome(jobs[4], entitled.PermanentErrorf("no such user"), true) // the system answered
	for _, j := range jobs[5:8] {
		h.outcome(j, errDown, false)
	}
	if got := h.health(h.crm); got.State != entitled.HealthActive || got.Failures != 3 {
		t.Fatalf("a permanent failure resets the count: %+v", got)
	}
	h.outcome(jobs[8], nil, true)
	if got := h.health(h.crm); got.State != entitled.HealthActive || got.Failures != 0 {
		t.Fatalf("a success resets the count: %+v", got)
	}

	p := entitled.HealthPolicy{SuspendAfter: 0, MaxProbeInterval: time.Minute}
	_, err := h.s.Systems.UpdateSystem(h.sys, h.crm, entitled.SystemUpdate{HealthPolicy: &p})
	h.must(err)
	for range 6 {
		crm, _ := h.request()
		h.outcome(crm, errDown, false)
	}
	if got := h.health(h.crm); got.State != entitled.HealthActive || got.Failures != 6 {
		t.Fatalf("suspendAfter 0 never suspends: %+v", got)
	}
}

func TestProbeResumesAndRetriesRecentFailures(t *testing.T) {
	h := newHealthFixture(t)
	start := h.now
	// Long before: a crm delivery failed for good (outside the window).
	oldCrm, oldMail := h.request()
	h.outcome(oldMail, nil, true)
	h.outcome(oldCrm, errDown, true)
	h.wantState(oldCrm.RequestID, entitled.StatePartiallyDelivered)

	h.now = start.Add(time.Hour)
	// Shortly before the suspension: one request failed for good (its
	// mail delivery succeeded), one still has its mail delivery open.
	failed, failedMail := h.request()
	h.outcome(failedMail, nil, true)
	open, _ := h.request()
	crm3, _ := h.request()
	crm4, _ := h.request()
	h.outcome(failed, errDown, true)
	h.wantState(failed.RequestID, entitled.StatePartiallyDelivered)
	h.outcome(open, errDown, true)
	h.now = h.now.Add(time.Minute)
	h.outcome(crm3, errDown, false)
	h.outcome(crm4, errDown, false) // the 5th in a row, counting the old one
	if got := h.health(h.crm); got.State != entitled.HealthSuspended {
		t.Fatalf("crm: %+v", got)
	}

	// Not due yet: nothing to claim.
	works, err := h.s.Health.ClaimProbes(context.Background(), time.Minute)
	h.must(err)
	if len(works) != 0 {
		t.Fatalf("claimed %d probes before they are due", len(works))
	}
	h.now = h.now.Add(time.Second)
	works, err = h.s.Health.ClaimProbes(context.Background(), time.Minute)
	h.must(err)
	if len(works) != 1 || works[0].System.ID != h.crm || works[0].Delivery == nil || works[0].Delivery.Delivery.SystemID != h.crm {
		t.Fatalf("claim: %+v", works)
	}
	if again, _ := h.s.Health.ClaimProbes(context.Background(), time.Minute); len(again) != 0 {
		t.Fatalf("a claimed probe is claimed again: %+v", again)
	}
	// A failed probe backs off: 2 s after the first.
	h.must(h.s.Health.RecordProbe(context.Background(), h.crm, errDown))
	got := h.health(h.crm)
	if got.State != entitled.HealthSuspended || got.ProbeFailures != 1 || !got.NextProbe.Equal(h.now.Add(2*time.Second)) ||
		got.LastProbe == nil || !got.LastProbe.Equal(h.now) {
		t.Fatalf("after a failed probe: %+v", got)
	}
	jobsBefore := len(testQueue(h.s).Jobs())

	h.now = h.now.Add(2 * time.Second)
	works, err = h.s.Health.ClaimProbes(context.Background(), time.Minute)
	h.must(err)
	if len(works) != 1 {
		t.Fatalf("second probe: %+v", works)
	}
	h.must(h.s.Health.RecordProbe(context.Background(), h.crm, nil))
	got = h.health(h.crm)
	if got.State != entitled.HealthActive || got.Reason != "a probe succeeded" || got.Failures != 0 || got.WaitingDeliveries != 0 {
		t.Fatalf("after a successful probe: %+v", got)
	}
	if acts := h.auditActivities(h.crm); strings.Join(acts, "; ") != "Suspend connected system by system; Resume connected system by system" {
		t.Errorf("audit of crm: %v", acts)
	}
	// The resume woke the system's deliveries and re-ran the deliveries
	// that failed within the window before the suspension.
	newJobs := testQueue(h.s).Jobs()[jobsBefore:]
	var wakes, reruns []entitled.Job
	for _, j := range newJobs {
		switch j.Kind {
		case entitled.JobWakeSystem:
			wakes = append(wakes, j)
		case entitled.JobDeliver:
			reruns = append(reruns, j)
		}
	}
	if len(wakes) != 1 || wakes[0].SystemID != h.crm {
		t.Errorf("wake jobs: %+v", wakes)
	}
	rerun := map[string]int{}
	for _, j := range reruns {
		rerun[j.DeliveryID] = j.Run
	}
	if len(rerun) != 2 || rerun[failed.DeliveryID] != 2 || rerun[open.DeliveryID] != 2 {
		t.Errorf("re-run deliveries %v, want the two that failed in the window (%s, %s) on run 2", rerun, failed.DeliveryID, open.DeliveryID)
	}
	h.wantState(failed.RequestID, entitled.StateDelivering)
	h.wantState(open.RequestID, entitled.StateDelivering)
	h.wantState(oldCrm.RequestID, entitled.StatePartiallyDelivered)
	if states := h.auditStates(failed.RequestID); !strings.Contains(strings.Join(states, " "), `"delivering"`) {
		t.Errorf("audit of the reprocessed request: %v", states)
	}
	var by string
	h.must(h.s.db.tQueryRow(`SELECT initiated_by_upn FROM audit_events WHERE target_id = ? AND activity_display_name = ?`,
		failed.RequestID, "Reprocess access package assignment request").Scan(&by))
	if by != entitled.SystemActor.User.UserPrincipalName {
		t.Errorf("the reprocess on resume is audited as by %q, want the system", by)
	}
}

func TestPauseAndResumeSystem(t *testing.T) {
	h := newHealthFixture(t)
	admin := h.user("it@example.com")
	h.exec(`INSERT INTO role_assignments (id, principal_id, role_definition_id, directory_scope_id, app_scope_id, created_at)
		VALUES (?,?,?,?,?,?)`, newID(), admin.ID, entitled.RoleGlobalAdministrator, "/", "", fmtTime(h.now))
	asAdmin := h.as(admin)

	// Only those who manage systems may pause and resume.
	for _, u := range []*entitled.User{h.alice, h.admin, h.reader} {
		_, err := h.s.Systems.PauseSystem(h.as(u), "crm")
		wantKind(t, err, entitled.KindForbidden)
	}
	_, err := h.s.Systems.PauseSystem(asAdmin, "nope")
	wantKind(t, err, entitled.KindNotFound)

	sys, err := h.s.Systems.PauseSystem(asAdmin, "crm")
	h.must(err)
	if sys.Health.State != entitled.HealthPaused || sys.Health.PausedBy != "it@example.com" || sys.Health.Reason != "paused by it@example.com" {
		t.Fatalf("paused: %+v", sys.Health)
	}
	_, err = h.s.Systems.PauseSystem(asAdmin, "crm")
	e := wantCode(t, err, entitled.KindConflict, "")
	if !strings.Contains(e.Message, "crm") || !strings.Contains(e.Message, "already paused") {
		t.Errorf("message %q", e.Message)
	}
	// Its deliveries wait and say so; a paused system is never probed.
	crm, _ := h.request()
	for _, d := range h.deliveries(crm.RequestID) {
		if d.SystemID == h.crm && !strings.HasPrefix(d.Waiting, "waiting: crm is paused since 2026-03-01 12:00:00 UTC (paused by it@example.com)") {
			t.Errorf("waiting %q", d.Waiting)
		}
	}
	h.now = h.now.Add(time.Hour)
	if works, _ := h.s.Health.ClaimProbes(context.Background(), time.Minute); len(works) != 0 {
		t.Fatalf("a paused system was claimed for a probe: %+v", works)
	}
	for _, u := range []*entitled.User{h.alice, h.admin} {
		_, err := h.s.Systems.ResumeSystem(h.as(u), "crm")
		wantKind(t, err, entitled.KindForbidden)
	}
	before := len(h.jobs(entitled.JobWakeSystem))
	sys, err = h.s.Systems.ResumeSystem(asAdmin, "crm")
	h.must(err)
	if sys.Health.State != entitled.HealthActive || sys.Health.Reason != "resumed by it@example.com" {
		t.Fatalf("resumed: %+v", sys.Health)
	}
	if n := len(h.jobs(entitled.JobWakeSystem)) - before; n != 1 {
		t.Errorf("%d wake jobs, want 1", n)
	}
	_, err = h.s.Systems.ResumeSystem(asAdmin, "crm")
	wantCode(t, err, entitled.KindConflict, "")
	if acts := h.auditActivities(h.crm); strings.Join(acts, "; ") != "Pause connected system by it@example.com; Resume connected system by it@example.com" {
		t.Errorf("audit of crm: %v", acts)
	}
}

func TestHealthPolicyOfASystem(t *testing.T) {
	h := newHealthFixture(t)
	sys := &entitled.ConnectedSystem{Name: "erp", Kind: "webhook", Config: map[string]any{"url": "http://example.com"},
		HealthPolicy: entitled.HealthPolicy{SuspendAfter: -1, MaxProbeInterval: time.Minute}}
	wantCode(t, h.s.Systems.CreateSystem(h.sys, sys), entitled.KindInvalid, entitled.CodeBadRequest)
	sys.HealthPolicy = entitled.HealthPolicy{}
	h.must(h.s.Systems.CreateSystem(h.sys, sys))
	got, err := h.s.Systems.System(h.sys, "erp")
	h.must(err)
	if got.HealthPolicy != entitled.DefaultHealthPolicy || got.Health == nil || got.Health.State != entitled.HealthActive {
		t.Fatalf("a new system has the default policy and is active: %+v %+v", got.HealthPolicy, got.Health)
	}
	p := entitled.HealthPolicy{SuspendAfter: 3, MaxProbeInterval: 10 * time.Second, RetryFailedWithin: time.Minute}
	_, err = h.s.Systems.UpdateSystem(h.sys, "erp", entitled.SystemUpdate{HealthPolicy: &p})
	h.must(err)
	bad := entitled.HealthPolicy{SuspendAfter: 3, MaxProbeInterval: time.Millisecond}
	_, err = h.s.Systems.UpdateSystem(h.sys, "erp", entitled.SystemUpdate{HealthPolicy: &bad})
	if e := wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest); e.Target != "healthPolicy.maxProbeInterval" {
		t.Errorf("target %q", e.Target)
	}
	page, err := h.s.Systems.Systems(h.sys, entitled.ListOptions{})
	h.must(err)
	for _, s := range page.Items {
		if s.Name == "erp" && s.HealthPolicy != p {
			t.Errorf("policy %+v, want %+v", s.HealthPolicy, p)
		}
		if s.Health == nil {
			t.Errorf("system %s listed without health", s.Name)
		}
	}
}

// Many probers (replicas) claim a due probe at once: exactly one gets it.
func TestProbeIsClaimedByOneProber(t *testing.T) {
	h := newHealthFixture(t)
	for range 5 {
		crm, _ := h.request()
		h.outcome(crm, errDown, false)
	}
	h.now = h.now.Add(time.Minute)
	other := withConfig(t, h.s, func(*Config) {}) // a second replica's services, on the same clock
	var mu sync.Mutex
	claims := 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := h.s
			if i%2 == 1 {
				s = other
			}
			works, err := s.Health.ClaimProbes(context.Background(), time.Minute)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			claims += len(works)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if claims != 1 {
		t.Fatalf("%d claims of one due probe, want 1", claims)
	}
}

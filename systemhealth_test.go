package entitled

import (
	"strings"
	"testing"
	"time"
)

func TestHealthApply(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 42, 5, 0, time.UTC)
	earlier := now.Add(-time.Hour)
	p := HealthPolicy{SuspendAfter: 5, MaxProbeInterval: 8 * time.Second, RetryFailedWithin: 10 * time.Minute}
	never := p
	never.SuspendAfter = 0
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	suspended := SystemHealth{State: HealthSuspended, Since: earlier, Reason: "5 consecutive transient failures", Failures: 5,
		SuspendedAt: &earlier, NextProbe: at(0)}
	paused := SystemHealth{State: HealthPaused, Since: earlier, Reason: "paused by admin", PausedBy: "admin"}
	pausedAfterSuspension := paused
	pausedAfterSuspension.SuspendedAt = &earlier
	retrySince := earlier.Add(-10 * time.Minute)

	tests := []struct {
		name    string
		from    SystemHealth
		policy  HealthPolicy
		ev      HealthEvent
		state   HealthState
		trans   HealthTransition
		fails   int
		next    *time.Time
		retry   *time.Time
		wantErr string
	}{
		{name: "a failure counts", from: Active, policy: p, ev: HealthEvent{Kind: EventOutcomes, Failures: 1, Error: "503"},
			state: HealthActive, fails: 1},
		{name: "four then one more suspend", from: SystemHealth{State: HealthActive, Failures: 4}, policy: p,
			ev: HealthEvent{Kind: EventOutcomes, Failures: 1}, state: HealthSuspended, trans: TransitionSuspend, fails: 5, next: at(time.Second)},
		{name: "a success resets the count before later failures", from: SystemHealth{State: HealthActive, Failures: 4}, policy: p,
			ev: HealthEvent{Kind: EventOutcomes, Succeeded: true, Failures: 2}, state: HealthActive, fails: 2},
		{name: "a success alone resets", from: SystemHealth{State: HealthActive, Failures: 4}, policy: p,
			ev: HealthEvent{Kind: EventOutcomes, Succeeded: true}, state: HealthActive, fails: 0},
		{name: "threshold 0 never suspends", from: SystemHealth{State: HealthActive, Failures: 400}, policy: never,
			ev: HealthEvent{Kind: EventOutcomes, Failures: 100}, state: HealthActive, fails: 500},
		{name: "failures while suspended count, state stays", from: suspended, policy: p,
			ev: HealthEvent{Kind: EventOutcomes, Failures: 2}, state: HealthSuspended, fails: 7, next: at(0)},
		{name: "a success while suspended resets the count, only a probe resumes", from: suspended, policy: p,
			ev: HealthEvent{Kind: EventOutcomes, Succeeded: true}, state: HealthSuspended, next: at(0)},
		{name: "outcomes while paused do not resume", from: paused, policy: p,
			ev: HealthEvent{Kind: EventOutcomes, Succeeded: true}, state: HealthPaused},
		{name: "failed probe backs off", from: suspended, policy: p,
			ev: HealthEvent{Kind: EventProbe, Error: "503"}, state: HealthSuspended, fails: 5, next: at(2 * time.Second)},
		{name: "probe back-off is capped", from: func() SystemHealth { h := suspended; h.ProbeFailures = 10; return h }(), policy: p,
			ev: HealthEvent{Kind: EventProbe}, state: HealthSuspended, fails: 5, next: at(8 * time.Second)},
		{name: "successful probe resumes and retries recent failures", from: suspended, policy: p,
			ev: HealthEvent{Kind: EventProbe, Succeeded: true}, state: HealthActive, trans: TransitionResume, retry: &retrySince},
		{name: "probe of a paused system is ignored", from: paused, policy: p,
			ev: HealthEvent{Kind: EventProbe, Succeeded: true}, state: HealthPaused},
		{name: "pause an active system", from: Active, policy: p, ev: HealthEvent{Kind: EventPause, By: "admin"},
			state: HealthPaused, trans: TransitionPause},
		{name: "pause a suspended system stops probing", from: suspended, policy: p, ev: HealthEvent{Kind: EventPause, By: "admin"},
			state: HealthPaused, trans: TransitionPause, fails: 5},
		{name: "pause twice", from: paused, policy: p, ev: HealthEvent{Kind: EventPause, By: "admin"}, wantErr: "already paused"},
		{name: "resume a paused system", from: paused, policy: p, ev: HealthEvent{Kind: EventResume, By: "admin"},
			state: HealthActive, trans: TransitionResume},
		{name: "resume after pause of a suspended system retries its failures", from: pausedAfterSuspension, policy: p,
			ev: HealthEvent{Kind: EventResume, By: "admin"}, state: HealthActive, trans: TransitionResume, retry: &retrySince},
		{name: "resume a suspended system", from: suspended, policy: p, ev: HealthEvent{Kind: EventResume, By: "admin"},
			state: HealthActive, trans: TransitionResume, retry: &retrySince},
		{name: "resume an active system", from: Active, policy: p, ev: HealthEvent{Kind: EventResume, By: "admin"}, wantErr: "is active"},
		{name: "empty state is active", from: SystemHealth{}, policy: p, ev: HealthEvent{Kind: EventResume}, wantErr: "is active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.from.Apply(tt.policy, tt.ev, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ErrorKind(err) != KindConflict {
					t.Fatalf("err = %v, want a 409 containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := c.Health
			if h.State != tt.state || c.Transition != tt.trans || h.Failures != tt.fails {
				t.Errorf("got state %s transition %q failures %d, want %s %q %d", h.State, c.Transition, h.Failures, tt.state, tt.trans, tt.fails)
			}
			if !sameTime(h.NextProbe, tt.next) {
				t.Errorf("next probe %v, want %v", h.NextProbe, tt.next)
			}
			if !sameTime(c.RetryFailedSince, tt.retry) {
				t.Errorf("retry failed since %v, want %v", c.RetryFailedSince, tt.retry)
			}
			if c.Transition != TransitionNone && !h.Since.Equal(now) {
				t.Errorf("a transition sets since to now, got %v", h.Since)
			}
			if h.State == HealthActive && c.Transition == TransitionResume && (h.Failures != 0 || h.SuspendedAt != nil || h.NextProbe != nil) {
				t.Errorf("a resume clears the episode: %+v", h)
			}
		})
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func TestHealthPolicyValidateAndBackoff(t *testing.T) {
	for _, tt := range []struct {
		p      HealthPolicy
		target string
	}{
		{DefaultHealthPolicy, ""},
		{HealthPolicy{SuspendAfter: -1, MaxProbeInterval: time.Minute}, "healthPolicy.suspendAfter"},
		{HealthPolicy{SuspendAfter: 5, MaxProbeInterval: 0}, "healthPolicy.maxProbeInterval"},
		{HealthPolicy{SuspendAfter: 5, MaxProbeInterval: 48 * time.Hour}, "healthPolicy.maxProbeInterval"},
		{HealthPolicy{SuspendAfter: 5, MaxProbeInterval: time.Minute, RetryFailedWithin: -time.Second}, "healthPolicy.retryFailedWithin"},
	} {
		err := tt.p.Validate()
		if tt.target == "" {
			if err != nil {
				t.Errorf("%+v: %v", tt.p, err)
			}
			continue
		}
		if e, ok := err.(*Error); !ok || e.Target != tt.target || e.Kind != KindInvalid {
			t.Errorf("%+v: err %v, want 400 on %s", tt.p, err, tt.target)
		}
	}
	p := HealthPolicy{MaxProbeInterval: 10 * time.Second}
	var got []time.Duration
	for n := range 6 {
		got = append(got, p.ProbeBackoff(n))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("backoff %v, want %v", got, want)
		}
	}
}

func TestWaitingReason(t *testing.T) {
	h := SystemHealth{State: HealthSuspended, Since: time.Date(2026, 1, 2, 10, 42, 0, 0, time.UTC), Reason: "5 consecutive transient failures"}
	if got, want := h.WaitingReason("crm"), "waiting: crm is suspended since 2026-01-02 10:42:00 UTC after 5 consecutive transient failures"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if Active.WaitingReason("crm") != "" {
		t.Error("an active system makes nothing wait")
	}
}

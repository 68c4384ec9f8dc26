package entitled

import (
	"testing"
	"time"
)

// TestHealthReasonText: every reason Apply records reads back as its
// catalogue message with its values; another reason stays as it is.
func TestHealthReasonText(t *testing.T) {
	p := DefaultHealthPolicy
	now := time.Date(2026, 12, 6, 10, 42, 5, 0, time.UTC)
	suspended, _ := Active.Apply(p, HealthEvent{Kind: EventOutcomes, Failures: 5, Error: "503"}, now)
	paused, _ := suspended.Health.Apply(p, HealthEvent{Kind: EventPause, By: "ana@example.com"}, now)
	resumed, _ := paused.Health.Apply(p, HealthEvent{Kind: EventResume, By: "ana@example.com"}, now)
	probed, _ := suspended.Health.Apply(p, HealthEvent{Kind: EventProbe, Succeeded: true}, now)
	for _, c := range []struct {
		h        SystemHealth
		key, arg string
		value    any
	}{
		{suspended.Health, "health.reason.failures", "Count", 5},
		{paused.Health, "health.reason.pausedBy", "By", "ana@example.com"},
		{resumed.Health, "health.reason.resumedBy", "By", "ana@example.com"},
		{probed.Health, "health.reason.probeSucceeded", "", nil},
		{SystemHealth{State: HealthSuspended, Reason: "5 consecutive transient failures and more"}, "", "", nil},
		{SystemHealth{}, "", "", nil},
	} {
		got := c.h.ReasonText()
		if got.Message != c.h.Reason || got.Key != c.key || (c.arg != "" && got.Args[c.arg] != c.value) {
			t.Errorf("ReasonText of %q = %+v, want key %s with %s=%v", c.h.Reason, got, c.key, c.arg, c.value)
		}
	}
	w := paused.Health.WaitingText("crm")
	if w.Key != "health.waiting.paused" || w.Args["System"] != "crm" || w.Args["Since"] != now ||
		w.Message != "waiting: crm is paused since 2026-12-06 10:42:05 UTC (paused by ana@example.com)" {
		t.Errorf("WaitingText = %+v", w)
	}
	if w := Active.WaitingText("crm"); w.Message != "" || w.Key != "" {
		t.Errorf("an active system's WaitingText = %+v", w)
	}
}

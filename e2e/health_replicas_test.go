package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestTwoReplicasProbeOneAtATime runs two replicas on one PostgreSQL: the
// webhook target goes down, the system is suspended, and while it stays
// down the probes the target receives are spaced by the probe back-off
// (never two at once from two replicas); when it recovers, one probe
// resumes it and every request submitted on either replica is delivered.
func TestTwoReplicasProbeOneAtATime(t *testing.T) {
	const users = 40
	rw := newReplicaWorld(t, 2, nil, nil, "")
	w := rw.world
	w.admin.must(200, "PATCH", "/api/v1/systems/crm", map[string]any{
		"healthPolicy": map[string]any{"suspendAfter": 5, "maxProbeInterval": "PT2S"}})
	ids := createUsers(w.admin, "replica", users)

	w.target.fail("app-a", 503)
	w.target.fail("app-b", 503)
	requests := w.submitOver(func(i int) *client { return rw.on(w.admin, i%2) }, ids, 2*time.Second)
	waitFor(t, 30*time.Second, "crm suspended", func() bool { return systemHealth(rw.on(w.admin, 1), "crm")["state"] == "suspended" })

	// Both replicas see it; after every replica's health cache expired,
	// only probes reach the target.
	if h := systemHealth(rw.on(w.admin, 0), "crm"); h["state"] != "suspended" {
		t.Fatalf("replica 0 sees %v", h)
	}
	time.Sleep(3 * time.Second)
	watch := time.Now()
	time.Sleep(12 * time.Second)
	probes := w.target.receivedSince(watch)
	t.Logf("calls received in 12 s of suspension: %d", len(probes))
	if len(probes) < 3 || len(probes) > 8 {
		t.Errorf("%d calls in 12 s of suspension with probes every 2 s, want 3 to 8 (one prober)", len(probes))
	}
	for i := 1; i < len(probes); i++ {
		if gap := probes[i].Sub(probes[i-1]); gap < 1900*time.Millisecond {
			t.Errorf("two probes %s apart: two probers at once", gap)
		}
	}
	probed := 0
	for _, r := range rw.replicas {
		if strings.Contains(r.Logs(), "probe of a suspended system failed") {
			probed++
		}
	}
	t.Logf("replicas that probed: %d", probed)

	w.target.fail("app-a", 0)
	w.target.fail("app-b", 0)
	waitFor(t, 60*time.Second, "every request delivered", func() bool { return countDelivered(rw.on(w.admin, 1)) == users })
	if h := systemHealth(rw.on(w.admin, 0), "crm"); h["state"] != "active" {
		t.Errorf("after the recovery replica 0 sees %v", h)
	}
	resumed := 0
	for _, r := range rw.replicas {
		resumed += strings.Count(r.Logs(), "probe of a suspended system succeeded")
	}
	if resumed != 1 {
		t.Errorf("%d probes resumed the system, want 1", resumed)
	}
	if len(requests) != users {
		t.Fatalf("%d requests", len(requests))
	}
}

package e2e

import (
	"strings"
	"testing"
	"time"
)

// busy reports how many calls the target is answering right now.
func (tg *target) busy() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	n := 0
	for _, c := range tg.inFlight {
		n += c
	}
	return n
}

// TestSIGTERMLetsRunningDeliveriesFinish: with a target taking 3 s per
// call, a SIGTERM while the calls run stops fetching new work but lets them
// finish and be recorded; after a restart nothing is sent again.
func TestSIGTERMLetsRunningDeliveriesFinish(t *testing.T) {
	args := []string{"--shutdown-timeout", "20s", "--job-timeout", "10s", "--rescue-after", "15s"}
	w := newWorld(t, args, []string{"alice"}, "")
	w.target.delay = 3 * time.Second
	id := w.request("alice")
	waitFor(t, 20*time.Second, "the target answering the grants", func() bool { return w.target.busy() > 0 })
	stopped := time.Now()
	w.srv.stop()
	took := time.Since(stopped)
	logs := w.srv.Logs()
	if strings.Contains(logs, "interrupted by shutdown") {
		t.Errorf("running deliveries were interrupted by the SIGTERM (stopped after %s)", took)
	}
	if took < time.Second {
		t.Errorf("serve exited %s after SIGTERM, before the running calls (3 s each) could finish", took)
	}
	granted := len(w.target.grantedDeliveries())

	srv := startServer(t, w.db, args...)
	w.admin.base = srv.base
	w.admin.waitState(id, 30*time.Second, "delivered")
	if got := len(w.target.grantedDeliveries()); got != 2 {
		t.Errorf("%d deliveries granted, want 2", got)
	}
	for _, app := range []string{"app-a", "app-b"} {
		if n := w.target.count("grant", app, w.users["alice"]); n != 1 {
			t.Errorf("%s granted %d times, want once: a delivery that finished at shutdown was sent again", app, n)
		}
	}
	t.Logf("SIGTERM took %s; %d grants were done before the restart", took, granted)
}

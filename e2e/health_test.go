package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// systemHealth reads the health object of a connected system.
func systemHealth(c *client, name string) map[string]any {
	c.t.Helper()
	r := c.must(200, "GET", "/api/v1/systems/"+name, nil)
	h, _ := r.Body["health"].(map[string]any)
	if h == nil {
		c.t.Fatalf("system %s has no health: %s", name, r.Raw)
	}
	return h
}

// countDelivered counts the delivered requests.
func countDelivered(c *client) int {
	r := c.must(200, "GET", em+"/assignmentRequests?$filter="+urlq("state eq 'delivered'")+"&$top=1&$count=true", nil)
	n, _ := r.Body["@odata.count"].(float64)
	return int(n)
}

// get fetches a path without a token and returns its body.
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// createUsers creates n users through the API and returns their ids.
func createUsers(c *client, prefix string, n int) []string {
	ids := make([]string, n)
	inLanes(n, 4, func(i int) {
		ids[i] = c.must(201, "POST", "/v1.0/users", map[string]any{"userPrincipalName": fmt.Sprintf("%s%04d@example.com", prefix, i),
			"displayName": fmt.Sprintf("%s %d", prefix, i), "accountEnabled": true}).Str("id")
	})
	return ids
}

// submitOver submits one adminAdd per user, spread evenly over d, and
// returns the request ids.
func (w *world) submitOver(c func(i int) *client, users []string, d time.Duration) []string {
	ids := make([]string, len(users))
	start := time.Now()
	inLanes(len(users), 6, func(i int) {
		time.Sleep(time.Until(start.Add(d * time.Duration(i) / time.Duration(len(users)))))
		ids[i] = c(i).must(201, "POST", em+"/assignmentRequests", map[string]any{"requestType": "adminAdd",
			"assignment": map[string]any{"targetId": users[i], "accessPackageId": w.pkg, "assignmentPolicyId": w.policy}}).Str("id")
	})
	return ids
}

// TestTargetOutageWaitsInsteadOfFailing is issue 10's goal against a real
// `entitled serve` and a real webhook target: the target answers 503 for
// 20 s while 300 requests (600 deliveries) are submitted over those 20 s.
// entitled suspends the system after 5 failures, probes it, and resumes it
// when it recovers: every request ends delivered without any reprocess
// call, the target sees the first failures and the probes only (at most
// 60 calls), and the deliveries that failed for good before the suspension
// (retry.maxAttempts is 1 here) run again on the resume.
func TestTargetOutageWaitsInsteadOfFailing(t *testing.T) {
	const users, outage = 300, 20 * time.Second
	w := newWorld(t, nil, nil, "")
	w.admin.must(200, "PATCH", "/api/v1/systems/crm", map[string]any{
		"retry":        map[string]any{"maxAttempts": 1},
		"healthPolicy": map[string]any{"suspendAfter": 5, "maxProbeInterval": "PT2S"}})
	ids := createUsers(w.admin, "outage", users)

	down := time.Now()
	w.target.fail("app-a", 503)
	w.target.fail("app-b", 503)
	var requests []string
	submitted := make(chan struct{})
	go func() {
		defer close(submitted)
		requests = w.submitOver(func(int) *client { return w.admin }, ids, outage)
	}()

	// During the outage: the system is suspended, deliveries wait and say
	// why, /healthz and /metrics show it.
	waitFor(t, outage, "crm suspended", func() bool { return systemHealth(w.admin, "crm")["state"] == "suspended" })
	time.Sleep(3 * time.Second)
	h := systemHealth(w.admin, "crm")
	if r, _ := h["reason"].(string); !strings.HasSuffix(r, " consecutive transient failures") || h["since"] == nil {
		t.Errorf("health during the outage: %v", h)
	}
	if n, _ := h["waitingDeliveries"].(float64); n < 1 {
		t.Errorf("no waiting deliveries during the outage: %v", h)
	}
	last := w.admin.must(200, "GET", em+"/assignmentRequests?$filter="+urlq("state eq 'delivering'")+"&$top=1", nil).Values()
	if len(last) != 1 {
		t.Errorf("no request is delivering during the outage")
	} else {
		ds := w.admin.must(200, "GET", "/api/v1/assignmentRequests/"+last[0]["id"].(string)+"/deliveries", nil).Values()
		for _, d := range ds {
			if wt, _ := d["waiting"].(string); d["status"] == "pending" && !strings.HasPrefix(wt, "waiting: crm is suspended since ") {
				t.Errorf("a delivery waits without saying why: %v", d)
			}
		}
	}
	if body := get(t, w.srv.base+"/healthz"); !strings.Contains(body, `"name":"crm","state":"suspended"`) {
		t.Errorf("/healthz does not name the suspended system: %s", body)
	}
	if body := get(t, w.srv.base+"/metrics"); !strings.Contains(body, `entitled_system_health{state="suspended",system="crm"} 1`) {
		t.Errorf("/metrics lacks entitled_system_health for crm suspended")
	}

	<-submitted
	time.Sleep(time.Until(down.Add(outage)))
	during := len(w.target.receivedSince(down))
	w.target.fail("app-a", 0)
	w.target.fail("app-b", 0)
	up := time.Now()
	waitFor(t, 60*time.Second, "all requests delivered after the recovery", func() bool { return countDelivered(w.admin) == users })
	took := time.Since(up)
	t.Logf("outage %s, %d requests submitted during it: the target saw %d calls during the outage; all delivered %s after it recovered",
		outage, len(requests), during, took.Round(100*time.Millisecond))
	if during > 60 {
		t.Errorf("the target saw %d calls during the outage, want at most 60 (the first failures and the probes)", during)
	}
	if took > 30*time.Second {
		t.Errorf("all delivered %s after the recovery, want within 30s", took)
	}
	if got := len(w.target.grantedDeliveries()); got != 2*users {
		t.Errorf("%d deliveries granted, want %d", got, 2*users)
	}
	if h := systemHealth(w.admin, "crm"); h["state"] != "active" {
		t.Errorf("after the recovery: %v", h)
	}
	audit := w.admin.must(200, "GET", "/v1.0/auditLogs/directoryAudits?$filter="+urlq("activityDisplayName eq 'Suspend connected system'"), nil).Values()
	if len(audit) != 1 {
		t.Errorf("%d suspensions audited, want 1", len(audit))
	}
	if !strings.Contains(w.srv.Logs(), "probe of a suspended system succeeded") {
		t.Errorf("no probe resumed the system")
	}
}

// TestPausedSystemDeliveriesWait: an administrator pauses a system; a
// request's deliveries to it wait — pending, no attempt spent, no call to
// the target, the reason shown — also across a restart, and run as soon as
// it is resumed (the resume wakes them: they do not sleep out their
// 5-minute snooze).
func TestPausedSystemDeliveriesWait(t *testing.T) {
	w := newWorld(t, nil, []string{"alice"}, "")
	w.admin.must(200, "POST", "/api/v1/systems/crm/pause", nil)
	before := len(w.target.receivedSince(time.Time{}))
	id := w.request("alice")
	waitFor(t, 10*time.Second, "the deliveries seen waiting", func() bool {
		ds := w.admin.must(200, "GET", "/api/v1/assignmentRequests/"+id+"/deliveries", nil).Values()
		return len(ds) == 2 && strings.HasPrefix(fmt.Sprint(ds[0]["waiting"]), "waiting: crm is paused since ") &&
			strings.Contains(w.srv.Logs(), "deliveries wait: their system is not active")
	})
	time.Sleep(2 * time.Second)
	for _, d := range w.admin.must(200, "GET", "/api/v1/assignmentRequests/"+id+"/deliveries", nil).Values() {
		if d["status"] != "pending" || d["attempts"] != float64(0) {
			t.Errorf("a delivery to a paused system: %v", d)
		}
	}
	if n := len(w.target.receivedSince(time.Time{})) - before; n != 0 {
		t.Errorf("the target received %d calls while the system was paused", n)
	}
	if h := systemHealth(w.admin, "crm"); h["state"] != "paused" || h["waitingDeliveries"] != float64(2) || h["pausedBy"] != "admin@example.com" {
		t.Errorf("health while paused: %v", h)
	}
	// A restart keeps the pause and the waiting deliveries.
	w.srv.stop()
	w.srv = startServer(t, w.db)
	w.admin.base = w.srv.base
	time.Sleep(time.Second)
	if h := systemHealth(w.admin, "crm"); h["state"] != "paused" || h["waitingDeliveries"] != float64(2) {
		t.Errorf("health after a restart: %v", h)
	}
	if n := len(w.target.receivedSince(time.Time{})) - before; n != 0 {
		t.Errorf("the target received %d calls after the restart", n)
	}
	resumed := time.Now()
	w.admin.must(200, "POST", "/api/v1/systems/crm/resume", nil)
	w.admin.waitState(id, 30*time.Second, "delivered")
	t.Logf("delivered %s after the resume", time.Since(resumed).Round(10*time.Millisecond))
}

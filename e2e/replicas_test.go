package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/pgtest"
)

// replicaWorld is a world whose database is a throwaway PostgreSQL shared by
// several `entitled serve` replicas.
type replicaWorld struct {
	*world
	pg       *pgtest.Server
	args     []string
	replicas []*server
}

// newReplicaWorld starts PostgreSQL, creates the administrator with the CLI,
// starts n replicas on the database and builds the scenario of newWorld
// (the named users, a catalog with a webhook system of two resources, a
// package and a policy, approved by approver when set) through replica 0.
func newReplicaWorld(t *testing.T, n int, serveArgs []string, names []string, approver string) *replicaWorld {
	t.Helper()
	pg := pgtest.StartWith(t, pgtest.Options{Settings: []string{"max_connections=300"}})
	return newReplicaWorldOn(t, pg, pg.CreateDatabase("entitled"), n, serveArgs, names, approver)
}

// newReplicaWorldOn is newReplicaWorld on the database db of pg (reached
// directly or through a pooler).
func newReplicaWorldOn(t *testing.T, pg *pgtest.Server, db string, n int, serveArgs []string, names []string, approver string) *replicaWorld {
	t.Helper()
	cli(t, "admin", "create", "--db", db, "--upn", "admin@example.com", "--display-name", "Admin")
	rw := &replicaWorld{pg: pg, args: serveArgs,
		world: &world{db: db, users: map[string]string{}, clients: map[string]*client{}}}
	for range n {
		rw.replicas = append(rw.replicas, startServer(t, db, serveArgs...))
	}
	w := rw.world
	w.srv = rw.replicas[0]
	w.admin = &client{t: t, base: w.srv.base, token: tokenFor(t, db, "admin@example.com")}
	w.populate(t, names, approver)
	return rw
}

// assignSpread creates n users named after prefix and an adminAdd request
// of the world's package for each, spread over the replicas in turn and
// sent six at a time; it returns the users' and the requests' ids.
func (rw *replicaWorld) assignSpread(prefix string, n int) (users, requests []string) {
	w, k := rw.world, len(rw.replicas)
	users = make([]string, n)
	for i := range users {
		u := rw.on(w.admin, i%k).must(201, "POST", "/v1.0/users", map[string]any{
			"userPrincipalName": fmt.Sprintf("%s%04d@example.com", prefix, i), "displayName": fmt.Sprintf("%s %d", prefix, i), "accountEnabled": true})
		users[i] = u.Str("id")
	}
	requests = make([]string, n)
	inLanes(n, 6, func(i int) {
		r := rw.on(w.admin, i%k).must(201, "POST", em+"/assignmentRequests", map[string]any{
			"requestType": "adminAdd",
			"assignment":  map[string]any{"targetId": users[i], "accessPackageId": w.pkg, "assignmentPolicyId": w.policy}})
		requests[i] = r.Str("id")
	})
	return users, requests
}

// on returns a copy of c that calls replica i.
func (rw *replicaWorld) on(c *client, i int) *client {
	cc := *c
	cc.base = rw.replicas[i].base
	return &cc
}

// TestReplicasCrashMidDelivery runs three replicas on one PostgreSQL, spreads
// 300 adminAdd requests (600 webhook deliveries) over them, kills one with
// SIGKILL while deliveries run, and checks that the others finish its work:
// every request delivered, every delivery granted at the target, none sent
// twice at the same time. The killed replica then starts again and rejoins.
func TestReplicasCrashMidDelivery(t *testing.T) {
	const users, replicas = 300, 3 // × 2 resources = 600 deliveries
	args := []string{"--rescue-after", "3s", "--job-timeout", "2s", "--workers", "4"}
	rw := newReplicaWorld(t, replicas, args, nil, "")
	w := rw.world
	w.target.delay = 40 * time.Millisecond
	w.target.hold(t, 400) // the rest wait until after the kill, however fast the machine

	ids, requests := rw.assignSpread("replica", users)

	waitFor(t, 60*time.Second, "100 grants before the kill", func() bool { return len(w.target.grantedDeliveries()) >= 100 })
	victim := rw.replicas[0]
	waitFor(t, 60*time.Second, "deliveries waiting at the target", func() bool { return w.target.heldCalls() > 0 })
	victim.kill()
	before := len(w.target.grantedDeliveries())
	w.target.release()
	if before >= 2*users {
		t.Fatalf("all deliveries finished before the kill (%d); nothing was tested", before)
	}
	t.Logf("replica 0 killed with %d of %d deliveries granted", before, 2*users)
	if !strings.Contains(victim.Logs(), "delivery attempt succeeded") {
		t.Fatalf("the killed replica had delivered nothing; it did not share the work:\n%s", tail(victim.Logs(), 30))
	}

	// The surviving replicas serve the API and finish the work, the killed
	// replica's running jobs included once --rescue-after passes.
	admin := rw.on(w.admin, 1)
	countDelivered := func(c *client) int {
		r := c.must(200, "GET", em+"/assignmentRequests?$filter="+urlq("state eq 'delivered'")+"&$top=1&$count=true", nil)
		n, _ := r.Body["@odata.count"].(float64)
		return int(n)
	}
	waitFor(t, 120*time.Second, "every request delivered by the surviving replicas", func() bool {
		return countDelivered(admin) == users
	})
	wantDeliveredOnce(t, w, users, "kill", requests, func(i int) *client { return rw.on(w.admin, 1+i%(replicas-1)) })
	if n := w.target.count("grant", "app-a", ids[0]) + w.target.count("grant", "app-b", ids[0]); n < 2 {
		t.Errorf("user 0 received %d grants, want both resources", n)
	}

	// The killed replica starts again on the same database and sees the
	// same state.
	rw.replicas[0] = startServer(t, w.db, args...)
	if n := countDelivered(rw.on(w.admin, 0)); n != users {
		t.Errorf("the restarted replica sees %d delivered requests, want %d", n, users)
	}
}

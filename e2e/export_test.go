package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/pgtest"
)

// TestExportImportToPostgres moves a SQLite installation to PostgreSQL with
// `entitled export` and `entitled import` while work is unfinished (a request
// pending approval, one whose deliveries were cut off by a crash) and
// checks that `entitled serve` on PostgreSQL finishes it, with the same
// users, tokens and history.
func TestExportImportToPostgres(t *testing.T) {
	w := newWorld(t, []string{"--job-timeout", "5s", "--rescue-after", "10s"}, []string{"alice", "bob", "carol", "dave"}, "bob")
	w.target.delay = time.Second // long enough to kill the server mid-delivery
	done := w.request("alice")
	w.approve("bob", done)
	w.admin.waitState(done, 30*time.Second, "delivered")
	pending := w.request("dave")

	// carol's deliveries are running at the target when the process dies.
	cut := w.request("carol")
	w.approve("bob", cut)
	waitFor(t, 10*time.Second, "carol's deliveries to reach the target", func() bool {
		w.target.mu.Lock()
		defer w.target.mu.Unlock()
		n := 0
		for _, c := range w.target.inFlight {
			n += c
		}
		return n > 0
	})
	w.srv.kill()

	file := filepath.Join(t.TempDir(), "entitled.jsonl")
	cli(t, "export", "--db", w.db, "--out", file)
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v, want mode 0600", fi, err)
	}
	raw, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(raw), `{"table":"users","row":{`) || !strings.Contains(string(raw), `{"table":"audit_events"`) {
		t.Fatalf("export does not look like JSON lines of rows: %.200s", raw)
	}

	pg := pgtest.Start(t)
	db := pg.CreateDatabase("moved")
	var stderr bytes.Buffer
	imp := exec.Command(binary, "import", "--db", db, "--in", file)
	imp.Stderr = &stderr
	if err := imp.Run(); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "deliver 2") || !strings.Contains(stderr.String(), "approval_timeout 1") {
		t.Errorf("import summary does not show the re-created jobs: %s", stderr.String())
	}
	// A second import into the same database is refused.
	again := exec.Command(binary, "import", "--db", db, "--in", file)
	out, err := again.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "empty database") {
		t.Errorf("import into a non-empty database: %v %s", err, out)
	}

	srv := startServer(t, db, "--job-timeout", "5s", "--rescue-after", "10s")
	for _, c := range append([]*client{w.admin}, w.clients["bob"], w.clients["carol"]) {
		c.base = srv.base // the tokens moved with the data
	}
	w.admin.waitState(cut, 30*time.Second, "delivered")
	if r := w.admin.must(200, "GET", em+"/assignmentRequests/"+done, nil); r.Str("state") != "delivered" {
		t.Errorf("alice's request after the move: %s", r.Raw)
	}
	w.clients["dave"].base = srv.base
	w.approve("bob", pending)
	w.admin.waitState(pending, 30*time.Second, "delivered")
	for _, u := range []string{"alice", "carol", "dave"} {
		for _, app := range []string{"app-a", "app-b"} {
			if w.target.count("grant", app, w.users[u]) < 1 {
				t.Errorf("%s has no grant of %s", u, app)
			}
		}
	}
	audits := w.admin.must(200, "GET", "/v1.0/auditLogs/directoryAudits?$filter="+
		urlq("targetResources/any(t: t/id eq '"+done+"')"), nil).Values()
	if len(audits) < 3 {
		t.Errorf("alice's request has %d audit events after the move", len(audits))
	}
}

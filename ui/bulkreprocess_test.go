package ui_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestBulkReprocessFromSystemAndPackage: a connected system's page offers
// "Reprocess N failed requests" behind a confirmation; the progress page
// shows the operation, its refused requests and its end. A package's
// Requests tab reprocesses all that match its filter the same way.
func TestBulkReprocessFromSystemAndPackage(t *testing.T) {
	w := newWorld(t)
	path := w.systemPath("crm")
	a := w.request("alice", w.wiki, w.wikiPolicy)
	r := w.request("rea", w.wiki, w.wikiPolicy)
	w.failDeliveries(a)
	w.failDeliveries(r)

	admin := w.signIn("admin")
	admin.get(path).see(t, 200, `id="reprocess-failed">Reprocess 2 failed requests</button>`, `id="confirm-reprocess" name="confirm" required`)
	admin.submit(path+"/reprocess", nil).see(t, 400, "Tick the confirmation")
	p := admin.submit(path+"/reprocess", url.Values{"confirm": {"on"}})
	if p.status != 303 || !strings.HasPrefix(p.location, "/operations/") {
		t.Fatalf("reprocess: %d to %q", p.status, p.location)
	}
	opID := strings.TrimPrefix(p.location, "/operations/")
	admin.get(p.location).see(t, 200, `data-status="running"`, `<progress id="op-progress" max="2" value="0">`, `id="refresh"`)
	w.must(w.services.Operations.RunOperation(context.Background(), opID))
	admin.get(p.location).see(t, 200, `data-status="succeeded"`, "2 of 2 requests worked: 2 reprocessed, 0 refused")
	for _, id := range []string{a, r} {
		if st := w.state(id); st != entitled.StateDelivering {
			t.Fatalf("request %s is %s", id, st)
		}
	}
	// Nothing failed is left: the button is gone.
	admin.get(path).see(t, 200)
	if strings.Contains(admin.get(path).body, `id="reprocess-failed"`) {
		t.Error("the system page still offers a reprocess")
	}

	// The package's Requests tab, as its catalog's assignment manager:
	// delivering requests are nothing to reprocess (no bulk button); once
	// they failed again, "Reprocess all 2 that match" takes both.
	mia := w.signIn("mia")
	tab := "/governance/packages/" + w.wiki + "/requests"
	if strings.Contains(mia.get(tab+"?state=delivering").body, `id="reprocess-all"`) {
		t.Error("the bulk reprocess is offered for requests being delivered")
	}
	w.failDeliveries(a)
	w.failDeliveries(r)
	mia.get(tab).see(t, 200, `id="reprocess-all">Reprocess all 2 that match</button>`)
	p = mia.submit(tab+"/reprocess-all", url.Values{"confirm": {"on"}, "state": {"attention"}})
	if p.status != 303 || !strings.HasPrefix(p.location, "/operations/") {
		t.Fatalf("reprocess all: %d to %q", p.status, p.location)
	}
	w.must(w.services.Operations.RunOperation(context.Background(), strings.TrimPrefix(p.location, "/operations/")))
	mia.get(p.location).see(t, 200, "2 of 2 requests worked: 2 reprocessed, 0 refused")
	// Another user's operation is not found; a reader may not start one.
	mia.get("/operations/"+opID).see(t, 404)
	rea := w.signIn("rea")
	rea.get("/").see(t, 200)
	rea.submit(tab+"/reprocess-all", url.Values{"confirm": {"on"}}).see(t, 403)
}

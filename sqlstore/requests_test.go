package sqlstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestRequestVisibility(t *testing.T) {
	f := newLC(t)
	ra := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	rb := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	// Read one.
	if _, err := f.s.Requests.Request(f.as(f.alice), ra.ID); err != nil {
		t.Fatal(err)
	}
	wantKind(t, func() error { _, err := f.s.Requests.Request(f.as(f.alice), rb.ID); return err }(), entitled.KindNotFound)
	if _, err := f.s.Requests.Request(f.as(f.reader), rb.ID); err != nil {
		t.Fatalf("catalog reader: %v", err)
	}
	_, err := f.s.Requests.Request(context.Background(), ra.ID)
	wantKind(t, err, entitled.KindUnauthorized)
	// Lists.
	ids := func(ctx context.Context, q entitled.RequestQuery) []string {
		t.Helper()
		p, err := f.s.Requests.Requests(ctx, q)
		mustOK(t, err)
		out := []string{}
		for _, r := range p.Items {
			out = append(out, r.ID)
		}
		return out
	}
	if got := ids(f.as(f.alice), entitled.RequestQuery{}); len(got) != 1 || got[0] != ra.ID {
		t.Fatalf("alice sees %v", got)
	}
	if got := ids(f.as(f.approver), entitled.RequestQuery{}); len(got) != 0 {
		t.Fatalf("an unrelated user sees %v", got)
	}
	if got := ids(f.as(f.reader), entitled.RequestQuery{}); len(got) != 2 {
		t.Fatalf("catalog reader sees %v", got)
	}
	if got := ids(f.as(f.admin), entitled.RequestQuery{FilterByCurrentUser: "createdBy"}); len(got) != 1 || got[0] != rb.ID {
		t.Fatalf("admin createdBy %v", got)
	}
	if got := ids(f.as(f.bob), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget}); len(got) != 1 || got[0] != rb.ID {
		t.Fatalf("bob target %v", got)
	}
	_, err = f.s.Requests.Requests(f.as(f.bob), entitled.RequestQuery{FilterByCurrentUser: "owner"})
	wantKind(t, err, entitled.KindInvalid)
	// Deliveries: the target and viewers, nobody else.
	if len(f.deliveriesAs(f.alice, ra.ID)) != 2 || len(f.deliveriesAs(f.reader, ra.ID)) != 2 {
		t.Fatal("deliveries not visible to target or reader")
	}
	_, err = f.s.Requests.Deliveries(f.as(f.bob), ra.ID)
	wantKind(t, err, entitled.KindNotFound)
	// Assignments.
	ap, err := f.s.Assignments.Assignments(f.as(f.alice), entitled.AssignmentQuery{})
	mustOK(t, err)
	if len(ap.Items) != 1 || ap.Items[0].ID != ra.AssignmentID {
		t.Fatalf("alice's assignments %+v", ap.Items)
	}
	ap, err = f.s.Assignments.Assignments(f.as(f.reader), entitled.AssignmentQuery{})
	mustOK(t, err)
	if len(ap.Items) != 2 {
		t.Fatalf("reader's assignments %d", len(ap.Items))
	}
	ap, err = f.s.Assignments.Assignments(f.as(f.reader), entitled.AssignmentQuery{FilterByCurrentUser: entitled.OnTarget})
	mustOK(t, err)
	if len(ap.Items) != 0 {
		t.Fatalf("reader's own assignments %d", len(ap.Items))
	}
	_, err = f.s.Assignments.Assignment(f.as(f.alice), rb.AssignmentID)
	wantKind(t, err, entitled.KindNotFound)
}

func (f *lc) deliveriesAs(u *entitled.User, requestID string) []entitled.Delivery {
	f.t.Helper()
	ds, err := f.s.Requests.Deliveries(f.as(u), requestID)
	f.must(err)
	return ds
}

func TestRequestFiltersAndPaging(t *testing.T) {
	f := newLC(t)
	var all []*entitled.AssignmentRequest
	for i := 0; i < 5; i++ {
		u := f.user(fmt.Sprintf("user%d@example.com", i))
		all = append(all, f.mustAdd(entitled.RequestAdminAdd, f.policy, u))
	}
	f.deliverAll(func(_ int, j entitled.Job) error {
		if j.RequestID == all[0].ID {
			return entitled.PermanentErrorf("no")
		}
		return nil
	})
	list := func(opt entitled.ListOptions) entitled.Page[entitled.AssignmentRequest] {
		t.Helper()
		p, err := f.s.Requests.Requests(f.as(f.admin), entitled.RequestQuery{ListOptions: opt})
		mustOK(t, err)
		return p
	}
	if p := list(entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "state", Value: "DELIVERYFAILED"}}); len(p.Items) != 1 ||
		p.Items[0].ID != all[0].ID {
		t.Fatalf("state filter: %+v", p.Items)
	}
	if p := list(entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "target/id", Value: all[2].TargetID}}); len(p.Items) != 1 ||
		p.Items[0].ID != all[2].ID {
		t.Fatalf("target filter: %+v", p.Items)
	}
	if p := list(entitled.ListOptions{Filter: entitled.Logical{Op: "and",
		Left:  entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: f.pkg},
		Right: entitled.Compare{Op: "ge", Property: "completedDateTime", Value: f.now.Add(-time.Minute)}}}); len(p.Items) != 5 {
		t.Fatalf("package+completed filter: %d", len(p.Items))
	}
	if p := list(entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "status", Value: "Delivered"}}); len(p.Items) != 4 {
		t.Fatalf("status filter: %d", len(p.Items))
	}
	_, err := f.s.Requests.Requests(f.as(f.admin), entitled.RequestQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.Compare{Op: "eq", Property: "state", Value: "nope"}}})
	wantKind(t, err, entitled.KindInvalid)
	_, err = f.s.Requests.Requests(f.as(f.admin), entitled.RequestQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.Compare{Op: "eq", Property: "secret", Value: "x"}}})
	wantKind(t, err, entitled.KindInvalid)
	// The count alone: the same number as a page's count, and no page.
	for _, c := range []struct {
		filter entitled.Expr
		want   int
	}{
		{entitled.Compare{Op: "eq", Property: "status", Value: "Delivered"}, 4},
		{entitled.Compare{Op: "eq", Property: "state", Value: "deliveryFailed"}, 1},
		{entitled.Compare{Op: "eq", Property: "state", Value: "canceled"}, 0},
	} {
		p, err := f.s.Requests.Requests(f.as(f.admin), entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: c.filter, Count: true}, CountOnly: true})
		mustOK(t, err)
		if p.Count == nil || *p.Count != c.want || len(p.Items) != 0 || p.NextSkipToken != "" {
			t.Fatalf("count only of %+v: %+v, want %d and no items", c.filter, p, c.want)
		}
	}
	// Keyset paging over every request.
	seen, _ := pageThrough(t, entitled.ListOptions{Top: 2, Count: true}, func(opt entitled.ListOptions) (entitled.Page[entitled.AssignmentRequest], error) {
		return list(opt), nil
	})
	if len(seen) != 5 {
		t.Fatalf("paged %d requests", len(seen))
	}
	for i, r := range all {
		if seen[i].ID != r.ID {
			t.Fatalf("page order: %v", seen)
		}
	}
	// Assignments filter.
	ap, err := f.s.Assignments.Assignments(f.as(f.admin), entitled.AssignmentQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.Compare{Op: "eq", Property: "state", Value: "delivered"}, Count: true}})
	mustOK(t, err)
	if len(ap.Items) != 4 || *ap.Count != 4 {
		t.Fatalf("delivered assignments %d", len(ap.Items))
	}
}

// BenchmarkSubmitAndDeliver measures auto-approved requests end to end
// (submit, then load and record both deliveries) on SQLite.
func BenchmarkSubmitAndDeliver(b *testing.B) {
	f := newLCB(b)
	users := make([]string, b.N)
	ts := fmtTime(f.now)
	for i := range users {
		users[i] = newID()
		f.exec(`INSERT INTO users (id, user_principal_name, upn_key, display_name, created_at) VALUES (?,?,?,?,?)`,
			users[i], users[i]+"@example.com", users[i]+"@example.com", "u", ts)
	}
	ctx := f.as(f.admin)
	bg := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AssignmentPolicyID: f.policy, TargetID: users[i]}
		if err := f.s.Requests.SubmitRequest(ctx, r); err != nil {
			b.Fatal(err)
		}
		q := testQueue(f.s)
		q.mu.Lock()
		jobs := q.jobs
		q.jobs = nil
		q.mu.Unlock()
		for _, j := range jobs {
			if _, err := f.s.Deliveries.DeliveryWork(bg, j.DeliveryID, j.Run); err != nil {
				b.Fatal(err)
			}
			if err := f.s.Deliveries.RecordDeliveryOutcome(bg, entitled.DeliveryOutcome{DeliveryID: j.DeliveryID, Run: j.Run, Final: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

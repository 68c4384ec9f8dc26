package sqlstore

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/entitled-dev/entitled"
)

// wantRequestCounts fails the test unless request_counts holds, per
// package and state, exactly the number of requests: the triggers of
// migration 00027 keep it. It runs at the end of every lifecycle test, so
// every path that creates, moves or deletes a request is checked.
func wantRequestCounts(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.tExec(`SELECT 1 FROM request_counts WHERE 1 = 0`); err != nil {
		return // a migration test left the schema before 00027
	}
	counts := func(q string) map[string]int {
		rows, err := db.tQuery(q)
		if err != nil {
			t.Errorf("request counts: %v", err)
			return nil
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var pkg, state string
			var n int
			if err := rows.Scan(&pkg, &state, &n); err != nil {
				t.Errorf("request counts: %v", err)
				return nil
			}
			if n != 0 {
				out[pkg+" "+state] = n
			}
		}
		return out
	}
	rows := counts(`SELECT access_package_id, state, count(*) FROM assignment_requests GROUP BY access_package_id, state`)
	tally := counts(`SELECT access_package_id, state, sum(n) FROM request_counts GROUP BY access_package_id, state`)
	if !reflect.DeepEqual(rows, tally) {
		t.Errorf("request_counts %v, the requests themselves %v", tally, rows)
	}
}

func TestTallyOf(t *testing.T) {
	st := func(v string) entitled.Expr { return entitled.Compare{Op: "eq", Property: "state", Value: v} }
	pk := func(v string) entitled.Expr {
		return entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: v}
	}
	and := func(l, r entitled.Expr) entitled.Expr { return entitled.Logical{Op: "and", Left: l, Right: r} }
	or := func(l, r entitled.Expr) entitled.Expr { return entitled.Logical{Op: "or", Left: l, Right: r} }
	for _, c := range []struct {
		name   string
		filter entitled.Expr
		want   requestTally
		ok     bool
	}{
		{"no filter", nil, requestTally{}, true},
		{"one state", st("delivered"), requestTally{states: []string{"delivered"}}, true},
		{"states in", entitled.In{Property: "state", Values: []any{"a", "b"}}, requestTally{states: []string{"a", "b"}}, true},
		{"one package", pk("p"), requestTally{packages: []string{"p"}}, true},
		{"property case", entitled.Compare{Op: "eq", Property: "AccessPackage/Id", Value: "p"}, requestTally{packages: []string{"p"}}, true},
		{"package and state", and(pk("p"), st("s")), requestTally{packages: []string{"p"}, states: []string{"s"}}, true},
		{"two states anded keep what both allow", and(st("a"), entitled.In{Property: "state", Values: []any{"a", "b"}}), requestTally{states: []string{"a"}}, true},
		{"two different states anded match nothing", and(st("a"), st("b")), requestTally{states: []string{}}, true},
		{"state or state", or(st("a"), st("b")), requestTally{states: []string{"a", "b"}}, true},
		{"package or package", or(pk("p"), pk("q")), requestTally{packages: []string{"p", "q"}}, true},
		{"or across properties", or(pk("p"), st("s")), requestTally{}, false},
		{"ne", entitled.Compare{Op: "ne", Property: "state", Value: "a"}, requestTally{}, false},
		{"not", entitled.Not{X: st("a")}, requestTally{}, false},
		{"other property", entitled.Compare{Op: "eq", Property: "target/id", Value: "u"}, requestTally{}, false},
		{"and with another property", and(pk("p"), entitled.Compare{Op: "eq", Property: "status", Value: "Delivered"}), requestTally{}, false},
		{"tolower", entitled.Compare{Op: "eq", Property: "state", Value: "a", Case: "tolower"}, requestTally{}, false},
		{"not a string", entitled.Compare{Op: "eq", Property: "state", Value: 1.0}, requestTally{}, false},
		{"function", entitled.Call{Func: "startswith", Property: "state", Value: "d"}, requestTally{}, false},
	} {
		got, ok := tallyOf(c.filter)
		if ok != c.ok || (ok && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%s: tallyOf = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestPinnedBy(t *testing.T) {
	pk := func(v string) entitled.Expr {
		return entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: v}
	}
	st := func(v string) entitled.Expr { return entitled.Compare{Op: "eq", Property: "state", Value: v} }
	and := func(l, r entitled.Expr) entitled.Expr { return entitled.Logical{Op: "and", Left: l, Right: r} }
	since := entitled.Compare{Op: "ge", Property: "completedDateTime", Value: "2026-01-01T00:00:00Z"}
	failed := entitled.Logical{Op: "or", Left: st("deliveryFailed"), Right: st("partiallyDelivered")}
	for _, c := range []struct {
		filter entitled.Expr
		want   requestTally
	}{
		{nil, requestTally{}},
		{pk("p"), requestTally{packages: []string{"p"}}},
		{and(pk("p"), since), requestTally{packages: []string{"p"}}},
		{and(since, entitled.In{Property: "accessPackage/id", Values: []any{"p", "q"}}), requestTally{packages: []string{"p", "q"}}},
		// The Needs attention view of the UI's Requests tab.
		{and(pk("p"), and(failed, since)), requestTally{packages: []string{"p"}, states: []string{"deliveryFailed", "partiallyDelivered"}}},
		{entitled.Logical{Op: "or", Left: pk("p"), Right: since}, requestTally{}},
		{since, requestTally{}},
	} {
		if got := pinnedBy(c.filter); !reflect.DeepEqual(got, c.want) {
			t.Errorf("pinnedBy(%+v) = %+v, want %+v", c.filter, got, c.want)
		}
	}
}

// TestRequestCountsAgreeWithRows counts requests by every filter a tally
// serves and by some it does not, for callers who see everything, a
// catalog, or only their own, and compares each with the rows.
func TestRequestCountsAgreeWithRows(t *testing.T) {
	f := newLC(t)
	var all []*entitled.AssignmentRequest
	for i := 0; i < 6; i++ {
		all = append(all, f.mustAdd(entitled.RequestAdminAdd, f.policy, f.user(fmt.Sprintf("count%d@example.com", i))))
	}
	f.deliverAll(func(_ int, j entitled.Job) error {
		if j.RequestID == all[0].ID || j.RequestID == all[1].ID {
			return entitled.PermanentErrorf("no")
		}
		return nil
	})
	mine := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	other := f.otherPackage()
	f.mustAdd(entitled.RequestAdminAdd, f.newPolicy(func(p *entitled.AssignmentPolicy) { p.AccessPackageID = other }), f.bob)

	rows := func(where string, args ...any) int {
		return f.count(`SELECT COUNT(*) FROM assignment_requests`+where, args...)
	}
	st := func(v string) entitled.Expr { return entitled.Compare{Op: "eq", Property: "state", Value: v} }
	pk := func(v string) entitled.Expr {
		return entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: v}
	}
	for _, c := range []struct {
		name   string
		who    *entitled.User
		filter entitled.Expr
		want   int
	}{
		{"everything", f.admin, nil, rows("")},
		{"delivered", f.admin, st("delivered"), rows(" WHERE state = 'delivered'")},
		{"failed or delivering", f.admin, entitled.In{Property: "state", Values: []any{"deliveryFailed", "delivering"}},
			rows(" WHERE state IN ('deliveryFailed', 'delivering')")},
		{"one package", f.admin, pk(f.pkg), rows(" WHERE access_package_id = ?", f.pkg)},
		{"the other package, delivered", f.admin, entitled.Logical{Op: "and", Left: pk(other), Right: st("delivered")},
			rows(" WHERE access_package_id = ? AND state = 'delivered'", other)},
		{"an unknown package", f.admin, pk("nope"), 0},
		{"status (rows)", f.admin, entitled.Compare{Op: "eq", Property: "status", Value: "Delivered"}, rows(" WHERE status = 'Delivered'")},
		{"catalog reader, one package", f.reader, pk(f.pkg), rows(" WHERE access_package_id = ?", f.pkg)},
		{"alice, one package: hers only", f.alice, pk(f.pkg), rows(" WHERE access_package_id = ? AND target_id = ?", f.pkg, f.alice.ID)},
		{"alice, everything: hers only", f.alice, nil, 1},
	} {
		p, err := f.s.Requests.Requests(f.as(c.who), entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: c.filter, Count: true}, CountOnly: true})
		mustOK(t, err)
		if p.Count == nil || *p.Count != c.want {
			t.Errorf("%s: count %v, want %d", c.name, p.Count, c.want)
		}
		// A page's count is the same number.
		p, err = f.s.Requests.Requests(f.as(c.who), entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: c.filter, Count: true, Top: 1}})
		mustOK(t, err)
		if p.Count == nil || *p.Count != c.want {
			t.Errorf("%s: page count %v, want %d", c.name, p.Count, c.want)
		}
	}
	// The Needs attention view: a package's few failed requests, read on
	// SQLite through the (package, state) index (pagePlan), in id order.
	attention := entitled.Logical{Op: "and", Left: pk(f.pkg), Right: entitled.Logical{Op: "or", Left: st("deliveryFailed"), Right: st("partiallyDelivered")}}
	want := f.column(`SELECT id FROM assignment_requests WHERE access_package_id = ? AND state IN ('deliveryFailed', 'partiallyDelivered') ORDER BY id`, f.pkg)
	seen, _ := pageThrough(t, entitled.ListOptions{Top: 1, Filter: attention, Count: true}, func(opt entitled.ListOptions) (entitled.Page[entitled.AssignmentRequest], error) {
		return f.s.Requests.Requests(f.as(f.admin), entitled.RequestQuery{ListOptions: opt})
	})
	if len(want) != 2 || len(seen) != len(want) || seen[0].ID != want[0] || seen[1].ID != want[1] {
		t.Errorf("attention pages %v, want %v", seen, want)
	}
	if rows(" WHERE target_id = ?", f.alice.ID) != 1 || mine.TargetID != f.alice.ID {
		t.Fatal("fixture: alice should have one request")
	}
	// Deleting a request takes it out of the count.
	f.exec(`DELETE FROM deliveries WHERE request_id = ?`, all[0].ID)
	f.exec(`DELETE FROM assignment_requests WHERE id = ?`, all[0].ID)
}

// TestCompactRequestCounts folds the counters of a closed PostgreSQL
// connection into shard 0 without changing any count.
func TestCompactRequestCounts(t *testing.T) {
	f := newLC(t)
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	if f.s.db.Dialect != DialectPostgres {
		n, err := f.s.Requests.CompactRequestCounts(f.sys)
		mustOK(t, err)
		if n != 0 || f.count(`SELECT COUNT(*) FROM request_counts WHERE shard <> 0`) != 0 {
			t.Fatalf("SQLite counts in shard 0 only; compaction folded %d", n)
		}
		return
	}
	// Connections that no longer exist counted the request (pids are
	// positive: a negative shard is no live connection's).
	f.exec(`UPDATE request_counts SET shard = -shard WHERE shard > 0`)
	if f.count(`SELECT COUNT(*) FROM request_counts WHERE shard < 0`) == 0 {
		t.Fatal("fixture: no counter row moved to a closed connection")
	}
	sum := func() int { return f.count(`SELECT coalesce(sum(n), 0) FROM request_counts`) }
	before := sum()
	n, err := f.s.Requests.CompactRequestCounts(f.sys)
	mustOK(t, err)
	if n == 0 || f.count(`SELECT COUNT(*) FROM request_counts WHERE shard <> 0`) != 0 {
		t.Fatalf("folded %d rows; the dead connection's rows remain", n)
	}
	if sum() != before {
		t.Fatalf("compaction changed the total from %d to %d", before, sum())
	}
}

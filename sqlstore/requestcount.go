package sqlstore

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
)

// requestTally is what a count of requests can read from request_counts
// (migration 00027) instead of counting rows: the packages and states a
// filter pins, nil for "any".
type requestTally struct {
	packages, states []string
}

// tallyOf reduces a $filter to a tally; ok is false when the filter says
// anything else than "these packages and these states" (another property,
// a function, ne, not, an or across two properties), and the count must
// read the rows.
func tallyOf(e entitled.Expr) (requestTally, bool) {
	switch x := e.(type) {
	case nil:
		return requestTally{}, true
	case entitled.Compare:
		if x.Op != "eq" {
			return requestTally{}, false
		}
		return tallyOn(x.Property, x.Case, []any{x.Value})
	case entitled.In:
		return tallyOn(x.Property, x.Case, x.Values)
	case entitled.Logical:
		l, ok := tallyOf(x.Left)
		if !ok {
			return requestTally{}, false
		}
		r, ok := tallyOf(x.Right)
		if !ok {
			return requestTally{}, false
		}
		if x.Op == "and" {
			return requestTally{packages: both(l.packages, r.packages), states: both(l.states, r.states)}, true
		}
		// An or is a tally only on one property: state eq 'a' or state eq 'b'.
		switch {
		case l.packages == nil && r.packages == nil && l.states != nil && r.states != nil:
			return requestTally{states: append(append([]string{}, l.states...), r.states...)}, true
		case l.states == nil && r.states == nil && l.packages != nil && r.packages != nil:
			return requestTally{packages: append(append([]string{}, l.packages...), r.packages...)}, true
		}
	}
	return requestTally{}, false
}

// tallyOn is the tally of one property compared with values, when the
// property is a tallied one and every value a plain string.
func tallyOn(property, fold string, values []any) (requestTally, bool) {
	if fold != "" {
		return requestTally{}, false
	}
	strs := make([]string, 0, len(values))
	for _, v := range values {
		s, ok := v.(string)
		if !ok {
			return requestTally{}, false
		}
		strs = append(strs, s)
	}
	switch strings.ToLower(property) {
	case "state":
		return requestTally{states: strs}, true
	case "accesspackage/id":
		return requestTally{packages: strs}, true
	}
	return requestTally{}, false
}

// both is what two pins of one property allow together: nil is "any";
// two lists keep the values in both (an empty list matches nothing).
func both(a, b []string) []string {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := []string{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// count reads the tally's count from request_counts: the sum over its
// packages, states and shards.
func (c requestTally) count(ctx context.Context, t *tx) (int, error) {
	var conds []string
	var args []any
	for _, pin := range []struct {
		col    string
		values []string
	}{{"access_package_id", c.packages}, {"state", c.states}} {
		if pin.values == nil {
			continue
		}
		if len(pin.values) == 0 {
			return 0, nil
		}
		conds = append(conds, pin.col+" IN ("+inList(len(pin.values))+")")
		for _, v := range pin.values {
			args = append(args, v)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var n int
	err := t.queryRow(ctx, `SELECT coalesce(sum(n), 0) FROM request_counts`+where, args...).Scan(&n)
	return n, err
}

// CompactRequestCounts folds the counters of closed PostgreSQL connections
// into shard 0, so a count sums a few rows per package and state however
// long the server runs; it returns how many rows it folded. SQLite counts
// in shard 0 only: there it does nothing. A periodic job calls it.
func (s *RequestService) CompactRequestCounts(ctx context.Context) (int, error) {
	if s.db.Dialect != DialectPostgres {
		return 0, nil
	}
	var folded int
	err := s.db.changeUnlocked(ctx, func(t *tx) error {
		return t.queryRow(ctx, `WITH gone AS (
    DELETE FROM request_counts
    WHERE shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity)
    RETURNING access_package_id, state, n
), folded AS (
    INSERT INTO request_counts (access_package_id, state, shard, n)
    SELECT access_package_id, state, 0, sum(n) FROM gone
    GROUP BY access_package_id, state ORDER BY access_package_id, state
    ON CONFLICT (access_package_id, state, shard) DO UPDATE SET n = request_counts.n + excluded.n
)
SELECT count(*) FROM gone`).Scan(&folded)
	})
	return folded, err
}

// pinnedBy returns the packages and states a $filter's top-level "and"
// terms pin the requests to (accessPackage/id or state, eq or in, or an or
// of one of them): nil for what no term pins.
func pinnedBy(e entitled.Expr) requestTally {
	if x, ok := e.(entitled.Logical); ok && x.Op == "and" {
		l, r := pinnedBy(x.Left), pinnedBy(x.Right)
		return requestTally{packages: both(l.packages, r.packages), states: both(l.states, r.states)}
	}
	if tally, ok := tallyOf(e); ok && e != nil {
		return tally
	}
	return requestTally{}
}

// fewByState is how many requests a page filtered by package and state may
// match for SQLite to read them through the (package, state) index and
// sort them, rather than walk the package's requests in id order until the
// page is full (pagePlan).
const fewByState = 10000

// pagePlan returns what follows FROM in a page of requests: on SQLite,
// when the filter pins packages and states whose requests are few (by
// request_counts), the (package, state) index. SQLite keeps no statistics
// here, so it prefers the index that gives the id order, and walks a
// million requests of a package to find the eight that failed; PostgreSQL
// chooses from its statistics.
func pagePlan(ctx context.Context, t *tx, filter entitled.Expr) (string, error) {
	const table = "assignment_requests"
	pin := pinnedBy(filter)
	if t.db.Dialect != DialectSQLite || len(pin.packages) == 0 || len(pin.states) == 0 {
		return table, nil
	}
	n, err := pin.count(ctx, t)
	if err != nil || n > fewByState {
		return table, err
	}
	return table + " INDEXED BY assignment_requests_package_state", nil
}

// seesPinnedPackages reports whether the actor may view every request of
// the packages the filter pins (canSeeRequest through the catalog): then
// no condition of visibility needs adding, and counts and pages of one
// package read its index alone.
func seesPinnedPackages(ctx context.Context, t *tx, a *entitled.Actor, filter entitled.Expr) (bool, error) {
	if a.Can(entitled.OpViewRequests, "") {
		return true, nil // sees every catalog's requests: nothing to load
	}
	ids := pinnedBy(filter).packages
	if len(ids) == 0 {
		return false, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// One row per pinned package that exists: an unknown one leaves the
	// condition of visibility in place (and matches nothing anyway).
	cats, err := idList(ctx, t, `SELECT catalog_id FROM access_packages WHERE id IN (`+inList(len(ids))+`)`, args...)
	if err != nil || len(cats) < len(uniqueSorted(ids)) {
		return false, err
	}
	for _, c := range cats {
		if !a.Can(entitled.OpViewRequests, c) {
			return false, nil
		}
	}
	return true, nil
}

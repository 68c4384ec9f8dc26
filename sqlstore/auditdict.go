package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The audit log's dictionaries (migration 00029): what repeats from event
// to event is stored once and named by a small integer. audit_kinds holds
// an event's activity, operation type, result, target type and catalog,
// and its snapshots when they are a lone request state (sharedSnapshot);
// audit_actors who initiated it. A dictionary row is inserted once (INSERT
// … ON CONFLICT DO NOTHING on the UNIQUE of its content) and never changes
// nor goes: a key once made names the same content for ever, so each
// process keeps the content → key map it has seen (auditCache), and a
// cache miss reads the key or inserts the row. The view audit_events joins
// the events back with their dictionaries.

// auditContent is the content of a dictionary row, in its columns' order
// (an actor uses the first three).
type auditContent [7]string

// auditDictionary is one dictionary table and its content columns.
type auditDictionary struct {
	table string
	cols  []bulkColumn
}

var (
	auditKinds = auditDictionary{table: "audit_kinds", cols: textColumns("activity_display_name", "operation_type",
		"result", "target_type", "catalog_id", "before_state", "after_state")}
	auditActors = auditDictionary{table: "audit_actors", cols: textColumns("initiated_by_id", "initiated_by_upn",
		"initiated_by_name")}
)

// auditCacheLimit bounds each dictionary's cache: past it the cache starts
// again empty (a miss only costs a read).
const auditCacheLimit = 100_000

// auditKeys is a process's cache of one dictionary: content → key, of
// committed rows only (a transaction's new keys join it once it commits).
type auditKeys struct {
	mu  sync.RWMutex
	ids map[auditContent]int64
}

// get returns the cached key of k.
func (c *auditKeys) get(k auditContent) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.ids[k]
	return id, ok
}

// keep caches committed keys.
func (c *auditKeys) keep(made map[auditContent]int64) {
	if len(made) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil || len(c.ids)+len(made) > auditCacheLimit {
		c.ids = make(map[auditContent]int64, len(made))
	}
	for k, id := range made {
		c.ids[k] = id
	}
}

// auditCache is a DB's cache of the audit dictionaries.
type auditCache struct {
	kinds, actors auditKeys
}

// auditMade are the dictionary keys a transaction read or made that the
// cache does not hold yet: its own inserts are not committed, so they join
// the cache only when the transaction commits (auditCommitted).
type auditMade struct {
	kinds, actors map[auditContent]int64
}

// auditCommitted caches the keys the committed transaction t learnt.
func (t *tx) auditCommitted() {
	t.db.audit.kinds.keep(t.auditMade.kinds)
	t.db.audit.actors.keep(t.auditMade.actors)
	t.auditMade = auditMade{}
}

// keysOf returns the key of each content of keys in the dictionary: from
// the cache, from what the transaction already learnt (made), else read
// or inserted: one read of every miss, one insert of those not found, and
// a read of the rows another transaction inserted meanwhile.
func (d auditDictionary) keysOf(ctx context.Context, t *tx, cache *auditKeys, made *map[auditContent]int64, keys []auditContent) ([]int64, error) {
	out := make([]int64, len(keys))
	var miss []auditContent
	for i, k := range keys {
		if id, ok := cache.get(k); ok {
			out[i] = id
		} else if id, ok := (*made)[k]; ok {
			out[i] = id
		} else if !slices.Contains(miss, k) {
			miss = append(miss, k)
		}
	}
	if len(miss) == 0 {
		return out, nil
	}
	if *made == nil {
		*made = map[auditContent]int64{}
	}
	// A stable order: two transactions inserting the same new rows take
	// their locks (PostgreSQL's unique index) in the same order.
	slices.SortFunc(miss, func(a, b auditContent) int { return slices.Compare(a[:], b[:]) })
	for _, insert := range []bool{false, true, false} {
		var left []auditContent
		for _, k := range miss {
			if _, ok := (*made)[k]; !ok {
				left = append(left, k)
			}
		}
		if len(left) == 0 {
			break
		}
		if err := d.run(ctx, t, left, *made, insert); err != nil {
			return nil, fmt.Errorf("%s: %w", d.table, err)
		}
	}
	for i, k := range keys {
		if out[i] != 0 {
			continue
		}
		id, ok := (*made)[k]
		if !ok {
			return nil, fmt.Errorf("%s: row %q neither found nor stored", d.table, k[:len(d.cols)])
		}
		out[i] = id
	}
	return out, nil
}

// run looks up (or, with insert, inserts unless an equal row exists) the
// rows of keys, and reads the key of each row found (or inserted) into
// found.
func (d auditDictionary) run(ctx context.Context, t *tx, keys []auditContent, found map[auditContent]int64, insert bool) error {
	n := len(d.cols)
	args := make([]any, 0, len(keys)*n)
	for _, k := range keys {
		for _, v := range k[:n] {
			args = append(args, v)
		}
	}
	scan := func(rows *sql.Rows) error {
		for rows.Next() {
			var k auditContent
			var id int64
			dest := []any{&id}
			for i := range n {
				dest = append(dest, &k[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			found[k] = id
		}
		return nil
	}
	names := make([]string, n)
	match := make([]string, n)
	for i, c := range d.cols {
		names[i] = c.name
		match[i] = "d." + c.name + " = v." + c.name
	}
	if insert {
		return newInsert(d.table, d.cols, "ON CONFLICT DO NOTHING RETURNING id, "+strings.Join(names, ", ")).run(ctx, t, args, scan)
	}
	return chunks(len(keys), func(lo, hi int) error {
		src, sargs, err := t.db.rowsSource(d.cols, args[lo*n:hi*n])
		if err != nil {
			return err
		}
		q := `WITH v(` + strings.Join(names, ", ") + `) AS (` + src + `) SELECT d.id, d.` + strings.Join(names, ", d.") +
			` FROM ` + d.table + ` d JOIN v ON ` + strings.Join(match, " AND ")
		return t.runRaw(ctx, q, sargs, scan)
	})
}

package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// deliveryTargetLookup finds the stored targets among keys in one query
// (a batch of deliveries names a few: one per resource role of its
// packages) and returns their ids; a target not stored yet is absent.
func (t *tx) deliveryTargetLookup(ctx context.Context, keys []deliveryTarget) (map[deliveryTarget]int64, error) {
	found := map[deliveryTarget]int64{}
	err := chunks(len(keys), func(lo, hi int) error {
		var args []any
		for _, k := range keys[lo:hi] {
			args = append(args, k.matchArgs()...)
		}
		src, args, err := t.db.rowsSource(textColumns("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"), args)
		if err != nil {
			return err
		}
		rows, err := t.bulkQuery(ctx, `WITH v(v1, v2, v3, v4, v5, v6, v7, v8) AS (`+src+`)
			SELECT d.id, d.resource_id, d.role_id, d.resource_role_scope_id, d.resource_display_name, d.resource_origin_id,
			d.resource_origin_system, d.role_display_name, d.role_origin_id
			FROM v JOIN delivery_targets d ON d.resource_id = v.v1 AND d.role_id = v.v2 AND d.resource_role_scope_id = v.v3
			AND d.resource_display_name = v.v4 AND d.resource_origin_id = v.v5 AND d.resource_origin_system = v.v6
			AND d.role_display_name = v.v7 AND d.role_origin_id = v.v8`, args...)
		if err != nil {
			return fmt.Errorf("find delivery targets: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var k deliveryTarget
			if err := rows.Scan(&id, &k.resource.ID, &k.role.ID, &k.scopeID, &k.resource.DisplayName, &k.resource.OriginID,
				&k.resource.OriginSystem, &k.role.DisplayName, &k.role.OriginID); err != nil {
				return err
			}
			found[k] = id
		}
		return rows.Err()
	})
	return found, err
}

// distinctTargets returns the targets of ds, each once, in order.
func distinctTargets(ds []entitled.Delivery) []deliveryTarget {
	seen := map[deliveryTarget]bool{}
	var out []deliveryTarget
	for i := range ds {
		if k := targetOf(&ds[i]); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

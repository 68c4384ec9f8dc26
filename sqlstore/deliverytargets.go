package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/entitled-dev/entitled"
)

// Delivery targets: what a delivery grants or revokes (its resource role
// scope, resource and role, with the names and origins they had when the
// delivery was made), stored once for every delivery of the same snapshot
// and named by a small integer (migration 00023). A target row never
// changes: a resource or role renamed later gets a new row, and the
// deliveries made before keep theirs, so a removed resource can still be
// revoked and what was granted stays provable.

// deliveryTarget is the content of a delivery_targets row.
type deliveryTarget struct {
	scopeID  string
	resource entitled.ResourceRef
	role     entitled.ResourceRoleRef
}

// targetOf is the target of a delivery.
func targetOf(d *entitled.Delivery) deliveryTarget {
	return deliveryTarget{scopeID: d.ResourceRoleScopeID, resource: d.Resource, role: d.Role}
}

// fill copies the target into a delivery.
func (k deliveryTarget) fill(d *entitled.Delivery) {
	d.ResourceRoleScopeID, d.Resource, d.Role = k.scopeID, k.resource, k.role
}

// deliveryTargetMatch finds a target by its whole content (the UNIQUE
// index), with the arguments of matchArgs.
const deliveryTargetMatch = `resource_id = ? AND role_id = ? AND resource_role_scope_id = ? AND resource_display_name = ?
	AND resource_origin_id = ? AND resource_origin_system = ? AND role_display_name = ? AND role_origin_id = ?`

func (k deliveryTarget) matchArgs() []any {
	return []any{k.resource.ID, k.role.ID, k.scopeID, k.resource.DisplayName, k.resource.OriginID,
		k.resource.OriginSystem, k.role.DisplayName, k.role.OriginID}
}

// deliveryTargetInsert stores a target unless an equal one exists; the
// columns are those of matchArgs, in its order.
const deliveryTargetInsert = `INSERT INTO delivery_targets (resource_id, role_id, resource_role_scope_id,
	resource_display_name, resource_origin_id, resource_origin_system, role_display_name, role_origin_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`

// deliveryTargetIDs returns the target id of each delivery, storing the
// targets not stored yet: one lookup per distinct target, and an insert
// for a new one.
func (t *tx) deliveryTargetIDs(ctx context.Context, ds []entitled.Delivery) ([]int64, error) {
	known := map[deliveryTarget]int64{}
	out := make([]int64, len(ds))
	for i := range ds {
		k := targetOf(&ds[i])
		id, ok := known[k]
		if !ok {
			var err error
			if id, err = t.deliveryTargetID(ctx, k); err != nil {
				return nil, err
			}
			known[k] = id
		}
		out[i] = id
	}
	return out, nil
}

// deliveryTargetID returns the id of a target, storing it when it is new.
// Two transactions storing the same new target meet on the UNIQUE index:
// the second inserts nothing and then finds the first's row.
func (t *tx) deliveryTargetID(ctx context.Context, k deliveryTarget) (int64, error) {
	for range 2 {
		var id int64
		err := t.queryRow(ctx, `SELECT id FROM delivery_targets WHERE `+deliveryTargetMatch, k.matchArgs()...).Scan(&id)
		if !errors.Is(err, sql.ErrNoRows) {
			return id, err
		}
		err = t.queryRow(ctx, deliveryTargetInsert, k.matchArgs()...).Scan(&id)
		if !errors.Is(err, sql.ErrNoRows) {
			return id, err
		}
	}
	return 0, fmt.Errorf("delivery target of resource %s role %s: neither found nor stored", k.resource.ID, k.role.ID)
}

// deliveryTargets loads targets by id.
func (t *tx) deliveryTargets(ctx context.Context, ids []int64) (map[int64]deliveryTarget, error) {
	out := map[int64]deliveryTarget{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.query(ctx, `SELECT id, resource_role_scope_id, resource_id, resource_display_name, resource_origin_id,
		resource_origin_system, role_id, role_display_name, role_origin_id FROM delivery_targets WHERE id IN (`+inList(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load delivery targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k deliveryTarget
		if err := rows.Scan(&id, &k.scopeID, &k.resource.ID, &k.resource.DisplayName, &k.resource.OriginID,
			&k.resource.OriginSystem, &k.role.ID, &k.role.DisplayName, &k.role.OriginID); err != nil {
			return nil, err
		}
		out[id] = k
	}
	return out, rows.Err()
}

// resetDeliveryTargetIDs makes PostgreSQL's next target id follow the
// largest stored, after an import wrote ids of its own.
func (t *tx) resetDeliveryTargetIDs(ctx context.Context) error {
	if t.db.Dialect != DialectPostgres {
		return nil // SQLite takes the largest rowid + 1
	}
	_, err := t.exec(ctx, `SELECT setval(pg_get_serial_sequence('delivery_targets', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
		FROM delivery_targets`)
	return err
}

// importOldDelivery turns a delivery row of an export made before
// migration 00023 (the snapshot in the row) into one naming its target,
// which it stores as the migration does for the rows already stored.
func (t *tx) importOldDelivery(ctx context.Context, row map[string]any) error {
	if _, old := row["resource_id"]; !old {
		return nil
	}
	text := func(c string) string {
		s, _ := row[c].(string)
		delete(row, c)
		return s
	}
	k := deliveryTarget{scopeID: text("resource_role_scope_id"),
		resource: entitled.ResourceRef{ID: text("resource_id"), DisplayName: text("resource_display_name"),
			OriginID: text("resource_origin_id"), OriginSystem: text("resource_origin_system")},
		role: entitled.ResourceRoleRef{ID: text("role_id"), DisplayName: text("role_display_name"), OriginID: text("role_origin_id")}}
	id, err := t.deliveryTargetID(ctx, k)
	if err != nil {
		return err
	}
	row["target_id"] = json.Number(strconv.FormatInt(id, 10))
	return nil
}

package sqlstore

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// renamedDeliveries makes requests of alice and bob, renames the first
// scope's resource and role, and makes one of the manager: the deliveries
// of its first scope then hold the new names, the others the old.
func renamedDeliveries(f *lc) map[string][]entitled.Delivery {
	f.t.Helper()
	a := f.mustAddDelivered(entitled.RequestUserAdd, f.policy, f.alice)
	b := f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob) // left pending
	f.newDeliverJobs()
	f.exec(`UPDATE resources SET display_name = 'crm users (renamed)' WHERE id = (SELECT resource_id FROM resource_role_scopes WHERE id = ?)`, f.scopes[0])
	f.exec(`UPDATE resource_roles SET display_name = 'Member (renamed)' WHERE id = (SELECT resource_role_id FROM resource_role_scopes WHERE id = ?)`, f.scopes[0])
	m := f.mustAddDelivered(entitled.RequestUserAdd, f.policy, f.manager)
	out := map[string][]entitled.Delivery{}
	for _, r := range []*entitled.AssignmentRequest{a, b, m} {
		out[r.ID] = f.deliveries(r.ID)
	}
	return out
}

// TestDeliveryTargetsAreStoredOnce: deliveries of the same resource role
// share one target row; a rename makes a new one, and the deliveries made
// before keep the names they were made with.
func TestDeliveryTargetsAreStoredOnce(t *testing.T) {
	f := newLC(t)
	ds := renamedDeliveries(f)
	if n := f.count(`SELECT COUNT(*) FROM deliveries`); n != 3*len(f.scopes) {
		t.Fatalf("%d deliveries, want %d", n, 3*len(f.scopes))
	}
	if n := f.count(`SELECT COUNT(*) FROM delivery_targets`); n != len(f.scopes)+1 {
		t.Fatalf("%d delivery targets, want one per scope and one for the renamed scope: %d", n, len(f.scopes)+1)
	}
	var old, renamed int
	for _, list := range ds {
		for _, d := range list {
			if d.ResourceRoleScopeID != f.scopes[0] {
				continue
			}
			switch {
			case d.Resource.DisplayName == "crm users" && d.Role.DisplayName == "Member":
				old++
			case d.Resource.DisplayName == "crm users (renamed)" && d.Role.DisplayName == "Member (renamed)":
				renamed++
			default:
				t.Errorf("delivery %s: resource %q role %q", d.ID, d.Resource.DisplayName, d.Role.DisplayName)
			}
			if d.Resource.OriginID != "crm-users" || d.Resource.OriginSystem != "crm" || d.Role.OriginID != "Member" {
				t.Errorf("delivery %s: origins %+v %+v", d.ID, d.Resource, d.Role)
			}
		}
	}
	if old != 2 || renamed != 1 {
		t.Fatalf("first scope: %d deliveries with the old names, %d with the new; want 2 and 1", old, renamed)
	}
}

// TestDeliveryTargetsMigration: migration 00023 moves the snapshots of
// existing deliveries into delivery_targets and back down, every delivery
// keeping its own (those made before a rename too).
func TestDeliveryTargetsMigration(t *testing.T) {
	f := newLC(t)
	want := renamedDeliveries(f)
	p, err := f.s.db.schemaMigrations()
	mustOK(t, err)
	ctx := context.Background()
	if _, err := p.DownTo(ctx, 22); err != nil {
		t.Fatal(err)
	}
	// The previous schema: the snapshot in each row.
	for _, list := range want {
		for _, d := range list {
			var res, role string
			mustOK(t, f.s.db.tQueryRow(`SELECT resource_display_name, role_display_name FROM deliveries WHERE id = ?`, d.ID).Scan(&res, &role))
			if res != d.Resource.DisplayName || role != d.Role.DisplayName {
				t.Fatalf("schema 22: delivery %s holds %q %q, want %q %q", d.ID, res, role, d.Resource.DisplayName, d.Role.DisplayName)
			}
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	for id, list := range want {
		if got := f.deliveries(id); !reflect.DeepEqual(got, list) {
			t.Fatalf("request %s after the migration:\n got %+v\nwant %+v", id, got, list)
		}
	}
	if n := f.count(`SELECT COUNT(*) FROM delivery_targets`); n != len(f.scopes)+1 {
		t.Fatalf("%d delivery targets after the migration, want %d", n, len(f.scopes)+1)
	}
}

// TestImportOldDeliveries: an export made before delivery_targets existed
// (each delivery row with its snapshot) imports with the same deliveries.
func TestImportOldDeliveries(t *testing.T) {
	ctx := context.Background()
	src := openSQLiteStore(t, "source.db")
	f := setupLC(t, src, entitled.NewContext(ctx, entitled.SystemActor))
	want := renamedDeliveries(f)
	targets := map[string]map[string]any{}
	old := rewriteExport(t, exportOf(t, src), func(l *ExportLine) bool {
		switch l.Table {
		case "delivery_targets":
			targets[string(mustJSON(t, l.Row["id"]))] = l.Row
			return false
		case "deliveries":
			k := targets[string(mustJSON(t, l.Row["target_id"]))]
			if k == nil {
				t.Fatalf("delivery %v: no target %v in the export", l.Row["id"], l.Row["target_id"])
			}
			for c, v := range k {
				if c != "id" {
					l.Row[c] = v
				}
			}
			delete(l.Row, "target_id")
		}
		return true
	})
	dst := importNew(t, old)
	for id, list := range want {
		got, err := dst.Requests.Deliveries(entitled.NewContext(ctx, entitled.SystemActor), id)
		mustOK(t, err)
		if !reflect.DeepEqual(got, list) {
			t.Fatalf("request %s after the import:\n got %+v\nwant %+v", id, got, list)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	mustOK(t, err)
	return b
}

// TestImportedDeliveryTargetIDsGoOn: after an import wrote target ids of
// its own, a new target gets an id beyond them (PostgreSQL's identity
// sequence is moved past the imported ids).
func TestImportedDeliveryTargetIDsGoOn(t *testing.T) {
	ctx := context.Background()
	src := openSQLiteStore(t, "source.db")
	f := setupLC(t, src, entitled.NewContext(ctx, entitled.SystemActor))
	renamedDeliveries(f)
	dst := importNew(t, strings.NewReader(exportOf(t, src)))
	var max, id int64
	mustOK(t, dst.db.tQueryRow(`SELECT MAX(id) FROM delivery_targets`).Scan(&max))
	mustOK(t, dst.db.change(ctx, func(tx *tx) (err error) {
		id, err = tx.deliveryTargetID(ctx, deliveryTarget{scopeID: "s", resource: entitled.ResourceRef{ID: "r"}, role: entitled.ResourceRoleRef{ID: "o"}})
		return err
	}))
	if id <= max {
		t.Fatalf("new target id %d, want one above the imported %d", id, max)
	}
}

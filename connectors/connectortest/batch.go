package connectortest

import (
	"context"
	"testing"

	"github.com/entitled-dev/entitled"
)

// BatchTarget is a batch connector with several grantable roles.
type BatchTarget struct {
	Connector entitled.BatchConnector
	// Grants are at least two grants of existing roles to existing
	// subjects, none held yet.
	Grants []entitled.Grant
	// Holds reports whether g's subject holds g's role in the target now.
	Holds func(t *testing.T, g entitled.Grant) bool
	// Unknown is a grant naming a subject or resource the target lacks.
	Unknown entitled.Grant
}

// RunBatch checks ApplyBatch: one result per change in order, a failing
// change does not stop the others, and grants and revokes in a batch are
// idempotent.
func RunBatch(t *testing.T, newTarget func(t *testing.T) BatchTarget) {
	ctx := context.Background()
	t.Run("OneFailureDoesNotStopTheRest", func(t *testing.T) {
		tg := newTarget(t)
		if len(tg.Grants) < 2 {
			t.Fatalf("the target has %d grants, need at least 2", len(tg.Grants))
		}
		changes := []entitled.Change{{Action: entitled.ActionGrant, Grant: tg.Grants[0]}, {Action: entitled.ActionGrant, Grant: tg.Unknown}}
		for _, g := range tg.Grants[1:] {
			changes = append(changes, entitled.Change{Action: entitled.ActionGrant, Grant: g})
		}
		errs := tg.Connector.ApplyBatch(ctx, changes)
		if len(errs) != len(changes) {
			t.Fatalf("ApplyBatch of %d changes returned %d results", len(changes), len(errs))
		}
		WantClass(t, "the unknown change", errs[1], entitled.Permanent, nil)
		for i, err := range errs {
			if i != 1 && err != nil {
				t.Errorf("change %d: %v", i, err)
			}
		}
		for _, g := range tg.Grants {
			if !tg.Holds(t, g) {
				t.Errorf("grant %s/%s not held after the batch", g.Resource.OriginID, g.Subject.PrincipalName)
			}
		}
	})
	t.Run("BatchIsIdempotent", func(t *testing.T) {
		tg := newTarget(t)
		var grants, revokes []entitled.Change
		for _, g := range tg.Grants {
			grants = append(grants, entitled.Change{Action: entitled.ActionGrant, Grant: g}, entitled.Change{Action: entitled.ActionGrant, Grant: g})
			revokes = append(revokes, entitled.Change{Action: entitled.ActionRevoke, Grant: g}, entitled.Change{Action: entitled.ActionRevoke, Grant: g})
		}
		for _, step := range []struct {
			name    string
			changes []entitled.Change
			held    bool
		}{{"grant twice", grants, true}, {"grant again", grants, true}, {"revoke twice", revokes, false}, {"revoke again", revokes, false}} {
			errs := tg.Connector.ApplyBatch(ctx, step.changes)
			if len(errs) != len(step.changes) {
				t.Fatalf("%s: %d results for %d changes", step.name, len(errs), len(step.changes))
			}
			for i, err := range errs {
				if err != nil {
					t.Errorf("%s, change %d: %v", step.name, i, err)
				}
			}
			for _, g := range tg.Grants {
				if tg.Holds(t, g) != step.held {
					t.Errorf("%s: held = %v, want %v", step.name, !step.held, step.held)
				}
			}
		}
		if errs := tg.Connector.ApplyBatch(ctx, nil); len(errs) != 0 {
			t.Errorf("empty batch returned %d results", len(errs))
		}
	})
}

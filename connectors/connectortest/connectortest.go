// Package connectortest is the conformance suite every connector kind
// passes: grants and revokes are idempotent, errors are classified, and
// Describe lists the role being granted.
package connectortest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
)

// Target is one connector under test with a real target behind it.
type Target struct {
	// Connector is the connector under test.
	Connector entitled.Connector
	// Grant is a grant of an existing role to an existing subject, not yet held.
	Grant entitled.Grant
	// Holds reports whether the subject holds the role in the target now.
	Holds func(t *testing.T) bool
	// Unknown is a grant naming a subject or resource the target does not
	// know; the connector must fail it permanently.
	Unknown entitled.Grant
}

// Run runs the suite; newTarget returns a fresh target for each test.
func Run(t *testing.T, newTarget func(t *testing.T) Target) {
	ctx := context.Background()
	t.Run("GrantIsIdempotent", func(t *testing.T) {
		tg := newTarget(t)
		for i := 1; i <= 2; i++ {
			if err := tg.Connector.Grant(ctx, tg.Grant); err != nil {
				t.Fatalf("grant %d: %v", i, err)
			}
		}
		if !tg.Holds(t) {
			t.Fatal("the subject does not hold the role after Grant")
		}
	})
	t.Run("RevokeIsIdempotent", func(t *testing.T) {
		tg := newTarget(t)
		if err := tg.Connector.Grant(ctx, tg.Grant); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 2; i++ {
			if err := tg.Connector.Revoke(ctx, tg.Grant); err != nil {
				t.Fatalf("revoke %d: %v", i, err)
			}
		}
		if tg.Holds(t) {
			t.Fatal("the subject still holds the role after Revoke")
		}
	})
	t.Run("RevokeNotHeldSucceeds", func(t *testing.T) {
		tg := newTarget(t)
		mustSucceed(t, "revoke of a role not held", tg.Connector.Revoke(ctx, tg.Grant))
	})
	t.Run("UnknownIsPermanent", func(t *testing.T) {
		tg := newTarget(t)
		for name, op := range map[string]func(context.Context, entitled.Grant) error{"grant": tg.Connector.Grant, "revoke": tg.Connector.Revoke} {
			err := op(ctx, tg.Unknown)
			var de *entitled.DeliveryError
			if !errors.As(err, &de) || de.Class != entitled.Permanent || de.Message == "" {
				t.Errorf("%s of an unknown subject or resource: %v, want a permanent error with a message", name, err)
			}
		}
	})
	t.Run("CanceledIsTransient", func(t *testing.T) {
		tg := newTarget(t)
		c, cancel := context.WithCancel(ctx)
		cancel()
		err := tg.Connector.Grant(c, tg.Grant)
		if err == nil {
			// A connector may finish before looking at ctx; it must then have granted.
			if !tg.Holds(t) {
				t.Fatal("Grant returned nil without granting")
			}
			return
		}
		if entitled.ClassOf(err) != entitled.Transient {
			t.Fatalf("canceled grant: %v, want transient", err)
		}
	})
	t.Run("DescribeListsRole", func(t *testing.T) {
		tg := newTarget(t)
		info, err := tg.Connector.Describe(ctx, tg.Grant.Resource.OriginID)
		if err != nil {
			t.Fatal(err)
		}
		if info.OriginID != tg.Grant.Resource.OriginID || info.DisplayName == "" {
			t.Fatalf("Describe = %+v", info)
		}
		if !slices.ContainsFunc(info.Roles, func(r entitled.ResourceRoleRef) bool { return r.OriginID == tg.Grant.Role.OriginID }) {
			t.Fatalf("Describe roles %+v lack %q", info.Roles, tg.Grant.Role.OriginID)
		}
	})
}

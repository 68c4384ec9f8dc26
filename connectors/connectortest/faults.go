package connectortest

import (
	"context"
	"testing"

	"github.com/entitled-dev/entitled"
)

// FaultTarget is a connector whose real server the suite can stop and start
// and whose subject it can remove.
type FaultTarget struct {
	Target
	// Stop stops the target's server (abruptly, as a crash would).
	Stop func(t *testing.T)
	// Start starts the stopped server again on the same address and data.
	Start func(t *testing.T)
	// RemoveSubject deletes the subject of Target.Grant from the target system.
	RemoveSubject func(t *testing.T)
	// Secrets are strings (passwords, tokens, DSNs) no error may contain.
	Secrets []string
}

// RunFaults checks classification under faults: a stopped server is a
// transient failure (Grant, Revoke, ApplyBatch and Check alike), the
// connector works again on the first try once the server is back, a removed
// subject is a permanent failure, and no error carries a secret.
func RunFaults(t *testing.T, newTarget func(t *testing.T) FaultTarget) {
	ctx := context.Background()
	t.Run("ServerDownIsTransient", func(t *testing.T) {
		tg := newTarget(t)
		// Warm up the connection pool so the stop hits live connections.
		mustSucceed(t, "grant before the stop", tg.Connector.Grant(ctx, tg.Grant))
		tg.Stop(t)
		WantClass(t, "grant with the server down", tg.Connector.Grant(ctx, tg.Grant), entitled.Transient, tg.Secrets)
		WantClass(t, "revoke with the server down", tg.Connector.Revoke(ctx, tg.Grant), entitled.Transient, tg.Secrets)
		if b, ok := tg.Connector.(entitled.BatchConnector); ok {
			errs := b.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionGrant, Grant: tg.Grant}, {Action: entitled.ActionRevoke, Grant: tg.Grant}})
			if len(errs) != 2 {
				t.Fatalf("ApplyBatch of 2 changes returned %d results", len(errs))
			}
			for _, err := range errs {
				WantClass(t, "batch change with the server down", err, entitled.Transient, tg.Secrets)
			}
		}
		if c, ok := tg.Connector.(entitled.Checker); ok {
			WantClass(t, "check with the server down", c.Check(ctx), entitled.Transient, tg.Secrets)
		}
		if l, ok := tg.Connector.(entitled.ResourceLister); ok {
			_, err := l.ListResources(ctx, "", "", 10)
			WantClass(t, "list with the server down", err, entitled.Transient, tg.Secrets)
		}
	})
	t.Run("ServerRestartRecovers", func(t *testing.T) {
		tg := newTarget(t)
		mustSucceed(t, "revoke before the stop", tg.Connector.Revoke(ctx, tg.Grant))
		tg.Stop(t)
		WantClass(t, "grant with the server down", tg.Connector.Grant(ctx, tg.Grant), entitled.Transient, tg.Secrets)
		tg.Start(t)
		// The first call after the restart must succeed: the connector
		// replaces connections the restart broke.
		mustSucceed(t, "first grant after the restart", tg.Connector.Grant(ctx, tg.Grant))
		if !tg.Holds(t) {
			t.Fatal("the subject does not hold the role after the grant that followed the restart")
		}
		if c, ok := tg.Connector.(entitled.Checker); ok {
			mustSucceed(t, "check after the restart", c.Check(ctx))
		}
	})
	t.Run("RemovedSubjectIsPermanent", func(t *testing.T) {
		tg := newTarget(t)
		mustSucceed(t, "grant before the removal", tg.Connector.Grant(ctx, tg.Grant))
		tg.RemoveSubject(t)
		WantClass(t, "grant to a removed subject", tg.Connector.Grant(ctx, tg.Grant), entitled.Permanent, tg.Secrets)
	})
	t.Run("NoSecretInErrors", func(t *testing.T) {
		tg := newTarget(t)
		for _, err := range []error{tg.Connector.Grant(ctx, tg.Unknown), tg.Connector.Revoke(ctx, tg.Unknown)} {
			WantClass(t, "unknown subject or resource", err, entitled.Permanent, tg.Secrets)
		}
		tg.Stop(t)
		CheckNoSecret(t, tg.Connector.Grant(ctx, tg.Grant), tg.Secrets)
		if c, ok := tg.Connector.(entitled.Checker); ok {
			CheckNoSecret(t, c.Check(ctx), tg.Secrets)
		}
	})
}

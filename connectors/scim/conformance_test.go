package scim

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
)

// adaInGroup1 is the suites' target: ada's membership of the first group.
func adaInGroup1(e *env) connectortest.Target {
	return connectortest.Target{Connector: e.c, Grant: grantOf(adaSubject, e.g1),
		Unknown: grantOf(ghostSubject, e.g1),
		Holds:   func(*testing.T) bool { return e.srv.IsMember(e.g1, e.ada) }}
}

func TestConformance(t *testing.T) {
	target := func(t *testing.T) connectortest.Target { return adaInGroup1(newEnv(t, nil)) }
	connectortest.Run(t, target)
	connectortest.RunMembers(t, target)
}

func TestConformanceUnknownGroup(t *testing.T) {
	connectortest.Run(t, func(t *testing.T) connectortest.Target {
		e := newEnv(t, map[string]any{"userMatch": "externalId"})
		return connectortest.Target{Connector: e.c, Grant: grantOf(adaSubject, e.g2),
			Unknown: grantOf(bobSubject, "no-such-group"),
			Holds:   func(*testing.T) bool { return e.srv.IsMember(e.g2, e.ada) }}
	})
}

func TestBatchSuite(t *testing.T) {
	connectortest.RunBatch(t, func(t *testing.T) connectortest.BatchTarget {
		e := newEnv(t, nil)
		ids := map[string]string{adaSubject.PrincipalName: e.ada, bobSubject.PrincipalName: e.bob}
		return connectortest.BatchTarget{Connector: e.c,
			Grants:  []entitled.Grant{grantOf(adaSubject, e.g1), grantOf(bobSubject, e.g1), grantOf(adaSubject, e.g2)},
			Unknown: grantOf(ghostSubject, e.g1),
			Holds: func(t *testing.T, g entitled.Grant) bool {
				return e.srv.IsMember(g.Resource.OriginID, ids[g.Subject.PrincipalName])
			}}
	})
}

func TestFaultSuite(t *testing.T) {
	connectortest.RunFaults(t, func(t *testing.T) connectortest.FaultTarget {
		e := newEnv(t, nil)
		return connectortest.FaultTarget{
			Target:        adaInGroup1(e),
			Stop:          func(*testing.T) { e.srv.Down() },
			Start:         func(t *testing.T) { e.srv.Up(t) },
			RemoveSubject: func(*testing.T) { e.srv.DeleteUser(e.ada) },
			Secrets:       []string{token},
		}
	})
}

func TestHTTPStatusSuite(t *testing.T) {
	connectortest.RunHTTPStatus(t, func(t *testing.T) connectortest.StatusTarget {
		e := newEnv(t, nil)
		return connectortest.StatusTarget{
			Target:  adaInGroup1(e),
			Answer:  func(_ *testing.T, status int, detail string) { e.srv.FailWith(status, detail+" "+token) },
			Secrets: []string{token},
		}
	})
}

func TestListerSuite(t *testing.T) {
	connectortest.RunLister(t, func(t *testing.T) connectortest.ListerTarget {
		e := newEnv(t, nil)
		eng2 := e.srv.AddGroup("Engineering Leads")
		ops := e.srv.AddGroup("Operations")
		return connectortest.ListerTarget{Lister: e.c, Want: []string{e.g1, e.g2, eng2, ops},
			Search: "engineering", SearchWant: []string{e.g1, eng2}}
	})
}

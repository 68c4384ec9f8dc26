package ldap

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// variant is one way of wiring groups: the member attribute, its group
// object class, and how a held role is seen with a raw search.
type variant struct {
	name   string
	extra  map[string]any
	group  func(t *testing.T, srv *slapdtest.Server, cn string) string
	attr   string
	value  func(uid string) string
	roleOf string
}

var variants = []variant{
	{name: "groupOfNames/member", attr: "member", value: slapdtest.UserDN, roleOf: RoleMember,
		group: func(t *testing.T, srv *slapdtest.Server, cn string) string { return srv.AddGroupOfNames(t, cn) }},
	{name: "groupOfNames/owner", attr: "owner", value: slapdtest.UserDN, roleOf: RoleOwner,
		group: func(t *testing.T, srv *slapdtest.Server, cn string) string { return srv.AddGroupOfNames(t, cn) }},
	{name: "posixGroup/memberUid", attr: "memberUid", value: func(uid string) string { return uid }, roleOf: RoleMember,
		extra: map[string]any{"memberAttribute": "memberUid"},
		group: func(t *testing.T, srv *slapdtest.Server, cn string) string { return srv.AddPosixGroup(t, cn, 7000) }},
	{name: "groupOfNames/userDNTemplate", attr: "member", value: slapdtest.UserDN, roleOf: RoleMember,
		extra: map[string]any{"userDNTemplate": "uid={localPart}," + slapdtest.PeopleDN},
		group: func(t *testing.T, srv *slapdtest.Server, cn string) string { return srv.AddGroupOfNames(t, cn) }},
	{name: "groupOfNames/userFilterMail", attr: "member", value: slapdtest.UserDN, roleOf: RoleMember,
		extra: map[string]any{"userFilter": "(&(objectClass=inetOrgPerson)(mail={mail}))"},
		group: func(t *testing.T, srv *slapdtest.Server, cn string) string { return srv.AddGroupOfNames(t, cn) }},
}

// faultTarget is a fresh slapd with user alice, group staff and a
// connector for the variant.
func faultTarget(t *testing.T, v variant) connectortest.FaultTarget {
	srv := slapdtest.Start(t)
	srv.AddUser(t, "alice")
	group := v.group(t, srv, "staff")
	c := newConnector(t, configFor(srv, v.extra))
	g := grantOf("alice", group, v.roleOf)
	unknown := grantOf("ghost", group, v.roleOf)
	return connectortest.FaultTarget{
		Target: connectortest.Target{Connector: c, Grant: g, Unknown: unknown,
			Holds: func(t *testing.T) bool { return srv.HasValue(t, group, v.attr, v.value("alice")) }},
		Stop:          func(*testing.T) { srv.Kill() },
		Start:         func(t *testing.T) { srv.Restart(t) },
		RemoveSubject: func(t *testing.T) { srv.Delete(t, slapdtest.UserDN("alice")) },
		Secrets:       secrets,
	}
}

func TestConformance(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			target := func(t *testing.T) connectortest.Target { return faultTarget(t, v).Target }
			connectortest.Run(t, target)
			connectortest.RunMembers(t, target)
		})
	}
}

func TestFaults(t *testing.T) {
	for _, v := range []variant{variants[0], variants[2]} {
		t.Run(v.name, func(t *testing.T) {
			connectortest.RunFaults(t, func(t *testing.T) connectortest.FaultTarget { return faultTarget(t, v) })
		})
	}
}

func TestBatch(t *testing.T) {
	for _, v := range []variant{variants[0], variants[2]} {
		t.Run(v.name, func(t *testing.T) {
			connectortest.RunBatch(t, func(t *testing.T) connectortest.BatchTarget {
				srv := slapdtest.Start(t)
				for _, u := range []string{"alice", "bob", "carol"} {
					srv.AddUser(t, u)
				}
				g1, g2 := v.group(t, srv, "staff"), v.group(t, srv, "ops")
				grants := []entitled.Grant{grantOf("alice", g1, v.roleOf), grantOf("bob", g1, v.roleOf),
					grantOf("carol", g1, v.roleOf), grantOf("alice", g2, v.roleOf)}
				if v.attr == "member" {
					grants = append(grants, grantOf("alice", g1, RoleOwner))
				}
				return connectortest.BatchTarget{Connector: newConnector(t, configFor(srv, v.extra)), Grants: grants,
					Unknown: grantOf("ghost", g1, v.roleOf),
					Holds: func(t *testing.T, g entitled.Grant) bool {
						attr := v.attr
						if g.Role.OriginID == RoleOwner {
							attr = "owner"
						}
						uid := g.Subject.DisplayName
						value := v.value(uid)
						if attr == "owner" {
							value = slapdtest.UserDN(uid)
						}
						return srv.HasValue(t, g.Resource.OriginID, attr, value)
					}}
			})
		})
	}
}

func TestLister(t *testing.T) {
	connectortest.RunLister(t, func(t *testing.T) connectortest.ListerTarget {
		srv := slapdtest.Start(t)
		var want []string
		for _, cn := range []string{"alpha", "beta", "gamma", "delta", "alphabet"} {
			want = append(want, srv.AddGroupOfNames(t, cn))
		}
		hidden := srv.AddPosixGroup(t, "alpha-posix", 9000)
		return connectortest.ListerTarget{Lister: newConnector(t, configFor(srv, nil)), Want: want, Hidden: []string{hidden},
			Search: "alpha", SearchWant: []string{want[0], want[4]}}
	})
}

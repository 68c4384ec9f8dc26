package slapdtest

import (
	"fmt"
	"sort"
	"strconv"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// admin dials a new root-bound connection for one seeding step; the
// caller closes it.
func (s *Server) admin(tb testing.TB) *ldap.Conn {
	tb.Helper()
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		tb.Fatalf("slapdtest: dial %s: %v", s.URL, err)
	}
	if err := c.Bind(RootDN, RootPassword); err != nil {
		c.Close()
		tb.Fatalf("slapdtest: bind: %v", err)
	}
	return c
}

// Add adds one entry with the given attributes.
func (s *Server) Add(tb testing.TB, dn string, attrs map[string][]string) {
	tb.Helper()
	c := s.admin(tb)
	defer c.Close()
	if err := add(c, dn, attrs); err != nil {
		tb.Fatalf("slapdtest: add %s: %v", dn, err)
	}
}

func add(c *ldap.Conn, dn string, attrs map[string][]string) error {
	req := ldap.NewAddRequest(dn, nil)
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		req.Attribute(k, attrs[k])
	}
	return c.Add(req)
}

// UserDN is the DN AddUser gives the user uid.
func UserDN(uid string) string { return "uid=" + ldap.EscapeDN(uid) + "," + PeopleDN }

// GroupDN is the DN the group helpers give the group cn.
func GroupDN(cn string) string { return "cn=" + ldap.EscapeDN(cn) + "," + GroupsDN }

func userAttrs(uid string) map[string][]string {
	return map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {uid}, "cn": {uid}, "sn": {uid},
		"mail": {uid + "@example.org"}}
}

// AddUser adds an inetOrgPerson uid=UID under PeopleDN with mail
// UID@example.org and returns its DN.
func (s *Server) AddUser(tb testing.TB, uid string) string {
	tb.Helper()
	s.Add(tb, UserDN(uid), userAttrs(uid))
	return UserDN(uid)
}

// AddUsers adds n users named prefix0 … prefix(n-1) over one connection
// and returns their uids.
func (s *Server) AddUsers(tb testing.TB, prefix string, n int) []string {
	tb.Helper()
	c := s.admin(tb)
	defer c.Close()
	uids := make([]string, n)
	for i := range n {
		uids[i] = prefix + strconv.Itoa(i)
		if err := add(c, UserDN(uids[i]), userAttrs(uids[i])); err != nil {
			tb.Fatalf("slapdtest: add user %s: %v", uids[i], err)
		}
	}
	return uids
}

// AddGroupOfNames adds a groupOfNames under GroupsDN holding PlaceholderDN
// and the given member DNs, and returns its DN.
func (s *Server) AddGroupOfNames(tb testing.TB, cn string, members ...string) string {
	tb.Helper()
	s.Add(tb, GroupDN(cn), map[string][]string{"objectClass": {"groupOfNames"}, "cn": {cn},
		"description": {"test group " + cn}, "member": append([]string{PlaceholderDN}, members...)})
	return GroupDN(cn)
}

// AddPosixGroup adds a posixGroup under GroupsDN with the given member uids
// and returns its DN.
func (s *Server) AddPosixGroup(tb testing.TB, cn string, gid int, memberUIDs ...string) string {
	tb.Helper()
	attrs := map[string][]string{"objectClass": {"posixGroup"}, "cn": {cn}, "gidNumber": {strconv.Itoa(gid)},
		"description": {"test posix group " + cn}}
	if len(memberUIDs) > 0 {
		attrs["memberUid"] = memberUIDs
	}
	s.Add(tb, GroupDN(cn), attrs)
	return GroupDN(cn)
}

// Delete deletes one entry.
func (s *Server) Delete(tb testing.TB, dn string) {
	tb.Helper()
	c := s.admin(tb)
	defer c.Close()
	if err := c.Del(ldap.NewDelRequest(dn, nil)); err != nil {
		tb.Fatalf("slapdtest: delete %s: %v", dn, err)
	}
}

// Values reads one attribute of an entry with a raw search.
func (s *Server) Values(tb testing.TB, dn, attr string) []string {
	tb.Helper()
	c := s.admin(tb)
	defer c.Close()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil {
		tb.Fatalf("slapdtest: read %s of %s: %v", attr, dn, err)
	}
	if len(res.Entries) != 1 {
		tb.Fatalf("slapdtest: read %s: %d entries", dn, len(res.Entries))
	}
	return res.Entries[0].GetAttributeValues(attr)
}

// HasValue reports, with a raw search, whether the entry's attribute holds
// value (matched by the attribute's equality rule).
func (s *Server) HasValue(tb testing.TB, dn, attr, value string) bool {
	tb.Helper()
	c := s.admin(tb)
	defer c.Close()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		fmt.Sprintf("(%s=%s)", attr, ldap.EscapeFilter(value)), []string{"1.1"}, nil))
	if err != nil {
		tb.Fatalf("slapdtest: search %s: %v", dn, err)
	}
	return len(res.Entries) == 1
}

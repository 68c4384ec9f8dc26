package ldap

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
	goldap "github.com/go-ldap/ldap/v3"
)

// Reconciliation (entitled.MemberLister): the members of a group's role are
// the values of its member attribute (or owner), read from the group entry
// with the simple paged results control; the whole entry comes in one
// page. Keys are DNs normalised (parsed, lower-cased), or uids as they are
// for memberUid groups.

// memberPageSize is the paged results control's page size for reading a
// group's members.
const memberPageSize = 500

// roleAttr returns the attribute holding a role's members.
func (c *Connector) roleAttr(role entitled.ResourceRoleRef) (string, error) {
	switch r := role.OriginID; {
	case r == "" || strings.EqualFold(r, RoleMember):
		return c.cfg.MemberAttribute, nil
	case strings.EqualFold(r, RoleOwner):
		return "owner", nil
	}
	return "", c.permanentf("role %q is not a role of an LDAP group; the roles are %s and %s", role.OriginID, RoleMember, RoleOwner)
}

// memberKey normalises a value of attr for comparison.
func memberKey(attr, v string) string {
	if attr == AttrMemberUID {
		return strings.TrimSpace(v) // memberUid matches case-exactly
	}
	if dn, err := goldap.ParseDN(v); err == nil {
		return strings.ToLower(dn.String())
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// Members reads the group entry's values of the role's attribute.
func (c *Connector) Members(ctx context.Context, resource entitled.ResourceRef, role entitled.ResourceRoleRef, _ string) (entitled.MemberPage, error) {
	group, attr, err := c.target(entitled.Change{Action: entitled.ActionGrant,
		Grant: entitled.Grant{Resource: resource, Role: role}})
	if err != nil {
		return entitled.MemberPage{}, err
	}
	entry, err := c.groupEntry(ctx, group, []string{attr}, func(conn *goldap.Conn, req *goldap.SearchRequest) (*goldap.SearchResult, error) {
		return conn.SearchWithPaging(req, memberPageSize)
	}, "reading the members of LDAP group "+group)
	if err != nil {
		return entitled.MemberPage{}, err
	}
	values := entry.GetAttributeValues(attr)
	page := entitled.MemberPage{Members: make([]string, 0, len(values))}
	for _, v := range values {
		page.Members = append(page.Members, memberKey(attr, v))
	}
	return page, nil
}

// MemberKeys maps subjects to their member values: by config.userDNTemplate
// without a round trip when the group lists DNs, else by looking each up
// (findUser). A subject with no entry has no key.
func (c *Connector) MemberKeys(ctx context.Context, role entitled.ResourceRoleRef, subjects []entitled.Subject) ([]string, error) {
	attr, err := c.roleAttr(role)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(subjects))
	if c.cfg.UserDNTemplate != "" && attr != AttrMemberUID {
		for i, s := range subjects {
			dn, err := c.fill("userDNTemplate", c.cfg.UserDNTemplate, s, goldap.EscapeDN)
			if err == nil {
				keys[i] = memberKey(attr, dn)
			}
		}
		return keys, nil
	}
	for i, f := range c.findUsers(ctx, subjects) {
		switch {
		case f.err != nil && entitled.ClassOf(f.err) == entitled.Permanent:
			// No entry (or an ambiguous one): the target cannot list it.
		case f.err != nil:
			return nil, f.err
		case attr == AttrMemberUID:
			keys[i] = memberKey(attr, f.u.UID)
		default:
			keys[i] = memberKey(attr, f.u.DN)
		}
	}
	return keys, nil
}

// RemoveMember deletes the member's value from the role's attribute; a
// value already gone is success.
func (c *Connector) RemoveMember(ctx context.Context, resource entitled.ResourceRef, role entitled.ResourceRoleRef, key string) error {
	group, attr, err := c.target(entitled.Change{Action: entitled.ActionRevoke,
		Grant: entitled.Grant{Resource: resource, Role: role}})
	if err != nil {
		return err
	}
	m := &modification{group: group, attr: attr, action: entitled.ActionRevoke, values: []string{key}, names: map[string]string{key: key}}
	if err := c.modifyValues(ctx, m, m.values); err != nil {
		return c.modifyError(m, key, err)
	}
	return nil
}

var _ entitled.MemberLister = (*Connector)(nil)

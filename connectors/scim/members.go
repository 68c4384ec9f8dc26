package scim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
)

// Reconciliation (entitled.MemberLister): a group's members are the SCIM
// ids of its members, read with the group (GET /Groups/{id}?attributes=
// members) in one page; subjects are mapped to SCIM ids as grants map them
// (config.userMatch), without creating users.

// Members reads the group's members.
func (c *Connector) Members(ctx context.Context, resource entitled.ResourceRef, role entitled.ResourceRoleRef, _ string) (entitled.MemberPage, error) {
	gid := resource.OriginID
	if !roleOK(role) {
		return entitled.MemberPage{}, entitled.PermanentErrorf("role %q is not a role of SCIM group %q; the only role is %s", role.OriginID, gid, RoleMember)
	}
	if err := checkGroupID(gid); err != nil {
		return entitled.MemberPage{}, err
	}
	var g struct {
		Members []struct {
			Value string `json:"value"`
		} `json:"members"`
	}
	err := c.do(ctx, request{Method: http.MethodGet, Path: groupPath(gid), Query: url.Values{"attributes": {"members"}}}, &g)
	if se, ok := err.(*statusError); ok && se.Status == http.StatusNotFound {
		return entitled.MemberPage{}, entitled.PermanentErrorf("the SCIM server %s has no group with id %q", c.where(), gid)
	}
	if err != nil {
		return entitled.MemberPage{}, c.delivery(err, fmt.Sprintf("read the members of SCIM group %q", gid))
	}
	page := entitled.MemberPage{Members: make([]string, 0, len(g.Members))}
	for _, m := range g.Members {
		page.Members = append(page.Members, m.Value)
	}
	return page, nil
}

// MemberKeys resolves each subject's SCIM user id (config.userMatch); a
// subject without a SCIM user has no key.
func (c *Connector) MemberKeys(ctx context.Context, _ entitled.ResourceRoleRef, subjects []entitled.Subject) ([]string, error) {
	items := make([]*item, len(subjects))
	for i, s := range subjects {
		items[i] = &item{idx: i, g: entitled.Grant{Subject: s}}
	}
	errs := make([]error, len(subjects))
	c.resolveAll(ctx, items, errs)
	keys := make([]string, len(subjects))
	for i, it := range items {
		switch {
		case errs[i] == nil:
			keys[i] = it.userID
		case entitled.ClassOf(errs[i]) != entitled.Permanent:
			return nil, errs[i]
		}
	}
	return keys, nil
}

// RemoveMember removes the SCIM user whose id is key from the group; not a
// member is success.
func (c *Connector) RemoveMember(ctx context.Context, resource entitled.ResourceRef, role entitled.ResourceRoleRef, key string) error {
	if !roleOK(role) {
		return entitled.PermanentErrorf("role %q is not a role of SCIM group %q; the only role is %s", role.OriginID, resource.OriginID, RoleMember)
	}
	if err := checkGroupID(resource.OriginID); err != nil {
		return err
	}
	errs := make([]error, 1)
	c.patchGroup(ctx, resource.OriginID, []*item{{g: entitled.Grant{Resource: resource, Role: role,
		Subject: entitled.Subject{ID: key}}, userID: key}}, errs, false)
	return errs[0]
}

var _ entitled.MemberLister = (*Connector)(nil)

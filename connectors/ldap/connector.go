package ldap

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/entitled-dev/entitled"
	goldap "github.com/go-ldap/ldap/v3"
)

// Grant adds the subject to the group's role; already holding it is
// success.
func (c *Connector) Grant(ctx context.Context, g entitled.Grant) error {
	return c.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionGrant, Grant: g}})[0]
}

// Revoke removes the subject from the group's role; not holding it is
// success.
func (c *Connector) Revoke(ctx context.Context, g entitled.Grant) error {
	return c.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionRevoke, Grant: g}})[0]
}

// target returns the group DN and the attribute a change writes.
func (c *Connector) target(ch entitled.Change) (group, attr string, err error) {
	group = strings.TrimSpace(ch.Grant.Resource.OriginID)
	if group == "" {
		return "", "", c.permanentf("the resource has no originId; an LDAP resource's originId is the group's DN")
	}
	parsed, perr := goldap.ParseDN(group)
	if perr != nil {
		return "", "", c.permanentf("resource originId %q is not an LDAP DN (%v); it must be the group's DN", group, perr)
	}
	if !c.scope.contains(parsed) {
		return "", "", c.outside(group)
	}
	switch r := ch.Grant.Role.OriginID; {
	case r == "" || strings.EqualFold(r, RoleMember):
		attr = c.cfg.MemberAttribute
	case strings.EqualFold(r, RoleOwner):
		attr = "owner"
	default:
		return "", "", c.permanentf("role %q is not a role of LDAP group %s; the roles are %s and %s", r, group, RoleMember, RoleOwner)
	}
	if ch.Action != entitled.ActionGrant && ch.Action != entitled.ActionRevoke {
		return "", "", c.permanentf("unknown action %q for LDAP group %s; want grant or revoke", ch.Action, group)
	}
	return group, attr, nil
}

// subjectKey identifies a subject within one batch.
func subjectKey(s entitled.Subject) string {
	return s.ObjectID + "\x00" + s.ID + "\x00" + s.PrincipalName + "\x00" + s.Email
}

// modification is one LDAP modify: values added to or deleted from one
// attribute of one group, with the changes each value serves.
type modification struct {
	group, attr string
	action      entitled.DeliveryAction
	values      []string
	changes     map[string][]int
	names       map[string]string
}

// ApplyBatch resolves each subject once (several at a time, up to
// config.maxConnections), then applies the changes with one LDAP modify per
// group, attribute and action carrying all its values. When such a modify
// fails for one value (one member already present, say), the values are
// applied one by one so that each change gets its own result.
func (c *Connector) ApplyBatch(ctx context.Context, changes []entitled.Change) []error {
	errs := make([]error, len(changes))
	groups := make([]string, len(changes))
	attrs := make([]string, len(changes))
	subjects := map[string]int{}
	var order []entitled.Subject
	for i, ch := range changes {
		var err error
		if groups[i], attrs[i], err = c.target(ch); err != nil {
			errs[i] = err
			continue
		}
		key := subjectKey(ch.Grant.Subject)
		if _, ok := subjects[key]; !ok {
			subjects[key] = len(order)
			order = append(order, ch.Grant.Subject)
		}
	}
	users := c.findUsers(ctx, order)

	var mods []*modification
	index := map[[3]string]*modification{}
	for i, ch := range changes {
		if errs[i] != nil {
			continue
		}
		f := users[subjects[subjectKey(ch.Grant.Subject)]]
		if f.err != nil {
			errs[i] = f.err
			continue
		}
		value := f.u.DN
		if attrs[i] == AttrMemberUID {
			value = f.u.UID
		}
		k := [3]string{strings.ToLower(groups[i]), attrs[i], string(ch.Action)}
		m := index[k]
		if m == nil {
			m = &modification{group: groups[i], attr: attrs[i], action: ch.Action, changes: map[string][]int{}, names: map[string]string{}}
			index[k] = m
			mods = append(mods, m)
		}
		if _, dup := m.changes[value]; !dup {
			m.values = append(m.values, value)
			m.names[value] = subjectName(ch.Grant.Subject)
		}
		m.changes[value] = append(m.changes[value], i)
	}
	for _, m := range mods {
		c.modify(ctx, m, errs)
	}
	return errs
}

// found is the outcome of one user lookup.
type found struct {
	u   user
	err error
}

// findUsers looks up subjects, up to config.maxConnections at a time.
func (c *Connector) findUsers(ctx context.Context, subjects []entitled.Subject) []found {
	out := make([]found, len(subjects))
	if len(subjects) == 1 {
		out[0].u, out[0].err = c.findUser(ctx, subjects[0])
		return out
	}
	sem := make(chan struct{}, c.cfg.MaxConnections)
	var wg sync.WaitGroup
	for i, s := range subjects {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i].u, out[i].err = c.findUser(ctx, s)
		}()
	}
	wg.Wait()
	return out
}

// modify applies one modification and records each change's result.
func (c *Connector) modify(ctx context.Context, m *modification, errs []error) {
	err := c.modifyValues(ctx, m, m.values)
	if err == nil || len(m.values) == 1 {
		for _, v := range m.values {
			c.record(m, v, err, errs)
		}
		return
	}
	switch {
	case isNetwork(err) || goldap.IsErrorAnyOf(err, transientCodes...) || ctx.Err() != nil,
		goldap.IsErrorAnyOf(err, goldap.LDAPResultNoSuchObject, goldap.LDAPResultInsufficientAccessRights,
			goldap.LDAPResultInvalidCredentials, goldap.LDAPResultInvalidDNSyntax):
		// The failure concerns the whole group (or server): every value shares it.
		for _, v := range m.values {
			c.record(m, v, err, errs)
		}
		return
	}
	// One value spoiled the modify: apply them one by one.
	for _, v := range m.values {
		c.record(m, v, c.modifyValues(ctx, m, []string{v}), errs)
	}
}

// modifyValues sends one modify; "already a member" on a grant of one
// value and "not a member" on a revoke of one value are success.
func (c *Connector) modifyValues(ctx context.Context, m *modification, values []string) error {
	req := goldap.NewModifyRequest(m.group, nil)
	if m.action == entitled.ActionGrant {
		req.Add(m.attr, values)
	} else {
		req.Delete(m.attr, values)
	}
	err := c.pool.run(ctx, func(conn *goldap.Conn) error { return conn.Modify(req) })
	if len(values) == 1 {
		if m.action == entitled.ActionGrant && code(err) == goldap.LDAPResultAttributeOrValueExists {
			return nil
		}
		if m.action == entitled.ActionRevoke && code(err) == goldap.LDAPResultNoSuchAttribute {
			return nil
		}
	}
	return err
}

// record sets the result of every change a value serves.
func (c *Connector) record(m *modification, value string, err error, errs []error) {
	if err != nil {
		err = c.modifyError(m, value, err)
	}
	for _, i := range m.changes[value] {
		errs[i] = err
	}
}

// modifyError explains a failed modify of one value.
func (c *Connector) modifyError(m *modification, value string, err error) error {
	role := RoleMember
	if m.attr == "owner" {
		role = RoleOwner
	}
	verb, prep := "adding", "to"
	if m.action == entitled.ActionRevoke {
		verb, prep = "removing", "from"
	}
	what := fmt.Sprintf("%s user %s as %s %s LDAP group %s (attribute %s)", verb, m.names[value], role, prep, m.group, m.attr)
	switch code(err) {
	case goldap.LDAPResultNoSuchObject:
		return c.permanentf("%s: the group does not exist in the LDAP directory", what)
	case goldap.LDAPResultObjectClassViolation:
		if m.action == entitled.ActionRevoke {
			return c.permanentf("%s: the group's schema forbids it, probably because the group would be left without members (%s)", what, describe(err))
		}
		return c.permanentf("%s: the group's schema does not allow it (%s); check config.memberAttribute or the role", what, describe(err))
	}
	return c.classify(err, what)
}

// Describe reads a group by its DN and lists its roles: Member, and Owner
// when the group's object class has an owner attribute (groupOfNames,
// groupOfUniqueNames).
func (c *Connector) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	dn := strings.TrimSpace(originID)
	if dn == "" {
		return entitled.ResourceInfo{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "originId", Message: "originId must be the DN of an LDAP group, such as \"cn=staff,ou=groups,dc=example,dc=org\""}).WithKey("err.connector.ldapOriginId")
	}
	parsed, err := goldap.ParseDN(dn)
	if err != nil {
		return entitled.ResourceInfo{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "originId", Message: fmt.Sprintf("originId %q is not an LDAP DN (%v); give the group's DN", dn, err)}).WithKey("err.connector.ldapNotDN", "DN", dn, "Problem", err)
	}
	if !c.scope.contains(parsed) {
		return entitled.ResourceInfo{}, c.outside(dn)
	}
	entry, err := c.groupEntry(ctx, dn, groupAttrs, (*goldap.Conn).Search, "reading LDAP group "+dn)
	if err != nil {
		return entitled.ResourceInfo{}, err
	}
	return c.info(entry), nil
}

// groupEntry reads the entry of the LDAP group dn, with attrs, by search
// (Search, or SearchWithPaging for long member lists); doing says what
// failed in a transient error. A missing entry, or one config.groupFilter
// does not match, is a permanent error.
func (c *Connector) groupEntry(ctx context.Context, dn string, attrs []string,
	search func(*goldap.Conn, *goldap.SearchRequest) (*goldap.SearchResult, error), doing string) (*goldap.Entry, error) {
	req := goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		c.cfg.GroupFilter, attrs, nil)
	var res *goldap.SearchResult
	err := c.pool.run(ctx, func(conn *goldap.Conn) (err error) {
		res, err = search(conn, req)
		return err
	})
	switch {
	case code(err) == goldap.LDAPResultNoSuchObject:
		return nil, c.permanentf("LDAP group %s does not exist", dn)
	case err != nil:
		return nil, c.classify(err, doing)
	case len(res.Entries) == 0:
		return nil, c.permanentf("LDAP entry %s is not a group: it does not match config.groupFilter %s", dn, c.cfg.GroupFilter)
	}
	return res.Entries[0], nil
}

// groupAttrs are the attributes read to describe a group.
var groupAttrs = []string{"cn", "displayName", "description", "objectClass"}

// info describes a group entry.
func (c *Connector) info(e *goldap.Entry) entitled.ResourceInfo {
	name := e.GetAttributeValue("displayName")
	if name == "" {
		name = e.GetAttributeValue("cn")
	}
	if name == "" {
		name = e.DN
	}
	info := entitled.ResourceInfo{OriginID: e.DN, DisplayName: name, Description: e.GetAttributeValue("description"),
		Roles: []entitled.ResourceRoleRef{{OriginID: RoleMember, DisplayName: RoleMember}}}
	for _, oc := range e.GetAttributeValues("objectClass") {
		if strings.EqualFold(oc, "groupOfNames") || strings.EqualFold(oc, "groupOfUniqueNames") {
			info.Roles = append(info.Roles, entitled.ResourceRoleRef{OriginID: RoleOwner, DisplayName: RoleOwner})
			break
		}
	}
	return info
}

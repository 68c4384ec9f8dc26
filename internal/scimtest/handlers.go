package scimtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/scim2/filter-parser/v2"
)

// page filters and pages ids in store order.
func page[T any](params scim.ListRequestParams, order []string, get func(id string) T, values func(T) valuer,
	res func(T) scim.Resource) (scim.Page, error) {
	var hits []T
	for _, id := range order {
		x := get(id)
		if params.FilterValidator != nil {
			ok, err := matches(params.FilterValidator.GetFilter(), values(x))
			if err != nil {
				return scim.Page{}, scimerrors.ScimError{ScimType: scimerrors.ScimTypeInvalidFilter, Detail: err.Error(), Status: http.StatusBadRequest}
			}
			if !ok {
				continue
			}
		}
		hits = append(hits, x)
	}
	p := scim.Page{TotalResults: len(hits), Resources: []scim.Resource{}}
	start := max(params.StartIndex, 1) - 1
	for i := start; i < len(hits) && i < start+params.Count; i++ {
		p.Resources = append(p.Resources, res(hits[i]))
	}
	return p, nil
}

func notFound(kind, id string) error {
	return scimerrors.ScimError{Detail: fmt.Sprintf("%s %q not found", kind, id), Status: http.StatusNotFound}
}

// onItem runs fn, under the server's lock, on the item of a kind ("User",
// "Group") with the id; an unknown id is a 404.
func onItem[T any](s *Server, kind string, items map[string]*T, id string, fn func(*T) (scim.Resource, error)) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := items[id]
	if !ok {
		return scim.Resource{}, notFound(kind, id)
	}
	return fn(x)
}

func invalidValue(format string, args ...any) error {
	return scimerrors.ScimError{ScimType: scimerrors.ScimTypeInvalidValue, Detail: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// users is the resource handler of /Users.
type users struct{ s *Server }

func (h users) resource(u *User) scim.Resource {
	r := scim.Resource{ID: u.ID, Attributes: u.attrs()}
	if u.ExternalID != "" {
		r.ExternalID = optional.NewString(u.ExternalID)
	}
	return r
}

func (h users) fromAttrs(u *User, a scim.ResourceAttributes) error {
	name, _ := a["userName"].(string)
	if strings.TrimSpace(name) == "" {
		return invalidValue("userName is required")
	}
	u.UserName = name
	u.DisplayName, _ = a["displayName"].(string)
	u.Active = true
	if b, ok := a["active"].(bool); ok {
		u.Active = b
	}
	if x, ok := a["externalId"].(string); ok {
		u.ExternalID = x
	}
	u.Emails = nil
	if list, ok := a["emails"].([]any); ok {
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				if v, ok := m["value"].(string); ok && v != "" {
					u.Emails = append(u.Emails, v)
				}
			}
		}
	}
	return nil
}

// Create adds a user; a taken userName is 409 uniqueness.
func (h users) Create(r *http.Request, a scim.ResourceAttributes) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	u := &User{}
	if err := h.fromAttrs(u, a); err != nil {
		return scim.Resource{}, err
	}
	if h.s.st.userByName(u.UserName) != nil {
		return scim.Resource{}, scimerrors.ScimError{ScimType: scimerrors.ScimTypeUniqueness,
			Detail: fmt.Sprintf("userName %q is already taken", u.UserName), Status: http.StatusConflict}
	}
	u.ID = h.s.st.nextID("u")
	h.s.st.addUser(u)
	return h.resource(u), nil
}

// Get returns one user.
func (h users) Get(r *http.Request, id string) (scim.Resource, error) {
	return onItem(h.s, "User", h.s.st.users, id, func(u *User) (scim.Resource, error) {
		return h.resource(u), nil
	})
}

// GetAll filters and pages users. A single "eq" on userName, externalId
// or emails.value takes an allocation-free scan, as an indexed lookup would
// be on a real server.
func (h users) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if params.FilterValidator != nil {
		if e, ok := params.FilterValidator.GetFilter().(*filter.AttributeExpression); ok && e.Operator == filter.EQ {
			if v, ok := e.CompareValue.(string); ok && !strings.Contains(v, `\`) {
				if p, ok := h.lookup(e.AttributePath, v, params); ok {
					return p, nil
				}
			}
		}
	}
	return page(params, h.s.st.userOrder, func(id string) *User { return h.s.st.users[id] },
		func(u *User) valuer { return u.filterValues }, h.resource)
}

// lookup finds users whose attribute equals v; ok is false for other attributes.
func (h users) lookup(path filter.AttributePath, v string, params scim.ListRequestParams) (scim.Page, bool) {
	attr := strings.ToLower(path.AttributeName)
	if sub := path.SubAttributeName(); sub != "" {
		attr += "." + strings.ToLower(sub)
	}
	var hit func(u *User) bool
	switch attr {
	case "username":
		hit = func(u *User) bool { return strings.EqualFold(u.UserName, v) }
	case "externalid":
		hit = func(u *User) bool { return u.ExternalID == v }
	case "emails.value":
		hit = func(u *User) bool {
			return slices.ContainsFunc(u.Emails, func(e string) bool { return strings.EqualFold(e, v) })
		}
	default:
		return scim.Page{}, false
	}
	p := scim.Page{Resources: []scim.Resource{}}
	for _, id := range h.s.st.userOrder {
		if u := h.s.st.users[id]; hit(u) {
			p.TotalResults++
			if p.TotalResults >= max(params.StartIndex, 1) && len(p.Resources) < params.Count {
				p.Resources = append(p.Resources, h.resource(u))
			}
		}
	}
	return p, true
}

// Replace replaces a user's attributes.
func (h users) Replace(r *http.Request, id string, a scim.ResourceAttributes) (scim.Resource, error) {
	return onItem(h.s, "User", h.s.st.users, id, func(u *User) (scim.Resource, error) {
		n := *u
		if err := h.fromAttrs(&n, a); err != nil {
			return scim.Resource{}, err
		}
		*u = n
		return h.resource(u), nil
	})
}

// Delete removes a user and its group memberships.
func (h users) Delete(r *http.Request, id string) error {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if !h.s.st.deleteUser(id) {
		return notFound("User", id)
	}
	return nil
}

// Patch supports replace of active and displayName.
func (h users) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	return onItem(h.s, "User", h.s.st.users, id, func(u *User) (scim.Resource, error) {
		n := *u
		for _, op := range ops {
			if op.Op != scim.PatchOperationReplace || op.Path == nil {
				return scim.Resource{}, scimerrors.ScimErrorInvalidPath
			}
			switch op.Path.AttributePath.AttributeName {
			case "active":
				b, _ := op.Value.(bool)
				n.Active = b
			case "displayName":
				s, _ := op.Value.(string)
				n.DisplayName = s
			default:
				return scim.Resource{}, scimerrors.ScimErrorInvalidPath
			}
		}
		*u = n
		return scim.Resource{}, nil
	})
}

// groups is the resource handler of /Groups.
type groups struct{ s *Server }

func (h groups) resource(g *Group) scim.Resource {
	return scim.Resource{ID: g.ID, Attributes: g.attrs(h.s.st.userName)}
}

// Create adds a group with its members.
func (h groups) Create(r *http.Request, a scim.ResourceAttributes) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	name, _ := a["displayName"].(string)
	g := &Group{ID: h.s.st.nextID("g"), DisplayName: name}
	ids, err := h.memberIDs(a["members"])
	if err != nil {
		return scim.Resource{}, err
	}
	g.Members = ids
	h.s.st.addGroup(g)
	return h.resource(g), nil
}

// Get returns one group with its members.
func (h groups) Get(r *http.Request, id string) (scim.Resource, error) {
	return onItem(h.s, "Group", h.s.st.groups, id, func(g *Group) (scim.Resource, error) {
		return h.resource(g), nil
	})
}

// GetAll filters and pages groups.
func (h groups) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return page(params, h.s.st.grpOrder, func(id string) *Group { return h.s.st.groups[id] },
		func(g *Group) valuer { return g.filterValues }, h.resource)
}

// Replace replaces a group's name and members.
func (h groups) Replace(r *http.Request, id string, a scim.ResourceAttributes) (scim.Resource, error) {
	return onItem(h.s, "Group", h.s.st.groups, id, func(g *Group) (scim.Resource, error) {
		ids, err := h.memberIDs(a["members"])
		if err != nil {
			return scim.Resource{}, err
		}
		g.DisplayName, _ = a["displayName"].(string)
		g.Members = ids
		return h.resource(g), nil
	})
}

// Delete removes a group.
func (h groups) Delete(r *http.Request, id string) error {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if _, ok := h.s.st.groups[id]; !ok {
		return notFound("Group", id)
	}
	delete(h.s.st.groups, id)
	h.s.st.grpOrder = slices.DeleteFunc(h.s.st.grpOrder, func(x string) bool { return x == id })
	return nil
}

// memberIDs reads a list of member objects; every member must be a known user.
func (h groups) memberIDs(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var ids []string
	for _, m := range list {
		obj, _ := m.(map[string]any)
		id, _ := obj["value"].(string)
		if id == "" {
			return nil, invalidValue("a member needs a value (the user's id)")
		}
		if _, ok := h.s.st.users[id]; !ok {
			return nil, invalidValue("member %q is not a User of this service provider", id)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Patch applies member add/remove/replace and displayName replace, all or
// nothing (RFC 7644 §3.5.2). Adding a member twice is a no-op; removing a
// member that is absent through a value filter fails with noTarget.
func (h groups) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	return onItem(h.s, "Group", h.s.st.groups, id, func(g *Group) (scim.Resource, error) {
		n := *g
		n.Members = slices.Clone(g.Members)
		for _, op := range ops {
			attr := ""
			if op.Path != nil {
				attr = op.Path.AttributePath.AttributeName
			}
			value := op.Value
			if attr == "" { // {"op":"add","value":{"members":[…]}}
				m, _ := value.(map[string]any)
				switch {
				case m["members"] != nil:
					attr, value = "members", m["members"]
				case m["displayName"] != nil:
					attr, value = "displayName", m["displayName"]
				default:
					return scim.Resource{}, scimerrors.ScimErrorInvalidPath
				}
			}
			switch attr {
			case "displayName":
				s, _ := value.(string)
				if op.Op == scim.PatchOperationRemove || s == "" {
					return scim.Resource{}, scimerrors.ScimErrorMutability
				}
				n.DisplayName = s
			case "members":
				if err := h.patchMembers(&n, op, value); err != nil {
					return scim.Resource{}, err
				}
			default:
				return scim.Resource{}, scimerrors.ScimErrorInvalidPath
			}
		}
		*g = n
		return scim.Resource{}, nil
	})
}

func (h groups) patchMembers(g *Group, op scim.PatchOperation, value any) error {
	switch op.Op {
	case scim.PatchOperationAdd:
		ids, err := h.memberIDs(value)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !slices.Contains(g.Members, id) {
				g.Members = append(g.Members, id)
			}
		}
	case scim.PatchOperationReplace:
		ids, err := h.memberIDs(value)
		if err != nil {
			return err
		}
		g.Members = ids
	case scim.PatchOperationRemove:
		if op.Path != nil && op.Path.ValueExpression != nil {
			before := len(g.Members)
			var err error
			g.Members = slices.DeleteFunc(g.Members, func(id string) bool {
				ok, e := matches(op.Path.ValueExpression, func(attr string) ([]string, bool) {
					if strings.EqualFold(attr, "value") {
						return []string{id}, true
					}
					return nil, false
				})
				if e != nil {
					err = e
				}
				return ok
			})
			if err != nil {
				return scimerrors.ScimError{ScimType: scimerrors.ScimTypeInvalidFilter, Detail: err.Error(), Status: http.StatusBadRequest}
			}
			if len(g.Members) == before {
				return scimerrors.ScimError{ScimType: scimerrors.ScimTypeNoTarget,
					Detail: fmt.Sprintf("no member of group %q matches %v", g.ID, op.Path.ValueExpression), Status: http.StatusBadRequest}
			}
			return nil
		}
		if value == nil {
			g.Members = nil
			return nil
		}
		list, ok := value.([]any)
		if !ok {
			list = []any{value}
		}
		for _, m := range list {
			obj, _ := m.(map[string]any)
			id, _ := obj["value"].(string)
			g.Members = slices.DeleteFunc(g.Members, func(x string) bool { return x == id })
		}
	default:
		return scimerrors.ScimErrorInvalidPath
	}
	return nil
}

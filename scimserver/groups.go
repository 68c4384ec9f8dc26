package scimserver

import (
	"context"
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/entitled-dev/entitled"
	filter "github.com/scim2/filter-parser/v2"
)

// groupHandler maps SCIM groups onto the directory's groups: displayName,
// and members (users, by id). Directory groups are what approver groups
// and directory-group resources name.
type groupHandler struct {
	users  entitled.UserService
	groups entitled.GroupService
}

// Create creates a group with its members; every member must be a user.
func (h *groupHandler) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	ctx := r.Context()
	name, _ := get(attrs, "displayName")
	display, _ := str(name)
	members, _ := get(attrs, "members")
	ids := refValues(members)
	if err := h.checkMembers(ctx, ids); err != nil {
		return scim.Resource{}, err
	}
	g := &entitled.Group{DisplayName: display}
	if err := h.groups.CreateGroup(ctx, g); err != nil {
		return scim.Resource{}, scimError(err)
	}
	for _, id := range ids {
		if err := h.groups.AddGroupMember(ctx, g.ID, id); err != nil && entitled.ErrorKind(err) != entitled.KindConflict {
			return scim.Resource{}, scimError(err)
		}
	}
	return h.resource(ctx, g)
}

// checkMembers returns a 400 unless every id names a user.
func (h *groupHandler) checkMembers(ctx context.Context, ids []string) error {
	for _, id := range ids {
		if !isUser(ctx, h.users, id) {
			return badValue("member " + id + " is not a user of this directory; members are users, provisioned first")
		}
	}
	return nil
}

func (h *groupHandler) load(ctx context.Context, id string) (*entitled.Group, error) {
	g, err := h.groups.Group(ctx, id)
	if err != nil {
		return nil, scimError(err)
	}
	return g, nil
}

// Get reads a group with its members.
func (h *groupHandler) Get(r *http.Request, id string) (scim.Resource, error) {
	g, err := h.load(r.Context(), id)
	if err != nil {
		return scim.Resource{}, err
	}
	return h.resource(r.Context(), g)
}

// GetAll lists groups; a displayName or id equality filter is answered by
// the store.
func (h *groupHandler) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	ctx := r.Context()
	members := !strings.Contains(strings.ToLower(r.URL.Query().Get("excludedAttributes")), "members")
	return listAll(ctx, params, map[string]string{"displayname": "displayName", "id": "id"}, h.groups.Groups,
		func(g *entitled.Group) (scim.Resource, error) {
			if members {
				return h.resource(ctx, g)
			}
			return scim.Resource{ID: g.ID, Attributes: scim.ResourceAttributes{"displayName": g.DisplayName},
				Meta: scim.Meta{Created: ptr(g.CreatedDateTime)}}, nil
		})
}

// memberIDs lists the ids of a group's members.
func (h *groupHandler) memberIDs(ctx context.Context, groupID string) ([]entitled.User, error) {
	var out []entitled.User
	opt := entitled.ListOptions{Top: entitled.MaxPageSize}
	for {
		page, err := h.groups.GroupMembers(ctx, groupID, opt)
		if err != nil {
			return nil, scimError(err)
		}
		out = append(out, page.Items...)
		if page.NextSkipToken == "" {
			return out, nil
		}
		opt.SkipToken = page.NextSkipToken
	}
}

// resource is the SCIM view of a group with its members.
func (h *groupHandler) resource(ctx context.Context, g *entitled.Group) (scim.Resource, error) {
	users, err := h.memberIDs(ctx, g.ID)
	if err != nil {
		return scim.Resource{}, err
	}
	members := make([]any, len(users))
	for i, u := range users {
		members[i] = map[string]any{"value": u.ID, "display": u.DisplayName, "$ref": "Users/" + u.ID}
	}
	return scim.Resource{ID: g.ID, Attributes: scim.ResourceAttributes{"displayName": g.DisplayName, "members": members},
		Meta: scim.Meta{Created: ptr(g.CreatedDateTime)}}, nil
}

// Replace replaces a group's displayName and members (PUT, as Okta sends).
func (h *groupHandler) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	ctx := r.Context()
	if _, err := h.load(ctx, id); err != nil {
		return scim.Resource{}, err
	}
	members, _ := get(attrs, "members")
	ids := refValues(members)
	if err := h.checkMembers(ctx, ids); err != nil {
		return scim.Resource{}, err
	}
	if name, ok := get(attrs, "displayName"); ok {
		if err := h.rename(ctx, id, name); err != nil {
			return scim.Resource{}, err
		}
	}
	if err := h.setMembers(ctx, id, ids); err != nil {
		return scim.Resource{}, err
	}
	return h.Get(r, id)
}

func (h *groupHandler) rename(ctx context.Context, id string, v any) error {
	s, err := str(v)
	if err != nil {
		return badValue("displayName: " + err.Error())
	}
	if _, err := h.groups.UpdateGroup(ctx, id, entitled.GroupUpdate{DisplayName: &s}); err != nil {
		return scimError(err)
	}
	return nil
}

// setMembers makes ids the group's members: adds those missing, removes
// the others.
func (h *groupHandler) setMembers(ctx context.Context, id string, ids []string) error {
	current, err := h.memberIDs(ctx, id)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, m := range ids {
		want[m] = true
	}
	for _, u := range current {
		if !want[u.ID] {
			if err := h.remove(ctx, id, u.ID); err != nil {
				return err
			}
		}
		delete(want, u.ID)
	}
	for _, m := range ids {
		if want[m] {
			if err := h.add(ctx, id, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// add adds a member; one already there is fine.
func (h *groupHandler) add(ctx context.Context, groupID, userID string) error {
	if err := h.groups.AddGroupMember(ctx, groupID, userID); err != nil && entitled.ErrorKind(err) != entitled.KindConflict {
		return scimError(err)
	}
	return nil
}

// remove removes a member; one not there is fine.
func (h *groupHandler) remove(ctx context.Context, groupID, userID string) error {
	if err := h.groups.RemoveGroupMember(ctx, groupID, userID); err != nil && entitled.ErrorKind(err) != entitled.KindNotFound {
		return scimError(err)
	}
	return nil
}

// Patch applies PATCH operations: displayName replace, members add,
// remove (by value list or by members[value eq "id"]) and replace.
func (h *groupHandler) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	ctx := r.Context()
	if _, err := h.load(ctx, id); err != nil {
		return scim.Resource{}, err
	}
	for _, op := range ops {
		kind := strings.ToLower(op.Op)
		if op.Path == nil {
			m, ok := op.Value.(map[string]any)
			if !ok {
				return scim.Resource{}, badValue("an operation without a path needs an object of attributes as its value")
			}
			if name, ok := get(m, "displayName"); ok {
				if err := h.rename(ctx, id, name); err != nil {
					return scim.Resource{}, err
				}
			}
			if members, ok := get(m, "members"); ok {
				if err := h.members(ctx, id, kind, refValues(members)); err != nil {
					return scim.Resource{}, err
				}
			}
			continue
		}
		switch strings.ToLower(op.Path.AttributePath.AttributeName) {
		case "displayname":
			if err := h.rename(ctx, id, op.Value); err != nil {
				return scim.Resource{}, err
			}
		case "members":
			ids := refValues(op.Value)
			if e, ok := op.Path.ValueExpression.(*filter.AttributeExpression); ok && e.Operator == filter.EQ &&
				strings.EqualFold(e.AttributePath.AttributeName, "value") {
				if s, ok := e.CompareValue.(string); ok {
					ids = append(ids, s)
				}
			}
			if err := h.members(ctx, id, kind, ids); err != nil {
				return scim.Resource{}, err
			}
		}
	}
	return h.Get(r, id)
}

// members applies one members operation.
func (h *groupHandler) members(ctx context.Context, id, kind string, ids []string) error {
	switch kind {
	case scim.PatchOperationRemove:
		for _, m := range ids {
			if err := h.remove(ctx, id, m); err != nil {
				return err
			}
		}
		return nil
	case scim.PatchOperationReplace:
		if err := h.checkMembers(ctx, ids); err != nil {
			return err
		}
		return h.setMembers(ctx, id, ids)
	}
	if err := h.checkMembers(ctx, ids); err != nil {
		return err
	}
	for _, m := range ids {
		if err := h.add(ctx, id, m); err != nil {
			return err
		}
	}
	return nil
}

// Delete deletes a group.
func (h *groupHandler) Delete(r *http.Request, id string) error {
	if err := h.groups.DeleteGroup(r.Context(), id); err != nil {
		return scimError(err)
	}
	return nil
}

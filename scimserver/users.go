package scimserver

import (
	"context"
	"net/http"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/entitled-dev/entitled"
)

// userHandler maps SCIM users onto the directory's users: userName is the
// userPrincipalName, displayName (or else name) the displayName, the
// primary email the mail, active accountEnabled, externalId the
// externalId, and the enterprise extension's manager the manager.
type userHandler struct {
	users entitled.UserService
}

// scimUser is what a SCIM request says about a user; nil fields are not
// said.
type scimUser struct {
	upd entitled.UserUpdate
	// manager is set when the request names the manager ("" clears it).
	manager *string
}

func ptr[T any](v T) *T { return &v }

// set applies attribute attr (lower case; sub its sub-attribute, "" for
// the whole) with value v, or removes it when remove is true. Attributes
// entitled does not keep are ignored.
func (s *scimUser) set(attr, sub string, v any, remove bool) error {
	if remove {
		v = nil
	}
	switch attr {
	case "username":
		x, err := str(v)
		if err != nil {
			return badValue("userName: " + err.Error())
		}
		s.upd.UserPrincipalName = &x
	case "displayname":
		x, err := str(v)
		if err != nil {
			return badValue("displayName: " + err.Error())
		}
		s.upd.DisplayName = &x
	case "active":
		if v == nil {
			return nil
		}
		b, err := boolean(v)
		if err != nil {
			return badValue(err.Error())
		}
		s.upd.AccountEnabled = &b
	case "externalid":
		x, err := str(v)
		if err != nil {
			return badValue("externalId: " + err.Error())
		}
		s.upd.ExternalID = &x
	case "emails":
		if sub == "value" {
			x, _ := str(v)
			s.upd.Mail = &x
		} else {
			s.upd.Mail = ptr(primaryValue(v))
		}
	case "manager":
		s.manager = ptr(managerID(v))
	case "enterprise":
		if m, ok := v.(map[string]any); ok {
			if mv, ok := get(m, "manager"); ok {
				s.manager = ptr(managerID(mv))
			}
		} else if v == nil {
			s.manager = ptr("")
		}
	}
	return nil
}

// fromAttributes reads the attributes of a POST or PUT.
func fromAttributes(attrs scim.ResourceAttributes) (*scimUser, error) {
	s := &scimUser{}
	for k, v := range attrs {
		attr, ext := attributeOf(k)
		if ext {
			if attr == "" {
				attr = "enterprise"
			}
		}
		if err := s.set(attr, "", v, false); err != nil {
			return nil, err
		}
	}
	if s.upd.DisplayName == nil || strings.TrimSpace(*s.upd.DisplayName) == "" {
		if name, ok := get(attrs, "name"); ok {
			if d := nameDisplay(name); d != "" {
				s.upd.DisplayName = &d
			}
		}
	}
	return s, nil
}

// nameDisplay is the display form of a SCIM name: formatted, else given
// and family names.
func nameDisplay(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if f, _ := get(m, "formatted"); f != nil {
		if s, _ := str(f); strings.TrimSpace(s) != "" {
			return s
		}
	}
	g, _ := get(m, "givenName")
	f, _ := get(m, "familyName")
	gs, _ := str(g)
	fs, _ := str(f)
	return strings.TrimSpace(gs + " " + fs)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Create creates a user; active defaults to true.
func (h *userHandler) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	ctx := r.Context()
	s, err := fromAttributes(attrs)
	if err != nil {
		return scim.Resource{}, err
	}
	u := &entitled.User{UserPrincipalName: deref(s.upd.UserPrincipalName), DisplayName: deref(s.upd.DisplayName),
		Mail: deref(s.upd.Mail), AccountEnabled: true, ExternalID: deref(s.upd.ExternalID)}
	if s.upd.AccountEnabled != nil {
		u.AccountEnabled = *s.upd.AccountEnabled
	}
	if s.manager != nil && *s.manager != "" {
		if err := h.checkManager(ctx, *s.manager); err != nil {
			return scim.Resource{}, err
		}
		u.ManagerID = *s.manager
	}
	if err := h.users.CreateUser(ctx, u); err != nil {
		return scim.Resource{}, scimError(err)
	}
	return userResource(u), nil
}

// checkManager returns a 400 unless id names a user.
func (h *userHandler) checkManager(ctx context.Context, id string) error {
	if !isUser(ctx, h.users, id) {
		return badValue("manager " + id + " is not a user of this directory; provision the manager first")
	}
	return nil
}

// isUser reports whether id is the SCIM id of a user: entitled's id, not a
// userPrincipalName that also finds one.
func isUser(ctx context.Context, users entitled.UserService, id string) bool {
	u, err := users.User(ctx, id)
	return err == nil && u.ID == id
}

// load finds a user by its SCIM id (entitled's id only, not its
// userPrincipalName).
func (h *userHandler) load(ctx context.Context, id string) (*entitled.User, error) {
	u, err := h.users.User(ctx, id)
	if err != nil {
		return nil, scimError(err)
	}
	if u.ID != id {
		return nil, scimError(entitled.NotFoundf("user %q was not found", id))
	}
	return u, nil
}

// Get reads one user.
func (h *userHandler) Get(r *http.Request, id string) (scim.Resource, error) {
	u, err := h.load(r.Context(), id)
	if err != nil {
		return scim.Resource{}, err
	}
	return userResource(u), nil
}

// GetAll lists users. A filter on userName, externalId, id or displayName
// equality (what provisioning clients send) is answered by the store; any
// other filter is applied to every user.
func (h *userHandler) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	return listAll(r.Context(), params, map[string]string{"username": "userPrincipalName", "externalid": "externalId",
		"id": "id", "displayname": "displayName"}, h.users.Users,
		func(u *entitled.User) (scim.Resource, error) { return userResource(u), nil })
}

// Replace replaces a user's attributes (PUT, as Okta sends). What the
// request leaves out is cleared, except active (kept) and the manager,
// which is kept unless the request carries the enterprise extension.
func (h *userHandler) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	ctx := r.Context()
	if _, err := h.load(ctx, id); err != nil {
		return scim.Resource{}, err
	}
	s, err := fromAttributes(attrs)
	if err != nil {
		return scim.Resource{}, err
	}
	if s.upd.Mail == nil {
		s.upd.Mail = ptr("")
	}
	if s.upd.ExternalID == nil {
		s.upd.ExternalID = ptr("")
	}
	if _, ok := get(attrs, enterpriseSchema); ok && s.manager == nil {
		s.manager = ptr("")
	}
	return h.apply(ctx, id, s)
}

// apply writes a user's changes: its attributes, then its manager.
func (h *userHandler) apply(ctx context.Context, id string, s *scimUser) (scim.Resource, error) {
	if s.manager != nil && *s.manager != "" {
		if err := h.checkManager(ctx, *s.manager); err != nil {
			return scim.Resource{}, err
		}
	}
	u, err := h.users.UpdateUser(ctx, id, s.upd)
	if err != nil {
		return scim.Resource{}, scimError(err)
	}
	if s.manager != nil && *s.manager != u.ManagerID {
		if *s.manager == "" {
			err = h.users.RemoveManager(ctx, id)
		} else {
			err = h.users.SetManager(ctx, id, *s.manager)
		}
		if err != nil {
			return scim.Resource{}, scimError(err)
		}
		u.ManagerID = *s.manager
	}
	return userResource(u), nil
}

// Patch applies PATCH operations: add, replace (with a path or a map of
// attributes) and remove, in any letter case.
func (h *userHandler) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	ctx := r.Context()
	if _, err := h.load(ctx, id); err != nil {
		return scim.Resource{}, err
	}
	s := &scimUser{}
	for _, op := range ops {
		remove := strings.EqualFold(op.Op, scim.PatchOperationRemove)
		if op.Path == nil {
			m, ok := op.Value.(map[string]any)
			if !ok {
				return scim.Resource{}, badValue("an operation without a path needs an object of attributes as its value")
			}
			for k, v := range m {
				attr, ext := attributeOf(k)
				if ext && attr == "" {
					attr = "enterprise"
				}
				if err := s.set(attr, "", v, remove); err != nil {
					return scim.Resource{}, err
				}
			}
			continue
		}
		attr := strings.ToLower(op.Path.AttributePath.AttributeName)
		sub := ""
		if op.Path.AttributePath.SubAttribute != nil {
			sub = strings.ToLower(*op.Path.AttributePath.SubAttribute)
		}
		if op.Path.SubAttribute != nil {
			sub = strings.ToLower(*op.Path.SubAttribute)
		}
		if attr == "manager" && sub == "value" {
			sub = ""
		}
		if err := s.set(attr, sub, op.Value, remove); err != nil {
			return scim.Resource{}, err
		}
	}
	return h.apply(ctx, id, s)
}

// Delete removes a user: their access is removed first (the account is
// disabled, which makes them a leaver); a user whose request history must
// be kept stays, disabled.
func (h *userHandler) Delete(r *http.Request, id string) error {
	ctx := r.Context()
	u, err := h.load(ctx, id)
	if err != nil {
		return err
	}
	if u.AccountEnabled {
		if _, err := h.users.UpdateUser(ctx, id, entitled.UserUpdate{AccountEnabled: ptr(false)}); err != nil {
			return scimError(err)
		}
	}
	if err := h.users.DeleteUser(ctx, id); err != nil && entitled.ErrorKind(err) != entitled.KindConflict {
		return scimError(err)
	}
	return nil
}

// userResource is the SCIM view of a user.
func userResource(u *entitled.User) scim.Resource {
	attrs := scim.ResourceAttributes{
		"userName":    u.UserPrincipalName,
		"displayName": u.DisplayName,
		"name":        map[string]any{"formatted": u.DisplayName},
		"active":      u.AccountEnabled,
	}
	if u.Mail != "" {
		attrs["emails"] = []any{map[string]any{"value": u.Mail, "type": "work", "primary": true}}
	}
	if u.ManagerID != "" {
		attrs[enterpriseSchema] = map[string]any{"manager": map[string]any{"value": u.ManagerID}}
	}
	res := scim.Resource{ID: u.ID, Attributes: attrs, Meta: scim.Meta{Created: ptr(u.CreatedDateTime)}}
	if u.ExternalID != "" {
		res.ExternalID = optional.NewString(u.ExternalID)
	}
	return res
}

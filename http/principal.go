package http

import (
	"encoding/json"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// principalOut is the expanded principal of a role assignment: Graph's
// directoryObject, a user or a service principal with its @odata.type. A
// principal the caller may not see (or gone) is the bare reference.
func (s *Server) principalOut(r *http.Request, id string) (map[string]json.RawMessage, error) {
	var v any
	typ := "#microsoft.graph.directoryObject"
	u, err := s.svc.Users.User(r.Context(), id)
	switch {
	case err == nil:
		v, typ = toUser(*u), "#microsoft.graph.user"
	case tolerable(err) && s.svc.ServicePrincipals != nil:
		sp, err := s.svc.ServicePrincipals.ServicePrincipal(r.Context(), id)
		switch {
		case err == nil:
			v, typ = toServicePrincipal(*sp), "#microsoft.graph.servicePrincipal"
		case tolerable(err):
			v = idRef{ID: id}
		default:
			return nil, err
		}
	case tolerable(err):
		v = idRef{ID: id}
	default:
		return nil, err
	}
	m, err := shape(v, nil)
	if err != nil {
		return nil, err
	}
	m["@odata.type"], _ = json.Marshal(typ)
	return m, nil
}

// roleAssignmentOut is a role assignment with its $expand (principal).
func (s *Server) roleAssignmentOut(r *http.Request, ra entitled.RoleAssignment, q odata.Query) (any, error) {
	w := toRoleAssignment(ra)
	if q.Expanded("principal") {
		p, err := s.principalOut(r, ra.PrincipalID)
		if err != nil {
			return nil, err
		}
		w.Principal = p
	}
	return nestedSelect(w, q)
}

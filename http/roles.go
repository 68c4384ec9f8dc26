package http

import (
	"encoding/json"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// roleAssignmentWire is Graph's unifiedRoleAssignment.
type roleAssignmentWire struct {
	ID               string  `json:"id"`
	PrincipalID      string  `json:"principalId"`
	RoleDefinitionID string  `json:"roleDefinitionId"`
	DirectoryScopeID *string `json:"directoryScopeId"`
	AppScopeID       *string `json:"appScopeId"`
	// Principal appears only under $expand=principal.
	Principal map[string]json.RawMessage `json:"principal,omitempty"`
}

func toRoleAssignment(ra entitled.RoleAssignment) roleAssignmentWire {
	w := roleAssignmentWire{ID: ra.ID, PrincipalID: ra.PrincipalID, RoleDefinitionID: ra.RoleDefinitionID}
	w.DirectoryScopeID = orNull(ra.DirectoryScopeID)
	w.AppScopeID = orNull(ra.AppScopeID)
	return w
}

type roleAssignmentInput struct {
	PrincipalID      string `json:"principalId"`
	RoleDefinitionID string `json:"roleDefinitionId"`
	DirectoryScopeID string `json:"directoryScopeId"`
	AppScopeID       string `json:"appScopeId"`
}

// roleDefinitionWire is Graph's unifiedRoleDefinition (the fields entitled knows).
type roleDefinitionWire struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	TemplateID  string `json:"templateId"`
	IsBuiltIn   bool   `json:"isBuiltIn"`
	IsEnabled   bool   `json:"isEnabled"`
}

func (s *Server) registerRoles() {
	for _, scope := range []struct {
		name      string
		directory bool
	}{{"directory", true}, {"entitlementManagement", false}} {
		base := "/v1.0/roleManagement/" + scope.name
		set := "roleManagement/" + scope.name + "/roleAssignments"
		dir := scope.directory
		s.routes.handle("POST", base+"/roleAssignments", func(w http.ResponseWriter, r *http.Request, _ params) error {
			var in roleAssignmentInput
			if err := s.decode(r, &in); err != nil {
				return err
			}
			ra := &entitled.RoleAssignment{PrincipalID: in.PrincipalID, RoleDefinitionID: in.RoleDefinitionID,
				DirectoryScopeID: in.DirectoryScopeID, AppScopeID: in.AppScopeID}
			if err := s.svc.Roles.CreateRoleAssignment(r.Context(), dir, ra); err != nil {
				return err
			}
			return s.created(w, r, set, ra.ID, toRoleAssignment(*ra))
		})
		s.routes.handle("GET", base+"/roleAssignments", func(w http.ResponseWriter, r *http.Request, _ params) error {
			q, err := query(r, "roleAssignment")
			if err != nil {
				return err
			}
			p, err := s.svc.Roles.RoleAssignments(r.Context(), dir, q.List)
			if err != nil {
				return err
			}
			return writePage(s, w, r, set, p, q.Select, func(ra entitled.RoleAssignment) (any, error) { return s.roleAssignmentOut(r, ra, q) })
		})
		s.routes.handle("GET", base+"/roleAssignments/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
			q, err := query(r, "roleAssignment")
			if err != nil {
				return err
			}
			ra, err := s.svc.Roles.RoleAssignment(r.Context(), dir, p["id"])
			if err != nil {
				return err
			}
			out, err := s.roleAssignmentOut(r, *ra, q)
			if err != nil {
				return err
			}
			return s.entity(w, r, 200, set, out, q.Select)
		})
		s.routes.handle("DELETE", base+"/roleAssignments/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
			if err := s.svc.Roles.DeleteRoleAssignment(r.Context(), dir, p["id"]); err != nil {
				return err
			}
			return noContent(w)
		})
		s.routes.handle("GET", base+"/roleDefinitions", func(w http.ResponseWriter, r *http.Request, _ params) error {
			q, err := whole(odata.Parse(r.URL.Query()))
			if err != nil {
				return err
			}
			var items []any
			for _, d := range entitled.RoleDefinitions {
				if d.Directory == dir {
					items = append(items, roleDefinitionWire{ID: d.ID, DisplayName: d.DisplayName, TemplateID: d.ID, IsBuiltIn: true, IsEnabled: true})
				}
			}
			return s.collection(w, r, "roleManagement/"+scope.name+"/roleDefinitions", items, "", nil, q.Select)
		})
	}
}

package http

import (
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// accessPackageWire is Graph's accessPackage; navigation properties appear
// only under $expand.
type accessPackageWire struct {
	ID                 string           `json:"id"`
	DisplayName        string           `json:"displayName"`
	Description        string           `json:"description"`
	IsHidden           bool             `json:"isHidden"`
	CreatedDateTime    *string          `json:"createdDateTime"`
	ModifiedDateTime   *string          `json:"modifiedDateTime"`
	Catalog            *catalogWire     `json:"catalog,omitempty"`
	ResourceRoleScopes *[]roleScopeWire `json:"resourceRoleScopes,omitempty"`
	AssignmentPolicies *[]policyWire    `json:"assignmentPolicies,omitempty"`
}

func toAccessPackage(ap entitled.AccessPackage) accessPackageWire {
	return accessPackageWire{ID: ap.ID, DisplayName: ap.DisplayName, Description: ap.Description, IsHidden: ap.IsHidden,
		CreatedDateTime: fmtTime(ap.CreatedDateTime), ModifiedDateTime: fmtTime(ap.ModifiedDateTime)}
}

type accessPackageInput struct {
	DisplayName *string `json:"displayName"`
	Description *string `json:"description"`
	IsHidden    *bool   `json:"isHidden"`
	Catalog     *idRef  `json:"catalog"`
	CatalogID   string  `json:"catalogId"`
}

// roleScopeWire is Graph's accessPackageResourceRoleScope.
type roleScopeWire struct {
	ID              string    `json:"id"`
	CreatedDateTime *string   `json:"createdDateTime"`
	Role            roleWire  `json:"role"`
	Scope           scopeWire `json:"scope"`
}

// scopeWire is Graph's accessPackageResourceScope; entitled uses root scopes.
type scopeWire struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	Description  string `json:"description"`
	OriginID     string `json:"originId"`
	OriginSystem string `json:"originSystem"`
	IsRootScope  bool   `json:"isRootScope"`
}

func toRoleScope(rs entitled.ResourceRoleScope) roleScopeWire {
	res := toResource(rs.Resource, false)
	role := toRole(rs.Role)
	role.Resource = &res
	return roleScopeWire{ID: rs.ID, CreatedDateTime: fmtTime(rs.CreatedDateTime), Role: role, Scope: rootScope(rs.Resource)}
}

type roleScopeInput struct {
	Role struct {
		ID           string `json:"id"`
		OriginID     string `json:"originId"`
		OriginSystem string `json:"originSystem"`
		Resource     idRef  `json:"resource"`
	} `json:"role"`
	Scope struct {
		OriginID     string `json:"originId"`
		OriginSystem string `json:"originSystem"`
	} `json:"scope"`
}

// expandPackage adds the navigation properties named by $expand.
func (s *Server) expandPackage(r *http.Request, ap entitled.AccessPackage, q odata.Query) (accessPackageWire, error) {
	w := toAccessPackage(ap)
	ctx := r.Context()
	var err error
	if w.Catalog, err = s.expandCatalog(r, ap.CatalogID, q); err != nil {
		return w, err
	}
	if q.Expanded("resourceRoleScopes") {
		scopes, err := s.svc.AccessPackages.ResourceRoleScopes(ctx, ap.ID)
		if err != nil {
			return w, err
		}
		out := make([]roleScopeWire, 0, len(scopes))
		for _, rs := range scopes {
			out = append(out, toRoleScope(rs))
		}
		w.ResourceRoleScopes = &out
	}
	if q.Expanded("assignmentPolicies") {
		pols, err := s.svc.Policies.Policies(ctx, entitled.ListOptions{Top: entitled.MaxPageSize,
			Filter: entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: ap.ID}})
		if err != nil {
			return w, err
		}
		out := make([]policyWire, 0, len(pols.Items))
		for _, p := range pols.Items {
			pw, err := s.policyOut(r, p, q.Sub("assignmentPolicies"))
			if err != nil {
				return w, err
			}
			out = append(out, pw)
		}
		w.AssignmentPolicies = &out
	}
	return w, nil
}

func (s *Server) registerAccessPackages() {
	rt := s.routes
	set := emSet + "accessPackages"
	rt.handle("GET", emBase+"/accessPackages/filterByCurrentUser(on='allowedRequestor')",
		getTypedPage(s, set, "accessPackage", s.svc.AccessPackages.RequestableAccessPackages, s.expandPackage))
	rt.handle("GET", emBase+"/accessPackages", getTypedPage(s, set, "accessPackage", s.svc.AccessPackages.AccessPackages, s.expandPackage))
	rt.handle("POST", emBase+"/accessPackages", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in accessPackageInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		ap := &entitled.AccessPackage{DisplayName: str(in.DisplayName), Description: str(in.Description), CatalogID: in.CatalogID}
		if in.Catalog != nil && in.Catalog.ID != "" {
			ap.CatalogID = in.Catalog.ID
		}
		if strings.TrimSpace(ap.CatalogID) == "" {
			return badProp("catalog", "catalog is required: send \"catalog\": {\"id\": \"<catalog id>\"}").WithKey("err.package.catalogMissing")
		}
		if in.IsHidden != nil {
			ap.IsHidden = *in.IsHidden
		}
		if err := s.svc.AccessPackages.CreateAccessPackage(r.Context(), ap); err != nil {
			return err
		}
		return s.created(w, r, set, ap.ID, toAccessPackage(*ap))
	})
	rt.handle("GET", emBase+"/accessPackages/{id}", getOne(s, set, "accessPackage", s.svc.AccessPackages.AccessPackage, s.expandPackage))
	rt.handle("PATCH", emBase+"/accessPackages/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in accessPackageInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		upd := entitled.AccessPackageUpdate{DisplayName: in.DisplayName, Description: in.Description, IsHidden: in.IsHidden, CatalogID: in.CatalogID}
		if in.Catalog != nil && in.Catalog.ID != "" {
			upd.CatalogID = in.Catalog.ID
		}
		_, err := s.svc.AccessPackages.UpdateAccessPackage(r.Context(), p["id"], upd)
		if err != nil {
			return err
		}
		return noContent(w)
	})
	rt.handle("DELETE", emBase+"/accessPackages/{id}", onID(s.svc.AccessPackages.DeleteAccessPackage))
	rt.handle("POST", emBase+"/accessPackages/{id}/getApplicablePolicyRequirements", s.applicablePolicyRequirements)
	rt.handle("POST", emBase+"/accessPackages/{id}/resourceRoleScopes", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in roleScopeInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		rs, err := s.svc.AccessPackages.AddResourceRoleScope(r.Context(), p["id"], entitled.ResourceRoleScopeInput{
			RoleID: in.Role.ID, RoleOriginID: in.Role.OriginID, RoleOriginSystem: in.Role.OriginSystem, ResourceID: in.Role.Resource.ID})
		if err != nil {
			return err
		}
		return s.created(w, r, set+"('"+p["id"]+"')/resourceRoleScopes", rs.ID, toRoleScope(*rs))
	})
	rt.handle("GET", emBase+"/accessPackages/{id}/resourceRoleScopes", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := whole(query(r, "roleScope"))
		if err != nil {
			return err
		}
		scopes, err := s.svc.AccessPackages.ResourceRoleScopes(r.Context(), p["id"])
		if err != nil {
			return err
		}
		items, err := wireItemsErr(scopes, func(rs entitled.ResourceRoleScope) (any, error) { return nestedSelect(toRoleScope(rs), q) })
		if err != nil {
			return err
		}
		return s.collection(w, r, set+"('"+p["id"]+"')/resourceRoleScopes", items, "", nil, q.Select)
	})
	rt.handle("DELETE", emBase+"/accessPackages/{id}/resourceRoleScopes/{sid}", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.AccessPackages.RemoveResourceRoleScope(r.Context(), p["id"], p["sid"]); err != nil {
			return err
		}
		return noContent(w)
	})
}

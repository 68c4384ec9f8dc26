package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
)

// emBase is the path of Graph's entitlement management.
const emBase = "/v1.0/identityGovernance/entitlementManagement"

// emSet is the @odata.context set prefix of entitlement management.
const emSet = "identityGovernance/entitlementManagement/"

// catalogWire is Graph's accessPackageCatalog.
type catalogWire struct {
	ID                  string  `json:"id"`
	DisplayName         string  `json:"displayName"`
	Description         string  `json:"description"`
	CatalogType         string  `json:"catalogType"`
	State               string  `json:"state"`
	IsExternallyVisible bool    `json:"isExternallyVisible"`
	CreatedDateTime     *string `json:"createdDateTime"`
	ModifiedDateTime    *string `json:"modifiedDateTime"`
	// AccessPackages appears only under $expand=accessPackages.
	AccessPackages *[]accessPackageWire `json:"accessPackages,omitempty"`
}

func toCatalog(c entitled.Catalog) catalogWire {
	return catalogWire{ID: c.ID, DisplayName: c.DisplayName, Description: c.Description, CatalogType: c.CatalogType,
		State: c.State, IsExternallyVisible: c.IsExternallyVisible, CreatedDateTime: fmtTime(c.CreatedDateTime),
		ModifiedDateTime: fmtTime(c.ModifiedDateTime)}
}

type catalogInput struct {
	DisplayName         *string `json:"displayName"`
	Description         *string `json:"description"`
	CatalogType         *string `json:"catalogType"`
	State               *string `json:"state"`
	IsExternallyVisible *bool   `json:"isExternallyVisible"`
}

// decodeCatalog reads a catalog's POST or PATCH body and its state, if sent.
func (s *Server) decodeCatalog(r *http.Request) (catalogInput, *string, error) {
	var in catalogInput
	if err := s.decode(r, &in); err != nil || in.State == nil {
		return in, nil, err
	}
	v, err := enum("state", *in.State, "published", "unpublished")
	return in, &v, err
}

// resourceWire is Graph's accessPackageResource.
type resourceWire struct {
	ID               string       `json:"id"`
	DisplayName      string       `json:"displayName"`
	Description      string       `json:"description"`
	OriginID         string       `json:"originId"`
	OriginSystem     string       `json:"originSystem"`
	CreatedDateTime  *string      `json:"createdDateTime,omitempty"`
	ModifiedDateTime *string      `json:"modifiedDateTime,omitempty"`
	Roles            *[]roleWire  `json:"roles,omitempty"`
	Scopes           *[]scopeWire `json:"scopes,omitempty"`
}

// roleWire is Graph's accessPackageResourceRole.
type roleWire struct {
	ID           string        `json:"id"`
	DisplayName  string        `json:"displayName"`
	Description  string        `json:"description"`
	OriginID     string        `json:"originId"`
	OriginSystem string        `json:"originSystem"`
	Resource     *resourceWire `json:"resource,omitempty"`
}

func toResource(res entitled.Resource, roles bool) resourceWire {
	w := resourceWire{ID: res.ID, DisplayName: res.DisplayName, Description: res.Description, OriginID: res.OriginID,
		OriginSystem: res.OriginSystem, CreatedDateTime: fmtTime(res.CreatedDateTime), ModifiedDateTime: fmtTime(res.ModifiedDateTime)}
	if roles {
		rs := make([]roleWire, 0, len(res.Roles))
		for _, ro := range res.Roles {
			rs = append(rs, toRole(ro))
		}
		w.Roles = &rs
	}
	return w
}

func toRole(ro entitled.ResourceRole) roleWire {
	return roleWire{ID: ro.ID, DisplayName: ro.DisplayName, Description: ro.Description, OriginID: ro.OriginID, OriginSystem: ro.OriginSystem}
}

// resourceRequestWire is Graph's accessPackageResourceRequest.
type resourceRequestWire struct {
	ID              string       `json:"id"`
	RequestType     string       `json:"requestType"`
	State           string       `json:"state"`
	CreatedDateTime *string      `json:"createdDateTime"`
	Catalog         idRef        `json:"catalog"`
	Resource        resourceWire `json:"resource"`
}

// idRef is a navigation value sent or returned as just {"id": …}.
type idRef struct {
	ID string `json:"id"`
}

type resourceRequestInput struct {
	RequestType string `json:"requestType"`
	Resource    struct {
		OriginID     string `json:"originId"`
		OriginSystem string `json:"originSystem"`
		DisplayName  string `json:"displayName"`
		Description  string `json:"description"`
	} `json:"resource"`
	Catalog idRef `json:"catalog"`
}

func toResourceRequest(rr entitled.ResourceRequest) resourceRequestWire {
	return resourceRequestWire{ID: rr.ID, RequestType: string(rr.RequestType), State: string(rr.State),
		CreatedDateTime: fmtTime(rr.CreatedDateTime), Catalog: idRef{ID: rr.CatalogID}, Resource: toResource(rr.Resource, false)}
}

func (s *Server) registerCatalogs() {
	rt := s.routes
	set := emSet + "catalogs"
	rt.handle("POST", emBase+"/catalogs", func(w http.ResponseWriter, r *http.Request, _ params) error {
		in, st, err := s.decodeCatalog(r)
		if err != nil {
			return err
		}
		c := &entitled.Catalog{DisplayName: str(in.DisplayName), Description: str(in.Description), CatalogType: str(in.CatalogType)}
		if st != nil {
			c.State = *st
		}
		if in.IsExternallyVisible != nil {
			c.IsExternallyVisible = *in.IsExternallyVisible
		}
		if err := s.svc.Catalogs.CreateCatalog(r.Context(), c); err != nil {
			return err
		}
		return s.created(w, r, set, c.ID, toCatalog(*c))
	})
	rt.handle("GET", emBase+"/catalogs", getTypedPage(s, set, "catalog", s.svc.Catalogs.Catalogs, s.catalogOut))
	rt.handle("GET", emBase+"/catalogs/{id}", getOne(s, set, "catalog", s.svc.Catalogs.Catalog, s.catalogOut))
	rt.handle("PATCH", emBase+"/catalogs/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		in, st, err := s.decodeCatalog(r)
		if err != nil {
			return err
		}
		// Graph answers an update with 204 and no body, like the other updates.
		_, err = s.svc.Catalogs.UpdateCatalog(r.Context(), p["id"], entitled.CatalogUpdate{DisplayName: in.DisplayName,
			Description: in.Description, State: st, IsExternallyVisible: in.IsExternallyVisible})
		if err != nil {
			return err
		}
		return noContent(w)
	})
	rt.handle("DELETE", emBase+"/catalogs/{id}", onID(s.svc.Catalogs.DeleteCatalog))
	rt.handle("GET", emBase+"/catalogs/{id}/resources", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := query(r, "resource")
		if err != nil {
			return err
		}
		pg, err := s.svc.Catalogs.CatalogResources(r.Context(), p["id"], q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, set+"('"+p["id"]+"')/resources", pg, q.Select, func(res entitled.Resource) (any, error) {
			return nestedSelect(resourceOut(res, q), q)
		})
	})
	rt.handle("GET", emBase+"/catalogs/{id}/resources/{rid}", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := query(r, "resource")
		if err != nil {
			return err
		}
		res, err := s.svc.Catalogs.CatalogResource(r.Context(), p["id"], p["rid"])
		if err != nil {
			return err
		}
		out, err := nestedSelect(resourceOut(*res, q), q)
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, set+"('"+p["id"]+"')/resources", out, q.Select)
	})
	rt.handle("GET", emBase+"/catalogs/{id}/accessPackages", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := query(r, "accessPackage")
		if err != nil {
			return err
		}
		if _, err := s.svc.Catalogs.Catalog(r.Context(), p["id"]); err != nil {
			return err
		}
		cat := entitled.Compare{Op: "eq", Property: "catalog/id", Value: p["id"]}
		if q.List.Filter == nil {
			q.List.Filter = cat
		} else {
			q.List.Filter = entitled.Logical{Op: "and", Left: cat, Right: q.List.Filter}
		}
		pg, err := s.svc.AccessPackages.AccessPackages(r.Context(), q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, emSet+"accessPackages", pg, q.Select, func(ap entitled.AccessPackage) (any, error) {
			return nestedOf(q)(s.expandPackage(r, ap, q))
		})
	})
	s.registerResourceRoles()
	rt.handle("POST", emBase+"/resourceRequests", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in resourceRequestInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		rt, err := entitled.ParseRequestType(in.RequestType)
		if err != nil {
			return err
		}
		rr := &entitled.ResourceRequest{RequestType: rt, CatalogID: in.Catalog.ID, Resource: entitled.Resource{
			OriginID: in.Resource.OriginID, OriginSystem: in.Resource.OriginSystem, DisplayName: in.Resource.DisplayName,
			Description: in.Resource.Description, CatalogID: in.Catalog.ID}}
		if err := s.svc.Catalogs.CreateResourceRequest(r.Context(), rr); err != nil {
			return err
		}
		return s.created(w, r, emSet+"resourceRequests", rr.ID, toResourceRequest(*rr))
	})
	rt.handle("GET", emBase+"/resourceRequests", getPage(s, emSet+"resourceRequests", s.svc.Catalogs.ResourceRequests,
		func(rr entitled.ResourceRequest) (any, error) { return toResourceRequest(rr), nil }))
}

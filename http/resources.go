package http

import (
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// rootScope is the one scope entitled gives a resource: its root.
func rootScope(res entitled.Resource) scopeWire {
	return scopeWire{ID: res.ID, DisplayName: "Root", Description: "Root scope", OriginID: res.OriginID,
		OriginSystem: res.OriginSystem, IsRootScope: true}
}

// resourceOut is a resource with its $expand: roles (each with
// $expand=resource) and scopes (the root scope).
func resourceOut(res entitled.Resource, q odata.Query) resourceWire {
	w := toResource(res, q.Expanded("roles"))
	if w.Roles != nil && q.Sub("roles").Expanded("resource") {
		bare := toResource(res, false)
		for i := range *w.Roles {
			(*w.Roles)[i].Resource = &bare
		}
	}
	if q.Expanded("scopes") {
		w.Scopes = &[]scopeWire{rootScope(res)}
	}
	return w
}

// roleFilterProps maps what a $filter on catalogs/{id}/resourceRoles may
// name to the resource property that answers it: a role's originSystem is
// its resource's.
var roleFilterProps = map[string]string{"resource/id": "id", "originsystem": "originSystem"}

// roleFilter rewrites a $filter on resource roles into one on resources.
func roleFilter(e entitled.Expr) (entitled.Expr, error) {
	prop := func(p string) (string, error) {
		if m, ok := roleFilterProps[strings.ToLower(p)]; ok {
			return m, nil
		}
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$filter",
			Message: "invalid $filter: resourceRoles can be filtered on originSystem and resource/id, not " + p}).WithKey("err.query.resourceRoleFilter", "Property", p)
	}
	var err error
	switch x := e.(type) {
	case nil:
		return nil, nil
	case entitled.Logical:
		if x.Left, err = roleFilter(x.Left); err != nil {
			return nil, err
		}
		x.Right, err = roleFilter(x.Right)
		return x, err
	case entitled.Not:
		x.X, err = roleFilter(x.X)
		return x, err
	case entitled.Compare:
		x.Property, err = prop(x.Property)
		return x, err
	case entitled.In:
		x.Property, err = prop(x.Property)
		return x, err
	case entitled.Call:
		x.Property, err = prop(x.Property)
		return x, err
	}
	return nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$filter", Message: "invalid $filter"}).WithKey("err.query.badFilter")
}

// registerResourceRoles serves a catalog's resource roles (every role of
// every resource, returned whole) and a resource's scopes.
func (s *Server) registerResourceRoles() {
	set := emSet + "catalogs"
	s.routes.handle("GET", emBase+"/catalogs/{id}/resourceRoles", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := query(r, "role")
		if err != nil {
			return err
		}
		if q.List.OrderBy != "" || q.List.SkipToken != "" || q.List.Top != 0 {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$orderby",
				Message: "resourceRoles is returned whole in its natural order; $orderby, $top and $skiptoken do not apply"}).WithKey("api.noOrderBy")
		}
		opt := entitled.ListOptions{Top: entitled.MaxPageSize}
		if opt.Filter, err = roleFilter(q.List.Filter); err != nil {
			return err
		}
		var items []any
		for {
			pg, err := s.svc.Catalogs.CatalogResources(r.Context(), p["id"], opt)
			if err != nil {
				return err
			}
			for _, res := range pg.Items {
				bare := toResource(res, false)
				for _, ro := range res.Roles {
					rw := toRole(ro)
					if q.Expanded("resource") {
						rw.Resource = &bare
					}
					v, err := nestedSelect(rw, q)
					if err != nil {
						return err
					}
					items = append(items, v)
				}
			}
			if pg.NextSkipToken == "" {
				break
			}
			opt.SkipToken = pg.NextSkipToken
		}
		var count *int
		if q.List.Count {
			n := len(items)
			count = &n
		}
		return s.collection(w, r, set+"('"+p["id"]+"')/resourceRoles", items, "", count, q.Select)
	})
	s.routes.handle("GET", emBase+"/catalogs/{id}/resources/{rid}/scopes", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := whole(query(r, "scope"))
		if err != nil {
			return err
		}
		res, err := s.svc.Catalogs.CatalogResource(r.Context(), p["id"], p["rid"])
		if err != nil {
			return err
		}
		return s.collection(w, r, set+"('"+p["id"]+"')/resources('"+p["rid"]+"')/scopes", []any{rootScope(*res)}, "", nil, q.Select)
	})
}

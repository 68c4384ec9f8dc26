package http

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// graphTree lists, per wire type, what $expand may name and the type it
// leads to; options nested in $expand (assignment($expand=target;$select=id))
// are checked against it, so a nested option is served or refused with a
// 400, never dropped. Every out function below expands its navigation
// properties with the nested options (odata.Query.Sub). Types without an
// entry (subject, scope, roleResource: a role's resource, reference: an
// {"id"} reference, …) expand nothing further.
var graphTree = odata.Tree{
	"assignment":     {{Name: "accessPackage", Type: "accessPackage"}, {Name: "target", Type: "subject"}, {Name: "assignmentPolicy", Type: "policy"}},
	"request":        {{Name: "accessPackage", Type: "accessPackage"}, {Name: "assignment", Type: "assignment"}, {Name: "requestor", Type: "subject"}},
	"accessPackage":  {{Name: "catalog", Type: "catalog"}, {Name: "resourceRoleScopes", Type: "roleScope"}, {Name: "assignmentPolicies", Type: "policy"}},
	"catalog":        {{Name: "accessPackages", Type: "accessPackage"}},
	"policy":         {{Name: "accessPackage", Type: "reference"}, {Name: "catalog", Type: "catalog"}, {Name: "questions", Type: "question"}},
	"roleScope":      {{Name: "role", Type: "scopeRole"}, {Name: "scope", Type: "scope"}},
	"scopeRole":      {{Name: "resource", Type: "roleResource"}},
	"resource":       {{Name: "roles", Type: "role"}, {Name: "scopes", Type: "scope"}},
	"role":           {{Name: "resource", Type: "roleResource"}},
	"roleAssignment": {{Name: "principal", Type: "directoryObject"}},
}

// query parses the query options of a read of values of type typ.
func query(r *http.Request, typ string) (odata.Query, error) {
	return odata.ParseTree(r.URL.Query(), graphTree, typ)
}

// nestedSelect applies the $select options nested in q's $expand items to
// the expanded values of v; v is returned unchanged when there are none.
func nestedSelect(v any, q odata.Query) (any, error) {
	if !hasNestedSelect(q) {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(pruneJSON(b, q)), nil
}

// nestedOf returns nestedSelect for q over an out function's results:
// nestedOf(q)(s.assignmentOut(r, a, q)).
func nestedOf(q odata.Query) func(any, error) (any, error) {
	return func(v any, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return nestedSelect(v, q)
	}
}

func hasNestedSelect(q odata.Query) bool {
	for _, e := range q.Expand {
		if e.Nested != nil && (len(e.Nested.Select) > 0 || hasNestedSelect(*e.Nested)) {
			return true
		}
	}
	return false
}

// pruneJSON keeps, in each expanded object (or array of objects) of the
// JSON object b, the properties its nested $select names.
func pruneJSON(b []byte, q odata.Query) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) != nil {
			return b
		}
		for i, it := range arr {
			arr[i] = pruneJSON(it, q)
		}
		out, _ := json.Marshal(arr)
		return out
	}
	for _, e := range q.Expand {
		if e.Nested == nil {
			continue
		}
		for k, val := range m {
			if !strings.EqualFold(k, e.Name) {
				continue
			}
			val = pruneJSON(val, *e.Nested)
			if len(e.Nested.Select) > 0 {
				val = selectJSON(val, e.Nested.Select)
			}
			m[k] = val
		}
	}
	out, _ := json.Marshal(m)
	return out
}

// selectJSON applies shape's $select to a JSON object or array of objects.
func selectJSON(b json.RawMessage, sel []string) json.RawMessage {
	var arr []json.RawMessage
	if json.Unmarshal(b, &arr) == nil {
		for i, it := range arr {
			arr[i] = selectJSON(it, sel)
		}
		out, _ := json.Marshal(arr)
		return out
	}
	m, err := shape(b, sel)
	if err != nil {
		return b
	}
	out, _ := json.Marshal(m)
	return out
}

// expandOne fills an expanded single-valued navigation property: found
// converts the entity, and a caller who may not see it (or a gone entity)
// gets the bare reference from missing.
func expandOne[T any, W any](get func() (*T, error), found func(T) (W, error), missing func() W) (*W, error) {
	v, err := get()
	switch {
	case err == nil:
		w, err := found(*v)
		return &w, err
	case tolerable(err):
		w := missing()
		return &w, nil
	}
	return nil, err
}

// allPackagesOf lists every access package of a catalog, page by page.
func (s *Server) allPackagesOf(r *http.Request, catalogID string) ([]entitled.AccessPackage, error) {
	opt := entitled.ListOptions{Top: entitled.MaxPageSize, Filter: entitled.Compare{Op: "eq", Property: "catalog/id", Value: catalogID}}
	var out []entitled.AccessPackage
	for {
		pg, err := s.svc.AccessPackages.AccessPackages(r.Context(), opt)
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Items...)
		if pg.NextSkipToken == "" {
			return out, nil
		}
		opt.SkipToken = pg.NextSkipToken
	}
}

// expandCatalog is the catalog of id as $expand=catalog writes it (with
// its own nested $expand), or nil when q does not expand catalog.
func (s *Server) expandCatalog(r *http.Request, id string, q odata.Query) (*catalogWire, error) {
	if !q.Expanded("catalog") {
		return nil, nil
	}
	c, err := s.svc.Catalogs.Catalog(r.Context(), id)
	if err != nil {
		return nil, err
	}
	cw, err := s.catalogOut(r, *c, q.Sub("catalog"))
	if err != nil {
		return nil, err
	}
	return &cw, nil
}

// catalogOut is a catalog with its $expand (accessPackages).
func (s *Server) catalogOut(r *http.Request, c entitled.Catalog, q odata.Query) (catalogWire, error) {
	w := toCatalog(c)
	if q.Expanded("accessPackages") {
		aps, err := s.allPackagesOf(r, c.ID)
		if err != nil {
			return w, err
		}
		out := make([]accessPackageWire, 0, len(aps))
		for _, ap := range aps {
			apw, err := s.expandPackage(r, ap, q.Sub("accessPackages"))
			if err != nil {
				return w, err
			}
			out = append(out, apw)
		}
		w.AccessPackages = &out
	}
	return w, nil
}

// packageOf is the expanded access package id with its nested options; a
// caller who may not see it (or a gone package) gets the bare reference.
func (s *Server) packageOf(r *http.Request, id string, q odata.Query) (*accessPackageWire, error) {
	return s.memoPackage(r, id, q, func() (*accessPackageWire, error) {
		return expandOne(func() (*entitled.AccessPackage, error) { return s.svc.AccessPackages.AccessPackage(r.Context(), id) },
			func(ap entitled.AccessPackage) (accessPackageWire, error) { return s.expandPackage(r, ap, q) },
			func() accessPackageWire { return accessPackageWire{ID: id} })
	})
}

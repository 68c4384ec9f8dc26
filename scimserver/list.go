package scimserver

import (
	"strings"

	"github.com/elimity-com/scim"
	"github.com/entitled-dev/entitled"
	filter "github.com/scim2/filter-parser/v2"
)

// storeFilter turns `attr eq "value"` on one of the attributes props maps
// (lower-case SCIM name → store property) into the store's filter; nil
// for any other expression, which is then applied to every resource.
func storeFilter(exp filter.Expression, props map[string]string) entitled.Expr {
	e, ok := exp.(*filter.AttributeExpression)
	if !ok || e.Operator != filter.EQ || e.AttributePath.SubAttribute != nil || e.AttributePath.URIPrefix != nil {
		return nil
	}
	prop, ok := props[strings.ToLower(e.AttributePath.AttributeName)]
	if !ok {
		return nil
	}
	v, ok := e.CompareValue.(string)
	if !ok {
		return nil
	}
	return entitled.Compare{Op: "eq", Property: prop, Value: v}
}

// attributesOf is a resource as its filter sees it: its attributes with
// id and externalId.
func attributesOf(res scim.Resource) map[string]any {
	m := map[string]any{"id": res.ID}
	for k, v := range res.Attributes {
		m[k] = v
	}
	if res.ExternalID.Present() {
		m["externalId"] = res.ExternalID.Value()
	}
	return m
}

// pageOf returns the page of all that startIndex (1-based) and count ask for.
func pageOf(all []scim.Resource, params scim.ListRequestParams) scim.Page {
	start := params.StartIndex - 1
	if start < 0 {
		start = 0
	}
	if start > len(all) {
		start = len(all)
	}
	end := len(all)
	if params.Count >= 0 && start+params.Count < end {
		end = start + params.Count
	}
	return scim.Page{TotalResults: len(all), Resources: append([]scim.Resource{}, all[start:end]...)}
}

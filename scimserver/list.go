package scimserver

import (
	"context"
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

// listAll answers a list request from the store: an equality filter on one
// of the attributes props maps is passed to the store (storeFilter), every
// page list returns is read, each item turned into a resource and kept when
// the request's filter passes it, and the page that startIndex and count
// ask for is returned.
func listAll[T any](ctx context.Context, params scim.ListRequestParams, props map[string]string,
	list func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[T], error),
	resource func(item *T) (scim.Resource, error)) (scim.Page, error) {
	opt := entitled.ListOptions{Top: entitled.MaxPageSize}
	if params.FilterValidator != nil {
		opt.Filter = storeFilter(params.FilterValidator.GetFilter(), props)
	}
	var all []scim.Resource
	for {
		page, err := list(ctx, opt)
		if err != nil {
			return scim.Page{}, scimError(err)
		}
		for i := range page.Items {
			res, err := resource(&page.Items[i])
			if err != nil {
				return scim.Page{}, err
			}
			if params.FilterValidator == nil || params.FilterValidator.PassesFilter(attributesOf(res)) == nil {
				all = append(all, res)
			}
		}
		if page.NextSkipToken == "" {
			return pageOf(all, params), nil
		}
		opt.SkipToken = page.NextSkipToken
	}
}

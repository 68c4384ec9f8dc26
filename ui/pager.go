package ui

import (
	"html/template"
	"net/url"
	"slices"
)

// pagerLinks are the two links under a paged list: First (shown once the
// reader has left the first page) and Next (shown while more rows follow).
// An empty link is not shown.
type pagerLinks struct {
	First, Next string
}

// pager builds the links of the "pager" partial for the list at path,
// whose filters are the name/value pairs kv (empty values are dropped):
// First when paged is true (a bool or a non-empty skip token), Next when
// next, the skip token of the following page, is not empty.
func pager(paged any, next, path string, kv ...string) pagerLinks {
	var links pagerLinks
	if truth, _ := template.IsTrue(paged); truth {
		links.First = path + string(queryOf(kv...))
	}
	if next != "" {
		links.Next = path + string(queryOf(slices.Concat(kv, []string{"skiptoken", next})...))
	}
	return links
}

// queryOf is the query string ("?a=1&b=2") of the name/value pairs kv,
// pairs with an empty value left out; "" when none is left.
func queryOf(kv ...string) template.URL {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return template.URL("?" + v.Encode())
}

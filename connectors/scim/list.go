package scim

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Page sizes of ListResources.
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
)

// ListResources lists SCIM groups whose displayName contains search
// (GET /Groups?filter=displayName co "…"&startIndex=…&count=…). The page
// token is the SCIM startIndex of the next page.
func (c *Connector) ListResources(ctx context.Context, search, pageToken string, limit int) (entitled.ResourcePage, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, MaxListLimit)
	start := 1
	if pageToken != "" {
		n, err := strconv.Atoi(pageToken)
		if err != nil || n < 1 {
			return entitled.ResourcePage{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
				Target: "pageToken", Message: "the page token is not one this connected system issued; start again without a token"}).WithKey("err.connector.scimPageToken")
		}
		start = n
	}
	q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(limit)}, "excludedAttributes": {"members"}}
	if s := strings.TrimSpace(search); s != "" {
		q.Set("filter", "displayName co "+filterString(s))
	}
	var lr listResponse[groupJSON]
	if err := c.do(ctx, request{Method: http.MethodGet, Path: "/Groups", Query: q}, &lr); err != nil {
		return entitled.ResourcePage{}, c.delivery(err, "list SCIM groups")
	}
	rs := lr.Resources
	if len(rs) > limit {
		rs = rs[:limit]
	}
	page := entitled.ResourcePage{Resources: make([]entitled.ResourceInfo, 0, len(rs))}
	for _, g := range rs {
		if g.ID != "" {
			page.Resources = append(page.Resources, g.info())
		}
	}
	if next := start + len(rs); len(rs) > 0 && next-1 < lr.TotalResults {
		page.Next = strconv.Itoa(next)
	}
	return page, nil
}

// Check tests the address and the token: GET /ServiceProviderConfig, or
// GET /Users?count=1 on a server without that endpoint.
func (c *Connector) Check(ctx context.Context) error {
	err := c.do(ctx, request{Method: http.MethodGet, Path: "/ServiceProviderConfig"}, nil)
	var se *statusError
	if errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusNotImplemented) {
		err = c.do(ctx, request{Method: http.MethodGet, Path: "/Users", Query: url.Values{"count": {"1"}}}, nil)
	}
	if err != nil {
		return c.delivery(err, "check the SCIM connection")
	}
	return nil
}

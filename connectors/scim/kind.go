// Package scim is the connector kind of SCIM 2.0 service providers (RFC 7643
// and RFC 7644). Its resources are SCIM Groups, each with one role, Member;
// granting adds the subject's SCIM User to the group with PATCH /Groups/{id}
// and revoking removes it. Users are found by the attribute config.userMatch
// names (userName, emails or externalId) and, with config.createUsers,
// created when missing.
package scim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// KindName is the kind's name in the API.
const KindName = "scim"

// RoleMember is the one role of a SCIM group.
const RoleMember = "Member"

// NewKind returns the scim kind. Requests go through client; nil gives each
// system its own pooled client sized by its config.maxConnections. Each
// request's timeout comes from the system's config. config.token is
// write-only; config.baseURL is masked when read back should it ever carry
// credentials or a query (validation refuses both).
func NewKind(client *http.Client) entitled.ConnectorKind {
	return connectors.Kind[*Config]{KindName: KindName, Secrets: []string{"token"}, URLs: []string{"baseURL"}, Parse: ParseConfig,
		Build: func(cfg *Config) (entitled.Connector, error) { return New(cfg, client), nil }}
}

// Connector grants and revokes membership of the groups of one SCIM service
// provider. It implements entitled.Connector, BatchConnector,
// ResourceLister and Checker, and is safe for concurrent use.
type Connector struct {
	cfg    *Config
	client *http.Client
	sem    chan struct{} // bounds concurrent requests to cfg.MaxConnections
	users  *userCache
}

var (
	_ entitled.BatchConnector = (*Connector)(nil)
	_ entitled.ResourceLister = (*Connector)(nil)
	_ entitled.Checker        = (*Connector)(nil)
)

// New returns a connector for a parsed config. Requests go through client;
// nil gives the connector its own pooled client sized by cfg.MaxConnections.
func New(cfg *Config, client *http.Client) *Connector {
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = cfg.MaxConnections
		t.MaxIdleConnsPerHost = cfg.MaxConnections
		t.MaxConnsPerHost = cfg.MaxConnections
		t.IdleConnTimeout = 90 * time.Second
		client = &http.Client{Transport: t}
	}
	return &Connector{cfg: cfg, client: client, sem: make(chan struct{}, cfg.MaxConnections), users: newUserCache()}
}

// String describes the connector without secrets.
func (c *Connector) String() string { return "scim " + c.where() }

// groupPath is "/Groups/{id}" with the id escaped.
func groupPath(id string) string { return "/Groups/" + url.PathEscape(id) }

// roleOK accepts the Member role (or none, meaning Member).
func roleOK(r entitled.ResourceRoleRef) bool {
	return r.OriginID == "" || strings.EqualFold(r.OriginID, RoleMember)
}

// groupJSON is the part of a SCIM Group the connector reads.
type groupJSON struct {
	Schemas     []string `json:"schemas"`
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
}

func (g groupJSON) info() entitled.ResourceInfo {
	name := g.DisplayName
	if name == "" {
		name = g.ID
	}
	return entitled.ResourceInfo{OriginID: g.ID, DisplayName: name,
		Roles: []entitled.ResourceRoleRef{{OriginID: RoleMember, DisplayName: RoleMember}}}
}

// Describe reads a group (GET /Groups/{id}) and lists its Member role.
func (c *Connector) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	if strings.TrimSpace(originID) == "" {
		return entitled.ResourceInfo{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "originId", Message: "originId must be the id of a SCIM group of the service provider"}).WithKey("err.connector.scimOriginId")
	}
	if err := checkGroupID(originID); err != nil {
		return entitled.ResourceInfo{}, err
	}
	var g groupJSON
	err := c.do(ctx, request{Method: http.MethodGet, Path: groupPath(originID),
		Query: url.Values{"excludedAttributes": {"members"}}}, &g)
	if se, ok := err.(*statusError); ok && se.Status == http.StatusNotFound {
		return entitled.ResourceInfo{}, entitled.PermanentErrorf("the SCIM server %s has no group with id %q", c.where(), originID)
	}
	if err != nil {
		return entitled.ResourceInfo{}, c.delivery(err, fmt.Sprintf("read SCIM group %q", originID))
	}
	if err := checkGroup(originID, g); err != nil {
		return entitled.ResourceInfo{}, err
	}
	if g.ID == "" {
		g.ID = originID
	}
	return g.info(), nil
}

// Grant adds the subject to the group; already a member is success.
func (c *Connector) Grant(ctx context.Context, g entitled.Grant) error {
	return c.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionGrant, Grant: g}})[0]
}

// Revoke removes the subject from the group; not a member is success.
func (c *Connector) Revoke(ctx context.Context, g entitled.Grant) error {
	return c.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionRevoke, Grant: g}})[0]
}

// Package webhook is the connector kind that delivers grants and revokes as
// signed JSON POSTs to an HTTP endpoint.
package webhook

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// KindName is the kind's name as written in the API.
const KindName = "webhook"

// NewKind returns the webhook kind. Requests go through client (nil: a
// default client); each request's timeout comes from the system's config.
// config.secret is write-only; config.url's userinfo and query are masked
// when the config is read back.
func NewKind(client *http.Client) entitled.ConnectorKind {
	if client == nil {
		client = &http.Client{}
	}
	return connectors.Kind[*Config]{KindName: KindName, Secrets: []string{"secret"}, URLs: []string{"url"}, Parse: ParseConfig,
		Build: func(cfg *Config) (entitled.Connector, error) { return New(cfg, client), nil }}
}

// New returns a connector for a parsed config; requests go through client
// (nil: a default client).
func New(cfg *Config, client *http.Client) *Connector {
	if client == nil {
		client = &http.Client{}
	}
	return &Connector{client: client, cfg: cfg, now: time.Now}
}

// Connector delivers to one webhook endpoint.
type Connector struct {
	client *http.Client
	cfg    *Config
	now    func() time.Time // stamps webhook-timestamp
}

// Describe accepts any non-empty origin id; the resource's roles are the
// config's roles.
func (c *Connector) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	if strings.TrimSpace(originID) == "" {
		return entitled.ResourceInfo{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "originId", Message: "originId must not be empty: give the resource's id in the webhook's target system"}).WithKey("err.connector.webhookOriginId")
	}
	info := entitled.ResourceInfo{OriginID: originID, DisplayName: originID}
	for _, r := range c.cfg.Roles {
		info.Roles = append(info.Roles, entitled.ResourceRoleRef{OriginID: r, DisplayName: r})
	}
	return info, nil
}

// Grant POSTs a grant.
func (c *Connector) Grant(ctx context.Context, g entitled.Grant) error {
	return c.send(ctx, entitled.ActionGrant, g)
}

// Revoke POSTs a revoke.
func (c *Connector) Revoke(ctx context.Context, g entitled.Grant) error {
	return c.send(ctx, entitled.ActionRevoke, g)
}

// Package webhook is the connector kind that delivers grants and revokes as
// signed JSON POSTs to an HTTP endpoint.
package webhook

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// KindName is the kind's name as written in the API.
const KindName = "webhook"

// kind is the webhook connector kind.
type kind struct{ client *http.Client }

// NewKind returns the webhook kind. Requests go through client (nil: a
// default client); each request's timeout comes from the system's config.
func NewKind(client *http.Client) entitled.ConnectorKind {
	if client == nil {
		client = &http.Client{}
	}
	return &kind{client: client}
}

func (k *kind) Name() string { return KindName }

func (k *kind) SecretFields() []string { return []string{"secret"} }

// URLFields names config.url: its userinfo and query are masked when the
// config is read back.
func (k *kind) URLFields() []string { return []string{"url"} }

func (k *kind) Validate(config map[string]any) error {
	_, err := ParseConfig(config)
	return err
}

func (k *kind) New(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	cfg, err := ParseConfig(sys.Config)
	if err != nil {
		return nil, err
	}
	return New(cfg, k.client), nil
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
		return entitled.ResourceInfo{}, &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest,
			Target: "originId", Message: "originId must not be empty: give the resource's id in the webhook's target system"}
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

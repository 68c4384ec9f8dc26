package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"

	"github.com/entitled-dev/entitled/internal/stdwebhook"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body.
// Deprecated: verify the Standard Webhooks headers (stdwebhook.SignatureHeader);
// this one is still sent for one release and then dropped.
const SignatureHeader = "X-Entitled-Signature"

// Payload is the JSON body POSTed to a webhook.
type Payload struct {
	Action              entitled.DeliveryAction `json:"action"`
	Subject             PayloadSubject          `json:"subject"`
	Resource            PayloadRef              `json:"resource"`
	Role                PayloadRef              `json:"role"`
	AssignmentRequestID string                  `json:"assignmentRequestId"`
	DeliveryID          string                  `json:"deliveryId"`
	IdempotencyKey      string                  `json:"idempotencyKey"`
}

// PayloadSubject is the user a grant is for.
type PayloadSubject struct {
	ObjectID      string `json:"objectId"`
	PrincipalName string `json:"principalName"`
	Email         string `json:"email"`
	DisplayName   string `json:"displayName"`
}

// PayloadRef names a resource or a role by its origin id.
type PayloadRef struct {
	OriginID    string `json:"originId"`
	DisplayName string `json:"displayName"`
}

func (c *Connector) send(ctx context.Context, action entitled.DeliveryAction, g entitled.Grant) error {
	objectID := g.Subject.ObjectID
	if objectID == "" {
		objectID = g.Subject.ID
	}
	body, err := json.Marshal(Payload{
		Action: action,
		Subject: PayloadSubject{ObjectID: objectID, PrincipalName: g.Subject.PrincipalName,
			Email: g.Subject.Email, DisplayName: g.Subject.DisplayName},
		Resource:            PayloadRef{OriginID: g.Resource.OriginID, DisplayName: g.Resource.DisplayName},
		Role:                PayloadRef{OriginID: g.Role.OriginID, DisplayName: g.Role.DisplayName},
		AssignmentRequestID: g.RequestID,
		DeliveryID:          g.DeliveryID,
		IdempotencyKey:      g.IdempotencyKey,
	})
	if err != nil {
		return entitled.PermanentErrorf("encode webhook payload: %v", err)
	}

	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL.String(), bytes.NewReader(body))
	if err != nil {
		return entitled.PermanentErrorf("webhook %s: %s", c.where(), c.redact(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", g.IdempotencyKey)
	id := g.IdempotencyKey
	if id == "" {
		id = g.DeliveryID
	}
	if id == "" {
		id = newMessageID()
	}
	ts := c.now().Unix()
	req.Header.Set(stdwebhook.IDHeader, id)
	req.Header.Set(stdwebhook.TimestampHeader, strconv.FormatInt(ts, 10))
	if c.cfg.Secret != "" {
		req.Header.Set(stdwebhook.SignatureHeader, stdwebhook.Sign(c.cfg.Key, id, ts, body))
		req.Header.Set(SignatureHeader, Sign(c.cfg.Secret, body))
	}

	resp, err := c.client.Do(req)
	if err != nil {
		return c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, connectors.MaxErrorText+utf8.UTFMax))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused

	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case connectors.TransientStatus(code):
		return entitled.TransientErrorf("HTTP %d%s", code, c.bodyText(text))
	default:
		return entitled.PermanentErrorf("HTTP %d%s", code, c.bodyText(text))
	}
}

// bodyText is ": " and the trimmed body (at most 1 KiB, whole UTF-8
// characters), or "" for an empty body.
func (c *Connector) bodyText(b []byte) string {
	if s := connectors.ErrorText(b); s != "" {
		return ": " + c.redact(s)
	}
	return ""
}

// transportError classifies a failed round trip: all are transient.
func (c *Connector) transportError(ctx context.Context, err error) error {
	switch why, cause := connectors.ClassifyNoAnswer(err); why {
	case connectors.TimedOut:
		return entitled.TransientErrorf("webhook %s did not answer within %s", c.where(), c.cfg.Timeout)
	case connectors.Canceled:
		return entitled.TransientErrorf("webhook %s: call canceled", c.where())
	default:
		return entitled.TransientErrorf("webhook %s: %s", c.where(), c.redact(cause.Error()))
	}
}

// where names the endpoint without userinfo, query or fragment.
func (c *Connector) where() string {
	u := c.cfg.URL
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// redact removes the secret and the URL's userinfo and query from s.
func (c *Connector) redact(s string) string {
	return connectors.Redact(s, c.secrets()...)
}

func (c *Connector) secrets() []string {
	u := c.cfg.URL
	out := []string{c.cfg.Secret, u.RawQuery}
	if u.User != nil {
		out = append(out, u.User.String())
		if p, ok := u.User.Password(); ok && len(p) >= 4 {
			out = append(out, p)
		}
	}
	// The full URL is redacted first so that its remains do not leak.
	return append([]string{u.String()}, out...)
}

var _ entitled.Connector = (*Connector)(nil)

// String describes the connector without secrets.
func (c *Connector) String() string { return fmt.Sprintf("webhook %s", c.where()) }

package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
)

// ContentType is the media type of SCIM requests and responses (RFC 7644 §8.1).
const ContentType = "application/scim+json"

// maxBody bounds a response body the connector reads.
const maxBody = 16 << 20

// statusError is a non-2xx answer of the service provider, with the SCIM
// error body's scimType and detail when it had one (RFC 7644 §3.12).
type statusError struct {
	Method   string
	Path     string
	Status   int
	ScimType string
	Detail   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("SCIM %s %s: %s", e.Method, e.Path, e.summary())
}

// summary is "HTTP 400 (scimType noTarget): detail".
func (e *statusError) summary() string {
	s := "HTTP " + strconv.Itoa(e.Status)
	if e.ScimType != "" {
		s += " (scimType " + e.ScimType + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// delivery turns the error into a classified delivery error; what says
// what was being done ("add ada to group g1").
func (c *Connector) delivery(err error, what string) error {
	var se *statusError
	if !errors.As(err, &se) {
		var de *entitled.DeliveryError
		if errors.As(err, &de) {
			return err
		}
		return entitled.TransientErrorf("%s: %s", what, c.redact(err.Error()))
	}
	switch {
	case connectors.TransientStatus(se.Status):
		return entitled.TransientErrorf("%s: SCIM server %s answered %s", what, c.where(), se.summary())
	case se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden:
		return entitled.PermanentErrorf("%s: SCIM server %s refused the bearer token (%s); check config.token and the token's permissions",
			what, c.where(), se.summary())
	}
	return entitled.PermanentErrorf("%s: SCIM server %s answered %s", what, c.where(), se.summary())
}

// request is one call to the service provider.
type request struct {
	Method string
	Path   string // below the base URL, such as "/Groups/g1"
	Query  url.Values
	Body   any
	// IdempotencyKey lets net/http resend a PATCH on a connection the
	// server closed (it only replays requests it knows to be idempotent).
	IdempotencyKey string
}

// do sends req and decodes a 2xx JSON answer into out (when not nil).
// Transport failures come back as transient delivery errors, non-2xx
// answers as *statusError; no error carries the token.
func (c *Connector) do(ctx context.Context, req request, out any) error {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return c.transportError(req, ctx.Err())
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	u := *c.cfg.BaseURL
	u.Path += req.Path
	u.RawPath = ""
	if req.Query != nil {
		u.RawQuery = req.Query.Encode()
	}
	var body io.Reader
	if req.Body != nil {
		b, err := json.Marshal(req.Body)
		if err != nil {
			return entitled.PermanentErrorf("encode SCIM %s %s: %v", req.Method, req.Path, err)
		}
		body = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, u.String(), body)
	if err != nil {
		return entitled.PermanentErrorf("SCIM %s %s: %s", req.Method, req.Path, c.redact(err.Error()))
	}
	hr.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	hr.Header.Set("Accept", ContentType+", application/json")
	if body != nil {
		hr.Header.Set("Content-Type", ContentType)
	}
	if req.IdempotencyKey != "" {
		hr.Header.Set("Idempotency-Key", req.IdempotencyKey)
	}
	resp, err := c.client.Do(hr)
	if err != nil {
		return c.transportError(req, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return c.transportError(req, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.statusError(req, resp.StatusCode, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return entitled.PermanentErrorf("SCIM %s %s: the server %s answered HTTP %d with a body that is not SCIM JSON: %s",
			req.Method, req.Path, c.where(), resp.StatusCode, c.text(data))
	}
	return nil
}

// statusError reads a SCIM error body, or keeps the start of any other body.
func (c *Connector) statusError(req request, status int, data []byte) error {
	se := &statusError{Method: req.Method, Path: req.Path, Status: status}
	var body struct {
		Schemas  []string `json:"schemas"`
		ScimType string   `json:"scimType"`
		Detail   string   `json:"detail"`
	}
	if json.Unmarshal(data, &body) == nil && (body.ScimType != "" || body.Detail != "" || len(body.Schemas) > 0) {
		se.ScimType = c.redact(strings.TrimSpace(body.ScimType))
		se.Detail = c.text([]byte(body.Detail))
	} else {
		se.Detail = c.text(data)
	}
	return se
}

// transportError classifies a failed round trip: all are transient.
func (c *Connector) transportError(req request, err error) error {
	what := fmt.Sprintf("SCIM %s %s", req.Method, req.Path)
	switch why, cause := connectors.ClassifyNoAnswer(err); why {
	case connectors.TimedOut:
		return entitled.TransientErrorf("%s: the SCIM server %s did not answer within %s", what, c.where(), c.cfg.Timeout)
	case connectors.Canceled:
		return entitled.TransientErrorf("%s: call canceled", what)
	default:
		return entitled.TransientErrorf("%s: cannot reach the SCIM server %s: %s", what, c.where(), c.redact(cause.Error()))
	}
}

// text is the trimmed text (at most 1 KiB, whole UTF-8 characters) without
// the token.
func (c *Connector) text(b []byte) string {
	return c.redact(connectors.ErrorText(b))
}

// redact removes the token from s.
func (c *Connector) redact(s string) string {
	return connectors.Redact(s, c.cfg.Token, url.QueryEscape(c.cfg.Token))
}

// where names the service provider's base URL.
func (c *Connector) where() string {
	u := c.cfg.BaseURL
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// Package graphexamples is the table of Microsoft Graph's documented
// entitlement-management examples, adapted to a fixture, that a served
// entitled must answer as Graph does. The http package runs it in-process;
// the e2e package runs it against a real `entitled serve`. Only tests
// import it.
package graphexamples

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Server is an entitled the examples run against.
type Server struct {
	// Base is the server's URL, without a trailing slash.
	Base string
	// AdminToken is a bearer token of an administrator.
	AdminToken string
	// TokenFor issues a bearer token for the user of the id and principal name.
	TokenFor func(t *testing.T, userID, upn string) string
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// conn calls a Server.
type conn struct {
	t *testing.T
	s Server
}

// do sends a request with the administrator's token.
func (c conn) do(method, path string, body any, hdr ...string) Response {
	c.t.Helper()
	return c.doAs(c.s.AdminToken, method, path, body, hdr...)
}

// doAs sends a request with token ("" sends none).
func (c conn) doAs(token, method, path string, body any, hdr ...string) Response {
	c.t.Helper()
	return Call(c.t, c.s.Base, token, method, path, body, hdr...)
}

// Call sends a request to the server at base with token ("" sends none);
// body may be a string or []byte (sent as is) or any value (marshalled);
// hdr are name, value pairs. It fails t when the request cannot be sent.
func Call(t testing.TB, base, token, method, path string, body any, hdr ...string) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		_ = json.Unmarshal(raw, &out.Body)
	}
	return out
}

// must asserts the status and returns the body.
func (r Response) must(t *testing.T, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Raw)
	}
	return r.Body
}

// Gzip compresses s, as msgraph-sdk-go's compression handler does with
// request bodies.
func Gzip(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func str(v any) string { s, _ := v.(string); return s }

func list(v any) []any { l, _ := v.([]any); return l }

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// em is the base path of Graph's entitlement-management API.
const em = "/v1.0/identityGovernance/entitlementManagement"

package ui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/entitled-dev/entitled/ui"
)

// TestMuxSendsAPIPathsToTheAPI: /v1.0, /api/v1 (and below, in any case),
// /healthz and /metrics reach the API; everything else reaches the UI.
func TestMuxSendsAPIPathsToTheAPI(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, name) })
	}
	srv := httptest.NewServer(ui.Mux(named("api"), named("ui")))
	defer srv.Close()
	for path, want := range map[string]string{
		"/v1.0": "api", "/v1.0/users": "api", "/v1.0/$batch": "api", "/api/v1": "api", "/api/v1/systems": "api",
		"/healthz": "api", "/metrics": "api",
		// The API router matches any case, so any case is the API's.
		"/V1.0/me": "api", "/V1.0": "api", "/Api/V1/systems": "api", "/API/v1": "api",
		"/": "ui", "/login": "ui", "/governance/": "ui", "/static/style.css": "ui", "/v1.0x": "ui", "/api/v10": "ui", "/metricsx": "ui", "/V1.0x": "ui",
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != want {
			t.Errorf("%s went to %q, want %s", path, body, want)
		}
	}
}

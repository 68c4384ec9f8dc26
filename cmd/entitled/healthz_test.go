package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthz: exit status 0 for a healthy server, an error for a 503 or
// nobody listening; listen addresses become dialable ones.
func TestHealthz(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !healthy {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if out, err := runCLI(t, "healthz", "--url", srv.URL+"/healthz"); err != nil || !strings.Contains(out, "healthy") {
		t.Errorf("healthy server: %q, %v", out, err)
	}
	healthy = false
	if _, err := runCLI(t, "healthz", "--url", srv.URL+"/healthz"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("unhealthy server: %v", err)
	}
	srv.Close()
	if _, err := runCLI(t, "healthz", "--url", srv.URL+"/healthz"); err == nil {
		t.Error("nobody listening, yet healthy")
	}
	for in, want := range map[string]string{"0.0.0.0:8080": "127.0.0.1:8080", ":9090": "127.0.0.1:9090", "[::]:80": "127.0.0.1:80",
		"10.0.0.5:8080": "10.0.0.5:8080"} {
		if got := loopbackOf(in); got != want {
			t.Errorf("loopbackOf(%q) = %q, want %q", in, got, want)
		}
	}
}

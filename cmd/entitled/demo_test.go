package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoPrintsUPNsAndWalkthrough: the demo's output names each demo
// user's UPN beside their token and link (what `login-link --upn` needs),
// and points at the walkthrough where it is, the README.
func TestDemoPrintsUPNsAndWalkthrough(t *testing.T) {
	ctx := context.Background()
	db, services, err := openServices(ctx, "sqlite:"+filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out bytes.Buffer
	if err := seedDemo(systemContext(ctx), services, &out, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, u := range demoUsers {
		lines := 0
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(line, u.name) && strings.Contains(line, u.upn) {
				lines++
			}
		}
		if lines != 2 {
			t.Errorf("%s (%s) is on %d lines with its UPN, want 2 (token and link):\n%s", u.name, u.upn, lines, text)
		}
	}
	if !strings.Contains(text, "README.md") || strings.Contains(text, "docs/api.md") {
		t.Errorf("the demo should point at the walkthrough in README.md:\n%s", text)
	}
}

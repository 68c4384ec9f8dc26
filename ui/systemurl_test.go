package ui_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestSystemPageMasksURLCredentials: the system page shows a webhook URL
// with its password and query values masked.
func TestSystemPageMasksURLCredentials(t *testing.T) {
	w := newWorld(t)
	sys := &entitled.ConnectedSystem{Name: "hr", Kind: "webhook",
		Config: map[string]any{"url": "https://svc:pw-9Secret@hooks.example.com/h?code=KEY-77secret"}}
	w.must(w.services.Systems.CreateSystem(w.sys(), sys))
	admin := w.signIn("admin")
	page := admin.get("/admin/systems/"+sys.ID).see(t, 200, "hr", "https://svc:xxxxx@hooks.example.com/h?code=xxxxx")
	if strings.Contains(page.body, "pw-9Secret") || strings.Contains(page.body, "KEY-77secret") {
		t.Fatal("the system page shows the URL's credentials")
	}
	list := admin.get("/admin/systems").see(t, 200, "hr")
	if strings.Contains(list.body, "pw-9Secret") || strings.Contains(list.body, "KEY-77secret") {
		t.Fatal("the systems list shows the URL's credentials")
	}
}

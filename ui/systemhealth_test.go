package ui_test

import (
	"testing"
)

// TestSystemHealthPauseResume: the systems pages show each system's health
// and let a tenant administrator pause and resume it; others may not.
func TestSystemHealthPauseResume(t *testing.T) {
	w := newWorld(t)
	path := w.systemPath("crm")

	admin := w.signIn("admin")
	admin.get("/admin/systems").see(t, 200, `data-health="active"`, `<strong>Active</strong>`, `action="`+path+`/pause"`)
	admin.get(path).see(t, 200, `id="health-state">Active`, `id="pause"`)
	admin.submit(path+"/pause", nil).redirect(t, path+"?done=systemPaused")
	admin.get(path+"?done=systemPaused").see(t, 200, "The connected system is paused", `id="health-state">Paused since `,
		"paused by admin@example.com", `id="resume"`)
	admin.get("/admin/systems").see(t, 200, `data-health="paused"`, `action="`+path+`/resume"`)
	admin.submit(path+"/pause", nil).redirect(t, path+"?done=systemUnchanged")

	mia := w.signIn("mia")
	mia.get("/").see(t, 200)
	mia.submit(path+"/resume", nil).see(t, 403)
	if got, _ := w.services.Systems.System(w.sys(), "crm"); got.Health.State != "paused" {
		t.Fatalf("a forged resume by an assignment manager: %+v", got.Health)
	}

	admin.submit(path+"/resume", nil).redirect(t, path+"?done=systemResumed")
	admin.get(path).see(t, 200, `id="health-state">Active`)
}

// TestSystemHealthInFrench: the health of a paused system, its reason, the
// Pause/Resume buttons and the flash speak the reader's language.
func TestSystemHealthInFrench(t *testing.T) {
	w := newWorld(t)
	path := w.systemPath("crm")

	admin := w.signIn("admin")
	admin.getIn("fr", "/admin/systems").see(t, 200, "Santé", `<strong>Actif</strong>`, ">Mettre en pause</button>")
	admin.submit(path+"/pause", nil).redirect(t, path+"?done=systemPaused")
	admin.getIn("fr", path+"?done=systemPaused").see(t, 200, "Le système connecté est en pause", `id="health-state">En pause depuis le `,
		"mis en pause par admin@example.com", ">Reprendre les remises</button>")
	admin.getIn("fr", "/admin/systems").see(t, 200, `<strong>En pause</strong>`, ">Reprendre</button>")
}

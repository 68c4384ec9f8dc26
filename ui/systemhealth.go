package ui

import (
	"context"
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
)

// The health of connected systems on the systems pages: state, since when,
// why, the waiting deliveries, and Pause/Resume for those who manage
// systems.

// healthWords are the states as the pages say them.
var healthWords = map[entitled.HealthState]string{
	entitled.HealthActive:    "Active",
	entitled.HealthSuspended: "Suspended",
	entitled.HealthPaused:    "Paused",
}

// healthView is a system's health as the pages show it.
type healthView struct {
	State     string // active, suspended, paused
	Word      string
	Since     string
	Reason    string
	LastError string
	NextProbe string
	Waiting   int
	CanPause  bool
	CanResume bool
}

// viewHealth describes a system's health for the pages.
func viewHealth(h *entitled.SystemHealth) healthView {
	if h == nil {
		h = &entitled.SystemHealth{State: entitled.HealthActive}
	}
	v := healthView{State: string(h.State), Word: healthWords[h.State], Reason: h.Reason, LastError: h.LastError,
		Waiting: h.WaitingDeliveries, CanPause: h.State != entitled.HealthPaused, CanResume: h.State != entitled.HealthActive}
	if h.State != entitled.HealthActive {
		v.Since = h.Since.UTC().Format("2006-01-02 15:04:05 UTC")
		if h.NextProbe != nil && h.State == entitled.HealthSuspended {
			v.NextProbe = h.NextProbe.UTC().Format("15:04:05 UTC")
		}
	} else {
		v.Reason, v.LastError = "", ""
	}
	return v
}

// pauseSystem pauses a system's deliveries.
func (h *handler) pauseSystem(c *call) {
	h.changeSystemHealth(c, "Paused", h.svc.Systems.PauseSystem)
}

// resumeSystem resumes a paused or suspended system.
func (h *handler) resumeSystem(c *call) {
	h.changeSystemHealth(c, "Resumed", h.svc.Systems.ResumeSystem)
}

func (h *handler) changeSystemHealth(c *call, done string,
	fn func(ctx context.Context, id string) (*entitled.ConnectedSystem, error)) {
	if !h.systemsAllowed(c) {
		return
	}
	id := c.r.PathValue("id")
	if _, err := fn(c.ctx, id); err != nil {
		e := entitled.AsError(err)
		if e.Kind == entitled.KindConflict {
			http.Redirect(c.w, c.r, "/admin/systems/"+url.PathEscape(id)+"?done=systemUnchanged", http.StatusSeeOther)
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/admin/systems/"+url.PathEscape(id)+"?done=system"+done, http.StatusSeeOther)
}

// systemRow is a system in the list, with its health.
type systemRow struct {
	entitled.ConnectedSystem
	Health healthView
}

package ui

import (
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Drift on the web UI: a connected system's Drift page lists the findings
// of its latest reconciliation, starts one now, and lets an administrator
// adopt or revoke an unmanaged membership, each after a confirmation
// (entitled.DriftService).

// driftWords are the catalogue keys of the kinds and actions of findings.
var driftWords = map[string]string{
	string(entitled.DriftMissing):   "drift.kind.missing",
	string(entitled.DriftUnmanaged): "drift.kind.unmanaged",
	string(entitled.DriftRepaired):  "drift.action.repaired",
	string(entitled.DriftReported):  "drift.action.reported",
	string(entitled.DriftRemoved):   "drift.action.removed",
}

// driftRow is a finding as the page shows it.
type driftRow struct {
	entitled.DriftFinding
	Who      string // the user's principal name, or the target's identifier
	Kind     string
	Action   string
	Detected string
	// Actionable: unmanaged and still in the target, so it can be
	// adopted (when the user is known) or revoked.
	Actionable bool
	Adoptable  bool
}

// driftData is the Drift page of a system.
type driftData struct {
	base
	System   entitled.ConnectedSystem
	Findings []driftRow
	// Unsupported says why the system cannot be reconciled ("" when it can).
	Unsupported string
}

// driftAllowed reports whether the caller may use the Drift pages (they
// manage connected systems, and the server reconciles); it answers the
// refusal when not.
func (h *handler) driftAllowed(c *call) bool {
	if !h.systemsAllowed(c) {
		return false
	}
	if h.svc.Drift == nil {
		h.notFound(c.w, c.r)
		return false
	}
	return true
}

// driftPage shows a system's latest drift findings.
func (h *handler) driftPage(c *call) {
	if !h.driftAllowed(c) {
		return
	}
	sys, err := h.svc.Systems.System(c.ctx, c.r.PathValue("id"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	fs, err := h.svc.Drift.Drift(c.ctx, sys.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := driftData{base: c.base(c.T("drift.pageTitle", i18n.V("System", sys.Name)), "systems"), System: *sys}
	for _, f := range fs {
		r := driftRow{DriftFinding: f, Who: f.User.TargetID, Kind: c.T(driftWords[string(f.Kind)]),
			Action: c.T(driftWords[string(f.Action)]), Detected: c.loc.DateTime(f.DetectedDateTime),
			Actionable: f.Kind == entitled.DriftUnmanaged && f.Action != entitled.DriftRemoved}
		if f.User.PrincipalName != "" {
			r.Who = f.User.PrincipalName
		}
		r.Adoptable = r.Actionable && f.User.ID != ""
		d.Findings = append(d.Findings, r)
	}
	h.render(c.w, c.r, http.StatusOK, "drift", &d)
}

// driftRedirect returns to the system's Drift page with a flash.
func driftRedirect(c *call, systemID, done string) {
	http.Redirect(c.w, c.r, "/admin/systems/"+url.PathEscape(systemID)+"/drift?done="+done, http.StatusSeeOther)
}

// reconcileSystem starts a reconciliation of the system now.
func (h *handler) reconcileSystem(c *call) {
	if !h.driftAllowed(c) {
		return
	}
	id := c.r.PathValue("id")
	if _, err := h.svc.Drift.Reconcile(c.ctx, id); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	driftRedirect(c, id, "reconcileStarted")
}

// adoptFinding turns an unmanaged finding into a direct assignment, once
// the caller ticked the confirmation.
func (h *handler) adoptFinding(c *call) {
	h.actOnFinding(c, "driftAdopted", func(id, fid string) error {
		_, err := h.svc.Drift.AdoptFinding(c.ctx, id, fid)
		return err
	})
}

// revokeFinding revokes an unmanaged finding in the target, once the
// caller ticked the confirmation.
func (h *handler) revokeFinding(c *call) {
	h.actOnFinding(c, "driftRevoked", func(id, fid string) error { return h.svc.Drift.RevokeFinding(c.ctx, id, fid) })
}

func (h *handler) actOnFinding(c *call, done string, act func(systemID, findingID string) error) {
	if !h.driftAllowed(c) {
		return
	}
	if c.r.PostForm.Get("confirm") == "" {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("drift.confirmMissing"))
		return
	}
	id := c.r.PathValue("id")
	if err := act(id, c.r.PathValue("fid")); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	driftRedirect(c, id, done)
}

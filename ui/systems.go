package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Connected systems, for tenant administrators: list, add, test the
// connection, browse resources.

// systemsData is the list of connected systems.
type systemsData struct {
	base
	Systems   []systemRow
	NextToken string
	Paged     bool
}

// configRow is a config entry as the detail page shows it.
type configRow struct {
	Key, Value string
	Secret     bool
}

// systemData is a system's detail page.
type systemData struct {
	base
	System  entitled.ConnectedSystem
	Config  []configRow
	Retry   string
	Checked bool
	CheckOK bool
	Check   string
	Health  healthView
	// Can says which actions the system's kind offers; Editable whether it
	// has a typed form.
	Can      kindSpec
	Editable bool
	// Failed counts the failed requests to the system the caller may
	// reprocess in bulk (bulkreprocess.go).
	Failed int
}

// resourceRow is a resource of a system as the browser shows it.
type resourceRow struct {
	Name, OriginID, Description string
	Roles                       []string
}

// systemResourcesData is the resource browser.
type systemResourcesData struct {
	base
	System    entitled.ConnectedSystem
	Search    string
	Rows      []resourceRow
	SkipToken string
	NextToken string
	Problem   string
}

// canManageSystems reports whether the actor may see the connected systems
// pages (Global and Identity Governance Administrators).
func canManageSystems(a *entitled.Actor) bool { return a.Can(entitled.OpManageSystems, "") }

// systemsAllowed refuses a caller who is no tenant administrator.
func (h *handler) systemsAllowed(c *call) bool {
	if canManageSystems(c.actor) {
		return true
	}
	h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("systems.forbidden"))
	return false
}

// pathSystem loads the system of the path for a tenant administrator; it
// answers the call itself (and returns nil) otherwise.
func (h *handler) pathSystem(c *call) *entitled.ConnectedSystem {
	if !h.systemsAllowed(c) {
		return nil
	}
	sys, err := h.svc.Systems.System(c.ctx, c.r.PathValue("id"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return nil
	}
	return sys
}

// systemsPage lists the connected systems.
func (h *handler) systemsPage(c *call) {
	if !h.systemsAllowed(c) {
		return
	}
	skip := c.r.URL.Query().Get("skiptoken")
	pg, ok := listPage(h, c, skip, h.svc.Systems.Systems)
	if !ok {
		return
	}
	rows := make([]systemRow, len(pg.Items))
	for i, sys := range pg.Items {
		rows[i] = systemRow{ConnectedSystem: sys, Health: viewHealth(c.loc, sys.Health)}
	}
	d := systemsData{base: c.base(c.T("nav.systems"), "systems"), Systems: rows, NextToken: pg.NextSkipToken, Paged: skip != ""}
	h.render(c.w, c.r, http.StatusOK, "systems", &d)
}

// kinds lists the connector kinds the UI knows of (none when it cannot
// tell: the kind is then typed in).
func (h *handler) kinds() []string {
	if l, ok := h.cfg.Connectors.(interface{ Kinds() []string }); ok {
		ks := slices.Clone(l.Kinds())
		sort.Strings(ks)
		return ks
	}
	return nil
}

// secretFields lists a kind's write-only config keys.
func (h *handler) secretFields(kind string) []string {
	if h.cfg.Connectors == nil {
		return nil
	}
	if k, ok := h.cfg.Connectors.Kind(kind); ok {
		return k.SecretFields()
	}
	return nil
}

// showValue writes a config value for people.
func showValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// systemDetail shows a system with its (redacted) config.
func (h *handler) systemDetail(c *call) {
	h.showSystem(c, false, nil)
}

func (h *handler) showSystem(c *call, checked bool, checkErr error) {
	sys := h.pathSystem(c)
	if sys == nil {
		return
	}
	d := systemData{base: c.base(c.T("system.pageTitle", i18n.V("System", sys.Name)), "systems"), System: *sys, Checked: checked, CheckOK: checked && checkErr == nil,
		Retry:  c.T("system.retry", i18n.N(sys.Retry.MaxAttempts), i18n.V("Initial", sys.Retry.InitialBackoff), i18n.V("Max", sys.Retry.MaxBackoff)),
		Health: viewHealth(c.loc, sys.Health), Failed: h.failedToSystem(c, sys.ID), Can: capabilities(sys.Kind)}
	if spec, ok := kindOf(sys.Kind); ok && len(spec.Fields) > 0 {
		d.Editable = true
	}
	if sys.Retry.MaxAttempts == 0 {
		d.Retry = c.T("system.retryDefault")
	}
	if checkErr != nil {
		var de *entitled.DeliveryError
		if errors.As(checkErr, &de) {
			d.Check = de.Message + " (" + string(de.Class) + ")"
		} else {
			d.Check = errorText(c.loc, entitled.AsError(checkErr))
		}
	}
	secret := h.secretFields(sys.Kind)
	keys := make([]string, 0, len(sys.Config))
	for k := range sys.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if base, ok := strings.CutSuffix(k, "Set"); ok && (slices.Contains(secret, base) || len(secret) == 0) {
			if b, _ := sys.Config[k].(bool); b {
				d.Config = append(d.Config, configRow{Key: settingLabel(c, sys.Kind, base), Secret: true})
				continue
			}
		}
		d.Config = append(d.Config, configRow{Key: settingLabel(c, sys.Kind, k), Value: showValue(sys.Config[k])})
	}
	h.render(c.w, c.r, http.StatusOK, "system", &d)
}

// checkSystem tests a system's connection and shows the answer.
func (h *handler) checkSystem(c *call) {
	if !h.systemsAllowed(c) {
		return
	}
	err := h.svc.Systems.CheckSystem(c.ctx, c.r.PathValue("id"))
	var e *entitled.Error
	if errors.As(err, &e) && (e.Kind == entitled.KindNotFound || e.Kind == entitled.KindForbidden || e.Kind == entitled.KindInternal) {
		h.fail(c.w, c.r, c, err)
		return
	}
	h.showSystem(c, true, err)
}

// systemResources browses a system's resources with search and paging.
func (h *handler) systemResources(c *call) {
	sys := h.pathSystem(c)
	if sys == nil {
		return
	}
	q := c.r.URL.Query()
	d := systemResourcesData{base: c.base(c.T("systemresources.title", i18n.V("System", sys.Name)), "systems"), System: *sys, Search: strings.TrimSpace(q.Get("q")),
		SkipToken: q.Get("skiptoken")}
	pg, err := h.svc.Systems.SystemResources(c.ctx, sys.ID, d.Search, entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: d.SkipToken})
	status := http.StatusOK
	var de *entitled.DeliveryError
	switch e := entitled.AsError(err); {
	case err == nil:
	case errors.As(err, &de):
		d.Problem, status = de.Message, http.StatusBadGateway
	case e.Kind == entitled.KindInternal:
		h.fail(c.w, c.r, c, err)
		return
	default:
		d.Problem, status = errorText(c.loc, e), e.Kind.HTTPStatus()
	}
	for _, r := range pg.Items {
		row := resourceRow{Name: firstNonEmpty(r.DisplayName, r.OriginID), OriginID: r.OriginID, Description: r.Description}
		for _, role := range r.Roles {
			row.Roles = append(row.Roles, firstNonEmpty(role.DisplayName, role.OriginID))
		}
		d.Rows = append(d.Rows, row)
	}
	d.NextToken = pg.NextSkipToken
	h.render(c.w, c.r, status, "systemresources", &d)
}

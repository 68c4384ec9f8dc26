package ui

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// The add and edit forms of connected systems: the kind is chosen first
// (a page of its own, so it works without JavaScript), then the form shows
// that kind's settings, typed, with help and defaults. Secrets are never
// shown: an empty required secret is refused when adding, and an empty
// secret is kept when editing.

// fieldView is a setting as the form shows it.
type fieldView struct {
	kindField
	ID, Label, Help string
	// Value is what was typed (never a secret's); Checked a checkbox's.
	Value   string
	Checked bool
	// Set says a secret is stored (edit form).
	Set bool
}

// systemFormData is the add or edit form; without Kind, the kind picker.
type systemFormData struct {
	base
	Kinds []string
	Kind  string
	Name  string
	// System is the edited system (nil when adding).
	System *entitled.ConnectedSystem
	Fields []fieldView
	Error  string
}

// formKinds lists the kinds that can be added here: the server's kinds
// with a typed form.
func (h *handler) formKinds() []string {
	var out []string
	for k, spec := range systemKinds {
		if len(spec.Fields) > 0 && h.hasKind(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// hasKind reports whether the server has the connector kind (all of them
// when the UI cannot tell).
func (h *handler) hasKind(kind string) bool {
	if h.cfg.Connectors == nil {
		return true
	}
	_, ok := h.cfg.Connectors.Kind(kind)
	return ok
}

// fieldViews shows a kind's settings filled from config (a stored system's
// redacted config, or nil for the defaults).
func fieldViews(c *call, kind string, spec kindSpec, config map[string]any) []fieldView {
	out := make([]fieldView, len(spec.Fields))
	for i, f := range spec.Fields {
		v := fieldView{kindField: f, ID: "cfg-" + f.Key, Label: c.T("syslabel." + f.Key), Help: c.T("syshelp."+kind+"_"+f.Key, i18n.V("Example", "{{localpart}}, {{principalName}}"))}
		raw, present := config[f.Key]
		switch f.Type {
		case fieldSecret:
			v.Set, _ = config[f.Key+"Set"].(bool)
		case fieldBool:
			b, _ := raw.(bool)
			v.Checked = b || (!present && f.Default == "true")
		case fieldList:
			if l, ok := raw.([]any); ok {
				parts := make([]string, len(l))
				for j, x := range l {
					parts[j] = showValue(x)
				}
				v.Value = strings.Join(parts, ", ")
			}
		default:
			if present {
				v.Value = showValue(raw)
			}
		}
		out[i] = v
	}
	return out
}

// readFields reads the posted settings into a config and the views that
// show them again (secrets left out). When editing, an empty setting is
// removed (its default applies) and an empty secret is not sent, so the
// stored one is kept. problem is the first error, in the reader's words.
func readFields(c *call, kind string, spec kindSpec, form url.Values, edit bool) (cfg map[string]any, views []fieldView, problem string) {
	cfg = map[string]any{}
	views = fieldViews(c, kind, spec, nil)
	fail := func(msg string) {
		if problem == "" {
			problem = msg
		}
	}
	for i, f := range spec.Fields {
		v := &views[i]
		raw := form.Get(f.Key)
		text := strings.TrimSpace(raw)
		if f.Type == fieldBool {
			v.Checked = raw == "true"
			cfg[f.Key] = v.Checked
			continue
		}
		if f.Type != fieldSecret {
			v.Value = raw
		}
		if text == "" {
			switch {
			case f.Type == fieldSecret && edit:
				// kept
			case f.Required && f.Type == fieldSecret:
				fail(c.T("systemform.emptySecret", i18n.V("Field", v.Label)))
			case f.Required:
				fail(c.T("systemform.required", i18n.V("Field", v.Label)))
			case edit:
				cfg[f.Key] = nil
			}
			continue
		}
		switch f.Type {
		case fieldSecret:
			cfg[f.Key] = raw
		case fieldNumber:
			n, err := strconv.Atoi(text)
			if err != nil {
				fail(c.T("systemform.notNumber", i18n.V("Field", v.Label)))
				continue
			}
			cfg[f.Key] = float64(n)
		case fieldList:
			var list []any
			for _, p := range strings.Split(text, ",") {
				if p = strings.TrimSpace(p); p != "" {
					list = append(list, p)
				}
			}
			cfg[f.Key] = list
		case fieldChoice:
			if !slices.Contains(f.Choices, text) {
				fail(c.T("systemform.required", i18n.V("Field", v.Label)))
				continue
			}
			cfg[f.Key] = text
		case fieldTextarea:
			cfg[f.Key] = raw
		default:
			cfg[f.Key] = text
		}
	}
	return cfg, views, problem
}

// newSystemForm shows the kind picker, or with ?kind= that kind's form.
func (h *handler) newSystemForm(c *call) {
	if !h.systemsAllowed(c) {
		return
	}
	d := systemFormData{base: c.base(c.T("systemform.title"), "systems"), Kinds: h.formKinds()}
	kind := strings.ToLower(c.r.URL.Query().Get("kind"))
	if spec, ok := kindOf(kind); ok && slices.Contains(d.Kinds, kind) {
		d.Kind, d.Fields = kind, fieldViews(c, kind, spec, nil)
	}
	h.render(c.w, c.r, http.StatusOK, "systemform", &d)
}

// createSystem adds a connected system from the typed form.
func (h *handler) createSystem(c *call) {
	if !h.systemsAllowed(c) {
		return
	}
	pf := c.r.PostForm
	d := systemFormData{base: c.base(c.T("systemform.title"), "systems"), Kinds: h.formKinds(),
		Name: strings.TrimSpace(pf.Get("name")), Kind: strings.ToLower(strings.TrimSpace(pf.Get("kind")))}
	spec, ok := kindOf(d.Kind)
	if !ok || !slices.Contains(d.Kinds, d.Kind) {
		d.Kind, d.Error = "", c.T("systemform.chooseKindFirst")
		h.render(c.w, c.r, http.StatusBadRequest, "systemform", &d)
		return
	}
	cfg, views, problem := readFields(c, d.Kind, spec, pf, false)
	d.Fields = views
	if h.systemFormProblem(c, &d, problem) {
		return
	}
	sys := &entitled.ConnectedSystem{Name: d.Name, Kind: d.Kind, Config: cfg}
	if err := h.svc.Systems.CreateSystem(c.ctx, sys); err != nil {
		h.systemFormRefused(c, &d, err)
		return
	}
	http.Redirect(c.w, c.r, "/admin/systems/"+url.PathEscape(sys.ID)+"?done=systemAdded", http.StatusSeeOther)
}

// systemFormProblem shows the form again with the first problem of what
// was typed (a setting's, or a missing name) and reports whether there was
// one.
func (h *handler) systemFormProblem(c *call, d *systemFormData, problem string) bool {
	if problem == "" && d.Name == "" {
		problem = c.T("systemform.enterName")
	}
	if problem == "" {
		return false
	}
	d.Error = problem
	h.render(c.w, c.r, http.StatusBadRequest, "systemform", d)
	return true
}

// systemFormRefused shows the form again with the service's refusal.
func (h *handler) systemFormRefused(c *call, d *systemFormData, err error) {
	e := entitled.AsError(err)
	if e.Kind == entitled.KindInternal || e.Kind == entitled.KindNotFound || e.Kind == entitled.KindForbidden {
		h.fail(c.w, c.r, c, err)
		return
	}
	d.Error = errorText(c.loc, e)
	h.render(c.w, c.r, e.Kind.HTTPStatus(), "systemform", d)
}

// editableSystem loads the system of the path and its typed form; it
// answers itself (and returns nil) when there is none.
func (h *handler) editableSystem(c *call) (*entitled.ConnectedSystem, kindSpec) {
	sys := h.pathSystem(c)
	if sys == nil {
		return nil, kindSpec{}
	}
	spec, ok := kindOf(sys.Kind)
	if !ok || len(spec.Fields) == 0 {
		h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("systemform.noForm", i18n.V("Kind", sys.Kind)))
		return nil, kindSpec{}
	}
	return sys, spec
}

// editSystemForm shows a system's settings to change.
func (h *handler) editSystemForm(c *call) {
	sys, spec := h.editableSystem(c)
	if sys == nil {
		return
	}
	d := systemFormData{base: c.base(c.T("systemform.editTitle", i18n.V("System", sys.Name)), "systems"), System: sys,
		Kind: strings.ToLower(sys.Kind), Name: sys.Name}
	d.Fields = fieldViews(c, d.Kind, spec, sys.Config)
	h.render(c.w, c.r, http.StatusOK, "systemform", &d)
}

// updateSystem saves the edit form: the name and the settings; a secret
// left empty is kept.
func (h *handler) updateSystem(c *call) {
	sys, spec := h.editableSystem(c)
	if sys == nil {
		return
	}
	pf := c.r.PostForm
	d := systemFormData{base: c.base(c.T("systemform.editTitle", i18n.V("System", sys.Name)), "systems"), System: sys,
		Kind: strings.ToLower(sys.Kind), Name: strings.TrimSpace(pf.Get("name"))}
	cfg, views, problem := readFields(c, d.Kind, spec, pf, true)
	for i := range views {
		views[i].Set = fieldViews(c, d.Kind, spec, sys.Config)[i].Set
	}
	d.Fields = views
	if h.systemFormProblem(c, &d, problem) {
		return
	}
	upd := entitled.SystemUpdate{Config: cfg}
	if d.Name != sys.Name {
		upd.Name = &d.Name
	}
	if _, err := h.svc.Systems.UpdateSystem(c.ctx, sys.ID, upd); err != nil {
		h.systemFormRefused(c, &d, err)
		return
	}
	http.Redirect(c.w, c.r, "/admin/systems/"+url.PathEscape(sys.ID)+"?done=systemSaved", http.StatusSeeOther)
}

// deleteSystem deletes a system after confirmation; the services refuse
// the built-in directory and a system catalog resources use.
func (h *handler) deleteSystem(c *call) {
	sys := h.pathSystem(c)
	if sys == nil {
		return
	}
	back := "/admin/systems/" + url.PathEscape(sys.ID)
	if !h.confirmed(c, c.T("systemform.confirmDelete", i18n.V("System", sys.Name)), c.T("systemform.delete"), back) {
		return
	}
	if err := h.svc.Systems.DeleteSystem(c.ctx, sys.ID); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/admin/systems?done=systemDeleted", http.StatusSeeOther)
}

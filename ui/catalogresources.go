package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Add a resource to a catalog: choose a connected system, browse and
// search its resources (tenant administrators, who may read systems), or
// type the system's name and the resource's origin id (anyone who may edit
// the catalog).

// systemChoice is a connected system the add-resource page offers.
type systemChoice struct {
	ID, Name, Kind string
	Selected       bool
}

// systemResourceRow is a resource of the chosen system.
type systemResourceRow struct {
	Name, OriginID, Description, Roles string
	// InCatalog is set when the catalog already holds it.
	InCatalog bool
}

// resourceForm is what the add-resource form was filled with.
type resourceForm struct {
	System, OriginID, DisplayName, Error string
}

// addResourceData is the add-resource page.
type addResourceData struct {
	base
	Catalog entitled.Catalog
	// Systems is nil for callers who may not read connected systems.
	Systems   []systemChoice
	CanBrowse bool
	System    *systemChoice
	Search    string
	Rows      []systemResourceRow
	Problem   string
	SkipToken string
	NextToken string
	Form      resourceForm
	// Named are the systems the add-by-id form offers: the browsable ones
	// and always the built-in directory.
	Named []systemChoice
}

// addResourcePage shows the add-resource page of a catalog.
func (h *handler) addResourcePage(c *call) {
	cat, ok := h.editableCatalog(c)
	if !ok {
		return
	}
	h.showAddResource(c, cat, resourceForm{}, http.StatusOK)
}

func (h *handler) showAddResource(c *call, cat *entitled.Catalog, form resourceForm, status int) {
	q := c.r.URL.Query()
	d := addResourceData{base: c.base(c.T("addresource.title", i18n.V("Catalog", cat.DisplayName)), "catalogs"), Catalog: *cat, Form: form,
		Search: strings.TrimSpace(q.Get("q")), SkipToken: q.Get("skiptoken")}
	// Tenant administrators browse every system; catalog owners those
	// delegated to this catalog (the resources they may add).
	var systems []entitled.ConnectedSystem
	var err error
	if canManageSystems(c.actor) {
		systems, err = h.allSystems(c)
	} else {
		systems, err = h.svc.Systems.DelegatedSystems(c.ctx, cat.ID)
	}
	if err != nil && entitled.ErrorKind(err) != entitled.KindForbidden {
		h.fail(c.w, c.r, c, err)
		return
	}
	if len(systems) > 0 {
		d.CanBrowse = err == nil
		chosen := q.Get("system")
		for _, s := range systems {
			ch := systemChoice{ID: s.ID, Name: s.Name, Kind: s.Kind, Selected: chosen != "" && (s.ID == chosen || s.Name == chosen)}
			d.Systems = append(d.Systems, ch)
			if ch.Selected {
				sel := ch
				d.System = &sel
			}
		}
	}
	d.Named = namedSystems(d.Systems)
	if d.System != nil {
		if st := h.browseSystem(c, cat, &d); st != 0 && status == http.StatusOK {
			status = st
		}
	}
	h.render(c.w, c.r, status, "catalogaddresource", &d)
}

// browseSystem lists the chosen system's resources, marking those the
// catalog already holds; it returns a status other than 200 when the
// system could not list them (the page says why).
func (h *handler) browseSystem(c *call, cat *entitled.Catalog, d *addResourceData) int {
	pg, err := h.svc.Systems.SystemResources(c.ctx, d.System.ID, d.Search, entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: d.SkipToken})
	var de *entitled.DeliveryError
	switch e := entitled.AsError(err); {
	case err == nil:
	case errors.As(err, &de):
		d.Problem = de.Message
		return http.StatusBadGateway
	case e.Kind == entitled.KindInternal:
		h.log.Error("ui: browse system resources", "system", d.System.ID, "err", err)
		d.Problem = c.T("addresource.listFailed", i18n.V("System", d.System.Name), i18n.V("Reason", errorText(c.loc, e)))
		return http.StatusInternalServerError
	default:
		d.Problem = errorText(c.loc, e)
		return e.Kind.HTTPStatus()
	}
	d.NextToken = pg.NextSkipToken
	held := map[string]bool{}
	if len(pg.Items) > 0 {
		vals := make([]any, 0, len(pg.Items))
		for _, r := range pg.Items {
			vals = append(vals, r.OriginID)
		}
		in, err := h.svc.Catalogs.CatalogResources(c.ctx, cat.ID, entitled.ListOptions{Top: entitled.MaxPageSize,
			Filter: entitled.In{Property: "originId", Values: vals}})
		if err == nil {
			for _, r := range in.Items {
				if r.OriginSystem == d.System.Name {
					held[r.OriginID] = true
				}
			}
		}
	}
	for _, r := range pg.Items {
		var roles []string
		for _, role := range r.Roles {
			roles = append(roles, firstNonEmpty(role.DisplayName, role.OriginID))
		}
		d.Rows = append(d.Rows, systemResourceRow{Name: firstNonEmpty(r.DisplayName, r.OriginID), OriginID: r.OriginID,
			Description: r.Description, Roles: strings.Join(roles, ", "), InCatalog: held[r.OriginID]})
	}
	return 0
}

// allSystems lists every connected system (a server has few).
func (h *handler) allSystems(c *call) ([]entitled.ConnectedSystem, error) {
	return allPages(func(skip string) (entitled.Page[entitled.ConnectedSystem], error) {
		return h.svc.Systems.Systems(c.ctx, entitled.ListOptions{Top: entitled.MaxPageSize, SkipToken: skip})
	})
}

// addResource adds a resource of a connected system to the catalog (an
// adminAdd resource request).
func (h *handler) addResource(c *call) {
	cat, ok := h.editableCatalog(c)
	if !ok {
		return
	}
	pf := c.r.PostForm
	f := resourceForm{System: strings.TrimSpace(pf.Get("system")), OriginID: strings.TrimSpace(pf.Get("originId")),
		DisplayName: strings.TrimSpace(pf.Get("displayName"))}
	again := func(status int, msg string) {
		f.Error = msg
		h.showAddResource(c, cat, f, status)
	}
	if f.System == "" {
		again(http.StatusBadRequest, c.T("addresource.enterSystem"))
		return
	}
	if f.OriginID == "" {
		again(http.StatusBadRequest, c.T("addresource.enterOrigin", i18n.V("System", f.System)))
		return
	}
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: cat.ID,
		Resource: entitled.Resource{OriginSystem: f.System, OriginID: f.OriginID, DisplayName: f.DisplayName}}
	if err := h.svc.Catalogs.CreateResourceRequest(c.ctx, rr); err != nil {
		var de *entitled.DeliveryError
		if errors.As(err, &de) {
			again(http.StatusBadGateway, c.T("addresource.describeFailed", i18n.V("System", f.System), i18n.V("Reason", de.Message)))
			return
		}
		h.failForm(c, err, again)
		return
	}
	http.Redirect(c.w, c.r, catalogPath(cat.ID)+"?done=resourceAdded", http.StatusSeeOther)
}

// namedSystems are the systems the add-by-id form lists: those offered for
// browsing, and the built-in directory, which catalog owners may add their
// own groups from.
func namedSystems(browsable []systemChoice) []systemChoice {
	out := slices.Clone(browsable)
	if !slices.ContainsFunc(out, func(s systemChoice) bool { return s.Name == builtInDirectory }) {
		out = append([]systemChoice{{Name: builtInDirectory}}, out...)
	}
	return out
}

// builtInDirectory is the name of the built-in directory system.
const builtInDirectory = "directory"

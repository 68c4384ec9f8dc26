package ui

import (
	"context"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// person is a user as tables show them.
type person struct {
	ID   string
	Name string
	UPN  string
}

// requestRow is a request as tables show it, in plain words.
type requestRow struct {
	ID            string
	PackageID     string
	Package       string
	Requester     person
	Target        person
	Type          string
	State         string
	StateKey      string // the state enum, for styling
	Status        string
	Submitted     string
	Completed     string
	Justification string
	Answers       []entitled.Answer
	CanCancel     bool
	CanReprocess  bool
	// WindowPassed is set for a failed request that can no longer be
	// reprocessed: it must be canceled and requested again.
	WindowPassed bool
	// RetryUntil is when a failed request stops being reprocessable.
	RetryUntil string
}

// lookups resolves the names a page shows, one query per kind for the
// whole page (never one per row).
type lookups struct {
	loc   *i18n.Localizer
	users map[string]entitled.User
	pkgs  map[string]entitled.AccessPackage
}

// chunk is how many ids one lookup query names.
const chunk = 500

// loadUsers fetches the users with the ids in one pass.
func (h *handler) loadUsers(ctx context.Context, ids []string) (map[string]entitled.User, error) {
	out := map[string]entitled.User{}
	ids = distinct(ids)
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		vals := make([]any, n)
		for i, id := range ids[:n] {
			vals[i] = id
		}
		pg, err := h.svc.Users.Users(ctx, entitled.ListOptions{Filter: entitled.In{Property: "id", Values: vals}, Top: entitled.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, u := range pg.Items {
			out[u.ID] = u
		}
		ids = ids[n:]
	}
	return out, nil
}

// loadPackages fetches the packages with the ids: those the caller may
// administer or request in one pass each, any other one by one (packages a
// caller once requested and may no longer request; rare).
func (h *handler) loadPackages(ctx context.Context, ids []string) (map[string]entitled.AccessPackage, error) {
	out := map[string]entitled.AccessPackage{}
	missing := func() []any {
		var m []any
		for _, id := range distinct(ids) {
			if _, ok := out[id]; !ok {
				m = append(m, id)
			}
		}
		return m
	}
	for _, list := range []func(context.Context, entitled.ListOptions) (entitled.Page[entitled.AccessPackage], error){
		h.svc.AccessPackages.AccessPackages, h.svc.AccessPackages.RequestableAccessPackages,
	} {
		m := missing()
		if len(m) == 0 {
			return out, nil
		}
		if len(m) > chunk {
			m = m[:chunk]
		}
		pg, err := list(ctx, entitled.ListOptions{Filter: entitled.In{Property: "id", Values: m}, Top: entitled.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, p := range pg.Items {
			out[p.ID] = p
		}
	}
	for _, id := range missing() {
		p, err := h.svc.AccessPackages.AccessPackage(ctx, id.(string))
		if err != nil {
			if k := entitled.ErrorKind(err); k == entitled.KindNotFound || k == entitled.KindForbidden {
				continue
			}
			return nil, err
		}
		out[p.ID] = *p
	}
	return out, nil
}

// load resolves the users and packages of requests.
func (h *handler) load(c *call, rs []entitled.AssignmentRequest) (*lookups, error) {
	ctx := c.ctx
	var uids, pids []string
	for _, r := range rs {
		uids = append(uids, r.RequestorID, r.TargetID)
		pids = append(pids, r.AccessPackageID)
	}
	users, err := h.loadUsers(ctx, uids)
	if err != nil {
		return nil, err
	}
	pkgs, err := h.loadPackages(ctx, pids)
	if err != nil {
		return nil, err
	}
	return &lookups{loc: c.loc, users: users, pkgs: pkgs}, nil
}

func (l *lookups) person(id string) person {
	if u, ok := l.users[id]; ok {
		return person{ID: id, Name: u.DisplayName, UPN: u.UserPrincipalName}
	}
	if id == entitled.SystemActor.User.ID {
		return person{ID: id, Name: "entitled"}
	}
	return person{ID: id, Name: l.loc.T("person.removed")}
}

func (l *lookups) pkgName(id string) string {
	if p, ok := l.pkgs[id]; ok {
		return p.DisplayName
	}
	return l.loc.T("person.unknownPackage", i18n.V("ID", id))
}

// row turns a request into a table row for the caller, in their language.
func (h *handler) row(c *call, l *lookups, r *entitled.AssignmentRequest, now time.Time) requestRow {
	a, loc := c.actor, c.loc
	row := requestRow{ID: r.ID, PackageID: r.AccessPackageID, Package: l.pkgName(r.AccessPackageID),
		Requester: l.person(r.RequestorID), Target: l.person(r.TargetID), Type: typeText(loc, r.RequestType),
		State: stateText(loc, r.State), StateKey: string(r.State), Status: statusText(loc, r.Status),
		Submitted: loc.DateTime(r.CreatedDateTime), Completed: loc.DateTimePtr(r.CompletedDateTime), Justification: r.Justification,
		Answers: storedAnswers(r.Answers)}
	row.CanCancel = r.CheckCancel() == nil && entitled.MayCancel(a, r)
	if r.State == entitled.StateDeliveryFailed || r.State == entitled.StatePartiallyDelivered {
		err := r.CheckReprocess(now, h.svc.Requests.ReprocessWindow())
		row.WindowPassed = err != nil && entitled.AsError(err).Code == entitled.CodeReprocessWindowPassed
		row.CanReprocess = err == nil && a.Can(entitled.OpReprocess, r.CatalogID)
		if err == nil && r.CompletedDateTime != nil {
			row.RetryUntil = loc.DateTime(r.CompletedDateTime.Add(h.svc.Requests.ReprocessWindow()))
		}
	}
	return row
}

// rows turns a page of requests into rows.
func (h *handler) rows(c *call, l *lookups, rs []entitled.AssignmentRequest) []requestRow {
	now := h.cfg.Now()
	out := make([]requestRow, len(rs))
	for i := range rs {
		out[i] = h.row(c, l, &rs[i], now)
	}
	return out
}

// idsOf lists the id each item names.
func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// distinct drops the empty and repeated ids.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

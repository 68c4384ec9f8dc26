package sqlstore

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/entitled-dev/entitled"
)

// A service principal is a row of service_principals (its appId) over a row
// of users (its id, display name, enabled flag), so that role assignments,
// audit events and requests reference it with the foreign keys every
// principal has. The user row's userPrincipalName is
// {id}@serviceprincipals.invalid; the user list leaves service principals
// out (notServicePrincipal) and sign-in never matches them.

// spDomain is the domain of a service principal's user row.
const spDomain = "@serviceprincipals.invalid"

// spCols are the columns scanServicePrincipal reads, over
// service_principals sp JOIN users u.
const spCols = `sp.id, sp.app_id, u.display_name, u.account_enabled, sp.created_at`

const spFrom = `service_principals sp JOIN users u ON u.id = sp.id`

// spFields are the filterable properties of service principals.
var spFields = fields{
	"id":             {expr: "sp.id"},
	"appid":          {expr: "sp.app_id"},
	"displayname":    {expr: "u.display_name"},
	"accountenabled": {expr: "u.account_enabled", kind: colBool},
}

func scanServicePrincipal(r scanner) (*entitled.ServicePrincipal, error) {
	var sp entitled.ServicePrincipal
	var enabled int
	var created string
	if err := r.Scan(&sp.ID, &sp.AppID, &sp.DisplayName, &enabled, &created); err != nil {
		return nil, err
	}
	sp.AccountEnabled = enabled != 0
	sp.CreatedDateTime = parseTime(created)
	return &sp, nil
}

// findServicePrincipal loads a service principal by id or appId.
func findServicePrincipal(ctx context.Context, t *tx, idOrApp string) (*entitled.ServicePrincipal, error) {
	sp, err := scanServicePrincipal(t.queryRow(ctx, `SELECT `+spCols+` FROM `+spFrom+` WHERE sp.id = ? OR sp.app_id = ?`, idOrApp, idOrApp))
	if err != nil {
		return nil, notFound(err, "service principal", idOrApp)
	}
	return sp, nil
}

// CreateServicePrincipal registers an application of the identity provider
// by its appId (client id), so that its client-credentials access tokens
// authenticate as this principal (OpManageUsers). It holds no role until an
// administrator assigns one with its id as principalId.
func (s *ServicePrincipalService) CreateServicePrincipal(ctx context.Context, sp *entitled.ServicePrincipal) error {
	a, err := authorized(ctx, entitled.OpManageUsers, "")
	if err != nil {
		return err
	}
	sp.AppID = strings.TrimSpace(sp.AppID)
	if sp.AppID == "" || utf8.RuneCountInString(sp.AppID) > 200 {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "appId",
			Message: "appId is required: the client id of the application at the identity provider, at most 200 characters"}).WithKey("err.servicePrincipal.appIdRequired")
	}
	sp.DisplayName = strings.TrimSpace(sp.DisplayName)
	if sp.DisplayName == "" {
		sp.DisplayName = sp.AppID
	}
	return s.db.change(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM service_principals WHERE app_id = ?`, sp.AppID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return (&entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeConflict, Target: "appId",
				Message: "a service principal with appId " + quoteStr(sp.AppID) + " already exists"}).WithKey("err.servicePrincipal.exists", "AppID", sp.AppID)
		}
		sp.ID = newID()
		sp.AccountEnabled = true
		sp.CreatedDateTime = t.now()
		if _, err := t.exec(ctx, `INSERT INTO users (id, user_principal_name, upn_key, display_name, mail, account_enabled, created_at)
			VALUES (?,?,?,?,'',1,?)`, sp.ID, sp.ID+spDomain, strings.ToLower(sp.ID+spDomain), sp.DisplayName, fmtTime(sp.CreatedDateTime)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO service_principals (id, app_id, created_at) VALUES (?,?,?)`,
			sp.ID, sp.AppID, fmtTime(sp.CreatedDateTime)); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Add service principal", Operation: "Add", TargetID: sp.ID,
			TargetType: "ServicePrincipal", TargetName: sp.DisplayName, After: sp})
	})
}

// ServicePrincipal finds a service principal by id or appId; any
// authenticated caller may.
func (s *ServicePrincipalService) ServicePrincipal(ctx context.Context, id string) (*entitled.ServicePrincipal, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	var sp *entitled.ServicePrincipal
	err := s.db.read(ctx, func(t *tx) (err error) { sp, err = findServicePrincipal(ctx, t, id); return err })
	return sp, err
}

// ServicePrincipals lists service principals, filterable on id, appId,
// displayName and accountEnabled; any authenticated caller may.
func (s *ServicePrincipalService) ServicePrincipals(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.ServicePrincipal], error) {
	if _, err := actor(ctx); err != nil {
		return entitled.Page[entitled.ServicePrincipal]{}, err
	}
	return listRows(ctx, s.db, opt, spFields, spFrom, "sp.id", spCols, "", nil, valueOf(scanServicePrincipal), func(sp entitled.ServicePrincipal) string { return sp.ID })
}

// DeleteServicePrincipal removes a service principal with its role
// assignments (OpManageUsers; one holding a directory role only a Global
// Administrator, MayChangeUser). Its access tokens stop working at once.
func (s *ServicePrincipalService) DeleteServicePrincipal(ctx context.Context, id string) error {
	return s.db.changeAuthorized(ctx, entitled.OpManageUsers, "", func(t *tx, a *entitled.Actor) error {
		sp, err := findServicePrincipal(ctx, t, id)
		if err != nil {
			return err
		}
		u, err := t.loadUser(ctx, sp.ID)
		if err != nil {
			return err
		}
		if err := mayChangeUser(ctx, t, a, u); err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignment_requests WHERE target_id = ? ORDER BY id LIMIT 5`, []any{sp.ID}, func(reqs string) error {
			return entitled.Conflictf("service principal %s is the target of assignment requests (%s) that must be kept; remove its role assignments instead",
				sp.AppID, reqs).WithKey("err.servicePrincipal.hasRequests", "AppID", sp.AppID, "Requests", reqs)
		}); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "users", sp.ID, auditEntry{Activity: "Delete service principal", Operation: "Delete", TargetID: sp.ID,
			TargetType: "ServicePrincipal", TargetName: sp.DisplayName, Before: sp})
	})
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/entitled-dev/entitled"
)

// resourceFields are the filterable properties of catalog resources.
var resourceFields = columnFields("id, display_name, origin_id, origin_system, description, created_at, modified_at", nil)

// resourceRequestFields are the filterable properties of resource requests.
var resourceRequestFields = columnFields("id, state", fields{
	"catalog/id":  {expr: "catalog_id"},
	"requesttype": {expr: "request_type", enum: enumOf(string(entitled.RequestAdminAdd), string(entitled.RequestAdminRemove))},
})

const resourceCols = `id, catalog_id, system_id, display_name, description, origin_id, origin_system, created_at, modified_at`

func scanResource(r scanner) (*entitled.Resource, error) {
	var res entitled.Resource
	var created, modified string
	if err := r.Scan(&res.ID, &res.CatalogID, &res.SystemID, &res.DisplayName, &res.Description, &res.OriginID, &res.OriginSystem,
		&created, &modified); err != nil {
		return nil, err
	}
	res.CreatedDateTime = parseTime(created)
	res.ModifiedDateTime = parseTime(modified)
	return &res, nil
}

// loadResourceRoles fills in the roles of resources.
func (s *CatalogService) loadResourceRoles(ctx context.Context, t *tx, res []entitled.Resource) error {
	for i := range res {
		rows, err := t.query(ctx, `SELECT id, resource_id, display_name, description, origin_id, origin_system
			FROM resource_roles WHERE resource_id = ? ORDER BY id`, res[i].ID)
		if err != nil {
			return err
		}
		res[i].Roles = []entitled.ResourceRole{}
		for rows.Next() {
			var r entitled.ResourceRole
			if err := rows.Scan(&r.ID, &r.ResourceID, &r.DisplayName, &r.Description, &r.OriginID, &r.OriginSystem); err != nil {
				rows.Close()
				return err
			}
			res[i].Roles = append(res[i].Roles, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// CatalogResources lists a catalog's resources with their roles
// (OpReadCatalog), filterable on id, displayName, originId and originSystem.
func (s *CatalogService) CatalogResources(ctx context.Context, catalogID string, opt entitled.ListOptions) (entitled.Page[entitled.Resource], error) {
	var page entitled.Page[entitled.Resource]
	_, err := authorized(ctx, entitled.OpReadCatalog, catalogID)
	if err != nil {
		return page, err
	}
	if err := s.db.read(ctx, func(t *tx) error { _, err := t.loadCatalog(ctx, catalogID); return err }); err != nil {
		return page, err
	}
	page, err = listRows(ctx, s.db, opt, resourceFields, "resources", "id", resourceCols, "catalog_id = ?", []any{catalogID},
		valueOf(scanResource), func(r entitled.Resource) string { return r.ID })
	if err != nil {
		return page, err
	}
	err = s.db.read(ctx, func(t *tx) error { return s.loadResourceRoles(ctx, t, page.Items) })
	return page, err
}

// CatalogResource reads one resource of a catalog with its roles (OpReadCatalog).
func (s *CatalogService) CatalogResource(ctx context.Context, catalogID, resourceID string) (*entitled.Resource, error) {
	var res *entitled.Resource
	err := s.db.readAuthorized(ctx, entitled.OpReadCatalog, catalogID, func(t *tx, a *entitled.Actor) error {
		r, err := scanResource(t.queryRow(ctx, `SELECT `+resourceCols+` FROM resources WHERE id = ? AND catalog_id = ?`, resourceID, catalogID))
		if err != nil {
			return notFound(err, "resource", resourceID)
		}
		list := []entitled.Resource{*r}
		if err := s.loadResourceRoles(ctx, t, list); err != nil {
			return err
		}
		res = &list[0]
		return nil
	})
	return res, err
}

// findSystemByOrigin finds the connected system an originSystem names:
// its name case-insensitively, or "AadGroup" for the built-in directory.
func (s *CatalogService) findSystemByOrigin(ctx context.Context, t *tx, origin string) (*entitled.ConnectedSystem, error) {
	if strings.EqualFold(origin, entitled.OriginSystemAadGroup) {
		return t.loadSystem(ctx, DirectorySystemID)
	}
	sys, err := t.db.scanSystem(t.queryRow(ctx, `SELECT `+systemCols+` FROM systems WHERE LOWER(name) = ?`, strings.ToLower(origin)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, entitled.NotFoundf("no connected system named %q; add it under /api/v1/systems or use AadGroup for directory groups", origin).WithKey("err.resource.unknownSystem", "System", origin)
	}
	return sys, err
}

// connectorMessage is the human part of a connector error.
// CodeSystemUnavailable is the Graph error code when a connected system does
// not answer while entitled needs it to answer a call.
const CodeSystemUnavailable = "ConnectedSystemUnavailable"

func connectorMessage(err error) string {
	var de *entitled.DeliveryError
	if errors.As(err, &de) {
		return de.Message
	}
	var e *entitled.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// CreateResourceRequest adds (adminAdd) or removes (adminRemove) a catalog
// resource (OpEditCatalog). An add also obeys entitled.MayAddResource: only
// tenant administrators add any resource, catalog owners only what they own
// or what was delegated to their catalog. For adminAdd the connector describes the
// resource outside any transaction; the resource, its roles, the request
// and the audit event then commit together.
func (s *CatalogService) CreateResourceRequest(ctx context.Context, rr *entitled.ResourceRequest) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	rt, err := entitled.ParseRequestType(string(rr.RequestType))
	if err != nil || (rt != entitled.RequestAdminAdd && rt != entitled.RequestAdminRemove) {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "requestType",
			Message: "requestType must be adminAdd or adminRemove"}).WithKey("err.resource.badRequestType")
	}
	rr.RequestType = rt
	if rr.CatalogID == "" {
		rr.CatalogID = rr.Resource.CatalogID
	}
	if rr.CatalogID == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "catalogId", Message: "catalogId is required"}).WithKey("err.resource.catalogRequired")
	}
	if err := a.Authorize(entitled.OpEditCatalog, rr.CatalogID); err != nil {
		return err
	}
	if rt == entitled.RequestAdminRemove {
		return s.removeResource(ctx, a, rr)
	}
	if rr.Resource.OriginID == "" || rr.Resource.OriginSystem == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "resource",
			Message: "resource.originId and resource.originSystem are required"}).WithKey("err.resource.originRequired")
	}
	var sys *entitled.ConnectedSystem
	if err := s.db.read(ctx, func(t *tx) (err error) {
		if _, err = t.loadCatalog(ctx, rr.CatalogID); err != nil {
			return err
		}
		if sys, err = s.findSystemByOrigin(ctx, t, rr.Resource.OriginSystem); err != nil {
			return err
		}
		return s.mayAddResource(ctx, t, a, sys, rr)
	}); err != nil {
		return err
	}
	if _, ok := kindOf(s.connectors, sys.Kind); !ok {
		return entitled.Invalidf("connected system %s has kind %q, which this server does not support", sys.Name, sys.Kind).WithKey("err.system.unsupportedKind", "System", sys.Name, "Kind", sys.Kind)
	}
	conn, err := s.connectors.For(sys)
	if err != nil {
		return entitled.Invalidf("connected system %s: %s", sys.Name, connectorMessage(err)).WithKey("err.system.failed", "System", sys.Name, "Problem", connectorMessage(err))
	}
	info, err := conn.Describe(ctx, rr.Resource.OriginID)
	if err != nil {
		var de *entitled.DeliveryError
		if errors.As(err, &de) && de.Class == entitled.Transient {
			// The target did not answer: nothing is wrong with the request.
			return (&entitled.Error{Kind: entitled.KindUnavailable, Code: CodeSystemUnavailable,
				Message: "connected system " + sys.Name + " could not be reached to look up resource " +
					quoteStr(rr.Resource.OriginID) + ": " + de.Message + "; try again when it is back"}).WithKey("err.resource.systemUnreachable", "System", sys.Name, "Resource", rr.Resource.OriginID, "Problem", de.Message)
		}
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "resource.originId",
			Message: "connected system " + sys.Name + " cannot add resource " + quoteStr(rr.Resource.OriginID) + ": " + connectorMessage(err)}).WithKey("err.resource.cannotAdd", "System", sys.Name, "Resource", rr.Resource.OriginID, "Problem", connectorMessage(err))
	}
	if len(info.Roles) == 0 {
		return entitled.Invalidf("connected system %s reports no roles for resource %q; nothing could be granted", sys.Name, rr.Resource.OriginID).WithKey("err.resource.noRoles", "System", sys.Name, "Resource", rr.Resource.OriginID)
	}
	origin := sys.Name
	if strings.EqualFold(rr.Resource.OriginSystem, entitled.OriginSystemAadGroup) {
		origin = entitled.OriginSystemAadGroup
	}
	return s.db.change(ctx, func(t *tx) error {
		if _, err := t.loadCatalog(ctx, rr.CatalogID); err != nil {
			return err
		}
		// Ownership or delegation may have been withdrawn while the
		// connector answered.
		if err := s.mayAddResource(ctx, t, a, sys, rr); err != nil {
			return err
		}
		now := t.now()
		res := entitled.Resource{ID: newID(), CatalogID: rr.CatalogID, SystemID: sys.ID, DisplayName: rr.Resource.DisplayName,
			Description: rr.Resource.Description, OriginID: rr.Resource.OriginID, OriginSystem: origin, CreatedDateTime: now, ModifiedDateTime: now}
		if res.DisplayName == "" {
			res.DisplayName = info.DisplayName
		}
		if res.DisplayName == "" {
			res.DisplayName = res.OriginID
		}
		if res.Description == "" {
			res.Description = info.Description
		}
		_, err := t.exec(ctx, `INSERT INTO resources (id, catalog_id, system_id, display_name, description, origin_id, origin_system, created_at, modified_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, res.ID, res.CatalogID, res.SystemID, res.DisplayName, res.Description, res.OriginID, res.OriginSystem,
			fmtTime(now), fmtTime(now))
		if isUniqueViolation(err) {
			return entitled.Conflictf("resource %q of connected system %s is already in this catalog", res.OriginID, sys.Name).WithKey("err.resource.alreadyInCatalog", "Resource", res.OriginID, "System", sys.Name)
		}
		if err != nil {
			return err
		}
		for _, ri := range info.Roles {
			role := entitled.ResourceRole{ID: newID(), ResourceID: res.ID, DisplayName: ri.DisplayName, OriginID: ri.OriginID, OriginSystem: origin}
			if role.DisplayName == "" {
				role.DisplayName = role.OriginID
			}
			if _, err := t.exec(ctx, `INSERT INTO resource_roles (id, resource_id, display_name, description, origin_id, origin_system) VALUES (?,?,?,?,?,?)`,
				role.ID, role.ResourceID, role.DisplayName, role.Description, role.OriginID, role.OriginSystem); err != nil {
				if isUniqueViolation(err) {
					return entitled.Invalidf("connected system %s reports role %q twice for resource %q", sys.Name, ri.OriginID, res.OriginID).WithKey("err.resource.roleTwice", "System", sys.Name, "Role", ri.OriginID, "Resource", res.OriginID)
				}
				return err
			}
			res.Roles = append(res.Roles, role)
		}
		rr.Resource = res
		if err := s.insertResourceRequest(ctx, t, rr); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Add resource to catalog", Operation: "Add", TargetID: res.ID,
			TargetType: "AccessPackageResource", TargetName: res.DisplayName, CatalogID: res.CatalogID, After: res})
	})
}

// mayAddResource applies entitled.MayAddResource to the resource rr adds.
func (s *CatalogService) mayAddResource(ctx context.Context, t *tx, a *entitled.Actor, sys *entitled.ConnectedSystem, rr *entitled.ResourceRequest) error {
	o, err := t.resourceOwnership(ctx, a, sys, rr.CatalogID, rr.Resource.OriginID)
	if err != nil {
		return err
	}
	return entitled.MayAddResource(a, o)
}

func (s *CatalogService) insertResourceRequest(ctx context.Context, t *tx, rr *entitled.ResourceRequest) error {
	rr.ID = newID()
	rr.State = entitled.StateDelivered
	rr.CreatedDateTime = t.now()
	snap, _ := json.Marshal(rr.Resource)
	_, err := t.exec(ctx, `INSERT INTO resource_requests (id, request_type, state, catalog_id, resource_id, resource, created_at) VALUES (?,?,?,?,?,?,?)`,
		rr.ID, string(rr.RequestType), string(rr.State), rr.CatalogID, rr.Resource.ID, string(snap), fmtTime(rr.CreatedDateTime))
	return err
}

// removeResource handles adminRemove: the resource is named by id, or by
// originId (+ originSystem) within the catalog.
func (s *CatalogService) removeResource(ctx context.Context, a *entitled.Actor, rr *entitled.ResourceRequest) error {
	return s.db.change(ctx, func(t *tx) error {
		if _, err := t.loadCatalog(ctx, rr.CatalogID); err != nil {
			return err
		}
		var res *entitled.Resource
		var err error
		switch {
		case rr.Resource.ID != "":
			res, err = scanResource(t.queryRow(ctx, `SELECT `+resourceCols+` FROM resources WHERE id = ? AND catalog_id = ?`, rr.Resource.ID, rr.CatalogID))
			err = notFound(err, "resource", rr.Resource.ID)
		case rr.Resource.OriginID != "":
			q := `SELECT ` + resourceCols + ` FROM resources WHERE catalog_id = ? AND origin_id = ?`
			args := []any{rr.CatalogID, rr.Resource.OriginID}
			if rr.Resource.OriginSystem != "" {
				sys, err := s.findSystemByOrigin(ctx, t, rr.Resource.OriginSystem)
				if err != nil {
					return err
				}
				q += ` AND system_id = ?`
				args = append(args, sys.ID)
			}
			res, err = scanResource(t.queryRow(ctx, q+` ORDER BY id LIMIT 1`, args...))
			err = notFound(err, "resource", rr.Resource.OriginID)
		default:
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "resource",
				Message: "name the resource to remove by resource.id or resource.originId"}).WithKey("err.resource.nameToRemove")
		}
		if err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT DISTINCT access_package_id FROM resource_role_scopes WHERE resource_id = ? ORDER BY access_package_id LIMIT 5`, []any{res.ID}, func(pkgs string) error {
			return entitled.Conflictf("resource %s is still used by access package(s) %s; remove its roles from them first",
				res.DisplayName, pkgs).WithKey("err.resource.usedByPackages", "Resource", res.DisplayName, "Packages", pkgs)
		}); err != nil {
			return err
		}
		list := []entitled.Resource{*res}
		if err := s.loadResourceRoles(ctx, t, list); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM resources WHERE id = ?`, res.ID); err != nil {
			return err
		}
		rr.Resource = list[0]
		if err := s.insertResourceRequest(ctx, t, rr); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Remove resource from catalog", Operation: "Delete", TargetID: res.ID,
			TargetType: "AccessPackageResource", TargetName: res.DisplayName, CatalogID: res.CatalogID, Before: list[0]})
	})
}

// ResourceRequests lists resource requests of the catalogs the caller may
// read, filterable on id, catalog/id, requestType and state.
func (s *CatalogService) ResourceRequests(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.ResourceRequest], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.ResourceRequest]{}, err
	}
	base, args := readableCatalogs(a, entitled.OpReadCatalog, "catalog_id")
	return listRows(ctx, s.db, opt, resourceRequestFields, "resource_requests", "id", `id, request_type, state, catalog_id, resource, created_at`, base, args,
		func(r scanner) (entitled.ResourceRequest, error) {
			var rr entitled.ResourceRequest
			var rt, st, snap, created string
			if err := r.Scan(&rr.ID, &rt, &st, &rr.CatalogID, &snap, &created); err != nil {
				return rr, err
			}
			rr.RequestType, rr.State = entitled.RequestType(rt), entitled.RequestState(st)
			rr.CreatedDateTime = parseTime(created)
			_ = json.Unmarshal([]byte(snap), &rr.Resource)
			return rr, nil
		}, func(rr entitled.ResourceRequest) string { return rr.ID })
}

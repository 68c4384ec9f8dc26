package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/entitled-dev/entitled"
)

// A reconciliation of one connected system (docs/operations.md "Drift"):
// read what entitled delivered to the system's resource roles (the last
// succeeded delivery per assignment and role is a grant, the assignment not
// ended), read the members of each role from the target, compare
// (entitled.CompareMembers), act as config.reconcile says
// (entitled.DriftActionFor) and replace the system's findings. Memberships
// with a delivery in flight are left out of both kinds: the delivery
// settles them.

// driftRole is one resource role of the system that a package uses, with
// the memberships entitled manages in it.
type driftRole struct {
	resource entitled.ResourceRef
	role     entitled.ResourceRoleRef
	managed  []managedRow
	// open are the users with a delivery in flight to this role.
	open map[string]bool
}

// managedRow is one managed membership with its user.
type managedRow struct {
	assignmentID string
	user         entitled.User
}

// roleKey identifies a resource role in its target.
func roleKey(resourceOrigin, roleOrigin string) string { return resourceOrigin + "\x00" + roleOrigin }

// driftRoles loads the system's resource roles that packages use and what
// entitled manages in each, in one read.
func (s *DriftService) driftRoles(ctx context.Context, systemID string) ([]*driftRole, error) {
	byKey := map[string]*driftRole{}
	var order []string
	err := s.db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT DISTINCT r.id, r.origin_id, r.display_name, r.origin_system, rr.id, rr.origin_id, rr.display_name
			FROM resource_role_scopes rs JOIN resources r ON r.id = rs.resource_id JOIN resource_roles rr ON rr.id = rs.resource_role_id
			WHERE r.system_id = ? ORDER BY r.origin_id, rr.origin_id, r.id`, systemID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var res entitled.ResourceRef
			var role entitled.ResourceRoleRef
			if err := rows.Scan(&res.ID, &res.OriginID, &res.DisplayName, &res.OriginSystem, &role.ID, &role.OriginID, &role.DisplayName); err != nil {
				rows.Close()
				return err
			}
			k := roleKey(res.OriginID, role.OriginID)
			if byKey[k] == nil {
				byKey[k] = &driftRole{resource: res, role: role, open: map[string]bool{}}
				order = append(order, k)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return s.loadManaged(ctx, t, systemID, byKey)
	})
	out := make([]*driftRole, len(order))
	for i, k := range order {
		out[i] = byKey[k]
	}
	return out, err
}

// loadManaged folds the system's deliveries into the managed memberships of
// each role: per assignment and role, the last succeeded delivery is a
// grant; a pending or running one marks the user as in flight.
func (s *DriftService) loadManaged(ctx context.Context, t *tx, systemID string, byKey map[string]*driftRole) error {
	rows, err := t.query(ctx, `SELECT r.assignment_id, dt.resource_origin_id, dt.role_origin_id, d.action, d.status,
			u.id, u.user_principal_name, u.display_name, u.mail
		FROM `+deliveriesFrom+` JOIN assignments a ON a.id = r.assignment_id JOIN users u ON u.id = a.target_id
		WHERE d.system_id = ? AND d.status IN ('succeeded', 'pending', 'running') AND a.state IN (?, ?)
		ORDER BY d.created_at, d.id`, systemID, string(entitled.AssignmentDelivered), string(entitled.AssignmentDelivering))
	if err != nil {
		return err
	}
	defer rows.Close()
	type held struct {
		role    *driftRole
		row     managedRow
		granted bool
	}
	last := map[string]*held{}
	var order []string
	for rows.Next() {
		var assignmentID, resOrigin, roleOrigin, action, status string
		var u entitled.User
		if err := rows.Scan(&assignmentID, &resOrigin, &roleOrigin, &action, &status, &u.ID, &u.UserPrincipalName, &u.DisplayName, &u.Mail); err != nil {
			return err
		}
		r := byKey[roleKey(resOrigin, roleOrigin)]
		if r == nil {
			continue // a role no package uses any more
		}
		if status != string(entitled.DeliverySucceeded) {
			r.open[u.ID] = true
			continue
		}
		k := assignmentID + "\x00" + roleKey(resOrigin, roleOrigin)
		h := last[k]
		if h == nil {
			h = &held{role: r, row: managedRow{assignmentID: assignmentID, user: u}}
			last[k] = h
			order = append(order, k)
		}
		h.granted = action == string(entitled.ActionGrant)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range order {
		if h := last[k]; h.granted {
			h.role.managed = append(h.role.managed, h.row)
		}
	}
	return nil
}

// keyedUser is an entitled user with their key in the target.
type keyedUser struct {
	id, principalName string
}

// reconcileSystem runs one reconciliation of sys for a (the system, or the
// administrator who asked) and returns what it found and did.
func (s *DriftService) reconcileSystem(ctx context.Context, a *entitled.Actor, sys *entitled.ConnectedSystem) (entitled.ReconcileSummary, error) {
	sum := entitled.ReconcileSummary{SystemID: sys.ID}
	lister, conn, err := s.lister(sys)
	if err != nil {
		return sum, err
	}
	cfg, err := entitled.ParseReconcileConfig(sys.Config[entitled.ReconcileConfigKey])
	if err != nil {
		return sum, err
	}
	roles, err := s.driftRoles(ctx, sys.ID)
	if err != nil {
		return sum, err
	}
	sum.Resources = len(roles)
	var findings []entitled.DriftFinding
	// users maps keys to users per role (a target may key roles
	// differently), loaded when a role has unmanaged members.
	users := map[string]map[string]keyedUser{}
	started := s.db.now()
	for _, r := range roles {
		subjects := make([]entitled.Subject, len(r.managed))
		for i, m := range r.managed {
			subjects[i] = entitled.SubjectOf(m.user)
		}
		keys, err := lister.MemberKeys(ctx, r.role, subjects)
		if err != nil {
			return sum, err
		}
		managed := make([]entitled.ManagedMember, 0, len(keys))
		for i, k := range keys {
			if k != "" {
				managed = append(managed, entitled.ManagedMember{Key: k, UserID: r.managed[i].user.ID, AssignmentID: r.managed[i].assignmentID})
			}
		}
		sum.Managed += len(managed)
		target, err := allMembers(ctx, lister, r.resource, r.role)
		if err != nil {
			return sum, err
		}
		missing, unmanaged := entitled.CompareMembers(managed, target)
		now := s.db.now()
		for _, m := range missing {
			if r.open[m.UserID] {
				continue
			}
			f := s.finding(sys, r, entitled.DriftMissing, now)
			f.User = entitled.DriftUser{ID: m.UserID, TargetID: m.Key}
			for _, row := range r.managed {
				if row.user.ID == m.UserID {
					f.User.PrincipalName = row.user.UserPrincipalName
				}
			}
			f.AssignmentID = m.AssignmentID
			f.Action = entitled.DriftActionFor(cfg, f.Kind)
			findings = append(findings, f)
		}
		if _, ok := users[r.role.OriginID]; len(unmanaged) > 0 && !ok {
			if users[r.role.OriginID], err = s.usersByKey(ctx, lister, r.role); err != nil {
				return sum, err
			}
		}
		for _, k := range unmanaged {
			u := users[r.role.OriginID][k]
			if u.id != "" && r.open[u.id] {
				continue
			}
			f := s.finding(sys, r, entitled.DriftUnmanaged, now)
			f.User = entitled.DriftUser{ID: u.id, PrincipalName: u.principalName, TargetID: k}
			f.Action = entitled.DriftActionFor(cfg, f.Kind)
			findings = append(findings, f)
		}
	}
	for i := range findings {
		f := &findings[i]
		switch f.Kind {
		case entitled.DriftMissing:
			sum.Missing++
		case entitled.DriftUnmanaged:
			sum.Unmanaged++
		}
		var aerr error
		switch f.Action {
		case entitled.DriftRepaired:
			aerr = s.repair(ctx, a, f)
			if aerr == nil {
				sum.Repaired++
			}
		case entitled.DriftRemoved:
			aerr = s.grantedSince(ctx, f, started)
			if aerr == nil {
				aerr = s.remove(ctx, a, conn, lister, f)
			}
			if aerr == nil {
				sum.Removed++
			}
		}
		if aerr != nil {
			if ctx.Err() != nil {
				return sum, ctx.Err()
			}
			f.Action = entitled.DriftReported
			f.Error = entitled.AsError(aerr).Message
		}
	}
	return sum, s.replaceFindings(ctx, a, sys, findings, sum)
}

// finding starts a finding of kind in role r of sys.
func (s *DriftService) finding(sys *entitled.ConnectedSystem, r *driftRole, kind entitled.DriftKind, now time.Time) entitled.DriftFinding {
	return entitled.DriftFinding{ID: newID(), SystemID: sys.ID, Resource: r.resource, Role: r.role, Kind: kind, DetectedDateTime: now.UTC()}
}

// allMembers reads every page of a role's members.
func allMembers(ctx context.Context, l entitled.MemberLister, res entitled.ResourceRef, role entitled.ResourceRoleRef) ([]string, error) {
	var all []string
	token := ""
	for {
		p, err := l.Members(ctx, res, role, token)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Members...)
		if p.Next == "" || p.Next == token {
			return all, nil
		}
		token = p.Next
	}
}

// usersByKey maps the target's keys of the enabled directory users to
// them, for naming the users of unmanaged findings; it is read only when a
// reconciliation finds unmanaged members.
func (s *DriftService) usersByKey(ctx context.Context, l entitled.MemberLister, role entitled.ResourceRoleRef) (map[string]keyedUser, error) {
	var us []entitled.User
	err := s.db.read(ctx, func(t *tx) (err error) {
		us, err = queryRows(ctx, t, `SELECT id, user_principal_name, display_name, mail FROM users WHERE account_enabled = 1 ORDER BY id`, nil,
			func(r scanner) (u entitled.User, err error) {
				err = r.Scan(&u.ID, &u.UserPrincipalName, &u.DisplayName, &u.Mail)
				return u, err
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	subjects := make([]entitled.Subject, len(us))
	for i, u := range us {
		subjects[i] = entitled.SubjectOf(u)
	}
	keys, err := l.MemberKeys(ctx, role, subjects)
	if err != nil {
		return nil, err
	}
	out := make(map[string]keyedUser, len(keys))
	for i, k := range keys {
		if k != "" {
			out[k] = keyedUser{id: us[i].ID, principalName: us[i].UserPrincipalName}
		}
	}
	return out, nil
}

// sortFindings orders findings for reading: by resource, role, kind and
// member.
func sortFindings(fs []entitled.DriftFinding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Resource.OriginID != b.Resource.OriginID {
			return a.Resource.OriginID < b.Resource.OriginID
		}
		if a.Role.OriginID != b.Role.OriginID {
			return a.Role.OriginID < b.Role.OriginID
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.User.TargetID < b.User.TargetID
	})
}

// errNotLister is the 400 of a system whose kind cannot list members.
func errNotLister(sys *entitled.ConnectedSystem) error {
	return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "system",
		Message: fmt.Sprintf("connected system %s is of kind %s, which cannot list the members of its resources; only directory, ldap, scim and postgres systems can be reconciled", sys.Name, sys.Kind)}).WithKey("err.drift.notReconcilable", "System", sys.Name, "Kind", sys.Kind)
}

// grantedSince is a 409 when entitled started a grant of the finding's
// role to its user since the run started: the target may list a member
// the run's read of the managed set did not yet know, which must not be
// removed as unmanaged.
func (s *DriftService) grantedSince(ctx context.Context, f *entitled.DriftFinding, since time.Time) error {
	if f.User.ID == "" {
		return nil
	}
	var n int
	err := s.db.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM `+deliveriesFrom+`
			WHERE r.target_id = ? AND d.system_id = ? AND dt.resource_origin_id = ? AND dt.role_origin_id = ?
			AND d.action = 'grant' AND d.created_at >= ?`, f.User.ID, f.SystemID, f.Resource.OriginID, f.Role.OriginID,
			fmtTime(since)).Scan(&n)
	})
	if err == nil && n > 0 {
		return entitled.Conflictf("entitled granted this membership while the reconciliation ran; it is managed now").WithKey("err.drift.grantedMeanwhile")
	}
	return err
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/entitled-dev/entitled"
)

// The facts of notices: what a notice says and who receives it, read as
// of the moment the notifier works it, a notify job's notices in one read.

// errStaleNotice is the answer for a notice that no longer applies.
func errStaleNotice(n entitled.Notice, why string) error {
	return entitled.Errorf(entitled.KindConflict, entitled.CodeStale, "notice %s (%s): %s", n.ID, n.Event, why)
}

// NoticeFacts loads what a notice says and who receives it, as of now.
func (s *NotificationService) NoticeFacts(ctx context.Context, n entitled.Notice) (*entitled.NoticeFacts, error) {
	facts, errs, err := s.NoticesFacts(ctx, []entitled.Notice{n})
	if err != nil {
		return nil, err
	}
	return facts[0], errs[0]
}

// NoticesFacts loads the facts of several notices in one read, each
// package, catalog and user read once: a notify job's notices are mostly
// about one package, and their readers repeat.
func (s *NotificationService) NoticesFacts(ctx context.Context, ns []entitled.Notice) ([]*entitled.NoticeFacts, []error, error) {
	facts := make([]*entitled.NoticeFacts, len(ns))
	errs := make([]error, len(ns))
	err := s.db.read(ctx, func(t *tx) error {
		names := &noticeNameCache{packages: map[string]string{}, catalogs: map[string]string{}, users: map[string]*entitled.User{},
			requests: map[string]*reqRow{}, policies: map[string]*entitled.AssignmentPolicy{}}
		if err := s.prefetchNotices(ctx, t, ns, names); err != nil {
			return err
		}
		for i, n := range ns {
			f, err := s.noticeFacts(ctx, t, n, names)
			var e *entitled.Error
			if errors.As(err, &e) && e.Kind != entitled.KindInternal {
				errs[i] = err // the notice's own answer (stale, most often)
				continue
			}
			if err != nil {
				return err
			}
			facts[i] = f
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return facts, errs, nil
}

// noticeNameCache holds the names one read of notices has loaded; a user
// not found is kept as nil.
type noticeNameCache struct {
	packages, catalogs map[string]string
	users              map[string]*entitled.User
	requests           map[string]*reqRow
	policies           map[string]*entitled.AssignmentPolicy
}

// prefetchNotices reads the requests of the notices, and the users they
// are for and by, a query per maxBulkRows of each.
func (s *NotificationService) prefetchNotices(ctx context.Context, t *tx, ns []entitled.Notice, names *noticeNameCache) error {
	var ids []string
	for _, n := range ns {
		if n.RequestID != "" {
			ids = append(ids, n.RequestID)
		}
	}
	if len(ids) < 2 {
		return nil
	}
	var people []string
	err := queryByIDs(ctx, t, `SELECT `+requestCols+` FROM assignment_requests WHERE id IN (`, ids, func(rows *sql.Rows) error {
		q, err := scanRequest(rows)
		if err == nil {
			names.requests[q.ID] = q
			people = append(people, q.TargetID, q.RequestorID)
		}
		return err
	})
	if err != nil {
		return err
	}
	return s.readUsers(ctx, t, people, names)
}

// readUsers reads the users of ids into names, each id once; an id
// without a user is kept as nil.
func (s *NotificationService) readUsers(ctx context.Context, t *tx, ids []string, names *noticeNameCache) error {
	var missing []string
	for _, id := range ids {
		if _, ok := names.users[id]; !ok {
			names.users[id] = nil // not found unless read below
			missing = append(missing, id)
		}
	}
	return queryByIDs(ctx, t, `SELECT `+userCols+` FROM users WHERE id IN (`, missing, func(rows *sql.Rows) error {
		u, err := scanUser(rows)
		if err == nil {
			names.users[u.ID] = u
		}
		return err
	})
}

// noticeFacts loads one notice's facts in t.
func (s *NotificationService) noticeFacts(ctx context.Context, t *tx, n entitled.Notice, names *noticeNameCache) (*entitled.NoticeFacts, error) {
	f := &entitled.NoticeFacts{Notice: n}
	var as *entitled.Assignment
	packageID, catalogID, targetID := "", "", ""
	if n.RequestID != "" {
		q, err := memo(names.requests, n.RequestID, func() (*reqRow, error) { return t.loadRequest(ctx, n.RequestID) })
		if entitled.ErrorKind(err) == entitled.KindNotFound {
			return nil, errStaleNotice(n, "the request is gone")
		} else if err != nil {
			return nil, err
		}
		f.Request = q.AssignmentRequest
		packageID, catalogID, targetID = q.AccessPackageID, q.CatalogID, q.TargetID
		if c := q.CompletedDateTime; c != nil {
			f.ReprocessDeadline = c.Add(s.reprocessWindow)
		}
	}
	if n.AssignmentID != "" {
		a, err := t.loadAssignment(ctx, n.AssignmentID)
		if entitled.ErrorKind(err) == entitled.KindNotFound {
			return nil, errStaleNotice(n, "the assignment is gone")
		} else if err != nil {
			return nil, err
		}
		as = a
		f.AssignmentEnd = endOf(a.Schedule)
		if packageID == "" {
			packageID, catalogID, targetID = a.AccessPackageID, a.CatalogID, a.TargetID
		}
	}
	// The stages tell a stage's notice its stage, and a denial its reason.
	if n.RequestID != "" && (n.StageID != "" || n.Event == entitled.NoticeDenied) {
		stages, err := t.loadStages(ctx, n.RequestID)
		if err != nil {
			return nil, err
		}
		for i := range stages {
			if stages[i].ID == n.StageID {
				f.Stage = &stages[i]
			}
			if stages[i].ReviewResult == entitled.ReviewDeny {
				f.Decision = stages[i].Justification
			}
		}
	}
	if !entitled.NoticeStillApplies(n.Event, &f.Request, f.Stage, as) {
		return nil, errStaleNotice(n, "it no longer applies")
	}
	if wanted, err := s.noticeWanted(ctx, t, n, f, as, names); err != nil {
		return nil, err
	} else if !wanted {
		return nil, errStaleNotice(n, "its policy turns assignment notifications off")
	}
	if err := s.noticeNames(ctx, t, f, packageID, catalogID, targetID, names); err != nil {
		return nil, err
	}
	var err error
	if n.RequestID != "" && (f.Request.State == entitled.StateDeliveryFailed || f.Request.State == entitled.StatePartiallyDelivered) {
		if f.Failed, err = t.queryDeliveries(ctx, "d.request_id = ? AND d.status = ?", n.RequestID,
			string(entitled.DeliveryFailed)); err != nil {
			return nil, err
		}
	}
	ids, err := s.noticeRecipients(ctx, t, f, catalogID, targetID)
	if err != nil {
		return nil, err
	}
	if f.Recipients, err = s.enabledUsers(ctx, t, ids, names); err != nil {
		return nil, err
	}
	return f, nil
}

// noticeWanted applies the policy's say on a notice (entitled.NoticeWanted),
// reading the policy of the notice's request or assignment once per read;
// only notices to requesters read it.
func (s *NotificationService) noticeWanted(ctx context.Context, t *tx, n entitled.Notice, f *entitled.NoticeFacts,
	as *entitled.Assignment, names *noticeNameCache) (bool, error) {
	if n.Event.Audience() != entitled.AudienceRequester {
		return true, nil
	}
	policyID := f.Request.AssignmentPolicyID
	if policyID == "" && as != nil {
		policyID = as.AssignmentPolicyID
	}
	if policyID == "" {
		return true, nil
	}
	p, err := memo(names.policies, policyID, func() (*entitled.AssignmentPolicy, error) {
		p, err := t.loadPolicy(ctx, policyID)
		if err != nil {
			return nil, ignoreNotFound(err)
		}
		return p, nil
	})
	if err != nil {
		return false, err
	}
	return entitled.NoticeWanted(n.Event, p), nil
}

// noticeNames fills in the package, catalog, target and requestor,
// reading each through names once.
func (s *NotificationService) noticeNames(ctx context.Context, t *tx, f *entitled.NoticeFacts, packageID, catalogID, targetID string, names *noticeNameCache) error {
	var err error
	f.PackageName, err = memo(names.packages, packageID, func() (string, error) {
		p, err := t.loadPackage(ctx, packageID)
		if err != nil {
			return "", ignoreNotFound(err)
		}
		return p.DisplayName, nil
	})
	if err != nil {
		return err
	}
	f.CatalogName, err = memo(names.catalogs, catalogID, func() (string, error) {
		var name sql.NullString
		if err := t.queryRow(ctx, `SELECT display_name FROM catalogs WHERE id = ?`, catalogID).Scan(&name); err != nil &&
			!errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		return name.String, nil
	})
	if err != nil {
		return err
	}
	for _, p := range []struct {
		id   string
		into *entitled.User
	}{{targetID, &f.Target}, {f.Request.RequestorID, &f.Requestor}} {
		if p.id == "" {
			continue
		}
		u, err := memo(names.users, p.id, func() (*entitled.User, error) {
			u, err := t.loadUser(ctx, p.id)
			if err != nil {
				return nil, ignoreNotFound(err)
			}
			return u, nil
		})
		if err != nil {
			return err
		}
		if u != nil {
			*p.into = *u
		}
	}
	return nil
}

// noticeRecipients returns the user ids of the notice's audience, in a
// stable order without duplicates.
func (s *NotificationService) noticeRecipients(ctx context.Context, t *tx, f *entitled.NoticeFacts, catalogID, targetID string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && id != entitled.SystemActor.User.ID && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	switch f.Notice.Event.Audience() {
	case entitled.AudienceRequester:
		add(targetID)
		add(f.Request.RequestorID)
	case entitled.AudienceApprovers, entitled.AudienceEscalationApprovers:
		if f.Stage == nil {
			return nil, nil
		}
		p, err := t.loadPolicy(ctx, f.Request.AssignmentPolicyID)
		if err != nil {
			return nil, ignoreNotFound(err)
		}
		var set map[string]bool
		if f.Notice.Event.Audience() == entitled.AudienceApprovers {
			set, err = t.approvers(ctx, p, f.Stage.Index, targetID)
		} else {
			set, err = t.escalationApprovers(ctx, p, f.Stage.Index, targetID)
		}
		if err != nil {
			return nil, err
		}
		for _, id := range sortedKeys(set) {
			// The rule "an approver cannot be the target or requestor":
			// they are not asked to decide.
			if id != f.Request.TargetID && id != f.Request.RequestorID {
				add(id)
			}
		}
	case entitled.AudienceManagers:
		for _, roles := range [][]any{{entitled.RoleAccessPackageManager, entitled.RoleAccessPackageAssignmentManager},
			{entitled.RoleCatalogOwner}} {
			cond, args, err := s.db.idIn("role_definition_id", roles)
			if err != nil {
				return nil, err
			}
			found, err := idList(ctx, t, `SELECT principal_id FROM role_assignments WHERE app_scope_id = ? AND `+cond+`
				ORDER BY principal_id`, append([]any{entitled.CatalogScope(catalogID)}, args...)...)
			if err != nil {
				return nil, err
			}
			for _, id := range found {
				add(id)
			}
			if len(ids) > 0 {
				break // catalog owners only when the catalog has no managers
			}
		}
	}
	return ids, nil
}

// escalationApprovers returns the user ids who may decide stage idx once it
// has escalated: its escalation approvers, or their fallback.
func (t *tx) escalationApprovers(ctx context.Context, p *entitled.AssignmentPolicy, idx int, targetID string) (map[string]bool, error) {
	stages := p.RequestApprovalSettings.Stages
	if idx < 0 || idx >= len(stages) {
		return map[string]bool{}, nil
	}
	return t.resolveWithFallback(ctx, stages[idx].EscalationApprovers, stages[idx].FallbackEscalationApprovers, targetID)
}

const notificationCols = `id, notice_id, event, request_id, recipient_id, recipient_address, language, subject, status, error,
	attempts, created_at, updated_at`

// enabledUsers loads the users of ids that exist and may sign in, in the
// order of ids, in one query.
func (s *NotificationService) enabledUsers(ctx context.Context, t *tx, ids []string, names *noticeNameCache) ([]entitled.User, error) {
	if err := s.readUsers(ctx, t, ids, names); err != nil {
		return nil, err
	}
	out := make([]entitled.User, 0, len(ids))
	for _, id := range ids {
		if u := names.users[id]; u != nil && u.AccountEnabled {
			out = append(out, *u)
		}
	}
	return out, nil
}

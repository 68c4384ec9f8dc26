package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Membership targets: the Target of the 404 *entitled.Error returned by
// GrantMembership and RevokeMembership says which of the two was unknown.
const (
	MembershipTargetGroup = "group"
	MembershipTargetUser  = "user"
)

// DirectoryGroup loads a group of the built-in directory for the directory
// connector, without authorization (the delivery engine calls it).
func (s *Membership) DirectoryGroup(ctx context.Context, id string) (*entitled.Group, error) {
	var g entitled.Group
	var created string
	err := s.db.reader().QueryRowContext(ctx, s.db.rebind(`SELECT id, display_name, description, mail_nickname, created_at
		FROM groups WHERE id = ?`), id).Scan(&g.ID, &g.DisplayName, &g.Description, &g.MailNickname, &created)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, unknownGroup(id)
		}
		return nil, err
	}
	g.CreatedDateTime = parseTime(created)
	return &g, nil
}

// GrantMembership adds the user to the group of the built-in directory; a
// member already is left alone. It does no authorization: the delivery
// engine calls it as the system. The change and its audit event commit
// together; a 404 *entitled.Error (Target "group" or "user") names what is
// unknown.
func (s *Membership) GrantMembership(ctx context.Context, groupID, userID string) error {
	return s.ApplyMemberships(ctx, []entitled.MembershipChange{{GroupID: groupID, UserID: userID, Add: true}})[0]
}

// RevokeMembership removes the user from the group; not being a member is
// success. Unknown group or user → 404 *entitled.Error.
func (s *Membership) RevokeMembership(ctx context.Context, groupID, userID string) error {
	return s.ApplyMemberships(ctx, []entitled.MembershipChange{{GroupID: groupID, UserID: userID}})[0]
}

// unknownGroup is the 404 for a change naming a group the directory lacks.
func unknownGroup(id string) error {
	return (&entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound,
		Target: MembershipTargetGroup, Message: "group " + id + " does not exist in the directory"}).WithKey("err.group.notInDirectory", "ID", id)
}

// unknownUser is the 404 for a change naming a user the directory lacks.
func unknownUser(id string) error {
	return (&entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound,
		Target: MembershipTargetUser, Message: "user " + id + " does not exist in the directory"}).WithKey("err.user.notInDirectory", "ID", id)
}

// ApplyMemberships applies several membership changes in one transaction,
// in order, auditing each change that alters a row. An unknown group or
// user fails only its own change (the same 404 as GrantMembership); any
// other error fails them all. It is set-based: one query finds the
// groups, one the users, and each run of consecutive adds (or removes) is
// one INSERT (or DELETE) plus one audit insert, whatever its length (per
// maxBulkRows rows). It needs no change lock: the RETURNING rows of the
// insert or delete say which rows changed (and so what to audit), and
// foreign keys refuse a group or user deleted since the check.
func (s *Membership) ApplyMemberships(ctx context.Context, changes []entitled.MembershipChange) []error {
	errs := make([]error, len(changes))
	if len(changes) == 0 {
		return errs
	}
	err := s.db.changeUnlocked(ctx, func(t *tx) error {
		groupIDs, userIDs := membershipIDs(changes)
		names, err := directoryGroupNames(ctx, t, groupIDs)
		if err != nil {
			return err
		}
		users, err := directoryUsers(ctx, t, userIDs)
		if err != nil {
			return err
		}
		valid := make([]entitled.MembershipChange, 0, len(changes))
		for i, ch := range changes {
			switch _, known := names[ch.GroupID]; {
			case !known:
				errs[i] = unknownGroup(ch.GroupID)
			case !users[ch.UserID]:
				errs[i] = unknownUser(ch.UserID)
			default:
				errs[i] = nil
				valid = append(valid, ch)
			}
		}
		for lo := 0; lo < len(valid); {
			hi := lo + 1
			for hi < len(valid) && valid[hi].Add == valid[lo].Add {
				hi++
			}
			if err := s.applyMembershipRun(ctx, t, valid[lo:hi], names); err != nil {
				return err
			}
			lo = hi
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// membershipIDs returns the distinct group and user ids of the changes.
func membershipIDs(changes []entitled.MembershipChange) (groupIDs, userIDs []string) {
	seenG, seenU := map[string]bool{}, map[string]bool{}
	for _, ch := range changes {
		if !seenG[ch.GroupID] {
			seenG[ch.GroupID] = true
			groupIDs = append(groupIDs, ch.GroupID)
		}
		if !seenU[ch.UserID] {
			seenU[ch.UserID] = true
			userIDs = append(userIDs, ch.UserID)
		}
	}
	return groupIDs, userIDs
}

// directoryGroupNames returns the display name of each of the groups that
// exists, by id.
func directoryGroupNames(ctx context.Context, t *tx, ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	err := queryByIDs(ctx, t, `SELECT id, display_name FROM groups WHERE id IN (`, ids, func(rows *sql.Rows) error {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
		return nil
	})
	return names, err
}

// directoryUsers returns which of the users exist.
func directoryUsers(ctx context.Context, t *tx, ids []string) (map[string]bool, error) {
	found := make(map[string]bool, len(ids))
	err := queryByIDs(ctx, t, `SELECT id FROM users WHERE id IN (`, ids, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
		return nil
	})
	return found, err
}

// queryByIDs runs prefix + "?,…,?)" for the ids, maxBulkRows at a time,
// calling scan on each row.
func queryByIDs(ctx context.Context, t *tx, prefix string, ids []string, scan func(*sql.Rows) error) error {
	return chunks(len(ids), func(lo, hi int) error {
		args := make([]any, 0, hi-lo)
		for _, id := range ids[lo:hi] {
			args = append(args, id)
		}
		if t.db.Dialect != DialectPostgres && hi-lo > 1 {
			list, padded := paddedInList(args) // a few texts, each parsed once
			return t.scanSet(ctx, prefix+list+")", hi-lo, padded, scan)
		}
		return t.scanSet(ctx, prefix+inList(hi-lo)+")", hi-lo, args, scan)
	})
}

// scanSet runs a query of n rows of values and calls scan on each result
// row. One row of values is a fixed text, worth preparing; more go
// through bulkQuery.
func (t *tx) scanSet(ctx context.Context, q string, n int, args []any, scan func(*sql.Rows) error) error {
	var rows *sql.Rows
	var err error
	if n == 1 {
		rows, err = t.query(ctx, q, args...)
	} else {
		rows, err = t.bulkQuery(ctx, q, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// memberInsert adds memberships, answering the rows it added.
var memberInsert = newInsert("group_members", textColumns("group_id", "user_id"), `ON CONFLICT DO NOTHING RETURNING group_id, user_id`)

// membershipPair is one (group, user) row of group_members.
type membershipPair struct{ GroupID, UserID string }

// applyMembershipRun applies a run of changes that all add (or all remove)
// with one statement per maxBulkRows distinct pairs, then audits the rows
// it changed, in the order of the changes, with one auditMany.
func (s *Membership) applyMembershipRun(ctx context.Context, t *tx, run []entitled.MembershipChange, groupNames map[string]string) error {
	add := run[0].Add
	seen := make(map[membershipPair]bool, len(run))
	pairs := make([]membershipPair, 0, len(run))
	for _, ch := range run {
		p := membershipPair{ch.GroupID, ch.UserID}
		if !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	// Concurrent batches insert overlapping pairs in the same order, so
	// that one waits for the other instead of deadlocking.
	sorted := slices.Clone(pairs)
	slices.SortFunc(sorted, func(a, b membershipPair) int {
		return cmp.Or(strings.Compare(a.GroupID, b.GroupID), strings.Compare(a.UserID, b.UserID))
	})
	changed := make(map[membershipPair]bool, len(pairs))
	scan := func(rows *sql.Rows) error {
		for rows.Next() {
			var p membershipPair
			if err := rows.Scan(&p.GroupID, &p.UserID); err != nil {
				return err
			}
			changed[p] = true
		}
		return nil
	}
	var err error
	if add {
		args := make([]any, 0, 2*len(sorted))
		for _, p := range sorted {
			args = append(args, p.GroupID, p.UserID)
		}
		err = memberInsert.run(ctx, t, args, scan)
	} else {
		err = chunks(len(sorted), func(lo, hi int) error {
			args := make([]any, 0, 2*(hi-lo))
			for _, p := range sorted[lo:hi] {
				args = append(args, p.GroupID, p.UserID)
			}
			q := `DELETE FROM group_members WHERE (group_id, user_id) IN (VALUES ` + valueRows(hi-lo, 2) + `) RETURNING group_id, user_id`
			return t.scanSet(ctx, q, hi-lo, args, func(rows *sql.Rows) error {
				var p membershipPair
				if err := rows.Scan(&p.GroupID, &p.UserID); err != nil {
					return err
				}
				changed[p] = true
				return nil
			})
		})
	}
	if err != nil {
		return err
	}
	return t.auditMany(ctx, entitled.SystemActor, membershipAudits(pairs, changed, add, groupNames))
}

// DirectoryGroups lists groups for the directory connector's browsing: by
// id after the one given, display name containing search.
func (s *Membership) DirectoryGroups(ctx context.Context, search, after string, limit int) ([]entitled.Group, error) {
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(search)) + "%"
	rows, err := s.db.reader().QueryContext(ctx, s.db.rebind(`SELECT id, display_name, description, mail_nickname, created_at FROM groups
		WHERE id > ? AND LOWER(idtext(display_name)) LIKE ? ESCAPE '\' ORDER BY id LIMIT ?`), after, keepText(pattern), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []entitled.Group
	for rows.Next() {
		var g entitled.Group
		var created string
		if err := rows.Scan(&g.ID, &g.DisplayName, &g.Description, &g.MailNickname, &created); err != nil {
			return nil, err
		}
		g.CreatedDateTime = parseTime(created)
		out = append(out, g)
	}
	return out, rows.Err()
}

package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/sqlstore"
)

// membershipStore opens a migrated store with one user and one group,
// inserted with plain SQL.
func membershipStore(t *testing.T) (*sqlstore.DB, *sqlstore.Membership) {
	t.Helper()
	ctx := context.Background()
	db := sqlstore.OpenTestDB(t)
	for _, q := range []string{
		`INSERT INTO users (id, user_principal_name, upn_key, display_name, created_at) VALUES ('u1', 'ada@example.com', 'ada@example.com', 'Ada', '2026-01-01T00:00:00.000000Z')`,
		`INSERT INTO groups (id, display_name, description, mail_nickname, created_at) VALUES ('g1', 'Payroll', 'pays', 'payroll', '2026-01-02T03:04:05.000000Z')`,
	} {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return db, sqlstore.NewMembership(db)
}

func TestMembershipGrantRevoke(t *testing.T) {
	db, s := membershipStore(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := s.GrantMembership(ctx, "g1", "u1"); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.SQL.QueryRow(`SELECT count(*) FROM group_members WHERE group_id = 'g1' AND user_id = 'u1'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows after two grants, want 1", n)
	}
	var activity, by, target, op string
	if err := db.SQL.QueryRow(`SELECT activity_display_name, initiated_by_id, target_id, operation_type FROM audit_events`).
		Scan(&activity, &by, &target, &op); err != nil {
		t.Fatalf("one audit event expected: %v", err)
	}
	if activity != "Add member to group" || by != entitled.SystemActor.User.ID || target != "g1" || op != "Add" {
		t.Fatalf("audit = %q by %q on %q (%s)", activity, by, target, op)
	}
	for i := 0; i < 2; i++ {
		if err := s.RevokeMembership(ctx, "g1", "u1"); err != nil {
			t.Fatal(err)
		}
	}
	db.SQL.QueryRow(`SELECT count(*) FROM group_members`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows after revoke, want 0", n)
	}
	db.SQL.QueryRow(`SELECT count(*) FROM audit_events WHERE activity_display_name = 'Remove member from group'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d remove events, want 1", n)
	}
}

func TestMembershipUnknown(t *testing.T) {
	db, s := membershipStore(t)
	ctx := context.Background()
	for _, tc := range []struct{ group, user, target string }{
		{"nope", "u1", sqlstore.MembershipTargetGroup},
		{"g1", "ghost", sqlstore.MembershipTargetUser},
	} {
		for _, op := range []func(context.Context, string, string) error{s.GrantMembership, s.RevokeMembership} {
			var e *entitled.Error
			if err := op(ctx, tc.group, tc.user); !errors.As(err, &e) || e.Kind != entitled.KindNotFound || e.Target != tc.target {
				t.Errorf("%s/%s: err = %v, want 404 on %s", tc.group, tc.user, err, tc.target)
			}
		}
	}
	var n int
	db.SQL.QueryRow(`SELECT count(*) FROM audit_events`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d audit events for failed changes", n)
	}
	g, err := s.DirectoryGroup(ctx, "g1")
	if err != nil || g.DisplayName != "Payroll" || g.MailNickname != "payroll" || g.CreatedDateTime.Day() != 2 {
		t.Fatalf("DirectoryGroup = %+v, %v", g, err)
	}
	if _, err := s.DirectoryGroup(ctx, "nope"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("unknown group: %v", err)
	}
}

// membershipWorld opens a migrated store with the given users and groups
// (a group's display name is "Group " + its id) and memberships, inserted
// with plain SQL.
func membershipWorld(t testing.TB, users, groups []string, members [][2]string) (*sqlstore.DB, *sqlstore.Membership) {
	t.Helper()
	db := sqlstore.OpenTestDB(t)
	var rows []string
	for _, u := range users {
		rows = append(rows, fmt.Sprintf(`('%s', '%s@example.com', '%s@example.com', '%s', '2026-01-01T00:00:00.000000Z')`, u, u, u, u))
	}
	stmts := []string{`INSERT INTO users (id, user_principal_name, upn_key, display_name, created_at) VALUES ` + strings.Join(rows, ",")}
	rows = nil
	for _, g := range groups {
		rows = append(rows, fmt.Sprintf(`('%s', 'Group %s', '', '%s', '2026-01-01T00:00:00.000000Z')`, g, g, g))
	}
	stmts = append(stmts, `INSERT INTO groups (id, display_name, description, mail_nickname, created_at) VALUES `+strings.Join(rows, ","))
	rows = nil
	for _, m := range members {
		rows = append(rows, fmt.Sprintf(`('%s', '%s')`, m[0], m[1]))
	}
	if len(rows) > 0 {
		stmts = append(stmts, `INSERT INTO group_members (group_id, user_id) VALUES `+strings.Join(rows, ","))
	}
	for _, q := range stmts {
		if _, err := db.SQL.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db, sqlstore.NewMembership(db)
}

// memberRows returns the group_members rows as "group/user", sorted.
func memberRows(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	rows, err := db.SQL.Query(`SELECT group_id, user_id FROM group_members`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g, u string
		if err := rows.Scan(&g, &u); err != nil {
			t.Fatal(err)
		}
		out = append(out, g+"/"+u)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// auditRows returns every audit event as one line of its columns, sorted;
// an event of membership changes gives one line per member (perMember).
func auditRows(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	rows, err := db.SQL.Query(`SELECT activity_display_name, operation_type, result, initiated_by_id,
		target_id, target_type, target_display_name, before_state, after_state FROM audit_events`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c [9]string
		if err := rows.Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8]); err != nil {
			t.Fatal(err)
		}
		out = append(out, perMember(c)...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// membershipEvent is the audit line (as auditRows writes it) of a change
// that altered the row.
func membershipEvent(ch entitled.MembershipChange) string {
	snap := `{"groupId":"` + ch.GroupID + `","userId":"` + ch.UserID + `"}`
	c := []string{"Remove member from group", "Delete", "success", entitled.SystemActor.User.ID,
		ch.GroupID, "Group", "Group " + ch.GroupID, snap, ""}
	if ch.Add {
		c[0], c[1], c[7], c[8] = "Add member to group", "Add", "", snap
	}
	return strings.Join(c, " | ")
}

// applyOneByOne is the model ApplyMemberships must match: each change in
// turn, audited when it alters the membership. It returns the final rows
// and the audit lines, both sorted.
func applyOneByOne(members [][2]string, changes []entitled.MembershipChange, errs []error) (rows, events []string) {
	set := map[string]bool{}
	for _, m := range members {
		set[m[0]+"/"+m[1]] = true
	}
	for i, ch := range changes {
		if errs[i] != nil {
			continue
		}
		k := ch.GroupID + "/" + ch.UserID
		if set[k] != ch.Add {
			set[k] = ch.Add
			events = append(events, membershipEvent(ch))
		}
	}
	for k, in := range set {
		if in {
			rows = append(rows, k)
		}
	}
	slices.Sort(rows)
	slices.Sort(events)
	return rows, events
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i+1)
	}
	return out
}

// sameError compares what an English reader gets: kind, code, target and
// message (the catalogue key and its arguments are not compared).
func sameError(e, want *entitled.Error) bool {
	return e.Kind == want.Kind && e.Code == want.Code && e.Target == want.Target && e.Message == want.Message
}

func notFoundErr(target, id string) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound, Target: target,
		Message: target + " " + id + " does not exist in the directory"}
}

// A mixed batch: each unknown group or user fails only its own change with
// the same 404 as a single change; duplicates and no-ops succeed without an
// audit event; every change that altered a row is audited once.
func TestMembershipBatchMixed(t *testing.T) {
	users := numbered("u", 12)
	members := [][2]string{{"g1", "u01"}, {"g1", "u02"}, {"g1", "u03"}, {"g1", "u04"}, {"g1", "u05"}}
	db, s := membershipWorld(t, users, []string{"g1", "g2", "g3", "g4"}, members)
	add := func(g, u string) entitled.MembershipChange {
		return entitled.MembershipChange{GroupID: g, UserID: u, Add: true}
	}
	remove := func(g, u string) entitled.MembershipChange { return entitled.MembershipChange{GroupID: g, UserID: u} }
	var changes []entitled.MembershipChange
	for _, u := range users[:10] {
		changes = append(changes, add("g2", u)) // 0-9
	}
	changes = append(changes, add("g2", "u01"), add("g1", "u01"), add("nope", "u01")) // 10 duplicate, 11 already a member, 12 unknown group
	for _, u := range users[:9] {
		changes = append(changes, add("g3", u)) // 13-21
	}
	changes = append(changes, remove("g1", "ghost"), add("g3", "u10")) // 22 unknown user, 23
	for _, u := range users[:5] {
		changes = append(changes, remove("g1", u)) // 24-28
	}
	changes = append(changes, remove("g1", "u06"), remove("g2", "u10"), remove("nope2", "ghost")) // 29 not a member, 30 added above, 31 both unknown
	for _, u := range users[:10] {
		changes = append(changes, add("g4", u)) // 32-41
	}
	changes = append(changes, add("g1", "ghost"), add("g2", "u10")) // 42 unknown user, 43 re-added
	for _, u := range users[:4] {
		changes = append(changes, remove("g3", u)) // 44-47
	}
	changes = append(changes, remove("g3", "u01"), remove("g4", "u11")) // 48 duplicate, 49 not a member

	errs := s.ApplyMemberships(context.Background(), changes)
	if len(errs) != len(changes) {
		t.Fatalf("%d results for %d changes", len(errs), len(changes))
	}
	wantErrs := map[int]*entitled.Error{
		12: notFoundErr(sqlstore.MembershipTargetGroup, "nope"),
		22: notFoundErr(sqlstore.MembershipTargetUser, "ghost"),
		31: notFoundErr(sqlstore.MembershipTargetGroup, "nope2"),
		42: notFoundErr(sqlstore.MembershipTargetUser, "ghost"),
	}
	for i, err := range errs {
		want := wantErrs[i]
		var e *entitled.Error
		switch {
		case want == nil && err != nil:
			t.Errorf("change %d %+v: %v, want success", i, changes[i], err)
		case want != nil && (!errors.As(err, &e) || !sameError(e, want)):
			t.Errorf("change %d %+v: %#v, want %#v", i, changes[i], err, want)
		}
	}

	wantRows, wantEvents := applyOneByOne(members, changes, errs)
	if len(wantRows) != 26 || len(wantEvents) != 41 {
		t.Fatalf("model: %d rows, %d events; the batch above gives 26 and 41", len(wantRows), len(wantEvents))
	}
	if got := memberRows(t, db); !slices.Equal(got, wantRows) {
		t.Errorf("group_members:\n got %v\nwant %v", got, wantRows)
	}
	if got := auditRows(t, db); !slices.Equal(got, wantEvents) {
		t.Errorf("audit events:\n got %q\nwant %q", got, wantEvents)
	}
}

// An add and a later remove of the same pair (and the reverse) in one batch
// both take effect in order, and each is audited.
func TestMembershipBatchAddThenRemove(t *testing.T) {
	members := [][2]string{{"g1", "u02"}}
	db, s := membershipWorld(t, []string{"u01", "u02", "u03"}, []string{"g1"}, members)
	changes := []entitled.MembershipChange{
		{GroupID: "g1", UserID: "u01", Add: true},
		{GroupID: "g1", UserID: "u02"},
		{GroupID: "g1", UserID: "u03", Add: true},
		{GroupID: "g1", UserID: "u01"},
		{GroupID: "g1", UserID: "u02", Add: true},
		{GroupID: "g1", UserID: "u03"},
		{GroupID: "g1", UserID: "u03", Add: true},
	}
	for i, err := range s.ApplyMemberships(context.Background(), changes) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	if got, want := memberRows(t, db), []string{"g1/u02", "g1/u03"}; !slices.Equal(got, want) {
		t.Errorf("group_members = %v, want %v", got, want)
	}
	var want []string
	for _, ch := range changes {
		want = append(want, membershipEvent(ch))
	}
	slices.Sort(want)
	if got := auditRows(t, db); !slices.Equal(got, want) {
		t.Errorf("audit events:\n got %q\nwant %q", got, want)
	}
}

// A batch larger than one multi-row statement holds (more distinct users
// and more pairs than maxBulkRows) gives the same result as one change at
// a time.
func TestMembershipBatchLarge(t *testing.T) {
	users := numbered("b", 640)
	members := [][2]string{{"g2", users[0]}, {"g2", users[638]}}
	db, s := membershipWorld(t, users, []string{"g1", "g2"}, members)
	var changes []entitled.MembershipChange
	for _, u := range users {
		changes = append(changes, entitled.MembershipChange{GroupID: "g1", UserID: u, Add: true})
	}
	for _, u := range users[:520] {
		changes = append(changes, entitled.MembershipChange{GroupID: "g1", UserID: u},
			entitled.MembershipChange{GroupID: "g2", UserID: u})
	}
	changes = append(changes, entitled.MembershipChange{GroupID: "g1", UserID: "nobody", Add: true})
	errs := s.ApplyMemberships(context.Background(), changes)
	for i, err := range errs[:len(errs)-1] {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	var e *entitled.Error
	if want := notFoundErr(sqlstore.MembershipTargetUser, "nobody"); !errors.As(errs[len(errs)-1], &e) || !sameError(e, want) {
		t.Fatalf("unknown user: %v", errs[len(errs)-1])
	}
	wantRows, wantEvents := applyOneByOne(members, changes, errs)
	if len(wantRows) != 121 || len(wantEvents) != 640+520+1 {
		t.Fatalf("model: %d rows, %d events", len(wantRows), len(wantEvents))
	}
	if got := memberRows(t, db); !slices.Equal(got, wantRows) {
		t.Errorf("group_members: %d rows, want %d", len(got), len(wantRows))
	}
	if got := auditRows(t, db); !slices.Equal(got, wantEvents) {
		t.Errorf("audit events: %d, want %d", len(got), len(wantEvents))
	}
}

// An error that is not an unknown group or user fails every change, and
// nothing is written.
func TestMembershipBatchFailsWhole(t *testing.T) {
	db, s := membershipWorld(t, []string{"u01"}, []string{"g1"}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := s.ApplyMemberships(ctx, []entitled.MembershipChange{
		{GroupID: "g1", UserID: "u01", Add: true}, {GroupID: "nope", UserID: "u01", Add: true}})
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("change %d: %v, want the cancellation", i, err)
		}
	}
	if rows, events := memberRows(t, db), auditRows(t, db); len(rows) != 0 || len(events) != 0 {
		t.Fatalf("written after failure: %v %v", rows, events)
	}
}

// BenchmarkApplyMemberships applies a batch of 25 adds then 25 removes.
func BenchmarkApplyMemberships(b *testing.B) {
	users := numbered("u", 25)
	_, s := membershipWorld(b, users, []string{"g1"}, nil)
	var changes []entitled.MembershipChange
	for _, add := range []bool{true, false} {
		for _, u := range users {
			changes = append(changes, entitled.MembershipChange{GroupID: "g1", UserID: u, Add: add})
		}
	}
	ctx := context.Background()
	for b.Loop() {
		for _, err := range s.ApplyMemberships(ctx, changes) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestCreateUserDoesNotWaitForAChange: creating a user takes no change
// lock, so on PostgreSQL it completes while another transaction holds the
// change lock alone (a policy deleted, say) — and so while lifecycle
// changes hold it shared. (SQLite has one writer: there it waits, and
// completes once the change ends.)
func TestCreateUserDoesNotWaitForAChange(t *testing.T) {
	f := newLC(t)
	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- f.s.db.change(context.Background(), func(*tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	probe := newWaitProbe(t, f.s.db)
	done, waited := probe.run(func() error {
		return f.s.Users.CreateUser(f.sys, &entitled.User{UserPrincipalName: "nowait@example.com", AccountEnabled: true})
	}, true)
	close(release)
	f.must(<-held)
	if waited && f.s.db.Dialect == DialectPostgres {
		t.Fatal("creating a user waited behind a change holding the change lock")
	}
	f.must(<-done)
	if _, err := f.s.Users.User(f.sys, "nowait@example.com"); err != nil {
		t.Fatalf("the user is not there: %v", err)
	}
}

// TestCreateUsersAtOnce: creations of users sharing an externalId or a
// userPrincipalName at the same moment end with one user created and a
// precise 409 for each other one, never a 500 — the database's unique
// indexes decide, not a lock.
func TestCreateUsersAtOnce(t *testing.T) {
	f := newLC(t)
	for _, c := range []struct {
		name   string
		user   func(i int) *entitled.User
		target string
	}{
		{"one externalId", func(i int) *entitled.User {
			return &entitled.User{UserPrincipalName: fmt.Sprintf("ext%d@example.com", i), ExternalID: "okta-00u1", AccountEnabled: true}
		}, "externalId"},
		{"one userPrincipalName", func(int) *entitled.User {
			return &entitled.User{UserPrincipalName: "same@example.com", AccountEnabled: true}
		}, "userPrincipalName"},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 6
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = f.s.Users.CreateUser(f.sys, c.user(i))
				}()
			}
			wg.Wait()
			created := 0
			for _, err := range errs {
				if err == nil {
					created++
					continue
				}
				if e := wantCode(t, err, entitled.KindConflict, entitled.CodeConflict); e.Target != c.target {
					t.Fatalf("conflict on %q (%s), want %q", e.Target, e.Message, c.target)
				}
			}
			if created != 1 {
				t.Fatalf("%d users created, want 1", created)
			}
		})
	}
}

// TestUserInsertFailed words the database's own refusals of a user row:
// the texts SQLite and PostgreSQL give for a taken externalId, a taken
// userPrincipalName and a manager that is gone.
func TestUserInsertFailed(t *testing.T) {
	f := newLC(t)
	ts := fmtTime(f.now)
	insert := func(id, upn, manager, external string) error {
		_, err := f.s.db.SQL.Exec(f.s.db.rebind(`INSERT INTO users (id, user_principal_name, upn_key, display_name, mail,
			account_enabled, manager_id, created_at, preferred_language, external_id) VALUES (?,?,?,?,?,?,?,?,?,?)`),
			id, upn, upn, upn, upn, 1, nullIfEmpty(manager), ts, "", nullIfEmpty(external))
		return err
	}
	f.must(insert(newID(), "first@example.com", "", "ext-1"))
	for _, c := range []struct {
		name   string
		err    error
		kind   entitled.Kind
		target string
	}{
		{"externalId taken", insert(newID(), "second@example.com", "", "ext-1"), entitled.KindConflict, "externalId"},
		{"userPrincipalName taken", insert(newID(), "first@example.com", "", ""), entitled.KindConflict, "userPrincipalName"},
		{"manager gone", insert(newID(), "third@example.com", newID(), ""), entitled.KindInvalid, "manager"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("the database took the row")
			}
			got := userInsertFailed(c.err, &entitled.User{UserPrincipalName: "x@example.com", ExternalID: "ext-1", ManagerID: "m"})
			if e := wantCode(t, got, c.kind, ""); e.Target != c.target {
				t.Fatalf("%v: target %q, want %q", c.err, e.Target, c.target)
			}
		})
	}
}

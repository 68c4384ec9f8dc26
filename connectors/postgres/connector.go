package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/entitled-dev/entitled"
)

// maxIdentifier is PostgreSQL's identifier limit (NAMEDATALEN-1 bytes);
// longer names would be silently truncated to another role's name.
const maxIdentifier = 63

// role is a row of pg_roles.
type role struct {
	name        string
	canLogin    bool
	superuser   bool
	description string
	// privVia and privWhat say which role makes this one privileged and
	// why (see privilegedJoin); both are empty for an ordinary role.
	privVia, privWhat string
}

// change is one planned GRANT or REVOKE.
type change struct {
	idx    int
	action entitled.DeliveryAction
	role   string // the resource: the group role
	user   string // the subject's role
	who    string // how the user was named, for messages
	stmt   string
}

// checkIdentifier refuses names PostgreSQL would mangle.
func checkIdentifier(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the %s is empty", what)
	case len(name) > maxIdentifier:
		return fmt.Errorf("the %s %q is longer than %d bytes, PostgreSQL's limit for role names", what, name, maxIdentifier)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("the %s %q contains a NUL character", what, name)
	}
	return nil
}

// plan checks a change without the server and builds its statement.
func (c *Connector) plan(ch entitled.Change) (change, error) {
	g := ch.Grant
	p := change{action: ch.Action, role: g.Resource.OriginID}
	if err := checkIdentifier("resource's origin id (the PostgreSQL role name)", p.role); err != nil {
		return p, entitled.PermanentErrorf("%v", err)
	}
	if r := g.Role.OriginID; r != "" && !strings.EqualFold(r, RoleMember) {
		return p, entitled.PermanentErrorf("role %q is not a role of PostgreSQL role resource %q; the only role is %s", r, p.role, RoleMember)
	}
	user, err := c.cfg.User.User(g.Subject)
	if err != nil {
		return p, entitled.PermanentErrorf("cannot name the PostgreSQL user of subject %s: %v", subjectName(g.Subject), err)
	}
	if err := checkIdentifier("PostgreSQL user name", user); err != nil {
		return p, entitled.PermanentErrorf("%v (mapped from %s by config.userTemplate %q)", err, subjectName(g.Subject), c.cfg.User)
	}
	p.user = user
	p.who = fmt.Sprintf("PostgreSQL user %q (mapped from %s by config.userTemplate %q)", user, subjectName(g.Subject), c.cfg.User)
	roleID, userID := pgx.Identifier{p.role}.Sanitize(), pgx.Identifier{user}.Sanitize()
	switch ch.Action {
	case entitled.ActionGrant:
		p.stmt = "GRANT " + roleID + " TO " + userID
	case entitled.ActionRevoke:
		p.stmt = "REVOKE " + roleID + " FROM " + userID
	default:
		return p, entitled.PermanentErrorf("unknown delivery action %q", ch.Action)
	}
	return p, nil
}

func subjectName(s entitled.Subject) string {
	switch {
	case s.PrincipalName != "":
		return fmt.Sprintf("principalName %q", s.PrincipalName)
	case s.Email != "":
		return fmt.Sprintf("email %q", s.Email)
	}
	return fmt.Sprintf("the subject with id %q", s.ID)
}

// verify checks a planned change against the roles found on the server.
func (c *Connector) verify(p change, roles map[string]role) error {
	r, ok := roles[p.role]
	if !ok {
		return entitled.PermanentErrorf("the PostgreSQL role %q (the resource) does not exist; it was dropped or renamed: recreate it or remove the resource from its catalog", p.role)
	}
	if !c.cfg.Filter.Match(r.name, r.canLogin, r.superuser) {
		return entitled.PermanentErrorf("the PostgreSQL role %q is not managed by this system: it is outside %s", p.role, c.cfg.Filter.Describe())
	}
	if err := escapes(r); err != nil && p.action == entitled.ActionGrant {
		// A revoke only takes access away: it goes ahead, so that a role
		// that became privileged after it was granted can still be revoked.
		return err
	}
	if _, ok := roles[p.user]; !ok {
		return entitled.PermanentErrorf("the %s does not exist; create that login role or fix config.userTemplate", p.who)
	}
	return nil
}

// Grant runs GRANT role TO user; already a member is success (PostgreSQL
// only notices it).
func (c *Connector) Grant(ctx context.Context, g entitled.Grant) error {
	return c.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionGrant, Grant: g}})[0]
}

// Revoke runs REVOKE role FROM user; not a member is success (PostgreSQL
// only warns).
func (c *Connector) Revoke(ctx context.Context, g entitled.Grant) error {
	return c.ApplyBatch(ctx, []entitled.Change{{Action: entitled.ActionRevoke, Grant: g}})[0]
}

// ApplyBatch applies the changes on one connection in one transaction, each
// change inside its own savepoint, so that a change PostgreSQL refuses (a
// missing user, say) fails alone while the others commit together. The
// roles and users of all changes are looked up in one query first. When the
// connection breaks (the server restarted) the whole batch is run once more
// on a fresh connection: grants and revokes are idempotent.
func (c *Connector) ApplyBatch(ctx context.Context, changes []entitled.Change) []error {
	errs := make([]error, len(changes))
	var pending []change
	for i, ch := range changes {
		p, err := c.plan(ch)
		if err != nil {
			errs[i] = err
			continue
		}
		p.idx = i
		pending = append(pending, p)
	}
	if len(pending) == 0 {
		return errs
	}
	res, broken, err := c.apply(ctx, pending)
	if err != nil && broken {
		res, _, err = c.apply(ctx, pending)
	}
	if err != nil {
		err = c.classify(err)
		for _, p := range pending {
			errs[p.idx] = err
		}
		return errs
	}
	for k, p := range pending {
		errs[p.idx] = res[k]
	}
	return errs
}

// apply runs planned changes on one pooled connection. It returns one
// result per change, or an error for the whole batch and whether that error
// was a broken connection.
//
// The roles are looked up first (one query). A single change then runs as
// one statement. Several run as one multi-statement query in one
// transaction: "BEGIN; SAVEPOINT s; GRANT …; RELEASE SAVEPOINT s; …;
// COMMIT". When PostgreSQL refuses a change the rest of that query is
// skipped; the statements that completed tell which change failed, and the
// next query rolls back to its savepoint and goes on with the changes after
// it. A batch thus takes two round trips plus one per refused change.
func (c *Connector) apply(ctx context.Context, pending []change) (res []error, broken bool, err error) {
	conn, err := c.pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	// A connection released inside a transaction is closed by the pool.
	defer conn.Release()
	pg := conn.Conn().PgConn()
	fail := func(err error) ([]error, bool, error) { return nil, brokenConnection(err, pg), err }

	names := make([]string, 0, 2*len(pending))
	for _, p := range pending {
		names = append(names, p.role, p.user)
	}
	roles, err := lookupRoles(ctx, conn, names)
	if err != nil {
		return fail(err)
	}
	res = make([]error, len(pending))
	var run []int // indexes into pending of the changes to run
	for k, p := range pending {
		if res[k] = c.verify(p, roles); res[k] == nil {
			run = append(run, k)
		}
	}
	switch len(run) {
	case 0:
		return res, false, nil
	case 1:
		if _, err := conn.Exec(ctx, pending[run[0]].stmt); err != nil {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || brokenConnection(err, pg) {
				return fail(err)
			}
			res[run[0]] = c.classify(err)
		}
		return res, false, nil
	}

	prefix := []string{"BEGIN"}
	for len(run) > 0 {
		var q strings.Builder
		for _, stmt := range prefix {
			q.WriteString(stmt + ";\n")
		}
		for _, k := range run {
			q.WriteString("SAVEPOINT entitled_change;\n" + pending[k].stmt + ";\nRELEASE SAVEPOINT entitled_change;\n")
		}
		q.WriteString("COMMIT")
		results, err := pg.Exec(ctx, q.String()).ReadAll()
		if err == nil {
			return res, false, nil
		}
		var pe *pgconn.PgError
		done := len(results) - len(prefix)
		if !errors.As(err, &pe) || brokenConnection(err, pg) || done < 0 || done%3 != 1 || done/3 >= len(run) {
			// Not a refused GRANT or REVOKE: the connection, BEGIN, a
			// savepoint or COMMIT failed. Nothing is committed.
			return fail(err)
		}
		failed := done / 3
		res[run[failed]] = c.classify(err)
		run = run[failed+1:]
		prefix = []string{"ROLLBACK TO SAVEPOINT entitled_change", "RELEASE SAVEPOINT entitled_change"}
	}
	// The last change failed: commit the ones before it.
	if _, err := pg.Exec(ctx, "ROLLBACK TO SAVEPOINT entitled_change; RELEASE SAVEPOINT entitled_change; COMMIT").ReadAll(); err != nil {
		return fail(err)
	}
	return res, false, nil
}

// lookupRoles returns the roles among names that exist.
func lookupRoles(ctx context.Context, conn *pgxpool.Conn, names []string) (map[string]role, error) {
	rows, err := conn.Query(ctx, `SELECT r.rolname, r.rolcanlogin, r.rolsuper, `+privilegedCols+`
		FROM pg_roles r `+privilegedJoin+` WHERE r.rolname = ANY($1)`, names)
	if err != nil {
		return nil, err
	}
	out := map[string]role{}
	var r role
	_, err = pgx.ForEachRow(rows, []any{&r.name, &r.canLogin, &r.superuser, &r.privVia, &r.privWhat}, func() error {
		out[r.name] = r
		return nil
	})
	return out, err
}

// withConn runs a read on a pooled connection, once more on a fresh one if
// the connection broke, and classifies the error.
func (c *Connector) withConn(ctx context.Context, f func(conn *pgxpool.Conn) error) error {
	run := func() (broken bool, err error) {
		conn, err := c.pool.Acquire(ctx)
		if err != nil {
			return false, err
		}
		defer conn.Release()
		err = f(conn)
		return brokenConnection(err, conn.Conn().PgConn()), err
	}
	broken, err := run()
	if err != nil && broken {
		_, err = run()
	}
	return c.classify(err)
}

// Describe looks up a role; it must exist, pass config.roleFilter and not
// be privileged (see privilegedJoin). Its one role is Member.
func (c *Connector) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	if err := checkIdentifier("origin id (the PostgreSQL role name)", originID); err != nil {
		return entitled.ResourceInfo{}, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "originId",
			Message: err.Error() + "; give the name of a PostgreSQL role"}).WithKey("err.connector.postgresRole", "Problem", err.Error())
	}
	var r role
	found := false
	err := c.withConn(ctx, func(conn *pgxpool.Conn) error {
		err := conn.QueryRow(ctx, `SELECT r.rolname, r.rolcanlogin, r.rolsuper, coalesce(shobj_description(r.oid, 'pg_authid'), ''), `+
			privilegedCols+` FROM pg_roles r `+privilegedJoin+` WHERE r.rolname = $1`, originID).
			Scan(&r.name, &r.canLogin, &r.superuser, &r.description, &r.privVia, &r.privWhat)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return entitled.ResourceInfo{}, err
	}
	if !found {
		return entitled.ResourceInfo{}, entitled.PermanentErrorf("there is no PostgreSQL role named %q (names are case-sensitive)", originID)
	}
	if !c.cfg.Filter.Match(r.name, r.canLogin, r.superuser) {
		return entitled.ResourceInfo{}, entitled.PermanentErrorf("the PostgreSQL role %q is outside %s", originID, c.cfg.Filter.Describe())
	}
	if err := escapes(r); err != nil {
		return entitled.ResourceInfo{}, err
	}
	return resourceOf(r), nil
}

func resourceOf(r role) entitled.ResourceInfo {
	return entitled.ResourceInfo{OriginID: r.name, DisplayName: r.name, Description: r.description,
		Roles: []entitled.ResourceRoleRef{{OriginID: RoleMember, DisplayName: RoleMember}}}
}

// Check connects and runs a query as config.dsn's user.
func (c *Connector) Check(ctx context.Context) error {
	return c.withConn(ctx, func(conn *pgxpool.Conn) error {
		var ok bool
		return conn.QueryRow(ctx, `SELECT true FROM pg_roles WHERE rolname = current_user`).Scan(&ok)
	})
}

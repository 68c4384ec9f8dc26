package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors/connectortest"
	"github.com/entitled-dev/entitled/internal/pgtest"
)

// wantErr checks class and that the message contains every fragment.
func wantErr(t *testing.T, err error, class entitled.ErrorClass, fragments ...string) {
	t.Helper()
	var de *entitled.DeliveryError
	if !errors.As(err, &de) || de.Class != class {
		t.Fatalf("error %v, want %s", err, class)
	}
	for _, f := range fragments {
		if !strings.Contains(de.Message, f) {
			t.Errorf("message %q lacks %q", de.Message, f)
		}
	}
}

// PostgreSQL only notices a repeated GRANT and only warns about a REVOKE
// of a membership not held: neither is an error, which is what makes the
// connector's grants and revokes idempotent without a look-up first.
func TestRepeatedGrantIsANotice(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"grp"}, []string{"usr"})
	cfg, err := pgx.ParseConfig(srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var notices []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		mu.Lock()
		notices = append(notices, n.Severity+": "+n.Message)
		mu.Unlock()
	}
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, stmt := range []string{"GRANT grp TO usr", "GRANT grp TO usr", "REVOKE grp FROM usr", "REVOKE grp FROM usr"} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) != 2 || !strings.Contains(notices[0], "already a member") || !strings.Contains(notices[1], "not a member") {
		t.Fatalf("notices %q, want one for the repeated grant and one for the repeated revoke", notices)
	}
}

func TestMissingUserIsPermanentAndNamed(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"grp"}, nil)
	c := newConnector(t, srv, nil)
	g := grantOf("grp", "ghost")
	g.Subject.PrincipalName = "Ghost@Example.com"
	for _, err := range []error{c.Grant(context.Background(), g), c.Revoke(context.Background(), g)} {
		wantErr(t, err, entitled.Permanent, `PostgreSQL user "ghost"`, `principalName "Ghost@Example.com"`, "does not exist", "userTemplate")
	}
	wantErr(t, c.Grant(context.Background(), grantOf("nogroup", "ghost")), entitled.Permanent, `role "nogroup"`, "does not exist")
}

func TestInsufficientPrivilegeIsPermanent(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"grp"}, []string{"usr"})
	srv.Exec(`CREATE ROLE weak LOGIN PASSWORD 'weak-secret-pw'`)
	c := connectAs(t, srv.UserDSN("weak", "weak-secret-pw", ""), nil)
	err := c.Grant(context.Background(), grantOf("grp", "usr"))
	wantErr(t, err, entitled.Permanent, "42501", "CREATEROLE")
	connectortest.CheckNoSecret(t, err, []string{"weak-secret-pw"})
	if isMember(t, srv, "grp", "usr") {
		t.Fatal("granted without privilege")
	}
	// A role with CREATEROLE may grant.
	srv.Exec(`ALTER ROLE weak CREATEROLE`)
	if err := c.Grant(context.Background(), grantOf("grp", "usr")); err != nil {
		t.Fatal(err)
	}
}

func TestBadPasswordIsPermanentWithoutSecret(t *testing.T) {
	srv := pgtest.Start(t)
	dsn := srv.UserDSN(pgtest.Superuser, "Wr0ng-p@ss/word", "")
	c := connectAs(t, dsn, nil)
	err := c.Check(context.Background())
	wantErr(t, err, entitled.Permanent, "config.dsn", "28P01")
	connectortest.CheckNoSecret(t, err, []string{"Wr0ng-p@ss/word", dsn})
	c2 := connectAs(t, srv.DSN("nosuchdb"), nil)
	wantErr(t, c2.Check(context.Background()), entitled.Permanent, "database", "3D000")
	if err := newConnector(t, srv, nil).Check(context.Background()); err != nil {
		t.Fatalf("check with good credentials: %v", err)
	}
}

func TestTooManyConnectionsIsTransient(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"grp"}, []string{"usr"})
	srv.Exec(`CREATE ROLE limited LOGIN CREATEROLE PASSWORD 'lim-pw' CONNECTION LIMIT 1`)
	dsn := srv.UserDSN("limited", "lim-pw", "")
	ctx := context.Background()
	hog, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	c := connectAs(t, dsn, nil)
	err = c.Grant(ctx, grantOf("grp", "usr"))
	wantErr(t, err, entitled.Transient, "53300")
	connectortest.CheckNoSecret(t, err, []string{"lim-pw", dsn})
	hog.Close(ctx)
	if err := c.Grant(ctx, grantOf("grp", "usr")); err != nil {
		t.Fatalf("grant once the slot is free: %v", err)
	}
}

func TestInjectionLookingNamesAreQuoted(t *testing.T) {
	srv := pgtest.Start(t)
	evilRoles := []string{`evil"; DROP ROLE victim; --`, `x'); DROP ROLE victim; --`, `Mixed Case "quoted"`}
	evilUser := `o'brien"; drop role victim; --`
	createRoles(t, srv, append(evilRoles, "victim"), []string{evilUser})
	c := newConnector(t, srv, map[string]any{"roleFilter": "%"})
	for _, role := range evilRoles {
		g := grantOf(role, "")
		g.Subject.PrincipalName = `O'Brien"; DROP ROLE victim; --@example.com`
		if err := c.Grant(context.Background(), g); err != nil {
			t.Fatalf("grant %q: %v", role, err)
		}
		if !isMember(t, srv, role, evilUser) {
			t.Fatalf("%q is not a member of %q", evilUser, role)
		}
		if err := c.Revoke(context.Background(), g); err != nil || isMember(t, srv, role, evilUser) {
			t.Fatalf("revoke %q: %v", role, err)
		}
	}
	if _, err := c.Describe(context.Background(), "victim"); err != nil {
		t.Fatalf("role victim is gone: %v", err)
	}
}

func TestRoleFilterBoundsGrants(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"app_read", "billing"}, []string{"usr"})
	srv.Exec(`CREATE ROLE app_root SUPERUSER NOLOGIN`)
	c := newConnector(t, srv, map[string]any{"roleFilter": `app\_%`})
	ctx := context.Background()
	if err := c.Grant(ctx, grantOf("app_read", "usr")); err != nil {
		t.Fatal(err)
	}
	wantErr(t, c.Grant(ctx, grantOf("billing", "usr")), entitled.Permanent, `"billing"`, `config.roleFilter "app\\_%"`)
	wantErr(t, c.Grant(ctx, grantOf("app_root", "usr")), entitled.Permanent, `"app_root"`, "superusers")
	if isMember(t, srv, "billing", "usr") || isMember(t, srv, "app_root", "usr") {
		t.Fatal("a role outside the filter was granted")
	}
	if _, err := c.Describe(ctx, "billing"); entitled.ClassOf(err) != entitled.Permanent {
		t.Fatalf("describe of a role outside the filter: %v", err)
	}
	// The default filter refuses login roles and pg_* roles.
	d := newConnector(t, srv, nil)
	for _, r := range []string{"usr", "pg_read_all_data", "app_root"} {
		wantErr(t, d.Grant(ctx, grantOf(r, "usr")), entitled.Permanent, "outside the default config.roleFilter")
	}
}

func TestDescribe(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"reports"}, nil)
	srv.Exec(`COMMENT ON ROLE reports IS 'Read access to the reports schema'`)
	c := newConnector(t, srv, nil)
	info, err := c.Describe(context.Background(), "reports")
	if err != nil {
		t.Fatal(err)
	}
	if info.OriginID != "reports" || info.Description != "Read access to the reports schema" || len(info.Roles) != 1 || info.Roles[0].OriginID != RoleMember {
		t.Fatalf("Describe = %+v", info)
	}
	_, err = c.Describe(context.Background(), "Reports")
	wantErr(t, err, entitled.Permanent, `no PostgreSQL role named "Reports"`, "case-sensitive")
	var e *entitled.Error
	if _, err := c.Describe(context.Background(), strings.Repeat("x", 64)); !errors.As(err, &e) || e.Kind != entitled.KindInvalid {
		t.Fatalf("describe of a 64-byte name: %v, want 400", err)
	}
}

func TestNamesPostgreSQLWouldTruncateAreRefused(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"grp"}, []string{strings.Repeat("u", 63)})
	c := newConnector(t, srv, nil)
	ctx := context.Background()
	if err := c.Grant(ctx, grantOf("grp", strings.Repeat("u", 63))); err != nil {
		t.Fatalf("63-byte user: %v", err)
	}
	wantErr(t, c.Grant(ctx, grantOf("grp", strings.Repeat("u", 64))), entitled.Permanent, "longer than 63 bytes")
	wantErr(t, c.Grant(ctx, grantOf(strings.Repeat("g", 64), "x")), entitled.Permanent, "longer than 63 bytes")
	g := grantOf("grp", "x")
	g.Role.OriginID = "Owner"
	wantErr(t, c.Grant(ctx, g), entitled.Permanent, `role "Owner"`, "Member")
	g = grantOf("grp", "x")
	g.Subject.PrincipalName = ""
	wantErr(t, c.Grant(ctx, g), entitled.Permanent, "no principalName")
}

func TestUserTemplateMapsSubjects(t *testing.T) {
	srv := pgtest.Start(t)
	createRoles(t, srv, []string{"grp"}, []string{"ext_Alice@Example.com", "alice"})
	ctx := context.Background()
	c := newConnector(t, srv, map[string]any{"userTemplate": "ext_{{principalName}}", "lowercase": false})
	g := grantOf("grp", "")
	g.Subject.PrincipalName = "Alice@Example.com"
	if err := c.Grant(ctx, g); err != nil || !isMember(t, srv, "grp", "ext_Alice@Example.com") {
		t.Fatalf("grant with {{principalName}}: %v", err)
	}
	d := newConnector(t, srv, nil)
	if err := d.Grant(ctx, g); err != nil || !isMember(t, srv, "grp", "alice") {
		t.Fatalf("grant with the default {{localpart}}: %v", err)
	}
}

func TestMaxConnectionsBoundsThePool(t *testing.T) {
	srv := pgtest.Start(t)
	var roles, users []string
	for i := 0; i < 20; i++ {
		roles, users = append(roles, fmt.Sprintf("pool_grp_%d", i)), append(users, fmt.Sprintf("pool_usr_%d", i))
	}
	createRoles(t, srv, roles, users)
	c := newConnector(t, srv, map[string]any{"maxConnections": 2, "userTemplate": "pool_usr_{{localpart}}"})
	var wg sync.WaitGroup
	errs := make([]error, len(roles))
	for i := range roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := grantOf(roles[i], "")
			g.Subject.PrincipalName = fmt.Sprintf("%d@example.com", i)
			errs[i] = c.Grant(context.Background(), g)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("grant %d: %v", i, err)
		}
	}
	if got := c.pool.Stat().TotalConns(); got > 2 {
		t.Fatalf("pool holds %d connections, maxConnections is 2", got)
	}
	var n int
	if err := srv.Connect("").QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'entitled'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 1 || n > 2 {
		t.Fatalf("%d server connections from the connector, want 1 or 2", n)
	}
}

func TestListPagesThroughManyRoles(t *testing.T) {
	srv := pgtest.Start(t)
	// 1,300 roles, of which every 10th is kept: a page must read several
	// chunks of pg_roles to fill up.
	srv.Exec(`DO $$ BEGIN FOR i IN 1..1300 LOOP
		EXECUTE format('CREATE ROLE %I NOLOGIN', CASE WHEN i % 10 = 0 THEN 'keep_' ELSE 'drop_' END || lpad(i::text, 4, '0'));
		END LOOP; END $$`)
	c := newConnector(t, srv, map[string]any{"roleFilter": "keep%"})
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		p, err := c.ListResources(context.Background(), "", token, 40)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Resources {
			got = append(got, r.OriginID)
		}
		if p.Next == "" {
			break
		}
		if pages > 10 {
			t.Fatal("too many pages")
		}
		token = p.Next
	}
	if len(got) != 130 || got[0] != "keep_0010" || got[129] != "keep_1300" {
		t.Fatalf("listed %d roles from %v to %v, want keep_0010 … keep_1300", len(got), got[:1], got[len(got)-1:])
	}
}

func TestClassification(t *testing.T) {
	c := &Connector{cfg: &Config{}, scrub: newScrubber("postgres://u:pw-secret@h/db", nil)}
	for code, class := range map[string]entitled.ErrorClass{
		"08006": entitled.Transient, "57P01": entitled.Transient, "57P03": entitled.Transient, "53300": entitled.Transient,
		"40001": entitled.Transient, "40P01": entitled.Transient, "55P03": entitled.Transient, "XX000": entitled.Transient,
		"42704": entitled.Permanent, "42501": entitled.Permanent, "28P01": entitled.Permanent, "3D000": entitled.Permanent,
		"0LP01": entitled.Permanent, "42601": entitled.Permanent,
	} {
		err := c.classify(fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code, Message: `role "x" says pw-secret`}))
		if entitled.ClassOf(err) != class {
			t.Errorf("SQLSTATE %s: %v, want %s", code, err, class)
		}
		connectortest.CheckNoSecret(t, err, []string{"pw-secret"})
	}
	wantErr(t, c.classify(&pgconn.PgError{Code: "42704", Message: `role "ghost" does not exist`}), entitled.Permanent, `role "ghost" does not exist`)
	wantErr(t, c.classify(context.Canceled), entitled.Transient, "canceled")
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
)

// recordingQueue records the jobs inserted, with the transaction they came in.
type recordingQueue struct {
	mu   sync.Mutex
	jobs []entitled.Job
}

func (q *recordingQueue) InsertJobs(_ context.Context, _ *sql.Tx, jobs []entitled.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, jobs...)
	return nil
}

// Jobs returns a copy of the recorded jobs.
func (q *recordingQueue) Jobs() []entitled.Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]entitled.Job(nil), q.jobs...)
}

// testConnectors knows the kinds "directory" and "webhook".
type testConnectors struct {
	db    *DB
	kinds map[string]entitled.ConnectorKind
}

func (c *testConnectors) Kind(name string) (entitled.ConnectorKind, bool) {
	k, ok := c.kinds[strings.ToLower(name)]
	return k, ok
}

func (c *testConnectors) For(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	k, ok := c.Kind(sys.Kind)
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", sys.Kind)
	}
	return k.New(sys)
}

// testDirectoryKind describes groups of the store's own directory.
type testDirectoryKind struct{ db *DB }

func (testDirectoryKind) Name() string                  { return "directory" }
func (testDirectoryKind) SecretFields() []string        { return nil }
func (testDirectoryKind) Validate(map[string]any) error { return nil }
func (k testDirectoryKind) New(*entitled.ConnectedSystem) (entitled.Connector, error) {
	return testDirectory{db: k.db}, nil
}

type testDirectory struct{ db *DB }

func (d testDirectory) Describe(ctx context.Context, originID string) (entitled.ResourceInfo, error) {
	var name, desc string
	err := d.db.queryRow(ctx, `SELECT display_name, description FROM groups WHERE id = ?`, originID).Scan(&name, &desc)
	if errors.Is(err, sql.ErrNoRows) {
		return entitled.ResourceInfo{}, entitled.PermanentErrorf("group %q does not exist in the directory", originID)
	}
	if err != nil {
		return entitled.ResourceInfo{}, err
	}
	return entitled.ResourceInfo{OriginID: originID, DisplayName: name, Description: desc,
		Roles: []entitled.ResourceRoleRef{{DisplayName: "Member", OriginID: "Member_" + originID}}}, nil
}
func (testDirectory) Grant(context.Context, entitled.Grant) error  { return nil }
func (testDirectory) Revoke(context.Context, entitled.Grant) error { return nil }

// testWebhookKind accepts any origin id; roles come from config "roles".
type testWebhookKind struct{}

func (testWebhookKind) Name() string           { return "webhook" }
func (testWebhookKind) SecretFields() []string { return []string{"secret"} }
func (testWebhookKind) Validate(config map[string]any) error {
	u, _ := config["url"].(string)
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "config.url",
			Message: "config.url must be an http or https URL"}
	}
	return nil
}
func (testWebhookKind) New(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	roles := []string{"Member"}
	if rs, ok := sys.Config["roles"].([]any); ok && len(rs) > 0 {
		roles = roles[:0]
		for _, r := range rs {
			roles = append(roles, fmt.Sprint(r))
		}
	}
	return testWebhook{roles: roles}, nil
}

type testWebhook struct{ roles []string }

func (w testWebhook) Describe(_ context.Context, originID string) (entitled.ResourceInfo, error) {
	info := entitled.ResourceInfo{OriginID: originID, DisplayName: "webhook " + originID}
	for _, r := range w.roles {
		info.Roles = append(info.Roles, entitled.ResourceRoleRef{DisplayName: r, OriginID: r})
	}
	return info, nil
}
func (testWebhook) Grant(context.Context, entitled.Grant) error  { return nil }
func (testWebhook) Revoke(context.Context, entitled.Grant) error { return nil }

// newTestStore opens a fresh store on the run's backend (SQLite in
// t.TempDir(), or a fresh PostgreSQL database; see backend_test.go), with a
// recording queue (records jobs; B will add a real engine in its own tests)
// and a test connectors registry that knows kinds "directory" (Describe:
// group must exist, role Member with originId "Member_{groupId}") and
// "webhook" (Describe: any originId, roles from config "roles" or
// ["Member"]). Returns the store and a system-actor context.
func newTestStore(t *testing.T) (*Services, context.Context) {
	t.Helper()
	db := openTestDB(t)
	ctx := context.Background()
	s := newServices(t, db, Config{})
	return s, entitled.NewContext(ctx, entitled.SystemActor)
}

// newTestConnectors returns the test registry over db: kinds "directory"
// and "webhook".
func newTestConnectors(db *DB) *testConnectors {
	return &testConnectors{db: db, kinds: map[string]entitled.ConnectorKind{
		"directory": testDirectoryKind{db: db},
		"webhook":   testWebhookKind{},
	}}
}

// newServices builds the services over db with cfg; a recording queue and
// the test connectors stand in for a Queue and Connectors cfg leaves out.
func newServices(tb testing.TB, db *DB, cfg Config) *Services {
	tb.Helper()
	if cfg.Queue == nil {
		cfg.Queue = &recordingQueue{}
	}
	if cfg.Connectors == nil {
		cfg.Connectors = newTestConnectors(db)
	}
	s, err := NewServices(db, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// withConfig rebuilds s over the same database with the config it was
// built with, changed by change.
func withConfig(tb testing.TB, s *Services, change func(*Config)) *Services {
	tb.Helper()
	cfg := Config{Queue: s.Requests.lc.queue, Connectors: s.connectors, ReprocessWindow: s.Requests.reprocessWindow,
		Notices: s.Requests.lc.notices, Logger: s.Deliveries.logger}
	change(&cfg)
	return newServices(tb, s.db, cfg)
}

// testQueue returns the services' recording queue.
func testQueue(s *Services) *recordingQueue { q, _ := s.Requests.lc.queue.(*recordingQueue); return q }

// asUser returns a context acting as the user, with the user's roles loaded.
func asUser(ctx context.Context, s *Services, t *testing.T, userID string) context.Context {
	t.Helper()
	a, err := s.Tokens.ActorFor(entitled.NewContext(context.Background(), entitled.SystemActor), userID)
	if err != nil {
		t.Fatalf("ActorFor(%s): %v", userID, err)
	}
	return entitled.NewContext(ctx, a)
}

// mustUser creates an enabled user with the given userPrincipalName.
func mustUser(t *testing.T, s *Services, ctx context.Context, upn string) *entitled.User {
	t.Helper()
	name, _, _ := strings.Cut(upn, "@")
	u := &entitled.User{UserPrincipalName: upn, DisplayName: name, Mail: upn, AccountEnabled: true}
	if err := s.Users.CreateUser(entitled.NewContext(context.Background(), entitled.SystemActor), u); err != nil {
		t.Fatalf("create user %s: %v", upn, err)
	}
	return u
}

// wantKind fails the test unless err is an *entitled.Error of the kind.
func wantKind(t *testing.T, err error, kind entitled.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error of kind %d (HTTP %d), got nil", kind, kind.HTTPStatus())
	}
	var e *entitled.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("want HTTP %d error, got %v", kind.HTTPStatus(), err)
	}
}

// mustOK fails the test on error.
func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/dbtest"
)

// TestOlderBinaryRefusesNewerSchema: a database a newer release migrated
// (a schema version this binary does not know) is refused with what to do,
// and left as it is.
func TestOlderBinaryRefusesNewerSchema(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	future := int64(990001)
	if _, err := db.SQL.ExecContext(ctx, db.rebind(`INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES (?, ?, ?)`),
		future, true, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	err := db.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "newer than this entitled knows") || !strings.Contains(err.Error(), "restore the backup") {
		t.Fatalf("Migrate on a newer schema: %v", err)
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM goose_db_version WHERE version_id = ?`), future).Scan(&n); err != nil || n != 1 {
		t.Errorf("the newer version row: %d (%v); the refusal must leave the schema alone", n, err)
	}
}

// TestReplicasMigrateTogether: several replicas starting at once on one
// PostgreSQL database all succeed (one migrates under an advisory lock, the
// others then find nothing to do). An SQLite file belongs to one process:
// there the same starts one after the other must each succeed.
func TestReplicasMigrateTogether(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "replicas.db")
	together := dbtest.Backend() == dbtest.Postgres
	if together {
		dsn = dbtest.NewPostgres(t)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		run := func(f func()) {
			if together {
				go f()
			} else {
				f()
			}
		}
		run(func() {
			defer wg.Done()
			db, err := Open(dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(context.Background())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}

package sqlstore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/testkeys"
	"github.com/entitled-dev/entitled/secret"
)

// TestSecretsNeverAtRestInClear: a connected system's secret, and an event
// subscription's, is sealed in the database: it appears in neither the SQLite file, its WAL, a
// backup nor an export, while the engine still reads it; the file is readable by its
// owner only. Without a key the secret is refused, with how to make one.
func TestSecretsNeverAtRestInClear(t *testing.T) {
	const marker = "Zq7-never-in-clear-4711"
	path := filepath.Join(t.TempDir(), "sealed.db")
	db, err := Open("sqlite:"+path, WithSecrets(testkeys.Keyring()))
	mustOK(t, err)
	defer db.Close()
	mustOK(t, db.Migrate(context.Background()))
	s := newServices(t, db, Config{})
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	sys := &entitled.ConnectedSystem{Name: "crm", Kind: "webhook", Config: map[string]any{"url": "https://crm.example.org/hook", "secret": marker}}
	mustOK(t, s.Systems.CreateSystem(ctx, sys))
	_, err = s.Subscriptions.CreateSubscription(ctx, &entitled.Subscription{URL: "https://hooks.example.org/entitled",
		Events: []string{"*"}, Secret: marker + "-subscription-signing"})
	mustOK(t, err)

	var full *entitled.ConnectedSystem
	mustOK(t, db.read(ctx, func(t *tx) (err error) { full, err = t.loadSystem(ctx, sys.ID); return err }))
	if full.Config["secret"] != marker {
		t.Fatalf("the engine reads %v, want the secret", full.Config)
	}
	var export bytes.Buffer
	_, err = db.Export(ctx, &export)
	mustOK(t, err)
	// A backup copy, as sqlite3's .backup or VACUUM INTO make it.
	backup := path + ".backup"
	if _, err := db.SQL.ExecContext(ctx, `VACUUM INTO '`+backup+`'`); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", backup} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(marker)) {
			t.Errorf("%s holds the secret in clear", filepath.Base(f))
		}
	}
	if strings.Contains(export.String(), marker) || !strings.Contains(export.String(), "sealed:v1:") {
		t.Errorf("the export holds the secret in clear, or no sealed value")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}

	// Another server without the key cannot read it, and says why.
	other, err := Open("sqlite:" + path)
	mustOK(t, err)
	defer other.Close()
	err = other.read(ctx, func(t *tx) error { _, err := t.loadSystem(ctx, sys.ID); return err })
	if err == nil || !strings.Contains(err.Error(), "does not have") {
		t.Errorf("reading without the key: %v", err)
	}
	// Without a key, a secret is refused with how to make one; settings
	// without a secret are stored.
	plain := newServices(t, other, Config{})
	err = plain.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "crm2", Kind: "webhook",
		Config: map[string]any{"url": "https://crm.example.org/hook", "secret": marker}})
	if e := entitled.AsError(err); e.Kind != entitled.KindInvalid || e.Target != "config.secret" || !strings.Contains(e.Message, "secrets keygen") {
		t.Errorf("a secret without a key: %v", err)
	}
	mustOK(t, plain.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "crm3", Kind: "webhook",
		Config: map[string]any{"url": "https://crm.example.org/hook"}}))

	// The export carries the sealed value; importing it needs the key.
	for _, withKey := range []bool{false, true} {
		var opts []Option
		if withKey {
			opts = append(opts, WithSecrets(testkeys.Keyring()))
		}
		into, err := Open("sqlite:"+filepath.Join(t.TempDir(), "into.db"), opts...)
		mustOK(t, err)
		mustOK(t, into.Migrate(ctx))
		_, err = newServices(t, into, Config{}).Admin.Import(ctx, bytes.NewReader(export.Bytes()))
		if withKey {
			mustOK(t, err)
		} else if err == nil || !strings.Contains(err.Error(), "does not have") {
			t.Errorf("import of sealed secrets without the key: %v", err)
		}
		into.Close()
	}
}

// TestRotateSecrets: Reseal seals every system's settings with the new key
// (those stored before a key existed too); the old key is no longer needed.
func TestRotateSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rotate.db")
	oldRing := testkeys.Keyring()
	db, err := Open("sqlite:"+path, WithSecrets(oldRing))
	mustOK(t, err)
	mustOK(t, db.Migrate(context.Background()))
	s := newServices(t, db, Config{})
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	sys := &entitled.ConnectedSystem{Name: "crm", Kind: "webhook", Config: map[string]any{"url": "https://x.example.org", "secret": "s"}}
	mustOK(t, s.Systems.CreateSystem(ctx, sys))
	db.Close()

	text, err := secret.Generate()
	mustOK(t, err)
	next, err := secret.ParseKey(text)
	mustOK(t, err)
	rotating, err := Open("sqlite:"+path, WithSecrets(secret.NewKeyring(append([]*secret.Key{next}, oldRing.Keys()...)...)))
	mustOK(t, err)
	n, err := rotating.Reseal(ctx)
	mustOK(t, err)
	rotating.Close()
	if n != 2 {
		t.Errorf("resealed %d systems, want 2 (crm and the built-in directory)", n)
	}
	after, err := Open("sqlite:"+path, WithSecrets(secret.NewKeyring(next)))
	mustOK(t, err)
	defer after.Close()
	mustOK(t, after.read(ctx, func(t *tx) error {
		got, err := t.loadSystem(ctx, sys.ID)
		if err == nil && got.Config["secret"] != "s" {
			return entitled.Invalidf("secret %v after rotation", got.Config["secret"])
		}
		return err
	}))
}

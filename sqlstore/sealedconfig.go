package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/secret"
)

// storeConfig is the stored form of a connected system's settings: sealed
// with the database's key when it has one (all of it: which keys are
// secret depends on the kind, and a DSN or URL may hold a password too).
// Without a key, settings holding a secret of the kind are refused with
// how to configure one; others are stored as they are.
func (db *DB) storeConfig(kind entitled.ConnectorKind, config map[string]any) (string, error) {
	raw, err := json.Marshal(config)
	if err != nil {
		return "", entitled.Invalidf("config cannot be stored: %v", err).WithKey("err.system.configNotStored", "Problem", err)
	}
	if db.secrets.HasKey() {
		return db.secrets.Seal(raw)
	}
	if kind != nil {
		for _, f := range kind.SecretFields() {
			if v, ok := config[f]; ok && v != nil && v != "" {
				_, err := db.sealSecret("config."+f, "")
				return "", err
			}
		}
	}
	return string(raw), nil
}

// Reseal seals the settings of every connected system with the database's
// sealing key (after a rotation, or to seal settings stored before keys
// existed) in one transaction, and returns how many it sealed.
func (db *DB) Reseal(ctx context.Context) (int, error) {
	if !db.secrets.HasKey() {
		return 0, secret.ErrNoKey
	}
	n := 0
	err := db.change(ctx, func(t *tx) error {
		type row struct{ id, stored string }
		all, err := queryRows(ctx, t, `SELECT id, config FROM systems`, nil,
			func(r scanner) (v row, err error) { err = r.Scan(&v.id, &v.stored); return v, err })
		if err != nil {
			return err
		}
		for _, r := range all {
			if secret.SealedWith(r.stored) == db.secrets.KeyID() {
				continue
			}
			plain, err := db.secrets.Open(r.stored)
			if err != nil {
				return fmt.Errorf("connected system %s: %w", r.id, err)
			}
			sealed, err := db.secrets.Seal(plain)
			if err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE systems SET config = ? WHERE id = ?`, sealed, r.id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// checkOpens refuses an export line of a connected system whose sealed
// settings this database's keys cannot open: importing it would store what
// no server here can read.
func (db *DB) checkOpens(line int, l ExportLine) error {
	if l.Table != "systems" {
		return nil
	}
	stored, _ := l.Row["config"].(string)
	if _, err := db.secrets.Open(stored); err != nil {
		return entitled.Invalidf("import: line %d: %v", line, err).WithKey("err.import.badLine", "Line", line, "Problem", err)
	}
	return nil
}

// sealSecret is the stored form of one secret value (an event
// subscription's signing secret): sealed with the database's key, or
// refused without one, naming the field.
func (db *DB) sealSecret(field, value string) (string, error) {
	if !db.secrets.HasKey() {
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: field,
			Message: field + " is a secret, and secrets are stored only sealed: " + secret.ErrNoKey.Error()}).WithKey("err.system.secretNeedsKey", "Property", field, "Problem", secret.ErrNoKey.Error())
	}
	return db.secrets.Seal([]byte(value))
}

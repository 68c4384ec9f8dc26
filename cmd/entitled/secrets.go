package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/secret"
	"github.com/entitled-dev/entitled/sqlstore"
)

// keyringFlags reads the server's secret key: --secret-key-file, else
// ENTITLED_SECRET_KEY (the key itself, base64), else, for --demo on an
// SQLite file, a key kept beside it (made on first run). No key at all is
// a keyring that seals nothing: systems with secrets are then refused.
func keyringFlags(cmd *cobra.Command, dsn string, demo bool) (*secret.Keyring, error) {
	if path, _ := cmd.Flags().GetString("secret-key-file"); path != "" {
		k, err := secret.ReadKeyFile(path)
		if err != nil {
			return nil, err
		}
		return secret.NewKeyring(k), nil
	}
	if text := os.Getenv("ENTITLED_SECRET_KEY"); text != "" {
		k, err := secret.ParseKey(text)
		if err != nil {
			return nil, fmt.Errorf("ENTITLED_SECRET_KEY: %w", err)
		}
		return secret.NewKeyring(k), nil
	}
	if demo {
		path, ok := demoKeyPath(dsn)
		if !ok {
			return nil, errors.New("--demo on PostgreSQL needs a secret key: make one with `entitled secrets keygen > key` and pass --secret-key-file key")
		}
		k, err := demoKey(path)
		if err != nil {
			return nil, err
		}
		return secret.NewKeyring(k), nil
	}
	return &secret.Keyring{}, nil
}

// demoKeyPath is where --demo keeps the key of an SQLite database.
func demoKeyPath(dsn string) (string, bool) {
	path, ok := sqlstore.SQLitePath(dsn)
	if !ok {
		return "", false
	}
	return path + ".key", true
}

// demoKey reads the demo's key file, making it (0600) on first run.
func demoKey(path string) (*secret.Key, error) {
	if k, err := secret.ReadKeyFile(path); err == nil {
		return k, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	text, err := secret.Generate()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("demo secret key: %w", err)
	}
	return secret.ParseKey(text)
}

func secretsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Manage the key that seals connector secrets at rest",
	}
	cmd.AddCommand(newCommand("keygen", "Print a new secret key (base64) on stdout: keep it in a file readable by entitled only", "", func(cmd *cobra.Command, _ []string) error {
		text, err := secret.Generate()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), text)
		return err
	}))
	rotate := newCommand("rotate --new-key-file NEW", "Seal every stored secret with a new key (the current one from --secret-key-file or ENTITLED_SECRET_KEY)", `Seal every stored secret with a new key. The current key (--secret-key-file or
ENTITLED_SECRET_KEY) opens what is stored now; afterwards start entitled with the new key.
Stop serve first, or run it with the new key right after: a server still on the old key
cannot read what the rotation sealed.`, func(cmd *cobra.Command, _ []string) error {
		path, _ := cmd.Flags().GetString("new-key-file")
		if path == "" {
			return errors.New("--new-key-file is required (make one with `entitled secrets keygen > new.key`)")
		}
		next, err := secret.ReadKeyFile(path)
		if err != nil {
			return err
		}
		current, err := keyringFlags(cmd, dbFlag(cmd), false)
		if err != nil {
			return err
		}
		keys := []*secret.Key{next}
		keys = append(keys, current.Keys()...)
		return rotateSecrets(cmd.Context(), cmd, dbFlag(cmd), secret.NewKeyring(keys...))
	})
	rotate.Flags().String("new-key-file", "", "file holding the new key (entitled secrets keygen)")
	cmd.AddCommand(rotate)
	return cmd
}

// rotateSecrets re-seals every connected system's settings with the
// keyring's first key.
func rotateSecrets(ctx context.Context, cmd *cobra.Command, dsn string, keys *secret.Keyring) error {
	if err := requireDatabase(dsn); err != nil {
		return err
	}
	if err := checkDatabaseFile(dsn); err != nil {
		return err
	}
	db, err := sqlstore.Open(dsn, sqlstore.WithSecrets(keys))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	n, err := db.Reseal(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "sealed the settings of %d connected systems with key %s\n", n, keys.KeyID())
	return err
}

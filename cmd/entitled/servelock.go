//go:build unix

package main

import (
	"errors"
	"os"
	"syscall"

	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// lockServe takes the serve lock of an SQLite database: an exclusive flock
// on its file, held until release (or the process's end, a crash
// included). A second serve on the same file is refused, saying so: SQLite
// has one writer, and a serve holds all its changes on one connection.
// flock and SQLite's own (fcntl) locks do not meet, and the other commands
// (token, export, …) take no serve lock, so they still run beside serve.
// A PostgreSQL database takes none: its replicas share it; nor does a file
// system that has no flock (only EWOULDBLOCK, another holder, refuses).
func lockServe(dsn string) (release func(), err error) {
	path, ok := sqlstore.SQLitePath(dsn)
	if !ok {
		return func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return func() {}, nil // SQLite reports what is wrong with the file
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New(cliLoc().T("cli.databaseServed", i18n.V("Path", path)))
		}
		// A file system without flock: serve as before, unguarded.
		return func() {}, nil
	}
	return func() { f.Close() }, nil
}

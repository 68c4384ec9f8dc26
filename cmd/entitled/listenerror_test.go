package main

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestServeSaysWhyItCannotListen: serve on an address in use, or on one
// that is not host:port, stops with one line saying what to do, before it
// touches the database.
func TestServeSaysWhyItCannotListen(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	path := filepath.Join(t.TempDir(), "e.db")
	db := "sqlite:" + path
	busy := ln.Addr().String()
	for addr, want := range map[string]string{
		busy:  busy + " is already in use, perhaps by another entitled serve: stop what listens there, or choose another --addr (ENTITLED_ADDR)",
		"foo": "cannot listen on foo (address foo: missing port in address): give --addr (ENTITLED_ADDR) as host:port of this host, such as 127.0.0.1:8080 or 0.0.0.0:8080",
	} {
		if _, err := runCLI(t, "serve", "--db", db, "--addr", addr); err == nil || err.Error() != want {
			t.Errorf("serve --addr %s: %v\nwant %s", addr, err, want)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("serve made its database before listening: %v", err)
	}
}

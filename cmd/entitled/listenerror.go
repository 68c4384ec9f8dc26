package main

import (
	"errors"
	"net"
	"syscall"

	"github.com/entitled-dev/entitled/i18n"
)

// listenError says why serve cannot listen on addr and what to do: an
// address another process holds (often another entitled serve), or one
// that is not host:port of this host.
func listenError(addr string, err error) error {
	loc := cliLoc()
	if errors.Is(err, syscall.EADDRINUSE) {
		return errors.New(loc.T("cli.addrInUse", i18n.V("Addr", addr)))
	}
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err // "listen tcp" and the address are said once
	}
	return errors.New(loc.T("cli.listenFailed", i18n.V("Addr", addr), i18n.V("Error", err.Error())))
}

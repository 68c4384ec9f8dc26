// Package slapdtest runs throwaway OpenLDAP servers (slapd) for tests: a
// generated slapd.conf with the core, cosine, inetorgperson and nis schemas,
// an mdb database in a temporary directory, listening on 127.0.0.1 only. The
// server is stopped by PID when the test ends; it can be stopped and
// restarted on the same port and data to test reconnects.
//
// When slapd is not installed the test is skipped with a message saying what
// to install, except under CI (CI set in the environment), where it fails.
package slapdtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/entitled-dev/entitled/internal/testproc"
)

// The fixed names of every test directory.
const (
	// BaseDN is the suffix of the database.
	BaseDN = "dc=example,dc=org"
	// RootDN is the database's administrator.
	RootDN = "cn=admin,dc=example,dc=org"
	// RootPassword is RootDN's password.
	RootPassword = "s3cret-Root-Pw"
	// PeopleDN holds the users AddUser creates.
	PeopleDN = "ou=people,dc=example,dc=org"
	// GroupsDN holds the groups AddGroupOfNames and AddPosixGroup create.
	GroupsDN = "ou=groups,dc=example,dc=org"
	// ServiceDN is a non-root account with write access to the whole
	// directory, as a connector would bind.
	ServiceDN = "cn=entitled,dc=example,dc=org"
	// ServicePassword is ServiceDN's password.
	ServicePassword = "svc-Pa55-w0rd!"
	// PlaceholderDN is the member every groupOfNames is created with: the
	// schema requires at least one member.
	PlaceholderDN = "cn=placeholder,dc=example,dc=org"
)

// SchemaDir is where the schema files are read from.
const SchemaDir = "/etc/ldap/schema"

// InstallHint says what to install when slapd is missing.
const InstallHint = "install OpenLDAP's server and tools: `apt-get install slapd ldap-utils` (Debian/Ubuntu; the schemas must be in " +
	SchemaDir + "), or set SLAPD to the slapd binary"

// Server is one running (or stopped) throwaway slapd.
type Server struct {
	// URL is the server's address, "ldap://127.0.0.1:PORT/".
	URL string
	// Addr is "127.0.0.1:PORT".
	Addr string
	// LDAPSURL is the ldaps:// address of a server started with StartTLS
	// ("" otherwise); its plain URL then also offers StartTLS.
	LDAPSURL string
	// CACertPEM is the PEM certificate that signs the server's TLS
	// certificate (TLS servers only).
	CACertPEM string

	tb   testing.TB
	bin  string
	dir  string
	conf string
	mu   sync.Mutex
	proc *testproc.Process // nil while stopped
}

// Binary returns the slapd binary to run: $SLAPD, /usr/sbin/slapd or slapd
// on the PATH; "" when none is found.
func Binary() string {
	if b := os.Getenv("SLAPD"); b != "" {
		if _, err := os.Stat(b); err == nil {
			return b
		}
		return ""
	}
	if _, err := os.Stat("/usr/sbin/slapd"); err == nil {
		return "/usr/sbin/slapd"
	}
	if b, err := exec.LookPath("slapd"); err == nil {
		return b
	}
	return ""
}

// Require skips the test (fails it under CI) when slapd or its schemas are
// missing, and returns the binary.
func Require(tb testing.TB) string {
	tb.Helper()
	bin := Binary()
	missing := ""
	if bin == "" {
		missing = "slapd was not found"
	} else {
		for _, s := range []string{"core", "cosine", "inetorgperson", "nis"} {
			if _, err := os.Stat(filepath.Join(SchemaDir, s+".schema")); err != nil {
				missing = "the schema " + filepath.Join(SchemaDir, s+".schema") + " was not found"
				break
			}
		}
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s: %s", missing, InstallHint)
		}
		tb.Skipf("%s: %s", missing, InstallHint)
	}
	return bin
}

// Start starts a new slapd in a temporary directory with the base entries
// (BaseDN, PeopleDN, GroupsDN) in place; it is stopped when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, false)
}

// StartTLS is Start with TLS: a self-signed certificate for 127.0.0.1,
// StartTLS on URL and an ldaps:// listener on LDAPSURL.
func StartTLS(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, true)
}

// StartEmpty starts a slapd with an empty database (not even BaseDN) whose
// access rules are acl (slapd.conf `access to …` lines) instead of the
// default, as a directory's administrator would write them; load entries
// with Add (as RootDN, which no rule limits).
func StartEmpty(tb testing.TB, acl string) *Server {
	tb.Helper()
	return startWith(tb, false, acl, true)
}

func start(tb testing.TB, withTLS bool) *Server {
	tb.Helper()
	return startWith(tb, withTLS, "", false)
}

func startWith(tb testing.TB, withTLS bool, acl string, empty bool) *Server {
	tb.Helper()
	bin := Require(tb)
	dir, err := os.MkdirTemp("", "slapdtest-")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{tb: tb, bin: bin, dir: dir}
	tb.Cleanup(func() {
		s.Stop()
		os.RemoveAll(dir)
	})
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
		tb.Fatal(err)
	}
	port, err := testproc.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.URL = "ldap://" + s.Addr + "/"
	s.conf = filepath.Join(dir, "slapd.conf")
	tlsConf := ""
	if withTLS {
		certFile, keyFile, certPEM, err := testproc.WriteCert(dir)
		if err != nil {
			tb.Fatal(err)
		}
		s.CACertPEM = string(certPEM)
		tlsConf = fmt.Sprintf("TLSCertificateFile %s\nTLSCertificateKeyFile %s\n", certFile, keyFile)
		tlsPort, err := testproc.FreePort()
		if err != nil {
			tb.Fatal(err)
		}
		s.LDAPSURL = "ldaps://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort)) + "/"
	}
	if err := os.WriteFile(s.conf, []byte(config(dir, tlsConf, acl)), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := s.start(); err != nil {
		tb.Fatal(err)
	}
	if empty {
		return s
	}
	s.Add(tb, BaseDN, map[string][]string{"objectClass": {"top", "dcObject", "organization"}, "dc": {"example"}, "o": {"Example"}})
	s.Add(tb, PeopleDN, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"people"}})
	s.Add(tb, GroupsDN, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"groups"}})
	s.Add(tb, ServiceDN, map[string][]string{"objectClass": {"organizationalRole", "simpleSecurityObject"}, "cn": {"entitled"},
		"userPassword": {ServicePassword}})
	return s
}

// config returns the slapd.conf of a server in dir; acl replaces the
// default access rule when not empty.
func config(dir, tlsConf, acl string) string {
	var b strings.Builder
	for _, s := range []string{"core", "cosine", "inetorgperson", "nis"} {
		fmt.Fprintf(&b, "include %s\n", filepath.Join(SchemaDir, s+".schema"))
	}
	fmt.Fprintf(&b, "pidfile %s\nargsfile %s\n", filepath.Join(dir, "slapd.pid"), filepath.Join(dir, "slapd.args"))
	for _, modDir := range []string{"/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap", "/usr/libexec/openldap"} {
		if _, err := os.Stat(filepath.Join(modDir, "back_mdb.la")); err == nil {
			fmt.Fprintf(&b, "modulepath %s\nmoduleload back_mdb\n", modDir)
			break
		}
	}
	b.WriteString(tlsConf)
	b.WriteString("sortvals member uniqueMember memberUid owner\n")
	b.WriteString("database mdb\nmaxsize 1073741824\n")
	fmt.Fprintf(&b, "suffix %q\nrootdn %q\nrootpw %s\ndirectory %s\n", BaseDN, RootDN, RootPassword, filepath.Join(dir, "data"))
	b.WriteString("index objectClass eq\nindex uid,mail,cn eq\n")
	if acl != "" {
		b.WriteString(strings.TrimSpace(acl) + "\n")
	} else {
		fmt.Fprintf(&b, "access to * by dn.exact=%q write by * read\n", ServiceDN)
	}
	return b.String()
}

// start runs slapd and waits until the root DN can bind.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("slapdtest: slapd is already running")
	}
	urls := s.URL
	if s.LDAPSURL != "" {
		urls += " " + s.LDAPSURL
	}
	proc, err := testproc.Start(s.bin, []string{"-f", s.conf, "-h", urls, "-d", "0"}, 20*time.Second, func() error {
		c, err := ldap.DialURL(s.URL, ldap.DialWithDialer(&net.Dialer{Timeout: time.Second}))
		if err != nil {
			return err
		}
		defer c.Close()
		return c.Bind(RootDN, RootPassword)
	})
	if err != nil {
		return fmt.Errorf("slapdtest: %w", err)
	}
	s.proc = proc
	return nil
}

// Stop stops the server by its PID (SIGTERM, then SIGKILL after 10s) and
// waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		s.proc.Stop()
		s.proc = nil
	}
}

// Kill stops the server abruptly (SIGKILL), as a crash would, and waits
// for it to exit.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		s.proc.Kill()
		s.proc = nil
	}
}

// Restart starts a stopped server again on the same port and data.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.start(); err != nil {
		tb.Fatal(err)
	}
}

// Dial returns a connection bound as the root DN, closed when the test ends.
func (s *Server) Dial(tb testing.TB) *ldap.Conn {
	tb.Helper()
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		tb.Fatalf("slapdtest: dial %s: %v", s.URL, err)
	}
	tb.Cleanup(func() { c.Close() })
	if err := c.Bind(RootDN, RootPassword); err != nil {
		tb.Fatalf("slapdtest: bind: %v", err)
	}
	return c
}

// Package mailpittest runs a throwaway Mailpit (github.com/axllent/mailpit,
// pinned as a tool in go.mod) for tests: a real SMTP server on loopback
// whose received messages are read back through Mailpit's HTTP API. The
// binary is built by `go tool -n mailpit` (once, then cached by the Go
// build cache); the server runs from a temporary directory and is stopped
// by its PID when the test ends.
package mailpittest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/testproc"
)

// Options choose how the SMTP side of the server behaves.
type Options struct {
	// Username and Password, when set, are the only credentials the SMTP
	// server accepts (and it then requires authentication).
	Username, Password string
	// StartTLS makes the server offer STARTTLS with a self-signed
	// certificate and refuse mail sent without it.
	StartTLS bool
}

// Server is one running Mailpit.
type Server struct {
	// SMTPHost and SMTPPort are where to send mail.
	SMTPHost string
	SMTPPort int
	// API is the base URL of its HTTP API, "http://127.0.0.1:PORT".
	API string
	// CertPool trusts the server's certificate (StartTLS servers only).
	CertPool *x509.CertPool

	proc *testproc.Process
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary builds Mailpit with the version go.mod pins and returns its path.
func Binary() (string, error) {
	binOnce.Do(func() {
		out, err := exec.Command("go", "tool", "-n", "mailpit").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("mailpittest: go tool -n mailpit: %v: %s", err, out)
			return
		}
		binPath = strings.TrimSpace(string(out))
	})
	return binPath, binErr
}

// Start starts a Mailpit that accepts any mail on loopback.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith starts a Mailpit with the given options; it is stopped when the
// test ends.
func StartWith(tb testing.TB, o Options) *Server {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	smtpPort, err := testproc.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	httpPort, err := testproc.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
	args := []string{
		"--smtp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(smtpPort)),
		"--listen", net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort)),
		"--database", filepath.Join(dir, "mailpit.db"),
		"--disable-version-check", "--quiet",
	}
	if o.Username != "" {
		authFile := filepath.Join(dir, "smtp-auth")
		if err := os.WriteFile(authFile, []byte(o.Username+":"+o.Password+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
		args = append(args, "--smtp-auth-file", authFile)
		if !o.StartTLS {
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	if o.StartTLS {
		certFile, keyFile, certPEM, err := testproc.WriteCert(dir)
		if err != nil {
			tb.Fatal(err)
		}
		s.CertPool = x509.NewCertPool()
		s.CertPool.AppendCertsFromPEM(certPEM)
		args = append(args, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls")
	}
	s.proc, err = testproc.Start(bin, args, 30*time.Second, s.ready)
	if err != nil {
		tb.Fatalf("mailpittest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// ready reports whether both the API and the SMTP port answer.
func (s *Server) ready() error {
	resp, err := http.Get(s.API + "/readyz")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("readyz: %s", resp.Status)
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort)), time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// TLSConfig trusts the server's certificate (StartTLS servers).
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CertPool, ServerName: s.SMTPHost, MinVersion: tls.VersionTLS12}
}

// URL is the --smtp URL that reaches this server with the given TLS mode
// and credentials ("" for none).
func (s *Server) URL(tlsMode, user, password string) string {
	cred := ""
	if user != "" {
		cred = user + ":" + password + "@"
	}
	return fmt.Sprintf("smtp://%s%s:%d?tls=%s", cred, s.SMTPHost, s.SMTPPort, tlsMode)
}

// Stop stops the server by its PID.
func (s *Server) Stop() { s.proc.Stop() }

// Kill stops the server abruptly, as a crash or an outage would.
func (s *Server) Kill() { s.proc.Kill() }

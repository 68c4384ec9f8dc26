// Package e2e runs the real entitled binary against real peers: it builds
// cmd/entitled once, starts `entitled serve` processes on loopback with a
// SQLite file in a temporary directory, and stops them by PID.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/entitled-dev/entitled/internal/syncbuf"
	"github.com/entitled-dev/entitled/internal/testkeys"
)

// binary is the path of the entitled binary built for this test run.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "entitled-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "entitled")
	// Every server and command the tests run seals connector secrets with
	// the tests' key, as a deployment's --secret-key-file would.
	os.Setenv("ENTITLED_SECRET_KEY", testkeys.Text)
	build := exec.Command("go", "build", "-o", binary, "../cmd/entitled")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build entitled:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs an entitled command and returns its stdout; it fails the test on error.
func cli(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("entitled %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// tokenFor issues a token for a user through the CLI.
func tokenFor(t *testing.T, db, upn string) string {
	t.Helper()
	return lastLine(cli(t, "token", "issue", "--db", db, "--upn", upn, "--ttl", "1h"))
}

// server is a running `entitled serve` process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs syncbuf.Buffer
	done chan struct{}
}

// Logs returns what the process wrote to stderr and stdout so far.
func (s *server) Logs() string { return s.logs.String() }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer starts `entitled serve` on a free loopback port and waits for /healthz.
func startServer(t *testing.T, db string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{t: t, base: "http://" + addr, done: make(chan struct{})}
	args := append([]string{"serve", "--db", db, "--addr", addr, "--log-level", "debug"}, extra...)
	s.cmd = exec.Command(binary, args...)
	s.cmd.Stdout, s.cmd.Stderr = &s.logs, &s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("server %s logs (tail):\n%s", s.base, tail(s.Logs(), 60))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			t.Fatalf("entitled serve exited early:\n%s", s.Logs())
		default:
		}
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("entitled serve did not become healthy:\n%s", s.Logs())
	return nil
}

// kill stops the process with SIGKILL (a crash) and waits for it.
func (s *server) kill() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-s.done
}

// stop stops the process with SIGTERM (graceful) and waits for it.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.t.Errorf("entitled serve did not stop within 30s of SIGTERM")
		s.kill()
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// client calls the API as one user.
type client struct {
	t     *testing.T
	base  string
	token string
}

// response is a decoded API answer.
type response struct {
	Status int
	Body   map[string]any
	Raw    string
}

// ErrorCode returns the Graph error code of an error response.
func (r response) ErrorCode() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// ErrorMessage returns the Graph error message of an error response.
func (r response) ErrorMessage() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// Str returns a top-level string property.
func (r response) Str(key string) string {
	s, _ := r.Body[key].(string)
	return s
}

// Values returns the value array of a collection.
func (r response) Values() []map[string]any {
	arr, _ := r.Body["value"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, v := range arr {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{Status: resp.StatusCode, Raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			c.t.Fatalf("%s %s: status %d, body is not JSON: %q", method, path, resp.StatusCode, raw)
		}
	}
	return r
}

// must calls the API and fails the test unless the status is want.
func (c *client) must(want int, method, path string, body any) response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	return r
}

const em = "/v1.0/identityGovernance/entitlementManagement"

// waitState polls a request until its state is one of want.
func (c *client) waitState(requestID string, timeout time.Duration, want ...string) response {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	var last response
	for time.Now().Before(deadline) {
		last = c.must(200, "GET", em+"/assignmentRequests/"+requestID, nil)
		for _, w := range want {
			if last.Str("state") == w {
				return last
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("request %s: state %q after %s, want one of %v", requestID, last.Str("state"), timeout, want)
	return last
}

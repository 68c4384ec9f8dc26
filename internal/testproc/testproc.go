// Package testproc holds what the throwaway test servers (slapd, Mailpit,
// …) share: a free loopback port, a self-signed certificate, and a child
// process in its own process group that is stopped by its PID.
package testproc

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Process is a server binary running as a child in its own process group,
// its output kept for error messages.
type Process struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{}
	output *bytes.Buffer
}

// Start runs name with args and waits until ready reports nil (polled every
// 50 ms, up to timeout). If the process exits first or ready never
// succeeds, the process is stopped and the error carries its output.
func Start(name string, args []string, timeout time.Duration, ready func() error) (*Process, error) {
	return StartAs(nil, name, args, timeout, ready)
}

// StartAs is Start with the process running as cred's user (nil: as this
// process's own), for servers that refuse to run as root.
func StartAs(cred *syscall.Credential, name string, args []string, timeout time.Duration, ready func() error) (*Process, error) {
	cmd := exec.Command(name, args...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{}), output: out}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited at start: %s", name, p.Output())
		default:
		}
		err := ready()
		if err == nil {
			return p, nil
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("%s was not ready within %s: %v; output: %s", name, timeout, err, p.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// PID is the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Output is what the process wrote so far (stdout and stderr).
func (p *Process) Output() string {
	select {
	case <-p.done:
		return p.output.String()
	default:
		return "(still running)"
	}
}

// Stop stops the process by its PID (SIGTERM, then SIGKILL after 10 s) and
// waits for it to exit. Stopping a stopped process does nothing.
func (p *Process) Stop() { p.end(syscall.SIGTERM) }

// Kill stops the process abruptly (SIGKILL), as a crash would, and waits
// for it to exit.
func (p *Process) Kill() { p.end(syscall.SIGKILL) }

func (p *Process) end(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// ErrNotReady is a ready check's answer while a server still starts.
var ErrNotReady = errors.New("not ready yet")

package e2e

import (
	"bytes"
	"context"
	"flag"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The addresses the walkthrough is written for; the test runs it on free
// ports instead and rewrites them in commands and documented outputs.
const (
	docEntitledAddr = "127.0.0.1:8080"
	docTargetAddr   = "127.0.0.1:9000"
)

// TestReadmeWalkthrough runs the README's API walkthrough as written: each
// shell block marked <!-- walkthrough --> runs with bash (in order, sharing
// its variables, in a temporary directory holding the binary and a link to
// docs/), against a real `entitled serve` and the real docs/webhook-target.py,
// which the test starts itself with the arguments of their lines. Every
// command must succeed, each <!-- walkthrough output --> block must match
// what the block before it printed (ids and times aside; … stands for
// anything), and each <!-- walkthrough target --> block must list calls the
// webhook target printed.
func TestReadmeWalkthrough(t *testing.T) {
	requireTools(t, "bash", "curl", "jq", "python3")
	w := newWalk(t)
	w.replay("../README.md", docBlocks(t, "../README.md", "walkthrough"), func(b docBlock) {
		if b.Role != "target" {
			t.Fatalf("README.md:%d: unknown walkthrough block role %q", b.Line, b.Role)
		}
		w.expectTarget(b)
	})
	if w.entitled == nil || w.target == nil {
		t.Fatal("the walkthrough never started entitled serve and the webhook target")
	}
}

// replay runs the blocks of the document at path in order: a "run" block
// runs; an "output" block must match what the block before it printed (a
// mismatch fails the test naming the document's line and, with
// -update-docs, the document is rewritten with what was printed); any other
// block goes to other, when there is one.
func (w *walk) replay(path string, blocks []docBlock, other func(b docBlock)) {
	w.t.Helper()
	name := strings.TrimPrefix(path, "../")
	updates := map[int]string{}
	for _, b := range blocks {
		switch {
		case b.Role == "run":
			w.run(b)
		case b.Role == "output":
			if err := matchOutput(w.rewrite(b.Text), w.lastOut); err != nil {
				updates[b.Line] = w.unrewrite(w.lastOut)
				w.t.Errorf("%s:%d: %v", name, b.Line, err)
			}
		case other != nil:
			other(b)
		}
	}
	if *updateDocs && len(updates) > 0 {
		replaceBlocks(w.t, path, updates)
	}
}

// updateDocs makes the doc tests write what the commands printed into the
// output blocks that no longer match (review the diff before committing).
var updateDocs = flag.Bool("update-docs", false, "rewrite the documented outputs that differ with the real ones")

// requireTools fails the test under CI (skips it elsewhere) when a command
// the documentation uses is missing.
func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is needed to run the documented commands (apt-get install %s)", tool, tool)
			}
			t.Skipf("%s is needed to run the documented commands (apt-get install %s)", tool, tool)
		}
	}
}

// walk is the state of a documentation run: its directory, the shell
// variables carried from block to block, the processes it started.
type walk struct {
	t        *testing.T
	dir      string
	state    string
	addrs    map[string]string // documented address → the one used
	env      []string
	lastOut  string
	entitled *server
	target   *server
	consumed map[int]bool // target output lines already matched
}

func newWalk(t *testing.T) *walk {
	t.Helper()
	dir := t.TempDir()
	docs, err := filepath.Abs("../docs")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(docs, filepath.Join(dir, "docs")); err != nil {
		t.Fatal(err)
	}
	w := &walk{
		t: t, dir: dir, state: filepath.Join(dir, ".walk-state"),
		addrs:    map[string]string{docEntitledAddr: freeAddr(t), docTargetAddr: freeAddr(t)},
		consumed: map[int]bool{},
	}
	// The documented commands choose their key and database themselves.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ENTITLED_") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "WALK_STATE="+w.state)
	return w
}

// unrewrite puts the documented addresses back in place of the test's.
func (w *walk) unrewrite(s string) string {
	for doc, real := range w.addrs {
		s = strings.ReplaceAll(s, real, doc)
	}
	return s
}

// rewrite puts the addresses the test uses in place of the documented ones.
func (w *walk) rewrite(s string) string {
	for doc, real := range w.addrs {
		s = strings.ReplaceAll(s, doc, real)
	}
	return s
}

var backgroundRE = regexp.MustCompile(`^((?:[A-Z_]+=\S+\s+)*)(\./entitled serve\b|python3 docs/webhook-target\.py\b)`)

// run runs one shell block: `go build` lines are the binary TestMain built
// with the same command, long-running processes (serve, the webhook
// target) start in the background, everything else goes to bash.
func (w *walk) run(b docBlock) {
	w.t.Helper()
	var script []string
	var out strings.Builder
	flush := func() {
		if len(script) > 0 {
			out.WriteString(w.bash(b, strings.Join(script, "\n")))
			script = nil
		}
	}
	for _, line := range strings.Split(w.rewrite(b.Text), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "go build "):
			flush()
			if stripComment(trimmed) != "go build -o entitled ./cmd/entitled" {
				w.t.Fatalf("README.md:%d: the walkthrough builds with %q; TestMain builds `go build -o entitled ./cmd/entitled`", b.Line, trimmed)
			}
			copyFile(w.t, binary, filepath.Join(w.dir, "entitled"))
		case backgroundRE.MatchString(trimmed):
			flush()
			w.start(b, stripComment(trimmed))
		default:
			script = append(script, line)
		}
	}
	flush()
	w.lastOut = out.String()
}

// bash runs a script with the variables and functions the earlier blocks
// set, and keeps those this one sets; it fails the test when a command fails.
func (w *walk) bash(b docBlock, script string) string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	full := `set -eo pipefail
if [ -f "$WALK_STATE" ]; then source "$WALK_STATE"; fi
set -a
` + script + `
set +a
{ export -p; declare -f; } > "$WALK_STATE"
`
	cmd := exec.CommandContext(ctx, "bash", "-c", full)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		w.t.Fatalf("block at line %d failed: %v\n--- script:\n%s\n--- output:\n%s%s", b.Line, err, script, out.String(), w.logs())
	}
	return out.String()
}

// start starts a documented long-running command, on the test's address.
func (w *walk) start(b docBlock, line string) {
	w.t.Helper()
	var env, args []string
	for _, f := range strings.Fields(line) {
		if len(args) == 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(f) {
			env = append(env, f)
			continue
		}
		args = append(args, f)
	}
	s := &server{t: w.t, done: make(chan struct{})}
	var ready func() bool
	if args[0] == "./entitled" {
		addr := w.addrs[docEntitledAddr]
		env = append(env, "ENTITLED_ADDR="+addr)
		s.base = "http://" + addr
		ready = func() bool {
			resp, err := http.Get(s.base + "/healthz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == 200
		}
		w.entitled = s
	} else {
		_, port, _ := net.SplitHostPort(w.addrs[docTargetAddr])
		env = append(env, "PORT="+port)
		ready = func() bool { return strings.Contains(s.Logs(), "webhook target on") }
		w.target = s
	}
	s.cmd = exec.Command(args[0], args[1:]...)
	s.cmd.Dir, s.cmd.Env = w.dir, append(append([]string{}, w.env...), env...)
	s.cmd.Stdout, s.cmd.Stderr = &s.logs, &s.logs
	if err := s.cmd.Start(); err != nil {
		w.t.Fatalf("README.md:%d: %s: %v", b.Line, line, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	w.t.Cleanup(s.kill)
	deadline := time.Now().Add(30 * time.Second)
	for !ready() {
		select {
		case <-s.done:
			w.t.Fatalf("README.md:%d: %s exited:\n%s", b.Line, line, s.Logs())
		default:
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("README.md:%d: %s did not become ready:\n%s", b.Line, line, s.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// expectTarget checks that the webhook target printed each line of the
// block (in any order: deliveries run side by side), each line once.
func (w *walk) expectTarget(b docBlock) {
	w.t.Helper()
	if w.target == nil {
		w.t.Fatalf("README.md:%d: target output expected before the target started", b.Line)
	}
	printed := strings.Split(w.target.Logs(), "\n")
	for _, want := range strings.Split(strings.TrimSpace(b.Text), "\n") {
		want = strings.TrimSpace(want)
		found := false
		for i, got := range printed {
			if !w.consumed[i] && strings.TrimSpace(got) == want {
				w.consumed[i], found = true, true
				break
			}
		}
		if !found {
			w.t.Fatalf("README.md:%d: the webhook target did not print %q; it printed:\n%s", b.Line, want, w.target.Logs())
		}
	}
}

// logs returns the tails of the processes' logs, for a failure message.
func (w *walk) logs() string {
	var b strings.Builder
	if w.entitled != nil {
		b.WriteString("\n--- entitled serve (tail):\n" + tail(w.entitled.Logs(), 40))
	}
	if w.target != nil {
		b.WriteString("\n--- webhook target:\n" + w.target.Logs())
	}
	return b.String()
}

// stripComment drops a trailing shell comment (`  # …`) from a line.
func stripComment(line string) string {
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

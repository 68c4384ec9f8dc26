package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestVersion: `entitled version` and `entitled --version` print the same
// line, naming the build and the Go version; the metric carries the same.
func TestVersion(t *testing.T) {
	var lines []string
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out bytes.Buffer
		root := rootCommand()
		root.SetOut(&out)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		lines = append(lines, out.String())
	}
	if lines[0] != lines[1] || !strings.HasPrefix(lines[0], "entitled ") || !strings.Contains(lines[0], runtime.Version()) {
		t.Errorf("version %q, --version %q", lines[0], lines[1])
	}
	b := buildInfo{Version: "v1.2.3", Revision: "0123456789abcdef", Modified: true, Time: "2026-12-06T10:00:00Z", Go: "go1.26.8"}
	if got, want := b.String(), "entitled v1.2.3 (0123456789ab, modified, 2026-12-06T10:00:00Z) go1.26.8"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(b.collector())
	want := `# HELP entitled_build_info The running build of entitled: always 1, labelled with its version, VCS revision and Go version.
# TYPE entitled_build_info gauge
entitled_build_info{goversion="go1.26.8",revision="0123456789abcdef",version="v1.2.3"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "entitled_build_info"); err != nil {
		t.Error(err)
	}
}

package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
)

// buildInfo is what entitled knows of its own build: the module version
// (a tag, or "(devel)" for a build from a checkout), the VCS revision and
// whether the tree had local changes, and the Go version.
type buildInfo struct {
	Version  string
	Revision string
	Time     string
	Modified bool
	Go       string
}

// readBuildInfo reads the build info the Go toolchain embeds.
func readBuildInfo() buildInfo {
	b := buildInfo{Version: "(unknown)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Version = bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the one line `entitled version` prints.
func (b buildInfo) String() string {
	s := "entitled " + b.Version
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s += " (" + rev
		if b.Modified {
			s += ", modified"
		}
		if b.Time != "" {
			s += ", " + b.Time
		}
		s += ")"
	}
	return s + " " + b.Go
}

// collector is the entitled_build_info gauge: 1, labelled with the build.
func (b buildInfo) collector() prometheus.Collector {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "entitled_build_info",
		Help: "The running build of entitled: always 1, labelled with its version, VCS revision and Go version."},
		[]string{"version", "revision", "goversion"})
	g.WithLabelValues(b.Version, b.Revision, b.Go).Set(1)
	return g
}

func versionCommand() *cobra.Command {
	return newCommand("version", "Print the version of this build (module version, VCS revision, Go version)", "", func(cmd *cobra.Command, _ []string) error {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), readBuildInfo())
		return err
	})
}

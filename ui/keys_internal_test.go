package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// TestTemplateKeysExist: every {{t "key"}} of every template and every
// catalogue key the Go code of the UI names exists in the catalogue (the
// catalogue test checks every language has them all).
func TestTemplateKeysExist(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal("no templates", err)
	}
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tree := parse.New(f)
		tree.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tree.Parse(string(src), "{{", "}}", trees); err != nil {
			t.Fatal(err)
		}
		for _, tr := range trees {
			walkCalls(tr.Root, func(key string) {
				n++
				if !i18n.Defined(key) {
					t.Errorf("%s: key %q is not in the catalogue", f, key)
				}
			})
		}
	}
	if n < 300 {
		t.Errorf("found only %d {{t}} calls; the template walk is broken", n)
	}
	keyRE := regexp.MustCompile(`\b(?:T|TOr\([^,]+,)\s*\(?"([a-zA-Z]+\.[a-zA-Z0-9.]+)"|"((?:tab|flash|state|status|type|delivery|action|catalogState|catalogRole|scope|httpStatus|roleform|policyform)\.[a-zA-Z0-9]+)"`)
	goFiles, _ := filepath.Glob("*.go")
	m := 0
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, g := range keyRE.FindAllStringSubmatch(string(src), -1) {
			key := g[1] + g[2]
			m++
			if !i18n.Defined(key) {
				t.Errorf("%s: key %q is not in the catalogue", f, key)
			}
		}
	}
	if m < 100 {
		t.Errorf("found only %d keys in the Go code; the scan is broken", m)
	}
}

// walkCalls calls fn with the literal key of every t call under node.
func walkCalls(node parse.Node, fn func(string)) {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkCalls(c, fn)
		}
	case *parse.ActionNode:
		walkCalls(n.Pipe, fn)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkCalls(c, fn)
		}
	case *parse.CommandNode:
		if len(n.Args) > 1 {
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
				if s, ok := n.Args[1].(*parse.StringNode); ok {
					fn(s.Text)
				}
			}
		}
		for _, a := range n.Args {
			walkCalls(a, fn)
		}
	case *parse.IfNode:
		walkCalls(n.Pipe, fn)
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.RangeNode:
		walkCalls(n.Pipe, fn)
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.WithNode:
		walkCalls(n.Pipe, fn)
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.TemplateNode:
		walkCalls(n.Pipe, fn)
	}
}

// TestOutboxNamesEveryEvent: the outbox page has words for every notice
// event, so a new event cannot show up as its raw name.
func TestOutboxNamesEveryEvent(t *testing.T) {
	for _, e := range entitled.NoticeEvents() {
		if outboxEvents[e] == "" {
			t.Errorf("the outbox page has no words for %s", e)
		}
	}
}

// TestDurationsInWords: windows and durations are days, hours or minutes,
// never Go's "5m0s"; relative times say "in 13 days", "3 hours ago".
func TestDurationsInWords(t *testing.T) {
	loc := i18n.For("en")
	for d, want := range map[time.Duration]string{5 * time.Minute: "5 minutes", 14 * 24 * time.Hour: "14 days", 3 * time.Hour: "3 hours", 90 * time.Second: "2 minutes"} {
		if got := windowText(loc, d); got != want {
			t.Errorf("windowText(%v) = %q, want %q", d, got, want)
		}
	}
	now := time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC)
	for at, want := range map[time.Time]string{now.Add(13*24*time.Hour + time.Hour): "in 13 days", now.Add(-3 * time.Hour): "3 hours ago",
		now.Add(time.Minute): "in 1 minute", now: "now"} {
		if got := relativeText(loc, now, at); got != want {
			t.Errorf("relativeText(%v) = %q, want %q", at, got, want)
		}
	}
}

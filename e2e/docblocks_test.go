package e2e

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// docBlock is a fenced code block of a Markdown file that a doc test runs or
// checks, marked by an HTML comment on the line before it (blank lines
// between are allowed): `<!-- NAME -->` marks a block to run, `<!-- NAME
// ROLE -->` a block with another role (output, target, acl, ldif …).
type docBlock struct {
	Role string // "run" for an unmarked role
	Text string // the block's lines, without the fences
	Line int    // the line of the opening fence, for messages
}

var markerRE = regexp.MustCompile(`^<!--\s*([a-z][a-z-]*)(?:\s+([a-z][a-z.-]*))?\s*-->$`)

// docBlocks returns the blocks of path marked with name, in file order; it
// fails the test when there are none or a marker is not followed by a block.
func docBlocks(t *testing.T, path, name string) []docBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks  []docBlock
		pending string // the role of a marker waiting for its block
		inBlock bool
		cur     docBlock
		lines   []string
		lineNo  int
		indent  string // the fence's, taken off each line of a block in a list
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if inBlock {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				cur.Text = strings.Join(lines, "\n")
				blocks = append(blocks, cur)
				inBlock = false
				continue
			}
			lines = append(lines, strings.TrimPrefix(line, indent))
			continue
		}
		if m := markerRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil && m[1] == name {
			if pending != "" {
				t.Fatalf("%s:%d: marker %q not followed by a code block", path, lineNo, name)
			}
			pending = m[2]
			if pending == "" {
				pending = "run"
			}
			continue
		}
		if pending != "" {
			switch {
			case strings.TrimSpace(line) == "":
				continue
			case strings.HasPrefix(strings.TrimSpace(line), "```"):
				inBlock, cur, lines = true, docBlock{Role: pending, Line: lineNo}, nil
				indent = line[:len(line)-len(strings.TrimLeft(line, " "))]
				pending = ""
				continue
			default:
				t.Fatalf("%s:%d: marker %q not followed by a code block", path, lineNo, name)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if pending != "" || inBlock {
		t.Fatalf("%s: marker %q at the end without a complete code block", path, name)
	}
	if len(blocks) == 0 {
		t.Fatalf("%s: no code block marked <!-- %s -->", path, name)
	}
	return blocks
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`)
	dateRE = regexp.MustCompile(`(?m)^Date: .*$`)
	wsRE   = regexp.MustCompile(`\s+`)
)

// normalize makes a command's output comparable with a documented one:
// ids and times become placeholders (they differ from run to run), the
// Date header goes, and whitespace is dropped (the docs lay JSON out to be
// read, jq to be printed).
func normalize(s string) string {
	s = uuidRE.ReplaceAllString(s, "<id>")
	s = timeRE.ReplaceAllString(s, "<time>")
	s = dateRE.ReplaceAllString(s, "")
	return wsRE.ReplaceAllString(s, "")
}

// matchOutput reports whether got is what the documentation shows as want:
// equal once normalized, where each … in want stands for any text.
func matchOutput(want, got string) error {
	parts := strings.Split(want, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(normalize(p))
	}
	re, err := regexp.Compile(`(?s)^` + strings.Join(parts, `.*`) + `$`)
	if err != nil {
		return err
	}
	if !re.MatchString(normalize(got)) {
		return fmt.Errorf("the output differs from the documented one\n--- documented:\n%s\n--- got:\n%s", want, got)
	}
	return nil
}

// TestMatchOutput: ids, times and layout may differ; values may not; … is
// a wildcard.
func TestMatchOutput(t *testing.T) {
	doc := "{\"id\":\"01a2230f-7ab5-7b4e-9d46-3a8a0b7e21c4\",\"state\":\"delivered\",\n \"at\":\"2026-11-28T16:47:23.287143Z\"}\nHTTP/1.1 204 No Content\n…"
	good := "{\"id\": \"0190aaaa-7ab5-7b4e-9d46-3a8a0b7e21c4\", \"state\": \"delivered\", \"at\": \"2027-01-01T00:00:00Z\"}\nHTTP/1.1 204 No Content\nRequest-Id: x\n"
	if err := matchOutput(doc, good); err != nil {
		t.Error(err)
	}
	bad := strings.Replace(good, `"delivered"`, `"deliveryFailed"`, 1)
	if err := matchOutput(doc, bad); err == nil {
		t.Error("a changed state matched")
	}
}

// replaceBlocks replaces the text of the code blocks opening at the given
// lines of path.
func replaceBlocks(t *testing.T, path string, texts map[int]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		text, ok := texts[i+1]
		if !ok {
			continue
		}
		for i+1 < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i+1]), "```") {
			i++
		}
		out = append(out, strings.TrimRight(text, "\n"))
	}
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

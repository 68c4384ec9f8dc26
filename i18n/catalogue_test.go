package i18n

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// pluralForms are the CLDR plural forms each language's plural messages
// must have (go-i18n picks among them; a missing one is an error at run
// time for the counts that need it, e.g. French "many" for 1 000 000).
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"fr": {"many", "one", "other"},
}

var formNames = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// message is one flattened message of a locale file: its text, or its
// plural forms.
type message struct {
	text  string
	forms map[string]string
}

// flatten reads a locale file into key → message, the way go-i18n does:
// a table whose keys are all plural forms is one plural message.
func flatten(t *testing.T, lang string) map[string]message {
	t.Helper()
	raw, err := localeFiles.ReadFile("locales/" + lang + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := toml.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s.toml: %v", lang, err)
	}
	out := map[string]message{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		plural := len(m) > 0
		for k := range m {
			plural = plural && formNames[k]
		}
		if plural {
			msg := message{forms: map[string]string{}}
			for k, s := range m {
				msg.forms[k], _ = s.(string)
			}
			out[prefix] = msg
			return
		}
		for k, x := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			switch x := x.(type) {
			case string:
				out[key] = message{text: x}
			case map[string]any:
				walk(key, x)
			default:
				t.Errorf("%s.toml: %s is a %T, not text", lang, key, x)
			}
		}
	}
	walk("", v)
	return out
}

var placeholderRE = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// placeholders are the names a message's texts use, sorted.
func placeholders(m message) []string {
	seen := map[string]bool{}
	texts := []string{m.text}
	for _, s := range m.forms {
		texts = append(texts, s)
	}
	for _, s := range texts {
		for _, p := range placeholderRE.FindAllStringSubmatch(s, -1) {
			seen[p[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// TestCatalogueComplete: every language has exactly English's keys, each
// with the same placeholders, plural where English is plural and with all
// the plural forms the language needs; and go-i18n loaded the same keys.
func TestCatalogueComplete(t *testing.T) {
	en := flatten(t, "en")
	if len(en) < 400 {
		t.Fatalf("English has %d messages; the file did not parse as expected", len(en))
	}
	for _, lang := range Languages() {
		forms, ok := pluralForms[lang]
		if !ok {
			t.Errorf("language %s: add its CLDR plural forms to pluralForms in this test", lang)
			continue
		}
		msgs := flatten(t, lang)
		for key, m := range en {
			tr, ok := msgs[key]
			if !ok {
				t.Errorf("%s: key %s is missing", lang, key)
				continue
			}
			if (m.forms != nil) != (tr.forms != nil) {
				t.Errorf("%s: %s is plural in one language and not in the other", lang, key)
				continue
			}
			if tr.forms != nil {
				var got []string
				for f := range tr.forms {
					got = append(got, f)
				}
				sort.Strings(got)
				if !slices.Equal(got, forms) {
					t.Errorf("%s: %s has plural forms %v, want %v", lang, key, got, forms)
				}
			} else if strings.TrimSpace(tr.text) == "" {
				t.Errorf("%s: %s is empty", lang, key)
			}
			if p, q := placeholders(m), placeholders(tr); !slices.Equal(p, q) {
				t.Errorf("%s: %s has placeholders %v, English has %v", lang, key, q, p)
			}
		}
		for key := range msgs {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: key %s is not in English", lang, key)
			}
		}
		if got := len(Keys(lang)); got != len(msgs) {
			t.Errorf("%s: go-i18n loaded %d messages, the file has %d", lang, got, len(msgs))
		}
	}
	if !slices.Equal(Languages(), []string{"en", "fr"}) {
		t.Errorf("Languages() = %v, want [en fr]", Languages())
	}
}

// TestEveryMessageRenders: every message of every language executes with
// its placeholders filled, for counts that pick each plural form.
func TestEveryMessageRenders(t *testing.T) {
	en := flatten(t, "en")
	for _, lang := range Languages() {
		loc := For(lang)
		for key, m := range en {
			var args []Arg
			for _, p := range placeholders(m) {
				args = append(args, V(p, "x"))
			}
			counts := []int{-1}
			if m.forms != nil {
				counts = []int{0, 1, 2, 1000000}
			}
			for _, n := range counts {
				a := args
				if n >= 0 {
					a = append(slices.Clone(args), N(n))
				}
				if got := loc.T(key, a...); got == key || strings.Contains(got, "<no value>") {
					t.Errorf("%s: %s (count %d) renders %q", lang, key, n, got)
				}
			}
		}
	}
}

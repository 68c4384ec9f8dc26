package i18n

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var localeFiles embed.FS

// Fallback is the language of readers no supported language fits, and of
// keys a translation lacks.
var Fallback = language.English

// catalogue is the parsed message files.
type catalogue struct {
	bundle  *goi18n.Bundle
	langs   []language.Tag // Fallback first
	matcher language.Matcher
	// ids are the message keys of each language.
	ids map[language.Tag]map[string]bool
}

var cat = mustLoad()

// mustLoad parses the embedded message files; a broken file is a build
// error caught by the package's tests, so it panics.
func mustLoad() *catalogue {
	c, err := load()
	if err != nil {
		panic("i18n: " + err.Error())
	}
	return c
}

func load() (*catalogue, error) {
	b := goi18n.NewBundle(Fallback)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := localeFiles.ReadDir("locales")
	if err != nil {
		return nil, err
	}
	c := &catalogue{bundle: b, ids: map[language.Tag]map[string]bool{}}
	for _, n := range names {
		mf, err := b.LoadMessageFileFS(localeFiles, path.Join("locales", n.Name()))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.Name(), err)
		}
		ids := map[string]bool{}
		for _, m := range mf.Messages {
			ids[m.ID] = true
		}
		c.ids[mf.Tag] = ids
		c.langs = append(c.langs, mf.Tag)
	}
	sort.Slice(c.langs, func(i, j int) bool {
		if (c.langs[i] == Fallback) != (c.langs[j] == Fallback) {
			return c.langs[i] == Fallback
		}
		return c.langs[i].String() < c.langs[j].String()
	})
	if len(c.langs) == 0 || c.langs[0] != Fallback {
		return nil, fmt.Errorf("no message file for the fallback language %s", Fallback)
	}
	c.matcher = language.NewMatcher(c.langs)
	return c, nil
}

// Languages are the supported languages as BCP 47 tags ("en", "fr"), the
// fallback first.
func Languages() []string {
	out := make([]string, len(cat.langs))
	for i, t := range cat.langs {
		out[i] = t.String()
	}
	return out
}

// Defined reports whether key is a message of the fallback language (the
// reference every translation must match).
func Defined(key string) bool { return cat.ids[Fallback][key] }

// Keys are the message keys of a supported language, sorted; nil for
// another language.
func Keys(lang string) []string {
	t, err := language.Parse(lang)
	if err != nil {
		return nil
	}
	ids, ok := cat.ids[t]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Match returns the supported language that best fits the preferences,
// tried in order: each a BCP 47 tag ("fr-CA") or an Accept-Language header
// ("fr-CH, fr;q=0.9, en;q=0.8"); empty and unparsable ones are skipped. It
// returns Fallback when none fits.
func Match(prefs ...string) language.Tag {
	for _, p := range prefs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := cat.matcher.Match(tags...)
		if conf != language.No {
			return cat.langs[i]
		}
	}
	return Fallback
}

package i18n

import (
	"sort"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Localizer turns message keys into sentences of one language and shows
// times in one time zone. The zero value is not usable; use For.
type Localizer struct {
	tag  language.Tag
	lz   *goi18n.Localizer
	zone *time.Location
}

// For returns a Localizer for the supported language that best fits the
// preferences (see Match), showing times in UTC.
func For(prefs ...string) *Localizer {
	tag := Match(prefs...)
	return &Localizer{tag: tag, lz: goi18n.NewLocalizer(cat.bundle, tag.String(), Fallback.String()), zone: time.UTC}
}

// In returns a copy of l that shows times in zone (UTC when nil).
func (l *Localizer) In(zone *time.Location) *Localizer {
	if zone == nil {
		zone = time.UTC
	}
	c := *l
	c.zone = zone
	return &c
}

// Lang is the localizer's language as a BCP 47 tag ("en", "fr").
func (l *Localizer) Lang() string { return l.tag.String() }

// Zone is the time zone times are shown in.
func (l *Localizer) Zone() *time.Location { return l.zone }

// Arg is a named value of a message's placeholder ({{.Name}}).
type Arg struct {
	Name  string
	Value any
}

// V is the placeholder {{.name}} set to value.
func V(name string, value any) Arg { return Arg{Name: name, Value: value} }

// CountName is the placeholder of the number that chooses a plural form.
const CountName = "Count"

// N is the plural count: it chooses the message's plural form ("1
// request", "3 requests") and fills {{.Count}}.
func N(n int) Arg { return Arg{Name: CountName, Value: n} }

// KeySuffix marks a placeholder whose value is itself a message key: the
// argument "WhatKey" = "noun.user" fills {{.What}} with that message in the
// localizer's language ("user" / "utilisateur").
const KeySuffix = "Key"

// T returns the message key in the localizer's language with its
// placeholders filled; a key missing from the language falls back to
// English, a key missing everywhere is returned as it is (the catalogue
// tests forbid both).
func (l *Localizer) T(key string, args ...Arg) string {
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(args) > 0 {
		data := make(map[string]any, len(args))
		for _, a := range args {
			data[a.Name] = a.Value
			if a.Name == CountName {
				cfg.PluralCount = a.Value
			}
			if name, ok := strings.CutSuffix(a.Name, KeySuffix); ok && name != "" {
				if k, ok := a.Value.(string); ok {
					data[name] = l.T(k)
				}
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.lz.Localize(cfg)
	if err != nil && s == "" {
		return key
	}
	return s
}

// Pairs turns name/value pairs ("Name", x, "Count", 3) into Args, as the
// web UI's {{t "key" "Name" .X}} passes them; a name that is not a string
// and a trailing name without value are skipped.
func Pairs(pairs ...any) []Arg {
	out := make([]Arg, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		if name, ok := pairs[i].(string); ok {
			out = append(out, Arg{Name: name, Value: pairs[i+1]})
		}
	}
	return out
}

// Map turns named values into Args (sorted by name, for a stable order).
func Map(m map[string]any) []Arg {
	out := make([]Arg, 0, len(m))
	for k, v := range m {
		out = append(out, Arg{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TOr is T of key, or fallback — the English text the caller already has
// — when key is empty, not in the catalogue, or the localizer speaks
// English: for messages that name a key only sometimes (an error raised
// with a key, or with a sentence only), so English stays exactly as
// written.
func (l *Localizer) TOr(fallback, key string, args ...Arg) string {
	if key == "" || !Defined(key) || l.tag == Fallback {
		return fallback
	}
	return l.T(key, args...)
}

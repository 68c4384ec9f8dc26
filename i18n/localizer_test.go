package i18n

import (
	"testing"
	"time"
)

// TestMatch: the first preference that fits a supported language wins,
// whether a tag or an Accept-Language header; unsupported, empty and broken
// ones are skipped; English when nothing fits.
func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		prefs []string
		want  string
	}{
		{nil, "en"},
		{[]string{""}, "en"},
		{[]string{"fr-FR"}, "fr"},
		{[]string{"fr-CA"}, "fr"},
		{[]string{"en-GB"}, "en"},
		{[]string{"", "fr-CH, fr;q=0.9, en;q=0.8"}, "fr"},
		{[]string{"de-DE, en;q=0.5"}, "en"},
		{[]string{"de-DE, fr;q=0.5"}, "fr"},
		{[]string{"en", "fr"}, "en"},             // the user's setting beats the browser
		{[]string{"fr", "en-US,en;q=0.9"}, "fr"}, // idem
		{[]string{"de", "fr"}, "fr"},             // an unsupported setting falls to the browser
		{[]string{"ja", "zh"}, "en"},
		{[]string{"!!garbage!!", "fr"}, "fr"},
	} {
		if got := Match(tc.prefs...).String(); got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
		if got := For(tc.prefs...).Lang(); got != tc.want {
			t.Errorf("For(%q).Lang() = %s, want %s", tc.prefs, got, tc.want)
		}
	}
}

// TestPlurals: the count picks the plural form of each language (French
// counts 0 and 1 as singular, English only 1).
func TestPlurals(t *testing.T) {
	en, fr := For("en"), For("fr")
	for _, tc := range []struct {
		n      int
		en, fr string
	}{
		{0, "0 requests", "0 demande"},
		{1, "1 request", "1 demande"},
		{3, "3 requests", "3 demandes"},
		{1000000, "1000000 requests", "1000000 demandes"},
	} {
		if got := en.T("requests.count", N(tc.n)); got != tc.en {
			t.Errorf("en %d: %q, want %q", tc.n, got, tc.en)
		}
		if got := fr.T("requests.count", N(tc.n)); got != tc.fr {
			t.Errorf("fr %d: %q, want %q", tc.n, got, tc.fr)
		}
	}
	if got := fr.T("duration.days", N(14)); got != "14 jours" {
		t.Errorf("fr 14 days: %q", got)
	}
}

// TestPlaceholders: named values fill the message; an argument named
// …Key is itself a message, in the localizer's language.
func TestPlaceholders(t *testing.T) {
	if got := For("fr").T("request.title", V("Package", "CRM")); got != "Demande de CRM" {
		t.Errorf("fr: %q", got)
	}
	if got := For("en").T("request.title", V("Package", "CRM")); got != "Request for CRM" {
		t.Errorf("en: %q", got)
	}
	if got := For("fr").T("error.notFound", V("WhatKey", "noun.accessPackage"), V("ID", "42")); got != "package d'accès « 42 » introuvable" {
		t.Errorf("fr key argument: %q", got)
	}
	if got := For("fr").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q, want the key itself", got)
	}
}

// TestTOr: a known key is translated except in English, where the
// caller's own text is kept as written; an unknown or empty key keeps it.
func TestTOr(t *testing.T) {
	fr, en := For("fr"), For("en")
	if got := fr.TOr("authentication is required", "error.unauthenticated"); got != "une authentification est requise" {
		t.Errorf("fr: %q", got)
	}
	if got := en.TOr("as written", "error.unauthenticated"); got != "as written" {
		t.Errorf("en: %q", got)
	}
	if got := fr.TOr("as written", ""); got != "as written" {
		t.Errorf("no key: %q", got)
	}
	if got := fr.TOr("as written", "no.such.key"); got != "as written" {
		t.Errorf("unknown key: %q", got)
	}
}

// TestDateTime: dates and times follow the language (month names, order,
// 12- or 24-hour clock) and the time zone, named.
func TestDateTime(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 5, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		loc  *Localizer
		want string
	}{
		{For("en"), "6 Dec 2026 14:05 UTC"},
		{For("fr"), "6 déc. 2026 14:05 UTC"},
		{For("fr").In(paris), "6 déc. 2026 15:05 CET"},
		{For("en").In(paris), "6 Dec 2026 15:05 CET"},
	} {
		if got := tc.loc.DateTime(at); got != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.loc.Lang(), tc.loc.Zone(), got, tc.want)
		}
	}
	if got := For("fr").Date(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)); got != "1 févr. 2027" {
		t.Errorf("fr date: %q", got)
	}
	if For("fr").DateTime(time.Time{}) != "" || For("en").DateTimePtr(nil) != "" {
		t.Error("the zero time must show as nothing")
	}
}

// TestEnvTag: the CLI's language comes from LC_ALL, then LC_MESSAGES,
// then LANG; C and POSIX are English.
func TestEnvTag(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, ""},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "fr-FR"},
		{map[string]string{"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en-US"},
		{map[string]string{"LANG": "en_US", "LC_ALL": "fr_CA.UTF-8@euro"}, "fr-CA"},
		{map[string]string{"LC_ALL": "C", "LANG": "fr_FR"}, ""},
		{map[string]string{"LANG": "POSIX"}, ""},
	} {
		if got := EnvTag(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
	if got := ForEnv(func(k string) string { return map[string]string{"LANG": "fr_BE.UTF-8"}[k] }).Lang(); got != "fr" {
		t.Errorf("ForEnv: %s", got)
	}
}

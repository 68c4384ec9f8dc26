// Package i18n is entitled's message catalogue: every sentence a person
// reads (web UI, emails, CLI output, the human part of API errors) is a
// message of locales/<lang>.toml, looked up by key with named placeholders
// and plural forms, never built by concatenation.
//
// A Localizer speaks one supported language and shows times in one time
// zone:
//
//	loc := i18n.For(user.PreferredLanguage, r.Header.Get("Accept-Language"))
//	loc.T("requests.count", i18n.N(3))                 // "3 requests" / "3 demandes"
//	loc.T("request.title", i18n.V("Package", "CRM"))   // "Request for CRM"
//	loc.DateTime(t)                                    // "6 Dec 2026 14:05 UTC" / "6 déc. 2026 14:05 UTC"
//
// English is the fallback: for a reader whose preferences match no
// supported language, and for a key a translation lacks (the catalogue
// test forbids that).
package i18n

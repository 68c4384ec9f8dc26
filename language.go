package entitled

import (
	"strings"

	"golang.org/x/text/language"
)

// maxLanguageTag bounds a preferredLanguage (BCP 47 tags are short; the
// longest registered ones are under 40 characters).
const maxLanguageTag = 35

// CheckPreferredLanguage validates a user's preferredLanguage as a
// well-formed BCP 47 language tag ("fr", "fr-FR", "en-GB") and returns it in
// canonical case ("fr-fr" → "fr-FR"); "" (unset) stays "". Any well-formed
// tag is accepted, not only the languages the UI speaks: readers of an
// unsupported language get English. Anything else is a 400 on
// preferredLanguage.
func CheckPreferredLanguage(tag string) (string, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return "", nil
	}
	bad := func() error {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "preferredLanguage",
			Message: "preferredLanguage " + quoteTag(tag) + " is not a BCP 47 language tag such as fr-FR or en"}).
			WithKey("error.preferredLanguage", "Value", tag)
	}
	if len(tag) > maxLanguageTag || strings.ContainsAny(tag, " ,;*_") {
		return "", bad()
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", bad()
	}
	return t.String(), nil
}

func quoteTag(s string) string {
	if len(s) > maxLanguageTag {
		s = s[:maxLanguageTag] + "…"
	}
	return `"` + s + `"`
}

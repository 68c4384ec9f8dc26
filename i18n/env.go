package i18n

import "strings"

// EnvTag is the language of a POSIX environment for the CLI: the first
// set of LC_ALL, LC_MESSAGES and LANG (their order of precedence), as a
// BCP 47 tag ("fr_FR.UTF-8" → "fr-FR"); "" for C, POSIX and none.
func EnvTag(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		v, _, _ = strings.Cut(v, ".")
		v, _, _ = strings.Cut(v, "@")
		if v == "C" || v == "POSIX" {
			return ""
		}
		return strings.ReplaceAll(v, "_", "-")
	}
	return ""
}

// ForEnv is For the language of a POSIX environment (EnvTag).
func ForEnv(getenv func(string) string) *Localizer { return For(EnvTag(getenv)) }

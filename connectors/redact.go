package connectors

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces a secret in messages.
const Redacted = "[redacted]"

// longSecret is the length from which a secret is replaced wherever it
// appears. A shorter one is replaced only where it stands as a word of its
// own: replacing "x" inside "example" would garble the message and reveal
// the secret by where the marks fall.
const longSecret = 8

// Redact returns s with every secret replaced by Redacted, longest secrets
// first (a DSN before the password inside it). Empty secrets are ignored.
func Redact(s string, secrets ...string) string {
	list := make([]string, 0, len(secrets))
	for _, x := range secrets {
		if x != "" {
			list = append(list, x)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, x := range list {
		if len(x) >= longSecret {
			s = strings.ReplaceAll(s, x, Redacted)
			continue
		}
		s = replaceWord(s, x)
	}
	return s
}

// replaceWord replaces the occurrences of x not adjoined by a letter or digit.
func replaceWord(s, x string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, x)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(x):])
		b.WriteString(s[:i])
		if (i == 0 || !isWordRune(before)) && (i+len(x) == len(s) || !isWordRune(after)) {
			b.WriteString(Redacted)
		} else {
			b.WriteString(x)
		}
		s = s[i+len(x):]
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

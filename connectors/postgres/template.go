package postgres

import (
	"fmt"
	"strings"

	"github.com/entitled-dev/entitled"
)

// UserTemplate maps a subject to the name of its PostgreSQL role: literal
// text with placeholders, config.userTemplate. The placeholders are
// {{principalName}} (alice@example.com), {{localpart}} (its part before the
// last "@": alice), {{email}} and {{objectId}}. The result is lower-cased
// unless config.lowercase is false.
type UserTemplate struct {
	src   string
	parts []string // even indexes: literal text; odd: placeholder names
	lower bool
}

var placeholders = map[string]func(entitled.Subject) string{
	"principalName": func(s entitled.Subject) string { return s.PrincipalName },
	"localpart": func(s entitled.Subject) string {
		if i := strings.LastIndex(s.PrincipalName, "@"); i >= 0 {
			return s.PrincipalName[:i]
		}
		return s.PrincipalName
	},
	"email": func(s entitled.Subject) string { return s.Email },
	"objectId": func(s entitled.Subject) string {
		if s.ObjectID != "" {
			return s.ObjectID
		}
		return s.ID
	},
}

// ParseUserTemplate parses a config.userTemplate value.
func ParseUserTemplate(src string, lower bool) (*UserTemplate, error) {
	t := &UserTemplate{src: src, lower: lower}
	rest := src
	n := 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if strings.Contains(rest, "}}") {
				return nil, fmt.Errorf("config.userTemplate %q has \"}}\" without \"{{\"", src)
			}
			t.parts = append(t.parts, rest)
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("config.userTemplate %q has \"{{\" without \"}}\"", src)
		}
		name := strings.TrimSpace(rest[i+2 : i+j])
		if placeholders[name] == nil {
			return nil, fmt.Errorf("config.userTemplate %q uses {{%s}}; the placeholders are {{principalName}}, {{localpart}}, {{email}} and {{objectId}}", src, name)
		}
		t.parts = append(t.parts, rest[:i], name)
		n++
		rest = rest[i+j+2:]
	}
	if n == 0 {
		return nil, fmt.Errorf("config.userTemplate %q has no placeholder, so every user would map to the same role; use {{localpart}} or {{principalName}}", src)
	}
	return t, nil
}

// User returns the role name of a subject.
func (t *UserTemplate) User(s entitled.Subject) (string, error) {
	var b strings.Builder
	for i, p := range t.parts {
		if i%2 == 0 {
			b.WriteString(p)
			continue
		}
		v := placeholders[p](s)
		if v == "" {
			field := p
			if p == "localpart" {
				field = "principalName"
			}
			return "", fmt.Errorf("the subject has no %s, which config.userTemplate %q needs", field, t.src)
		}
		b.WriteString(v)
	}
	if t.lower {
		return strings.ToLower(b.String()), nil
	}
	return b.String(), nil
}

// String returns the template's source.
func (t *UserTemplate) String() string { return t.src }

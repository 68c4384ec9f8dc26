package postgres

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// RoleFilter decides which PostgreSQL roles are resources: which roles are
// listed, described, granted and revoked. It is config.roleFilter:
//
//   - empty (the default): every role that cannot log in (a group role)
//     except the predefined pg_* roles;
//   - "/expr/": the roles whose name the regular expression expr (Go RE2
//     syntax, unanchored: write ^ and $ to anchor) matches;
//   - anything else: a SQL LIKE pattern matched against the whole name,
//     case-sensitively: % is any run of characters, _ any one character, and
//     a backslash makes the next character literal ("app\_%" matches names
//     starting with "app_").
//
// Superuser roles never match: granting one would make a user superuser.
// Other privileged roles are refused apart from the filter (privileged.go).
type RoleFilter struct {
	src string
	re  *regexp.Regexp // nil for the default filter
}

// ParseRoleFilter parses a config.roleFilter value.
func ParseRoleFilter(s string) (*RoleFilter, error) {
	f := &RoleFilter{src: s}
	switch {
	case s == "":
		return f, nil
	case len(s) >= 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/"):
		re, err := regexp.Compile(s[1 : len(s)-1])
		if err != nil {
			var se *syntax.Error
			msg := err.Error()
			if errors.As(err, &se) {
				msg = string(se.Code)
			}
			return nil, fmt.Errorf("config.roleFilter %q is not a valid regular expression (%s); write /^app_.*$/ or a LIKE pattern such as app\\_%%", s, msg)
		}
		f.re = re
	default:
		expr, err := likeToRegexp(s)
		if err != nil {
			return nil, fmt.Errorf("config.roleFilter %q: %v", s, err)
		}
		f.re = regexp.MustCompile(expr)
	}
	return f, nil
}

// likeToRegexp translates a LIKE pattern to an anchored regular expression.
func likeToRegexp(p string) (string, error) {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	escaped := false
	for _, r := range p {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped {
		return "", errors.New("a LIKE pattern must not end with a backslash (escape character)")
	}
	b.WriteString(`$`)
	return b.String(), nil
}

// Match reports whether a role is a resource under the filter.
func (f *RoleFilter) Match(name string, canLogin, superuser bool) bool {
	if superuser {
		return false
	}
	if f.re == nil {
		return !canLogin && !strings.HasPrefix(name, "pg_")
	}
	return f.re.MatchString(name)
}

// Describe says in words which roles the filter admits, for error messages.
func (f *RoleFilter) Describe() string {
	if f.re == nil {
		return "the default config.roleFilter (roles that cannot log in, except pg_* roles, and never superusers)"
	}
	return fmt.Sprintf("config.roleFilter %q (never superusers)", f.src)
}

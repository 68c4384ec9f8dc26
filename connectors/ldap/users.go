package ldap

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
	goldap "github.com/go-ldap/ldap/v3"
)

// user is a subject's entry in the directory.
type user struct {
	DN  string
	UID string
}

// subjectName names a subject in messages.
func subjectName(s entitled.Subject) string {
	switch {
	case s.PrincipalName != "":
		return s.PrincipalName
	case s.Email != "":
		return s.Email
	case s.DisplayName != "":
		return s.DisplayName
	}
	return s.ObjectID
}

// fill replaces a template's placeholders by the subject's fields, each
// escaped by esc; a placeholder whose field is empty is a permanent error.
func (c *Connector) fill(key, tmpl string, s entitled.Subject, esc func(string) string) (string, error) {
	local := s.PrincipalName
	if i := strings.LastIndex(local, "@"); i >= 0 {
		local = local[:i]
	}
	objectID := s.ObjectID
	if objectID == "" {
		objectID = s.ID
	}
	values := map[string]string{"principalName": s.PrincipalName, "mail": s.Email, "localPart": local, "objectId": objectID}
	var missing string
	out := placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		v := values[name]
		if v == "" && missing == "" {
			missing = name
		}
		return esc(v)
	})
	if missing != "" {
		field := missing
		if missing == "localPart" {
			field = "principalName"
		}
		return "", c.permanentf("user %s has no %s, which {%s} in config.%s needs to find the user in LDAP", subjectName(s), field, missing, key)
	}
	return out, nil
}

// findUser maps a subject to its entry: by config.userDNTemplate (reading
// the entry to be sure it exists) or by searching config.userFilter under
// config.userBaseDN. No entry, or several, is a permanent error.
func (c *Connector) findUser(ctx context.Context, s entitled.Subject) (user, error) {
	attrs := []string{"1.1"}
	if c.cfg.MemberAttribute == AttrMemberUID {
		attrs = []string{c.cfg.UIDAttribute}
	}
	var req *goldap.SearchRequest
	var where string
	if c.cfg.UserDNTemplate != "" {
		dn, err := c.fill("userDNTemplate", c.cfg.UserDNTemplate, s, goldap.EscapeDN)
		if err != nil {
			return user{}, err
		}
		where = "entry " + dn
		req = goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
			"(objectClass=*)", attrs, nil)
	} else {
		filter, err := c.fill("userFilter", c.cfg.UserFilter, s, goldap.EscapeFilter)
		if err != nil {
			return user{}, err
		}
		where = "no entry matches " + filter + " under " + c.cfg.UserBaseDN
		req = goldap.NewSearchRequest(c.cfg.UserBaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 2, 0, false,
			filter, attrs, nil)
	}
	var res *goldap.SearchResult
	err := c.pool.run(ctx, func(conn *goldap.Conn) (err error) {
		res, err = conn.Search(req)
		return err
	})
	what := "looking up user " + subjectName(s) + " in LDAP"
	switch {
	case code(err) == goldap.LDAPResultNoSuchObject && c.cfg.UserDNTemplate != "":
		return user{}, c.permanentf("user %s does not exist in the LDAP directory (%s does not exist)", subjectName(s), where[len("entry "):])
	case code(err) == goldap.LDAPResultNoSuchObject:
		return user{}, c.permanentf("%s: config.userBaseDN %s does not exist", what, c.cfg.UserBaseDN)
	case code(err) == goldap.LDAPResultSizeLimitExceeded || (err == nil && len(res.Entries) > 1):
		return user{}, c.permanentf("user %s is ambiguous in LDAP: several entries match %s under %s; make config.userFilter more specific",
			subjectName(s), req.Filter, c.cfg.UserBaseDN)
	case err != nil:
		return user{}, c.classify(err, what)
	case len(res.Entries) == 0:
		return user{}, c.permanentf("user %s does not exist in the LDAP directory (%s)", subjectName(s), where)
	}
	u := user{DN: res.Entries[0].DN}
	if c.cfg.MemberAttribute == AttrMemberUID {
		u.UID = res.Entries[0].GetAttributeValue(c.cfg.UIDAttribute)
		if u.UID == "" {
			return user{}, c.permanentf("user %s (%s) has no %s attribute, which memberUid groups need", subjectName(s), u.DN, c.cfg.UIDAttribute)
		}
	}
	return u, nil
}

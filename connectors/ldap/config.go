package ldap

import (
	"crypto/x509"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/entitled-dev/entitled/connectors"
	goldap "github.com/go-ldap/ldap/v3"
)

// Limits and defaults of an ldap system's config.
const (
	DefaultTimeout        = 10 * time.Second
	MaxTimeout            = 2 * time.Minute
	DefaultMaxConnections = 4
	MaxMaxConnections     = 64
	DefaultUserFilter     = "(uid={localPart})"
	DefaultUIDAttribute   = "uid"
)

// The member attributes a config may name.
const (
	AttrMember       = "member"
	AttrUniqueMember = "uniqueMember"
	AttrMemberUID    = "memberUid"
)

// Config is the parsed config of an ldap connected system.
type Config struct {
	URL          *url.URL
	StartTLS     bool
	BindDN       string
	BindPassword string
	BaseDN       string
	GroupBaseDN  string
	UserBaseDN   string
	GroupFilter  string
	// UserFilter finds a user's entry; UserDNTemplate names it directly.
	// Exactly one is set.
	UserFilter     string
	UserDNTemplate string
	// MemberAttribute is member, uniqueMember or memberUid.
	MemberAttribute string
	// UIDAttribute holds the value written to memberUid.
	UIDAttribute          string
	TLSInsecureSkipVerify bool
	TLSServerName         string
	TLSRootCAs            *x509.CertPool
	Timeout               time.Duration
	MaxConnections        int
}

// configKeys are the keys an ldap config may hold.
var configKeys = []string{"url", "startTLS", "bindDN", "bindPassword", "baseDN", "groupBaseDN", "userBaseDN",
	"groupFilter", "userFilter", "userDNTemplate", "memberAttribute", "uidAttribute",
	"tlsInsecureSkipVerify", "tlsServerName", "tlsCACert", "timeout", "maxConnections"}

// placeholders are the subject fields a user filter or DN template may use.
var placeholders = map[string]bool{"principalName": true, "mail": true, "localPart": true, "objectId": true}

var placeholderRE = regexp.MustCompile(`\{([A-Za-z]*)\}`)

// ParseConfig checks an ldap config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key.
func ParseConfig(config map[string]any) (*Config, error) {
	if err := connectors.CheckKeys("ldap", config, configKeys, []string{"bindPassword"}); err != nil {
		return nil, err
	}
	c := &Config{Timeout: DefaultTimeout, MaxConnections: DefaultMaxConnections, MemberAttribute: AttrMember,
		UIDAttribute: DefaultUIDAttribute}
	var err error

	raw, err := str(config, "url", true, "the server's address such as \"ldaps://ldap.example.com\" or \"ldap://ldap.example.com:389\"")
	if err != nil {
		return nil, err
	}
	u, perr := url.Parse(raw)
	if perr != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
		return nil, connectors.ConfigError("url", "config.url must be an ldap:// or ldaps:// URL with a host, such as \"ldaps://ldap.example.com\"")
	}
	if u.User != nil {
		return nil, connectors.ConfigError("url", "config.url must not carry credentials; put them in config.bindDN and config.bindPassword")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, connectors.ConfigError("url", "config.url must be only scheme, host and port; put the base DN in config.baseDN")
	}
	c.URL = u
	if c.StartTLS, err = boolean(config, "startTLS"); err != nil {
		return nil, err
	}
	if c.StartTLS && u.Scheme == "ldaps" {
		return nil, connectors.ConfigError("startTLS", "config.startTLS applies to ldap:// URLs only; an ldaps:// URL is already encrypted")
	}

	if c.BindDN, err = dn(config, "bindDN", true, "the DN the connector binds as, such as \"cn=entitled,ou=services,dc=example,dc=org\""); err != nil {
		return nil, err
	}
	if c.BindPassword, err = str(config, "bindPassword", true, "the password of config.bindDN"); err != nil {
		// A missing password is reported without echoing anything.
		return nil, err
	}
	if c.BaseDN, err = dn(config, "baseDN", true, "the DN under which groups and users live, such as \"dc=example,dc=org\""); err != nil {
		return nil, err
	}
	if c.GroupBaseDN, err = dn(config, "groupBaseDN", false, ""); err != nil {
		return nil, err
	}
	if c.UserBaseDN, err = dn(config, "userBaseDN", false, ""); err != nil {
		return nil, err
	}
	if c.GroupBaseDN == "" {
		c.GroupBaseDN = c.BaseDN
	}
	if c.UserBaseDN == "" {
		c.UserBaseDN = c.BaseDN
	}

	if v, err := str(config, "memberAttribute", false, ""); err != nil {
		return nil, err
	} else if v != "" {
		switch strings.ToLower(v) {
		case "member":
			c.MemberAttribute = AttrMember
		case "uniquemember":
			c.MemberAttribute = AttrUniqueMember
		case "memberuid":
			c.MemberAttribute = AttrMemberUID
		default:
			return nil, connectors.ConfigError("memberAttribute", "config.memberAttribute must be member (groupOfNames), uniqueMember (groupOfUniqueNames) or memberUid (posixGroup)")
		}
	}
	if v, err := str(config, "uidAttribute", false, ""); err != nil {
		return nil, err
	} else if v != "" {
		if !attrNameRE.MatchString(v) {
			return nil, connectors.ConfigError("uidAttribute", "config.uidAttribute must be an attribute name such as \"uid\"")
		}
		c.UIDAttribute = v
	}

	if c.GroupFilter, err = str(config, "groupFilter", false, ""); err != nil {
		return nil, err
	}
	if c.GroupFilter == "" {
		c.GroupFilter = defaultGroupFilter(c.MemberAttribute)
	} else if _, ferr := goldap.CompileFilter(c.GroupFilter); ferr != nil {
		return nil, connectors.ConfigError("groupFilter", "config.groupFilter is not a valid LDAP filter (%v); write one such as \"(objectClass=groupOfNames)\"", ferr)
	}

	if c.UserFilter, err = str(config, "userFilter", false, ""); err != nil {
		return nil, err
	}
	if c.UserDNTemplate, err = str(config, "userDNTemplate", false, ""); err != nil {
		return nil, err
	}
	switch {
	case c.UserFilter != "" && c.UserDNTemplate != "":
		return nil, connectors.ConfigError("userDNTemplate", "give config.userFilter or config.userDNTemplate, not both")
	case c.UserDNTemplate != "":
		sample, err := checkTemplate("userDNTemplate", c.UserDNTemplate)
		if err != nil {
			return nil, err
		}
		if _, perr := goldap.ParseDN(sample); perr != nil {
			return nil, connectors.ConfigError("userDNTemplate", "config.userDNTemplate is not a DN template (%v); write one such as \"uid={localPart},ou=people,dc=example,dc=org\"", perr)
		}
	default:
		if c.UserFilter == "" {
			c.UserFilter = DefaultUserFilter
		}
		sample, err := checkTemplate("userFilter", c.UserFilter)
		if err != nil {
			return nil, err
		}
		if _, ferr := goldap.CompileFilter(sample); ferr != nil {
			return nil, connectors.ConfigError("userFilter", "config.userFilter is not a valid LDAP filter (%v); write one such as \"(mail={mail})\"", ferr)
		}
	}

	if c.TLSInsecureSkipVerify, err = boolean(config, "tlsInsecureSkipVerify"); err != nil {
		return nil, err
	}
	if c.TLSServerName, err = str(config, "tlsServerName", false, ""); err != nil {
		return nil, err
	}
	if pem, err := str(config, "tlsCACert", false, ""); err != nil {
		return nil, err
	} else if pem != "" {
		c.TLSRootCAs = x509.NewCertPool()
		if !c.TLSRootCAs.AppendCertsFromPEM([]byte(pem)) {
			return nil, connectors.ConfigError("tlsCACert", "config.tlsCACert must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----)")
		}
	}

	if raw, ok := config["timeout"]; ok && raw != nil {
		if c.Timeout, err = parseTimeout(raw); err != nil {
			return nil, err
		}
	}
	if raw, ok := config["maxConnections"]; ok && raw != nil {
		f, isNum := raw.(float64)
		if i, isInt := raw.(int); isInt {
			f, isNum = float64(i), true
		}
		if !isNum || f != float64(int(f)) || f < 1 || f > MaxMaxConnections {
			return nil, connectors.ConfigError("maxConnections", "config.maxConnections must be a whole number from 1 to %d", MaxMaxConnections)
		}
		c.MaxConnections = int(f)
	}
	return c, nil
}

var attrNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// defaultGroupFilter selects the group object class that holds the member
// attribute.
func defaultGroupFilter(attr string) string {
	switch attr {
	case AttrUniqueMember:
		return "(objectClass=groupOfUniqueNames)"
	case AttrMemberUID:
		return "(objectClass=posixGroup)"
	}
	return "(objectClass=groupOfNames)"
}

// checkTemplate checks a template's placeholders and returns it with each
// replaced by a sample value.
func checkTemplate(key, tmpl string) (string, error) {
	found := false
	var bad string
	sample := placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		if !placeholders[name] && bad == "" {
			bad = m
		}
		found = true
		return "x"
	})
	if bad != "" {
		return "", connectors.ConfigError(key, "config.%s uses the unknown placeholder %s; the placeholders are {principalName}, {mail}, {localPart} (principalName before the @) and {objectId}", key, bad)
	}
	if !found {
		return "", connectors.ConfigError(key, "config.%s must use a placeholder such as {principalName}, {mail} or {localPart} to find the user", key)
	}
	return sample, nil
}

// str reads a string key; required says it must be present and non-empty.
func str(config map[string]any, key string, required bool, what string) (string, error) {
	raw, ok := config[key]
	if !ok || raw == nil {
		if required {
			return "", connectors.ConfigError(key, "config.%s is required: %s", key, what)
		}
		return "", nil
	}
	s, ok := raw.(string)
	if !ok {
		return "", connectors.ConfigError(key, "config.%s must be a string", key)
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		return "", connectors.ConfigError(key, "config.%s must not be empty: %s", key, what)
	}
	return s, nil
}

// dn reads a key holding a DN.
func dn(config map[string]any, key string, required bool, what string) (string, error) {
	s, err := str(config, key, required, what)
	if err != nil || s == "" {
		return s, err
	}
	if _, perr := goldap.ParseDN(s); perr != nil {
		return "", connectors.ConfigError(key, "config.%s %q is not a DN (%v)", key, s, perr)
	}
	return s, nil
}

func boolean(config map[string]any, key string) (bool, error) {
	raw, ok := config[key]
	if !ok || raw == nil {
		return false, nil
	}
	b, ok := raw.(bool)
	if !ok {
		return false, connectors.ConfigError(key, "config.%s must be true or false", key)
	}
	return b, nil
}

func parseTimeout(raw any) (time.Duration, error) {
	return connectors.ConfigDuration("timeout", raw, MaxTimeout)
}

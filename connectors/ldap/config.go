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

// settings is an ldap config as written: one field per key, decoded by
// connectors.Decode; Validate checks it and fills in the defaults.
type settings struct {
	URL                   *string `json:"url" invalid:"must be a string"`
	StartTLS              bool    `json:"startTLS" invalid:"must be true or false"`
	BindDN                *string `json:"bindDN" invalid:"must be a string"`
	BindPassword          *string `json:"bindPassword" invalid:"must be a string"`
	BaseDN                *string `json:"baseDN" invalid:"must be a string"`
	GroupBaseDN           *string `json:"groupBaseDN" invalid:"must be a string"`
	UserBaseDN            *string `json:"userBaseDN" invalid:"must be a string"`
	GroupFilter           *string `json:"groupFilter" invalid:"must be a string"`
	UserFilter            *string `json:"userFilter" invalid:"must be a string"`
	UserDNTemplate        *string `json:"userDNTemplate" invalid:"must be a string"`
	MemberAttribute       *string `json:"memberAttribute" invalid:"must be a string"`
	UIDAttribute          *string `json:"uidAttribute" invalid:"must be a string"`
	TLSInsecureSkipVerify bool    `json:"tlsInsecureSkipVerify" invalid:"must be true or false"`
	TLSServerName         *string `json:"tlsServerName" invalid:"must be a string"`
	TLSCACert             *string `json:"tlsCACert" invalid:"must be a string"`
	// Timeout is a duration string or a number of seconds.
	Timeout        any  `json:"timeout"`
	MaxConnections *int `json:"maxConnections" invalid:"must be a whole number from 1 to 64"`
}

// placeholders are the subject fields a user filter or DN template may use.
var placeholders = map[string]bool{"principalName": true, "mail": true, "localPart": true, "objectId": true}

var placeholderRE = regexp.MustCompile(`\{([A-Za-z]*)\}`)

// ParseConfig checks an ldap config and returns it parsed; errors are 400
// *entitled.Error values naming the offending key.
func ParseConfig(config map[string]any) (*Config, error) {
	return connectors.Parse[*Config](KindName, config, []string{"bindPassword"}, &settings{})
}

// Validate checks the settings and returns the config they make, with the
// defaults filled in.
func (s *settings) Validate() (*Config, error) {
	c := &Config{Timeout: DefaultTimeout, MaxConnections: DefaultMaxConnections, MemberAttribute: AttrMember,
		UIDAttribute: DefaultUIDAttribute}
	var err error

	raw, err := text("url", s.URL, true, "the server's address such as \"ldaps://ldap.example.com\" or \"ldap://ldap.example.com:389\"")
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
	c.StartTLS = s.StartTLS
	if c.StartTLS && u.Scheme == "ldaps" {
		return nil, connectors.ConfigError("startTLS", "config.startTLS applies to ldap:// URLs only; an ldaps:// URL is already encrypted")
	}

	if c.BindDN, err = dn("bindDN", s.BindDN, true, "the DN the connector binds as, such as \"cn=entitled,ou=services,dc=example,dc=org\""); err != nil {
		return nil, err
	}
	if c.BindPassword, err = text("bindPassword", s.BindPassword, true, "the password of config.bindDN"); err != nil {
		// A missing password is reported without echoing anything.
		return nil, err
	}
	if c.BaseDN, err = dn("baseDN", s.BaseDN, true, "the DN under which groups and users live, such as \"dc=example,dc=org\""); err != nil {
		return nil, err
	}
	if c.GroupBaseDN, err = dn("groupBaseDN", s.GroupBaseDN, false, ""); err != nil {
		return nil, err
	}
	if c.UserBaseDN, err = dn("userBaseDN", s.UserBaseDN, false, ""); err != nil {
		return nil, err
	}
	if c.GroupBaseDN == "" {
		c.GroupBaseDN = c.BaseDN
	}
	if c.UserBaseDN == "" {
		c.UserBaseDN = c.BaseDN
	}

	if v, _ := text("memberAttribute", s.MemberAttribute, false, ""); v != "" {
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
	if v, _ := text("uidAttribute", s.UIDAttribute, false, ""); v != "" {
		if !attrNameRE.MatchString(v) {
			return nil, connectors.ConfigError("uidAttribute", "config.uidAttribute must be an attribute name such as \"uid\"")
		}
		c.UIDAttribute = v
	}

	c.GroupFilter, _ = text("groupFilter", s.GroupFilter, false, "")
	if c.GroupFilter == "" {
		c.GroupFilter = defaultGroupFilter(c.MemberAttribute)
	} else if _, ferr := goldap.CompileFilter(c.GroupFilter); ferr != nil {
		return nil, connectors.ConfigError("groupFilter", "config.groupFilter is not a valid LDAP filter (%v); write one such as \"(objectClass=groupOfNames)\"", ferr)
	}

	c.UserFilter, _ = text("userFilter", s.UserFilter, false, "")
	c.UserDNTemplate, _ = text("userDNTemplate", s.UserDNTemplate, false, "")
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

	c.TLSInsecureSkipVerify = s.TLSInsecureSkipVerify
	c.TLSServerName, _ = text("tlsServerName", s.TLSServerName, false, "")
	if pem, _ := text("tlsCACert", s.TLSCACert, false, ""); pem != "" {
		c.TLSRootCAs = x509.NewCertPool()
		if !c.TLSRootCAs.AppendCertsFromPEM([]byte(pem)) {
			return nil, connectors.ConfigError("tlsCACert", "config.tlsCACert must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----)")
		}
	}

	if err := connectors.ConfigLimits(s.Timeout, s.MaxConnections, MaxTimeout, MaxMaxConnections, &c.Timeout, &c.MaxConnections); err != nil {
		return nil, err
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

// text reads a string setting, trimmed; required says it must be present
// and non-empty (what says what it holds). Only required settings fail.
func text(key string, v *string, required bool, what string) (string, error) {
	if v == nil {
		if required {
			return "", connectors.ConfigError(key, "config.%s is required: %s", key, what)
		}
		return "", nil
	}
	s := strings.TrimSpace(*v)
	if s == "" && required {
		return "", connectors.ConfigError(key, "config.%s must not be empty: %s", key, what)
	}
	return s, nil
}

// dn reads a setting holding a DN.
func dn(key string, v *string, required bool, what string) (string, error) {
	s, err := text(key, v, required, what)
	if err != nil || s == "" {
		return s, err
	}
	if _, perr := goldap.ParseDN(s); perr != nil {
		return "", connectors.ConfigError(key, "config.%s %q is not a DN (%v)", key, s, perr)
	}
	return s, nil
}

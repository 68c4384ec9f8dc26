package ui

import "strings"

// The typed add and edit forms of connected systems: for each connector
// kind the UI knows, its settings (the keys of connectors/<kind>/config.go)
// with their type, whether they are required, their default, and what the
// kind's connector can do besides granting and revoking. Labels and help
// texts are the catalogue's syslabel.<key> and syshelp.<kind>_<key>.

// fieldType says how a setting is typed in and sent.
type fieldType string

// The field types of the typed form.
const (
	fieldText     fieldType = "text"     // a line of text
	fieldURL      fieldType = "url"      // an address
	fieldSecret   fieldType = "secret"   // write-only: a password input, never shown
	fieldNumber   fieldType = "number"   // a whole number, sent as a JSON number
	fieldBool     fieldType = "bool"     // a checkbox, sent as true or false
	fieldChoice   fieldType = "choice"   // one of Choices
	fieldTextarea fieldType = "textarea" // several lines (a PEM certificate)
	fieldList     fieldType = "list"     // comma-separated, sent as a list of strings
)

// kindField is one setting of a kind.
type kindField struct {
	Key      string
	Type     fieldType
	Required bool
	// Default is what the connector uses when the setting is left empty
	// (shown as the placeholder); for a checkbox, "true" ticks it.
	Default string
	Choices []string
}

// kindSpec is what the UI knows of a connector kind.
type kindSpec struct {
	Fields []kindField
	// Check, Browse and Drift say whether its connector tests its
	// connection, lists resources and lists members (reconciliation).
	Check, Browse, Drift bool
}

// systemKinds are the kinds with a typed form. A kind not listed here
// (a kind built into another server) is added and edited over the API.
var systemKinds = map[string]kindSpec{
	"webhook": {Fields: []kindField{
		{Key: "url", Type: fieldURL, Required: true},
		{Key: "secret", Type: fieldSecret},
		{Key: "timeout", Type: fieldText, Default: "10s"},
		{Key: "roles", Type: fieldList, Default: "Member"},
	}},
	"ldap": {Check: true, Browse: true, Drift: true, Fields: []kindField{
		{Key: "url", Type: fieldURL, Required: true},
		{Key: "startTLS", Type: fieldBool},
		{Key: "bindDN", Type: fieldText, Required: true},
		{Key: "bindPassword", Type: fieldSecret, Required: true},
		{Key: "baseDN", Type: fieldText, Required: true},
		{Key: "groupBaseDN", Type: fieldText},
		{Key: "groupFilter", Type: fieldText, Default: "(objectClass=groupOfNames)"},
		{Key: "memberAttribute", Type: fieldChoice, Default: "member", Choices: []string{"member", "uniqueMember", "memberUid"}},
		{Key: "uidAttribute", Type: fieldText, Default: "uid"},
		{Key: "userBaseDN", Type: fieldText},
		{Key: "userFilter", Type: fieldText, Default: "(uid={localPart})"},
		{Key: "userDNTemplate", Type: fieldText},
		{Key: "tlsServerName", Type: fieldText},
		{Key: "tlsCACert", Type: fieldTextarea},
		{Key: "tlsInsecureSkipVerify", Type: fieldBool},
		{Key: "timeout", Type: fieldText, Default: "10s"},
		{Key: "maxConnections", Type: fieldNumber, Default: "4"},
	}},
	"scim": {Check: true, Browse: true, Drift: true, Fields: []kindField{
		{Key: "baseURL", Type: fieldURL, Required: true},
		{Key: "token", Type: fieldSecret, Required: true},
		{Key: "userMatch", Type: fieldChoice, Default: "userName", Choices: []string{"userName", "emails", "externalId"}},
		{Key: "createUsers", Type: fieldBool},
		{Key: "timeout", Type: fieldText, Default: "10s"},
		{Key: "maxConnections", Type: fieldNumber, Default: "4"},
	}},
	"postgres": {Check: true, Browse: true, Drift: true, Fields: []kindField{
		{Key: "dsn", Type: fieldSecret, Required: true},
		{Key: "roleFilter", Type: fieldText},
		{Key: "userTemplate", Type: fieldText, Default: "{{localpart}}"},
		{Key: "lowercase", Type: fieldBool, Default: "true"},
		{Key: "connectTimeout", Type: fieldText, Default: "10s"},
		{Key: "maxConnections", Type: fieldNumber, Default: "4"},
	}},
	"directory": {Check: true, Browse: true, Drift: true},
}

// kindOf finds what the UI knows of a kind; ok is false for a kind without
// a typed form, which then offers every action and leaves the checks to
// the services.
func kindOf(kind string) (kindSpec, bool) {
	k, ok := systemKinds[strings.ToLower(kind)]
	return k, ok
}

// capabilities says which actions a system's page offers.
func capabilities(kind string) kindSpec {
	if k, ok := kindOf(kind); ok {
		return k
	}
	return kindSpec{Check: true, Browse: true, Drift: true}
}

// settingLabel names a setting for people: its label when the kind has a
// typed form that knows it, else its config key.
func settingLabel(c *call, kind, key string) string {
	spec, _ := kindOf(kind)
	for _, f := range spec.Fields {
		if f.Key == key {
			return c.T("syslabel." + key)
		}
	}
	return key
}

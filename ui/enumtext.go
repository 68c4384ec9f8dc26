package ui

import "github.com/entitled-dev/entitled/i18n"

// enumText is an enum value in plain words: the catalogue message named by
// its section and the value ("state" and "pendingApproval" →
// state.pendingApproval), or the value as it is when the catalogue has no
// such message. The values themselves are Graph's and stay as they are on
// the API.
func enumText[V ~string](loc *i18n.Localizer, section string, v V) string {
	if key := section + "." + string(v); i18n.Defined(key) {
		return loc.T(key)
	}
	return string(v)
}

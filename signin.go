package entitled

import (
	"fmt"
	"regexp"
	"strings"
)

// ExternalIdentity is what an OpenID provider says about a caller: the
// issuer, the subject (the provider's stable id of the person or
// application) and the claims of the ID token or access token, merged with
// the provider's userinfo answer where the token leaves claims out.
type ExternalIdentity struct {
	Issuer  string
	Subject string
	Claims  map[string]any
}

// Claim returns a claim as a trimmed string, "" when it is missing or not a
// string.
func (x ExternalIdentity) Claim(name string) string {
	s, _ := x.Claims[name].(string)
	return strings.TrimSpace(s)
}

// emailUnverified reports whether the provider says the email claim is not
// verified (email_verified false). A missing email_verified is taken as the
// provider vouching for the address, as Entra ID and Okta do for addresses
// they manage.
func (x ExternalIdentity) emailUnverified() bool {
	switch v := x.Claims["email_verified"].(type) {
	case bool:
		return !v
	case string:
		return strings.EqualFold(v, "false")
	}
	return false
}

// User attributes a claim can be matched against.
const (
	AttrMail              = "mail"
	AttrUserPrincipalName = "userPrincipalName"
	AttrID                = "id"
)

// ClaimMatch pairs a claim of the provider with the user attribute it is
// compared to, case-insensitively.
type ClaimMatch struct {
	Claim     string
	Attribute string
}

// String is the claim=attribute form ParseClaimMatches reads.
func (m ClaimMatch) String() string { return m.Claim + "=" + m.Attribute }

// DefaultClaimMatches match email against mail, then preferred_username
// against userPrincipalName.
var DefaultClaimMatches = []ClaimMatch{{"email", AttrMail}, {"preferred_username", AttrUserPrincipalName}}

var claimName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,100}$`)

// ParseClaimMatches reads "claim=attribute,claim=attribute" (attributes:
// mail, userPrincipalName, id); "" gives DefaultClaimMatches.
func ParseClaimMatches(s string) ([]ClaimMatch, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultClaimMatches, nil
	}
	var out []ClaimMatch
	for _, part := range strings.Split(s, ",") {
		c, a, ok := strings.Cut(strings.TrimSpace(part), "=")
		c, a = strings.TrimSpace(c), strings.TrimSpace(a)
		if !ok || !claimName.MatchString(c) {
			return nil, Invalidf("claim match %q: write claim=attribute, such as email=mail", part).WithKey("err.signin.badClaimMatch", "Match", part)
		}
		switch strings.ToLower(a) {
		case "mail":
			a = AttrMail
		case "userprincipalname":
			a = AttrUserPrincipalName
		case "id":
			a = AttrID
		default:
			return nil, Invalidf("claim match %q: the attribute must be mail, userPrincipalName or id", part).WithKey("err.signin.badClaimAttribute", "Match", part)
		}
		out = append(out, ClaimMatch{c, a})
	}
	return out, nil
}

// SignInOptions are the operator's sign-in settings (serve --oidc-*).
type SignInOptions struct {
	// Matches are the claim matches in order of preference; nil means
	// DefaultClaimMatches.
	Matches []ClaimMatch
	// CreateUsers allows creating a user for an unknown person
	// (serve --oidc-create-users).
	CreateUsers bool
	// Provider names the provider in messages ("Keycloak").
	Provider string
}

// SignInFacts is what the store loads for DecideSignIn.
type SignInFacts struct {
	SignInOptions
	Identity ExternalIdentity
	// Linked is the user this issuer and subject were recorded for at an
	// earlier sign-in, nil when none.
	Linked *User
	// Found[i] are the users whose Matches[i].Attribute equals the claim
	// (two at most are needed to see an ambiguity).
	Found [][]User
	// LinkedElsewhere holds the ids of users already recorded for another
	// subject of this issuer.
	LinkedElsewhere map[string]bool
	// ServicePrincipals holds ids of service principals among Found; they
	// never sign in as people.
	ServicePrincipals map[string]bool
}

// SignInDecision is the outcome of DecideSignIn: an existing User, or a user
// to Create; Link says to record the issuer and subject for the user.
type SignInDecision struct {
	User   *User
	Create *User
	Link   bool
	// MatchedBy names the claim match that found the user ("" for Linked).
	MatchedBy string
}

// askAdmin is who an unknown or refused person should ask.
const askAdmin = "ask a Global, Identity Governance or User Administrator of entitled"

// DecideSignIn is the sign-in rule for OpenID Connect (docs/identity.md):
// the user recorded for the issuer and subject wins; else the first claim
// match that finds exactly one user, unless that user is recorded for
// another subject of the issuer, is a service principal, or the claim is an
// email the provider says is unverified; several users for one claim value
// refuse rather than guess; an unknown person is created only when
// CreateUsers is on, else refused naming who to ask. A disabled user is
// refused. Refusals are 403 *Error values with a message for the person.
func DecideSignIn(f SignInFacts) (SignInDecision, error) {
	prov := f.Provider
	if prov == "" {
		prov = "the identity provider"
	}
	enabled := func(u *User) error {
		if !u.AccountEnabled {
			return Forbiddenf("your entitled account %s is disabled; %s to enable it", u.UserPrincipalName, askAdmin).
				WithKey("signin.disabled", "UPN", u.UserPrincipalName)
		}
		return nil
	}
	if f.Linked != nil {
		if err := enabled(f.Linked); err != nil {
			return SignInDecision{}, err
		}
		return SignInDecision{User: f.Linked}, nil
	}
	var tried []string
	matches := f.Matches
	if matches == nil {
		matches = DefaultClaimMatches
	}
	for i, m := range matches {
		v := f.Identity.Claim(m.Claim)
		if v == "" {
			continue
		}
		if m.Claim == "email" && f.Identity.emailUnverified() {
			tried = append(tried, fmt.Sprintf("%s %q (not verified by %s, so not used)", m.Claim, v, prov))
			continue
		}
		tried = append(tried, fmt.Sprintf("%s %q", m.Claim, v))
		var found []User
		if i < len(f.Found) {
			for _, u := range f.Found[i] {
				if !f.ServicePrincipals[u.ID] {
					found = append(found, u)
				}
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
		default:
			return SignInDecision{}, Forbiddenf("several entitled users have %s %q, so entitled cannot tell which one you are; %s to make it unique",
				m.Attribute, v, askAdmin).WithKey("signin.ambiguous", "Attribute", m.Attribute, "Value", v)
		}
		u := found[0]
		if f.LinkedElsewhere[u.ID] {
			return SignInDecision{}, Forbiddenf("the entitled user %s is already linked to another account of %s; %s",
				u.UserPrincipalName, prov, askAdmin).WithKey("signin.linkedElsewhere", "UPN", u.UserPrincipalName, "Provider", prov)
		}
		if err := enabled(&u); err != nil {
			return SignInDecision{}, err
		}
		return SignInDecision{User: &u, Link: true, MatchedBy: m.String()}, nil
	}
	what, whatArg := "no claim entitled matches users by", []any{"WhatKey", "signin.noClaim"}
	if len(tried) > 0 {
		what = strings.Join(tried, ", ")
		whatArg = []any{"What", what}
	}
	if !f.CreateUsers {
		return SignInDecision{}, Forbiddenf("%s signed you in, but no entitled user matches %s; %s to create your user",
			prov, what, askAdmin).WithKey("signin.noMatch", append([]any{"Provider", prov}, whatArg...)...)
	}
	nu, err := newUserFrom(f.Identity, prov)
	if err != nil {
		return SignInDecision{}, err
	}
	return SignInDecision{Create: nu, Link: true}, nil
}

var upnLike = regexp.MustCompile(`^[^@\s]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// newUserFrom is the user created for an unknown person: userPrincipalName
// from preferred_username when it looks like name@domain, else from a
// verified email; mail from a verified email; displayName from name.
func newUserFrom(x ExternalIdentity, prov string) (*User, error) {
	email := x.Claim("email")
	if x.emailUnverified() {
		email = ""
	}
	upn := x.Claim("preferred_username")
	if !upnLike.MatchString(upn) {
		upn = email
	}
	if !upnLike.MatchString(upn) {
		return nil, Forbiddenf("%s sent neither a verified email nor a username like name@domain, so entitled cannot create your user; %s",
			prov, askAdmin).WithKey("signin.cannotCreate", "Provider", prov)
	}
	return &User{UserPrincipalName: upn, Mail: email, DisplayName: x.Claim("name"), AccountEnabled: true}, nil
}

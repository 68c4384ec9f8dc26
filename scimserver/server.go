// Package scimserver is entitled's SCIM 2.0 service provider (RFC 7643,
// RFC 7644): identity providers (Microsoft Entra ID's provisioning service,
// Okta, any RFC client) push users and groups into the built-in directory
// through /scim/v2. It adapts github.com/elimity-com/scim to the domain's
// UserService and GroupService; the caller (the http package) has
// authenticated the provisioning token and put its actor in the context.
package scimserver

import (
	"errors"
	"net/http"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	"github.com/entitled-dev/entitled"
)

// Prefix is where the SCIM endpoint is served; its resources are under
// Prefix + "/v2".
const Prefix = "/scim"

// enterpriseSchema is the URN of RFC 7643's enterprise user extension.
const enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

func init() {
	// Entra ID sends booleans as strings ("False"): accept them.
	schema.SetAllowStringValues(true)
}

// New returns the SCIM endpoint over the directory's users and groups. It
// expects requests whose path starts with Prefix.
func New(users entitled.UserService, groups entitled.GroupService) (http.Handler, error) {
	if users == nil || groups == nil {
		return nil, errors.New("scimserver: New needs the user and group services")
	}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://github.com/entitled-dev/entitled/blob/main/docs/identity.md"),
			AuthenticationSchemes: []scim.AuthenticationScheme{{Type: scim.AuthenticationTypeOauthBearerToken,
				Name: "Bearer token", Description: "a provisioning token printed by `entitled scim token`", Primary: true}},
			MaxResults:       entitled.MaxPageSize,
			SupportFiltering: true,
			SupportPatch:     true,
		},
		ResourceTypes: []scim.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Description: optional.NewString("User Account"),
				Schema:           schema.CoreUserSchema(),
				SchemaExtensions: []scim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
				Handler:          &userHandler{users: users}},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Description: optional.NewString("Group"),
				Schema: schema.CoreGroupSchema(), Handler: &groupHandler{users: users, groups: groups}},
		},
	})
	if err != nil {
		return nil, err
	}
	return http.StripPrefix(Prefix, tolerant(srv)), nil
}

// scimError turns a domain error into the SCIM error of RFC 7644 §3.12,
// with the domain's message as its detail.
func scimError(err error) error {
	var e *entitled.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case entitled.KindNotFound:
		return scimerrors.ScimError{Status: http.StatusNotFound, Detail: e.Message}
	case entitled.KindConflict:
		return scimerrors.ScimError{Status: http.StatusConflict, ScimType: scimerrors.ScimTypeUniqueness, Detail: e.Message}
	case entitled.KindInvalid:
		return scimerrors.ScimError{Status: http.StatusBadRequest, ScimType: scimerrors.ScimTypeInvalidValue, Detail: e.Message}
	case entitled.KindForbidden:
		return scimerrors.ScimError{Status: http.StatusForbidden, Detail: e.Message}
	case entitled.KindUnauthorized:
		return scimerrors.ScimError{Status: http.StatusUnauthorized, Detail: e.Message}
	}
	return err
}

// badValue is a 400 invalidValue naming what is wrong.
func badValue(detail string) error {
	return scimerrors.ScimError{Status: http.StatusBadRequest, ScimType: scimerrors.ScimTypeInvalidValue, Detail: detail}
}

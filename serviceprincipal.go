package entitled

import (
	"context"
	"time"
)

// ServicePrincipal is an application of the identity provider that calls the
// API with its own access tokens (the client credentials grant, no user).
// It is a principal of the directory: role assignments name its ID as
// principalId, as for a user.
type ServicePrincipal struct {
	ID string
	// AppID is the application's client id at the identity provider.
	AppID           string
	DisplayName     string
	AccountEnabled  bool
	CreatedDateTime time.Time
}

// ServicePrincipalService registers the applications that may call the API.
type ServicePrincipalService interface {
	// CreateServicePrincipal registers an application by its appId
	// (OpManageUsers); 409 when it is registered already.
	CreateServicePrincipal(ctx context.Context, sp *ServicePrincipal) error
	// ServicePrincipal finds one by id or appId.
	ServicePrincipal(ctx context.Context, id string) (*ServicePrincipal, error)
	ServicePrincipals(ctx context.Context, opt ListOptions) (Page[ServicePrincipal], error)
	// DeleteServicePrincipal removes one with its role assignments
	// (OpManageUsers and MayChangeUser).
	DeleteServicePrincipal(ctx context.Context, id string) error
}

// ApplicationOf reports whether access-token claims are those of an
// application acting for itself (client credentials) and returns its client
// id. Providers say so differently: Entra ID with idtyp "app" (client id in
// appid or azp), Auth0 with gty "client-credentials", Okta and many others
// with sub equal to the client id, Keycloak with preferred_username
// "service-account-" + the client id.
func ApplicationOf(claims map[string]any) (appID string, ok bool) {
	str := func(k string) string { s, _ := claims[k].(string); return s }
	client := str("azp")
	if client == "" {
		client = str("client_id")
	}
	if client == "" {
		client = str("appid")
	}
	if client == "" {
		return "", false
	}
	sub := str("sub")
	switch {
	case str("idtyp") == "app",
		str("gty") == "client-credentials",
		sub == client,
		str("preferred_username") == "service-account-"+client:
		return client, true
	}
	return "", false
}

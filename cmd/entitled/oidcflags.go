package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/oidc"
	"github.com/entitled-dev/entitled/sqlstore"
	"github.com/entitled-dev/entitled/ui"
)

// addOIDCFlags adds serve's OpenID Connect flags. The client secret's flag
// has no default from the environment, so --help never prints it; the
// environment variable is read when the flag is not given.
func addOIDCFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("oidc-issuer", envOr("ENTITLED_OIDC_ISSUER", ""), "issuer URL of the OpenID provider people sign in with, such as https://login.microsoftonline.com/{tenant}/v2.0; empty: sign-in links only (env ENTITLED_OIDC_ISSUER)")
	f.String("oidc-client-id", envOr("ENTITLED_OIDC_CLIENT_ID", ""), "entitled's client id at the provider (env ENTITLED_OIDC_CLIENT_ID)")
	f.String("oidc-client-secret", "", "entitled's client secret at the provider; prefer the environment variable, which stays out of the process list (env ENTITLED_OIDC_CLIENT_SECRET)")
	f.String("oidc-provider-name", envOr("ENTITLED_OIDC_PROVIDER_NAME", ""), "name on the sign-in button, such as \"Microsoft\" or \"Okta\" (default: the issuer's host; env ENTITLED_OIDC_PROVIDER_NAME)")
	f.String("oidc-claims", envOr("ENTITLED_OIDC_CLAIMS", ""), "how people are matched to users: claim=attribute pairs in order, attributes mail, userPrincipalName or id (default email=mail,preferred_username=userPrincipalName; env ENTITLED_OIDC_CLAIMS)")
	f.Bool("oidc-create-users", envOr("ENTITLED_OIDC_CREATE_USERS", "") == "true", "create a user at first sign-in for a person no user matches, instead of refusing them (env ENTITLED_OIDC_CREATE_USERS=true)")
	f.String("oidc-audience", envOr("ENTITLED_OIDC_AUDIENCE", ""), "also accept the provider's JWT access tokens on the API when their aud contains this value, such as api://entitled (env ENTITLED_OIDC_AUDIENCE)")
}

// oidcSetup is what serve wires when a provider is configured.
type oidcSetup struct {
	provider *oidc.Provider
	options  entitled.SignInOptions
}

// oidcFromFlags reads the OpenID Connect flags and discovers the provider;
// nil without --oidc-issuer. base is the address people reach entitled at:
// the redirect URI is {base}/auth/callback.
func oidcFromFlags(ctx context.Context, cmd *cobra.Command, base string) (*oidcSetup, error) {
	f := cmd.Flags()
	issuer, _ := f.GetString("oidc-issuer")
	clientID, _ := f.GetString("oidc-client-id")
	secret, _ := f.GetString("oidc-client-secret")
	if secret == "" {
		secret = os.Getenv("ENTITLED_OIDC_CLIENT_SECRET")
	}
	name, _ := f.GetString("oidc-provider-name")
	claims, _ := f.GetString("oidc-claims")
	create, _ := f.GetBool("oidc-create-users")
	audience, _ := f.GetString("oidc-audience")
	issuer = strings.TrimSpace(issuer)
	if issuer == "" {
		if clientID != "" || audience != "" {
			return nil, errors.New("--oidc-client-id and --oidc-audience need --oidc-issuer")
		}
		return nil, nil
	}
	if clientID == "" || secret == "" {
		return nil, errors.New("--oidc-issuer needs --oidc-client-id and a client secret (ENTITLED_OIDC_CLIENT_SECRET or --oidc-client-secret)")
	}
	matches, err := entitled.ParseClaimMatches(claims)
	if err != nil {
		return nil, fmt.Errorf("--oidc-claims: %s", entitled.AsError(err).Message)
	}
	cfg := oidc.Config{Issuer: issuer, ClientID: clientID, ClientSecret: secret, RedirectURL: base + "/auth/callback",
		Name: name, Audience: audience}
	p, err := oidc.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	slog.Info("sign-in with OpenID Connect", "provider", cfg, "name", p.Name(), "createUsers", create, "claims", claims)
	return &oidcSetup{provider: p, options: entitled.SignInOptions{Matches: matches, CreateUsers: create, Provider: p.Name()}}, nil
}

// apply wires the provider into the API (access tokens, when an audience
// is set) and the web UI (sign-in).
func (o *oidcSetup) apply(api *http.Config, web *ui.Config, services *sqlstore.Services, base string) {
	if o == nil {
		return
	}
	if o.provider.AcceptsAccessTokens() {
		api.AccessTokens = &oidc.Authenticator{Provider: o.provider, Directory: services.Tokens, Options: o.options}
	}
	web.OIDC = &ui.OIDCConfig{Provider: o.provider, Users: services.Sessions, Options: o.options, PostLogoutURL: base + "/login"}
}

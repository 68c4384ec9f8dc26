package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// servicePrincipalWire is Graph's servicePrincipal (the properties entitled
// keeps).
type servicePrincipalWire struct {
	ID              string  `json:"id"`
	AppID           string  `json:"appId"`
	DisplayName     string  `json:"displayName"`
	AccountEnabled  bool    `json:"accountEnabled"`
	CreatedDateTime *string `json:"createdDateTime,omitempty"`
}

func toServicePrincipal(sp entitled.ServicePrincipal) servicePrincipalWire {
	return servicePrincipalWire{ID: sp.ID, AppID: sp.AppID, DisplayName: sp.DisplayName, AccountEnabled: sp.AccountEnabled,
		CreatedDateTime: fmtTime(sp.CreatedDateTime)}
}

func servicePrincipalConv(sp entitled.ServicePrincipal) (any, error) {
	return toServicePrincipal(sp), nil
}

// servicePrincipalInput is the body of POST /v1.0/servicePrincipals.
type servicePrincipalInput struct {
	AppID       *string `json:"appId"`
	DisplayName *string `json:"displayName"`
}

// registerServicePrincipals installs /v1.0/servicePrincipals: the
// applications whose own access tokens (client credentials) the API
// accepts; role assignments name a service principal's id as principalId.
func (s *Server) registerServicePrincipals() {
	rt := s.routes
	missing := func() error {
		if s.svc.ServicePrincipals == nil {
			return entitled.Errorf(entitled.KindUnavailable, entitled.CodeUnavailable, "service principals are not available").WithKey("err.service.noServicePrincipals")
		}
		return nil
	}
	rt.handle("POST", "/v1.0/servicePrincipals", optional(missing, func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in servicePrincipalInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		sp := &entitled.ServicePrincipal{AppID: str(in.AppID), DisplayName: str(in.DisplayName)}
		if err := s.svc.ServicePrincipals.CreateServicePrincipal(r.Context(), sp); err != nil {
			return err
		}
		return s.created(w, r, "servicePrincipals", sp.ID, toServicePrincipal(*sp))
	}))
	rt.handle("GET", "/v1.0/servicePrincipals", optional(missing, getPage(s, "servicePrincipals", func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.ServicePrincipal], error) {
		return s.svc.ServicePrincipals.ServicePrincipals(ctx, opt)
	}, servicePrincipalConv)))
	rt.handle("GET", "/v1.0/servicePrincipals/{id}", optional(missing, func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		sp, err := s.svc.ServicePrincipals.ServicePrincipal(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, "servicePrincipals", toServicePrincipal(*sp), q.Select)
	}))
	rt.handle("DELETE", "/v1.0/servicePrincipals/{id}", optional(missing, func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.ServicePrincipals.DeleteServicePrincipal(r.Context(), p["id"]); err != nil {
			return err
		}
		return noContent(w)
	}))
}

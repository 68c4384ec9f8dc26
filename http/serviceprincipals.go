package http

import (
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
	svc := func() (entitled.ServicePrincipalService, error) {
		if s.svc.ServicePrincipals == nil {
			return nil, entitled.Errorf(entitled.KindUnavailable, entitled.CodeUnavailable, "service principals are not available").WithKey("err.service.noServicePrincipals")
		}
		return s.svc.ServicePrincipals, nil
	}
	rt.handle("POST", "/v1.0/servicePrincipals", func(w http.ResponseWriter, r *http.Request, _ params) error {
		sps, err := svc()
		if err != nil {
			return err
		}
		var in servicePrincipalInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		sp := &entitled.ServicePrincipal{AppID: str(in.AppID), DisplayName: str(in.DisplayName)}
		if err := sps.CreateServicePrincipal(r.Context(), sp); err != nil {
			return err
		}
		return s.created(w, r, "servicePrincipals", sp.ID, toServicePrincipal(*sp))
	})
	rt.handle("GET", "/v1.0/servicePrincipals", func(w http.ResponseWriter, r *http.Request, _ params) error {
		sps, err := svc()
		if err != nil {
			return err
		}
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		p, err := sps.ServicePrincipals(r.Context(), q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, "servicePrincipals", p, q.Select, servicePrincipalConv)
	})
	rt.handle("GET", "/v1.0/servicePrincipals/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		sps, err := svc()
		if err != nil {
			return err
		}
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		sp, err := sps.ServicePrincipal(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, "servicePrincipals", toServicePrincipal(*sp), q.Select)
	})
	rt.handle("DELETE", "/v1.0/servicePrincipals/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		sps, err := svc()
		if err != nil {
			return err
		}
		if err := sps.DeleteServicePrincipal(r.Context(), p["id"]); err != nil {
			return err
		}
		return noContent(w)
	})
}

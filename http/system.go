package http

import (
	"errors"
	"net/http"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// apiBase is the root of entitled's own API.
const apiBase = "/api/v1"

type retryWire struct {
	MaxAttempts    int     `json:"maxAttempts"`
	InitialBackoff *string `json:"initialBackoff"`
	MaxBackoff     *string `json:"maxBackoff"`
}

type retryInput struct {
	MaxAttempts    *int    `json:"maxAttempts"`
	InitialBackoff *string `json:"initialBackoff"`
	MaxBackoff     *string `json:"maxBackoff"`
}

// systemWire is a connected system; secrets are redacted by the service.
type systemWire struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Kind    string         `json:"kind"`
	Config  map[string]any `json:"config"`
	Retry   retryWire      `json:"retry"`
	BuiltIn bool           `json:"builtIn"`
	// DelegatedCatalogIDs lists the catalogs whose owners may add this
	// system's resources.
	DelegatedCatalogIDs []string `json:"delegatedCatalogIds"`
	// HealthPolicy says when entitled suspends the system; Health is its
	// current health (systemhealth.go).
	HealthPolicy     healthPolicyWire `json:"healthPolicy"`
	Health           *healthWire      `json:"health"`
	CreatedDateTime  *string          `json:"createdDateTime"`
	ModifiedDateTime *string          `json:"modifiedDateTime"`
}

func toSystem(cs entitled.ConnectedSystem) systemWire {
	cfg := cs.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	iso := func(d time.Duration) *string { v := entitled.FormatISODuration(d); return &v }
	delegated := cs.DelegatedCatalogIDs
	if delegated == nil {
		delegated = []string{}
	}
	return systemWire{ID: cs.ID, Name: cs.Name, Kind: cs.Kind, Config: cfg, BuiltIn: cs.BuiltIn, DelegatedCatalogIDs: delegated,
		Retry:        retryWire{MaxAttempts: cs.Retry.MaxAttempts, InitialBackoff: iso(cs.Retry.InitialBackoff), MaxBackoff: iso(cs.Retry.MaxBackoff)},
		HealthPolicy: toHealthPolicy(cs.HealthPolicy), Health: toHealth(cs.Health),
		CreatedDateTime: fmtTime(cs.CreatedDateTime), ModifiedDateTime: fmtTime(cs.ModifiedDateTime)}
}

type systemInput struct {
	Name   *string        `json:"name"`
	Kind   string         `json:"kind"`
	Config map[string]any `json:"config"`
	Retry  *retryInput    `json:"retry"`
	// DelegatedCatalogIDs, when sent, replaces the catalogs the system is
	// delegated to.
	DelegatedCatalogIDs *[]string `json:"delegatedCatalogIds"`
	// HealthPolicy, when sent, is merged over the system's policy.
	HealthPolicy *healthPolicyInput `json:"healthPolicy"`
}

// retry merges the input over base.
func (in *retryInput) apply(base entitled.RetryPolicy) (entitled.RetryPolicy, error) {
	if in.MaxAttempts != nil {
		base.MaxAttempts = *in.MaxAttempts
	}
	if err := mergeDuration(&base.InitialBackoff, in.InitialBackoff, "retry.initialBackoff"); err != nil {
		return base, err
	}
	return base, mergeDuration(&base.MaxBackoff, in.MaxBackoff, "retry.maxBackoff")
}

func (s *Server) registerSystems() {
	rt := s.routes
	base := apiBase + "/systems"
	rt.handle("POST", base, func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in systemInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		cs := &entitled.ConnectedSystem{Name: str(in.Name), Kind: in.Kind, Config: in.Config, Retry: entitled.DefaultRetryPolicy}
		if in.DelegatedCatalogIDs != nil {
			cs.DelegatedCatalogIDs = *in.DelegatedCatalogIDs
		}
		if in.Retry != nil {
			var err error
			if cs.Retry, err = in.Retry.apply(cs.Retry); err != nil {
				return err
			}
		}
		cs.HealthPolicy = entitled.DefaultHealthPolicy
		if in.HealthPolicy != nil {
			var err error
			if cs.HealthPolicy, err = in.HealthPolicy.apply(cs.HealthPolicy); err != nil {
				return err
			}
		}
		if err := s.svc.Systems.CreateSystem(r.Context(), cs); err != nil {
			return err
		}
		// Read back so that secrets are redacted.
		out, err := s.svc.Systems.System(r.Context(), cs.ID)
		if err != nil {
			return err
		}
		return s.created(w, r, "", out.ID, toSystem(*out))
	})
	rt.handle("GET", base, getPage(s, "", s.svc.Systems.Systems, func(cs entitled.ConnectedSystem) (any, error) { return toSystem(cs), nil }))
	rt.handle("GET", base+"/{id}", getByID(s, "", s.svc.Systems.System, toSystem))
	rt.handle("PATCH", base+"/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		var in systemInput
		if err := s.decode(r, &in); err != nil {
			return err
		}
		upd := entitled.SystemUpdate{Name: in.Name, Kind: in.Kind, Config: in.Config, DelegatedCatalogIDs: in.DelegatedCatalogIDs}
		if in.Retry != nil || in.HealthPolicy != nil {
			cur, err := s.svc.Systems.System(r.Context(), p["id"])
			if err != nil {
				return err
			}
			if in.Retry != nil {
				rp, err := in.Retry.apply(cur.Retry)
				if err != nil {
					return err
				}
				upd.Retry = &rp
			}
			if in.HealthPolicy != nil {
				hp, err := in.HealthPolicy.apply(cur.HealthPolicy)
				if err != nil {
					return err
				}
				upd.HealthPolicy = &hp
			}
		}
		cs, err := s.svc.Systems.UpdateSystem(r.Context(), p["id"], upd)
		if err != nil {
			return err
		}
		return s.entity(w, r, 200, "", toSystem(*cs), nil)
	})
	rt.handle("DELETE", base+"/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.Systems.DeleteSystem(r.Context(), p["id"]); err != nil {
			return err
		}
		return noContent(w)
	})
	rt.handle("GET", base+"/{id}/resources", func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := s.svc.Systems.SystemResources(r.Context(), p["id"], r.URL.Query().Get("search"), q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, "", pg, q.Select, func(ri entitled.ResourceInfo) (any, error) { return toResourceInfo(ri), nil })
	})
	s.registerSystemHealth(base)
	s.registerDrift(base)
	rt.handle("POST", base+"/{id}/check", func(w http.ResponseWriter, r *http.Request, p params) error {
		err := s.svc.Systems.CheckSystem(r.Context(), p["id"])
		var de *entitled.DeliveryError
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
			return nil
		case errors.As(err, &de):
			writeJSON(w, http.StatusOK, map[string]any{"status": "failed",
				"error": map[string]any{"class": string(de.Class), "message": de.Message}})
			return nil
		}
		return err
	})
}

// resourceInfoWire is a resource found in a connected system.
type resourceInfoWire struct {
	OriginID    string         `json:"originId"`
	DisplayName string         `json:"displayName"`
	Description string         `json:"description"`
	Roles       []roleInfoWire `json:"roles"`
}

type roleInfoWire struct {
	OriginID    string `json:"originId"`
	DisplayName string `json:"displayName"`
}

func toResourceInfo(ri entitled.ResourceInfo) resourceInfoWire {
	out := resourceInfoWire{OriginID: ri.OriginID, DisplayName: ri.DisplayName, Description: ri.Description, Roles: []roleInfoWire{}}
	for _, r := range ri.Roles {
		out.Roles = append(out.Roles, roleInfoWire{OriginID: r.OriginID, DisplayName: r.DisplayName})
	}
	return out
}

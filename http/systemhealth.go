package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
)

// healthWire is a connected system's health (GET /api/v1/systems).
type healthWire struct {
	State             string  `json:"state"`
	Since             *string `json:"since"`
	Reason            string  `json:"reason"`
	ConsecutiveFails  int     `json:"consecutiveFailures"`
	LastError         string  `json:"lastError"`
	LastProbeDateTime *string `json:"lastProbeDateTime"`
	NextProbeDateTime *string `json:"nextProbeDateTime"`
	PausedBy          string  `json:"pausedBy"`
	WaitingDeliveries int     `json:"waitingDeliveries"`
}

func toHealth(h *entitled.SystemHealth) *healthWire {
	if h == nil {
		return nil
	}
	return &healthWire{State: string(h.State), Since: fmtTime(h.Since), Reason: h.Reason, ConsecutiveFails: h.Failures,
		LastError: h.LastError, LastProbeDateTime: fmtTimePtr(h.LastProbe), NextProbeDateTime: fmtTimePtr(h.NextProbe),
		PausedBy: h.PausedBy, WaitingDeliveries: h.WaitingDeliveries}
}

// healthPolicyWire is a system's health policy.
type healthPolicyWire struct {
	SuspendAfter      int     `json:"suspendAfter"`
	MaxProbeInterval  *string `json:"maxProbeInterval"`
	RetryFailedWithin *string `json:"retryFailedWithin"`
}

func toHealthPolicy(p entitled.HealthPolicy) healthPolicyWire {
	iso := func(v string) *string { return &v }
	return healthPolicyWire{SuspendAfter: p.SuspendAfter, MaxProbeInterval: iso(entitled.FormatISODuration(p.MaxProbeInterval)),
		RetryFailedWithin: iso(entitled.FormatISODuration(p.RetryFailedWithin))}
}

// healthPolicyInput is a health policy as sent; what is not sent is kept.
type healthPolicyInput struct {
	SuspendAfter      *int    `json:"suspendAfter"`
	MaxProbeInterval  *string `json:"maxProbeInterval"`
	RetryFailedWithin *string `json:"retryFailedWithin"`
}

// apply merges the input over base; the store validates the result.
func (in *healthPolicyInput) apply(base entitled.HealthPolicy) (entitled.HealthPolicy, error) {
	if in.SuspendAfter != nil {
		base.SuspendAfter = *in.SuspendAfter
	}
	if err := mergeDuration(&base.MaxProbeInterval, in.MaxProbeInterval, "healthPolicy.maxProbeInterval"); err != nil {
		return base, err
	}
	return base, mergeDuration(&base.RetryFailedWithin, in.RetryFailedWithin, "healthPolicy.retryFailedWithin")
}

// registerSystemHealth serves POST /api/v1/systems/{id}/pause and /resume.
func (s *Server) registerSystemHealth(base string) {
	for _, action := range []struct {
		path string
		fn   func(*Server, *http.Request, string) (*entitled.ConnectedSystem, error)
	}{
		{"/pause", func(s *Server, r *http.Request, id string) (*entitled.ConnectedSystem, error) {
			return s.svc.Systems.PauseSystem(r.Context(), id)
		}},
		{"/resume", func(s *Server, r *http.Request, id string) (*entitled.ConnectedSystem, error) {
			return s.svc.Systems.ResumeSystem(r.Context(), id)
		}},
	} {
		s.routes.handle("POST", base+"/{id}"+action.path, func(w http.ResponseWriter, r *http.Request, p params) error {
			cs, err := action.fn(s, r, p["id"])
			if err != nil {
				return err
			}
			return s.entity(w, r, http.StatusOK, "", toSystem(*cs), nil)
		})
	}
}

// systemStateWire is a system that is not active, as /healthz names it:
// its name, state and since when — not the reason, which may hold details
// of the target, for /healthz needs no token.
type systemStateWire struct {
	Name  string  `json:"name"`
	State string  `json:"state"`
	Since *string `json:"since"`
}

// notActiveSystems lists the systems not active for /healthz; a failure to
// read them is logged and leaves the list empty.
func (s *Server) notActiveSystems(r *http.Request) []systemStateWire {
	out := []systemStateWire{}
	recs, err := s.cfg.SystemHealth(r.Context())
	if err != nil {
		s.log.WarnContext(r.Context(), "health: cannot read the health of connected systems", "error", err.Error())
		return out
	}
	for _, rec := range recs {
		if rec.Health.State != entitled.HealthActive {
			out = append(out, systemStateWire{Name: rec.Name, State: string(rec.Health.State), Since: fmtTime(rec.Health.Since)})
		}
	}
	return out
}

// Package http serves entitled's HTTP API: the Microsoft Graph
// entitlement-management subset under /v1.0, entitled's own API under
// /api/v1, /healthz and /metrics. It authenticates callers and translates
// between the wire and the domain services; the services authorize.
package http

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/logattr"
)

// DeliveryLister lists the deliveries of an assignment request, oldest first.
// entitled.RequestService satisfies it.
type DeliveryLister interface {
	Deliveries(ctx context.Context, requestID string) ([]entitled.Delivery, error)
}

// Config configures a Server.
type Config struct {
	// Services are the domain services every route calls.
	Services entitled.Services
	// Deliveries lists deliveries for /api/v1/assignmentRequests/{id}/deliveries;
	// nil uses Services.Requests.
	Deliveries DeliveryLister
	// Logger receives one structured line per request and internal errors;
	// nil uses slog.Default.
	Logger *slog.Logger
	// Metrics is mounted at /metrics when non-nil.
	Metrics http.Handler
	// Health is called by /healthz: nil error → 200 {"status":"ok"}, else 503.
	Health func(ctx context.Context) error
	// SystemHealth, when set, lists the connected systems' health for
	// /healthz, which names those not active (a target that is down does
	// not make entitled unhealthy: the answer stays 200).
	SystemHealth func(ctx context.Context) ([]entitled.SystemHealthRecord, error)
	// MaxBodyBytes bounds request bodies (after gzip decompression too);
	// 0 means 1 MiB. Larger bodies get 413.
	MaxBodyBytes int64
	// MaxBatchResponseBytes bounds the response bodies of one $batch
	// together; 0 means DefaultMaxBatchResponseBytes.
	MaxBatchResponseBytes int
	// BaseURL (scheme://host, no trailing slash) is used in @odata.context,
	// @odata.nextLink and Location. Empty derives it from each request's Host
	// and X-Forwarded-Proto, which clients control: entitled serve always
	// sets it (--base-url, or the listen address).
	BaseURL string
	// AccessTokens, when set, authenticates bearer tokens that look like a
	// JWT (an identity provider's access tokens, serve --oidc-audience);
	// entitled's own tokens are authenticated by Services.Tokens as always.
	AccessTokens AccessTokenAuthenticator
	// SCIM, when set, serves the SCIM endpoint under /scim/ (scimserver)
	// to provisioning tokens only (serveSCIM).
	SCIM http.Handler
}

// DefaultMaxBodyBytes is the request body limit when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Server is the HTTP API; it implements http.Handler.
type Server struct {
	cfg        Config
	svc        entitled.Services
	deliveries DeliveryLister
	log        *slog.Logger
	routes     *router
}

// NewServer returns the API server for cfg.
func NewServer(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBatchResponseBytes <= 0 {
		cfg.MaxBatchResponseBytes = DefaultMaxBatchResponseBytes
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{cfg: cfg, svc: cfg.Services, deliveries: cfg.Deliveries, log: cfg.Logger, routes: &router{}}
	if s.deliveries == nil && cfg.Services.Requests != nil {
		s.deliveries = cfg.Services.Requests
	}
	s.register()
	return s
}

type logStateKey struct{}

// logState collects what the request log line reports beyond the basics.
type logState struct{ userID string }

// statusWriter records the status written, for the log line and for panics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP assigns the request id, recovers panics, logs, limits the body,
// authenticates and routes.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get("request-id")
	if id == "" {
		id = r.Header.Get("client-request-id")
	}
	if id == "" || len(id) > 200 {
		id = uuid.NewString()
	}
	rw.Header().Set("request-id", id)
	if c := r.Header.Get("client-request-id"); c != "" {
		rw.Header().Set("client-request-id", c)
	}
	st := &logState{}
	ctx := entitled.WithRequestID(r.Context(), id)
	ctx = context.WithValue(ctx, logStateKey{}, st)
	ctx = withExpansions(ctx)
	r = r.WithContext(ctx)
	w := &statusWriter{ResponseWriter: rw}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			if w.status == 0 {
				writeError(w, r, err, s.log)
			} else {
				s.log.ErrorContext(ctx, "panic after response started", "error", err.Error(), "request_id", id)
			}
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "http request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", w.status),
			logattr.Duration(time.Since(start)), slog.String("request_id", id), slog.String("user_id", st.userID))
	}()
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	}
	s.serve(w, r)
}

// serve handles the root endpoints and authenticates the API routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		s.health(w, r)
		return
	case metadataPath: // anonymous, like Graph's
		s.metadata(w, r)
		return
	case "/metrics":
		if s.cfg.Metrics != nil {
			s.cfg.Metrics.ServeHTTP(w, r)
			return
		}
	}
	if s.cfg.SCIM != nil && isSCIMPath(r.URL.Path) {
		s.serveSCIM(w, r)
		return
	}
	if !underAPIPrefix(r.URL.Path) {
		_, _, err := s.routes.lookup(r.Method, r.URL.Path)
		writeError(w, r, err, s.log)
		return
	}
	actor, tok, err := s.authenticate(r)
	if err == nil && !entitled.ScopeAllowsRoute(actor.Scope, false) {
		err = errScopedToken()
	}
	if err != nil {
		writeError(w, r, err, s.log)
		return
	}
	if st, ok := r.Context().Value(logStateKey{}).(*logState); ok {
		st.userID = actor.User.ID
	}
	r = r.WithContext(entitled.WithToken(entitled.NewContext(r.Context(), actor), tok))
	if r.ContentLength > s.cfg.MaxBodyBytes {
		writeError(w, r, s.tooLarge(), s.log)
		return
	}
	s.dispatch(w, r)
}

// dispatch routes an authenticated request.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if isCountPath(r.URL.Path) {
		if err := s.count(w, r); err != nil {
			writeError(w, r, err, s.log)
		}
		return
	}
	h, p, err := s.routes.lookup(r.Method, r.URL.Path)
	if err == nil {
		err = h(w, r, p)
	}
	if err != nil {
		writeError(w, r, err, s.log)
	}
}

// authenticate returns the caller and the token they sent; the token goes
// into the request context, so tokens minted with it are bounded by it.
func (s *Server) authenticate(r *http.Request) (*entitled.Actor, *entitled.Token, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, _ := strings.Cut(h, " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, nil, entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized,
			"send a bearer token in the Authorization header: Authorization: Bearer <token>").WithKey("api.noToken")
	}
	if s.cfg.AccessTokens != nil && looksLikeJWT(secret) {
		a, err := s.cfg.AccessTokens.AuthenticateAccessToken(r.Context(), secret)
		return a, nil, err
	}
	if s.svc.Tokens == nil {
		return nil, nil, entitled.Errorf(entitled.KindUnavailable, entitled.CodeUnavailable, "authentication is not configured").WithKey("api.noAuth")
	}
	return s.svc.Tokens.AuthenticateToken(r.Context(), secret)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Health != nil {
		if err := s.cfg.Health(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "health check failed", "error", err.Error())
			writeError(w, r, entitled.Errorf(entitled.KindUnavailable, entitled.CodeUnavailable,
				"the service is not healthy; the server log says why").WithKey("api.unhealthy"), s.log)
			return
		}
	}
	out := map[string]any{"status": "ok"}
	if s.cfg.SystemHealth != nil {
		out["systems"] = s.notActiveSystems(r)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) tooLarge() error {
	return entitled.Errorf(entitled.KindTooLarge, entitled.CodeTooLarge,
		"the request body is larger than %d bytes", s.cfg.MaxBodyBytes).WithKey("api.tooLarge", "Max", s.cfg.MaxBodyBytes)
}

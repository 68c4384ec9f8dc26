package http

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// errorBody is Graph's error envelope.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code       string     `json:"code"`
	Message    string     `json:"message"`
	Target     *string    `json:"target"`
	Details    []any      `json:"details"`
	InnerError innerError `json:"innerError"`
}

type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// retryAfterSeconds is the Retry-After sent with 429 and 503 answers.
const retryAfterSeconds = "5"

// WriteError writes err as a Graph error envelope with its HTTP status: an
// *entitled.Error maps through Kind.HTTPStatus with its Code, Message and
// Target; any other error is a 500 InternalServerError with a generic
// message (the detail is logged with slog.Default, never sent). The request
// id comes from the request's context (entitled.RequestIDFrom) or the
// response's request-id header.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, err, slog.Default())
}

func writeError(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	status, d := describe(err, i18n.For(r.Header.Get("Accept-Language")))
	if status >= 500 && entitled.ErrorKind(err) == entitled.KindInternal {
		log.ErrorContext(r.Context(), "internal error", "error", err.Error(),
			"method", r.Method, "path", r.URL.Path, "request_id", requestIDOf(w, r))
	}
	d.InnerError = innerError{
		Date:            time.Now().UTC().Format(time.RFC3339),
		RequestID:       requestIDOf(w, r),
		ClientRequestID: r.Header.Get("client-request-id"),
	}
	if d.InnerError.ClientRequestID == "" {
		d.InnerError.ClientRequestID = d.InnerError.RequestID
	}
	h := w.Header()
	h.Del("Content-Encoding")
	h.Del("Location")
	h.Set("Content-Type", "application/json")
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", retryAfterSeconds)
		}
	}
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", wwwAuthenticate(r))
	}
	var mna *methodNotAllowed
	if errors.As(err, &mna) {
		h.Set("Allow", strings.Join(mna.allowed, ", "))
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: d})
}

// describe maps an error to its status and envelope (without innerError).
// The message is in loc's language when the error names a catalogue
// message (entitled.Error.MessageKey), as written otherwise; codes and
// targets never change.
func describe(err error, loc *i18n.Localizer) (int, errorDetail) {
	var mna *methodNotAllowed
	if errors.As(err, &mna) {
		return http.StatusMethodNotAllowed, errorDetail{Code: "MethodNotAllowed", Details: []any{},
			Message: loc.T("api.methodNotAllowed", i18n.V("Method", mna.method), i18n.V("Allowed", strings.Join(mna.allowed, ", ")))}
	}
	e := entitled.AsError(err)
	d := errorDetail{Code: e.Code, Message: loc.TOr(e.Message, e.MessageKey, i18n.Map(e.KeyArgs())...), Details: []any{}}
	d.Target = orNull(e.Target)
	if d.Code == "" {
		d.Code = entitled.CodeInternal
	}
	return e.Kind.HTTPStatus(), d
}

func requestIDOf(w http.ResponseWriter, r *http.Request) string {
	if id := entitled.RequestIDFrom(r.Context()); id != "" {
		return id
	}
	return w.Header().Get("request-id")
}

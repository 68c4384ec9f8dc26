package entitled

import (
	"errors"
	"fmt"
)

// Kind classifies an application error; each kind maps to one HTTP status.
type Kind int

// The kinds of application error.
const (
	KindInternal         Kind = iota // 500: a bug or an unexpected failure
	KindInvalid                      // 400: malformed or ineligible input
	KindUnauthorized                 // 401: no or bad credentials
	KindForbidden                    // 403: the caller's roles do not allow it
	KindNotFound                     // 404: unknown id
	KindConflict                     // 409: the state changed or a duplicate exists
	KindTooLarge                     // 413: request body too large
	KindUnavailable                  // 503: temporarily unable to serve
	KindFailedDependency             // 424: a batch request whose dependsOn failed, not run
)

// HTTPStatus is the HTTP status code for the kind.
func (k Kind) HTTPStatus() int {
	switch k {
	case KindInvalid:
		return 400
	case KindUnauthorized:
		return 401
	case KindForbidden:
		return 403
	case KindNotFound:
		return 404
	case KindConflict:
		return 409
	case KindTooLarge:
		return 413
	case KindUnavailable:
		return 503
	case KindFailedDependency:
		return 424
	}
	return 500
}

// Error is the one application error type. Code is Graph's error code string
// (for example "BadRequest", "ResourceNotFound", "RequestNotReprocessable"),
// Message is a sentence for a human, Target optionally names the offending
// property or id.
//
// MessageKey, when set, names the message of the i18n catalogue that says
// Message in other languages, with MessageArgs filling its placeholders;
// the API and the web UI show it in the reader's language. Message stays
// the English text (logs, Error()).
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Target     string
	MessageKey string
	// MessageArgs is a pointer so that Error stays comparable.
	MessageArgs *Args
}

// Args are the named placeholders of a catalogue message.
type Args map[string]any

// KeyArgs are e's MessageArgs, nil when none.
func (e *Error) KeyArgs() map[string]any {
	if e.MessageArgs == nil {
		return nil
	}
	return *e.MessageArgs
}

// WithKey sets the catalogue key of e's message and its placeholders as
// name/value pairs ("Name", x, …), and returns e.
func (e *Error) WithKey(key string, pairs ...any) *Error {
	e.MessageKey = key
	if len(pairs) > 1 {
		a := make(Args, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			if name, ok := pairs[i].(string); ok {
				a[name] = pairs[i+1]
			}
		}
		e.MessageArgs = &a
	}
	return e
}

func (e *Error) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Target)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error of the given kind and Graph code. An error a
// person may read names its catalogue message: chain
// .WithKey("err.area.name", "Name", value, …) with the placeholders of
// the English sentence, and add the key to i18n/locales/en.toml and
// fr.toml (TestErrorsHaveMessageKeys fails otherwise). The same holds for
// Invalidf, NotFoundf, Forbiddenf, Conflictf and Error literals.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Default Graph codes per kind, used by the helpers below.
const (
	CodeBadRequest            = "BadRequest"
	CodeUnauthorized          = "InvalidAuthenticationToken"
	CodeForbidden             = "Authorization_RequestDenied"
	CodeNotFound              = "ResourceNotFound"
	CodeConflict              = "Conflict"
	CodeTooLarge              = "RequestEntityTooLarge"
	CodeInternal              = "InternalServerError"
	CodeUnavailable           = "ServiceUnavailable"
	CodeNotReprocessable      = "RequestNotReprocessable"
	CodeReprocessWindowPassed = "ReprocessWindowPassed"
	CodeNotCancelable         = "RequestNotCancelable"
	CodeExistingAssignment    = "ExistingOpenRequestOrAssignment"
	CodeAlreadyDecided        = "ApprovalStageAlreadyDecided"
)

// Invalidf is a 400 BadRequest error.
func Invalidf(format string, args ...any) *Error {
	return Errorf(KindInvalid, CodeBadRequest, format, args...)
}

// NotFoundf is a 404 ResourceNotFound error.
func NotFoundf(format string, args ...any) *Error {
	return Errorf(KindNotFound, CodeNotFound, format, args...)
}

// Forbiddenf is a 403 error.
func Forbiddenf(format string, args ...any) *Error {
	return Errorf(KindForbidden, CodeForbidden, format, args...)
}

// Conflictf is a 409 error.
func Conflictf(format string, args ...any) *Error {
	return Errorf(KindConflict, CodeConflict, format, args...)
}

// ErrorKind returns the kind of err, KindInternal for errors that are not *Error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as *Error; other errors become a KindInternal error
// whose message hides the internal detail.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInternal, Code: CodeInternal, Message: "an internal error occurred", MessageKey: "error.internal"}
}

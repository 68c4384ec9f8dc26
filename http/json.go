package http

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
)

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// emptyBodyMessage is the message of the 400 for a missing body.
const emptyBodyMessage = "the request body is empty; send a JSON object"

// errBodyTooLarge marks a decompressed body over the limit.
var errBodyTooLarge = errors.New("body too large")

type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// decode reads the JSON body into v, accepting gzip. Unknown properties
// are ignored; malformed JSON and wrong types are 400 errors, oversized
// bodies 413.
func (s *Server) decode(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return entitled.Invalidf(emptyBodyMessage).WithKey("api.emptyBody")
	}
	var body io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return s.tooLarge()
			}
			return entitled.Invalidf("the request body is not valid gzip: %v", err).WithKey("api.badGzip", "Problem", err.Error())
		}
		defer zr.Close()
		body = zr
	default:
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "Content-Encoding",
			Message: fmt.Sprintf("Content-Encoding %q is not supported; send identity or gzip", enc)}).WithKey("api.badEncoding", "Encoding", enc)
	}
	dec := json.NewDecoder(&limitedReader{r: body, n: s.cfg.MaxBodyBytes})
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return s.decodeError(err)
	}
	if string(raw) == "null" {
		return entitled.Invalidf("the request body must be a JSON object, not null").WithKey("api.nullBody")
	}
	if err := dec.Decode(new(json.RawMessage)); !errors.Is(err, io.EOF) {
		if err != nil {
			if e := s.decodeError(err); entitled.ErrorKind(e) == entitled.KindTooLarge {
				return e
			}
		}
		return entitled.Invalidf("malformed JSON: the body holds more than one JSON value; send a single JSON object").WithKey("api.twoValues")
	}
	if err := checkJSONShape(raw); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return s.decodeError(err)
	}
	return nil
}

func (s *Server) decodeError(err error) error {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe), errors.Is(err, errBodyTooLarge):
		return s.tooLarge()
	case errors.Is(err, io.EOF):
		return entitled.Invalidf(emptyBodyMessage).WithKey("api.emptyBody")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return entitled.Invalidf("malformed JSON: the body ends before the JSON value is complete").WithKey("api.truncatedJSON")
	case errors.As(err, &syn):
		return entitled.Invalidf("malformed JSON at byte offset %d: %v", syn.Offset, err).WithKey("api.malformedJSON", "Offset", syn.Offset, "Problem", err.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return entitled.Invalidf("the request body must be a JSON object, not a JSON %s", typ.Value).WithKey("api.notObject", "Type", typ.Value)
		}
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: field,
			Message: fmt.Sprintf("property %q must be %s, not a JSON %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)}).WithKey("api.wrongType", "Property", field, "Want", jsonKind(typ.Type.Kind().String()), "Got", typ.Value)
	}
	var ie *entitled.Error
	if errors.As(err, &ie) {
		return ie
	}
	if strings.Contains(err.Error(), "gzip") || strings.Contains(err.Error(), "flate") {
		return entitled.Invalidf("the request body is not valid gzip: %v", err).WithKey("api.badGzip", "Problem", err)
	}
	return entitled.Invalidf("the request body could not be read: %v", err).WithKey("api.unreadableBody", "Problem", err.Error())
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "float64", "float32", "uint", "uint64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "of another type"
}

// baseURL is the scheme and host the client used (or Config.BaseURL).
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// contextURL is the @odata.context of a set, e.g. "users" or
// "identityGovernance/entitlementManagement/accessPackages".
func (s *Server) contextURL(r *http.Request, set string) string {
	return s.baseURL(r) + "/v1.0/$metadata#" + set
}

// shape marshals v to a JSON object and keeps only the selected keys (id
// always), so that context annotations can be added.
func shape(v any, sel []string) (map[string]json.RawMessage, error) {
	if err := checkSelect(v, sel); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return m, nil
	}
	out := make(map[string]json.RawMessage, len(sel)+1)
	for k, val := range m {
		if k == "id" || strings.HasPrefix(k, "@odata.") {
			out[k] = val
			continue
		}
		for _, s := range sel {
			if strings.EqualFold(s, k) {
				out[k] = val
			}
		}
	}
	return out, nil
}

// entity writes one entity with its @odata.context.
func (s *Server) entity(w http.ResponseWriter, r *http.Request, status int, set string, v any, sel []string) error {
	m, err := shape(v, sel)
	if err != nil {
		return err
	}
	if strings.HasPrefix(r.URL.Path, "/v1.0/") {
		ctx, _ := json.Marshal(s.contextURL(r, set) + "/$entity")
		m["@odata.context"] = ctx
	}
	writeJSON(w, status, m)
	return nil
}

// created writes a 201 with the entity and a Location header.
func (s *Server) created(w http.ResponseWriter, r *http.Request, set, id string, v any) error {
	w.Header().Set("Location", s.baseURL(r)+strings.TrimRight(r.URL.Path, "/")+"/"+url.PathEscape(id))
	return s.entity(w, r, http.StatusCreated, set, v, nil)
}

// collectionBody is a collection envelope.
type collectionBody struct {
	Context  string                       `json:"@odata.context,omitempty"`
	Count    *int                         `json:"@odata.count,omitempty"`
	Value    []map[string]json.RawMessage `json:"value"`
	NextLink string                       `json:"@odata.nextLink,omitempty"`
}

// collection writes a page of items (already converted to wire values).
func (s *Server) collection(w http.ResponseWriter, r *http.Request, set string, items []any, next string, count *int, sel []string) error {
	body := collectionBody{Count: count, Value: make([]map[string]json.RawMessage, 0, len(items))}
	for _, it := range items {
		m, err := shape(it, sel)
		if err != nil {
			return err
		}
		body.Value = append(body.Value, m)
	}
	if strings.HasPrefix(r.URL.Path, "/v1.0/") {
		body.Context = s.contextURL(r, set)
	}
	if next != "" {
		q := r.URL.Query()
		q.Set("$skiptoken", next)
		body.NextLink = s.baseURL(r) + r.URL.Path + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// page converts a page of domain values and writes it as a collection.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, set string, p entitled.Page[T], sel []string, conv func(T) (any, error)) error {
	items, err := wireItemsErr(p.Items, conv)
	if err != nil {
		return err
	}
	return s.collection(w, r, set, items, p.NextSkipToken, p.Count, sel)
}

// noContent writes 204.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

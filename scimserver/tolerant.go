package scimserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/elimity-com/scim/schema"
)

// maxBody bounds a SCIM request body.
const maxBody = 1 << 20

// known lists, per resource endpoint, the attribute names (lower case) the
// schemas define; the enterprise extension's under its own key.
var known = map[string]map[string]bool{
	"users":  names(schema.CoreUserSchema(), "externalid", "id"),
	"groups": names(schema.CoreGroupSchema(), "externalid", "id"),
}

var enterpriseNames = names(schema.ExtensionEnterpriseUser())

func names(s schema.Schema, extra ...string) map[string]bool {
	m := map[string]bool{}
	for _, a := range s.Attributes {
		m[strings.ToLower(a.Name())] = true
	}
	for _, e := range extra {
		m[e] = true
	}
	return m
}

// tolerant makes PATCH requests of real provisioning clients acceptable
// to the SCIM library: operations on attributes the schemas do not define
// are dropped (unknown attributes are ignored, not errors: Entra ID sends
// whatever its attribute mappings name), and a manager given as a bare id
// (as Entra ID sends it) becomes {"value": id}. A PATCH left with no
// operation reads the resource instead.
func tolerant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			next.ServeHTTP(w, r)
			return
		}
		endpoint := endpointOf(r.URL.Path)
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil || endpoint == "" {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		var req map[string]any
		if json.Unmarshal(body, &req) != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		opsKey, ops := "", []any(nil)
		for k, v := range req {
			if strings.EqualFold(k, "Operations") {
				opsKey, ops = k, asList(v)
			}
		}
		if opsKey == "" || len(ops) == 0 {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		var kept []any
		for _, op := range ops {
			if o, ok := keepOp(endpoint, op); ok {
				kept = append(kept, o)
			}
		}
		if len(kept) == 0 {
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			get.Body = http.NoBody
			get.ContentLength = 0
			next.ServeHTTP(w, get)
			return
		}
		delete(req, opsKey)
		req["Operations"] = kept
		out, _ := json.Marshal(req)
		r.Body = io.NopCloser(bytes.NewReader(out))
		r.ContentLength = int64(len(out))
		next.ServeHTTP(w, r)
	})
}

// endpointOf returns "users" or "groups" for a resource path, else "".
func endpointOf(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "/v2/users/"):
		return "users"
	case strings.Contains(p, "/v2/groups/"):
		return "groups"
	}
	return ""
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// keepOp returns the operation as the library should see it, or false to
// drop it.
func keepOp(endpoint string, op any) (any, bool) {
	o, ok := op.(map[string]any)
	if !ok {
		return op, true // the library reports it
	}
	var path string
	var value any
	for k, v := range o {
		switch strings.ToLower(k) {
		case "path":
			path, _ = v.(string)
		case "value":
			value = v
		}
	}
	if path == "" {
		m, ok := value.(map[string]any)
		if !ok {
			return op, true
		}
		clean := map[string]any{}
		for k, v := range m {
			if attr, ext := attributeOf(k); ext {
				if endpoint == "users" && (attr == "" || enterpriseNames[attr]) {
					if attr == "manager" {
						v = managerValue(v)
					}
					clean[k] = v
				}
			} else if known[endpoint][attr] {
				clean[k] = v
			}
		}
		if len(clean) == 0 {
			return nil, false
		}
		return withValue(o, clean), true
	}
	attr, ext := attributeOf(path)
	if ext {
		if endpoint != "users" || !enterpriseNames[attr] {
			return nil, false
		}
		if attr == "manager" && !strings.Contains(strings.ToLower(path), "manager.") {
			return withValue(o, managerValue(value)), true
		}
		return op, true
	}
	return op, known[endpoint][attr]
}

// attributeOf returns the lower-case top attribute a path or key names,
// and whether it is in the enterprise extension (attr "" for the
// extension itself). Other URNs name nothing known.
func attributeOf(path string) (attr string, enterprise bool) {
	p := strings.ToLower(path)
	if strings.HasPrefix(p, "urn:") {
		ent := strings.ToLower(enterpriseSchema)
		if !strings.HasPrefix(p, ent) {
			if core := "urn:ietf:params:scim:schemas:core:2.0:"; strings.HasPrefix(p, core) {
				rest := p[len(core):]
				if i := strings.IndexByte(rest, ':'); i >= 0 {
					return top(rest[i+1:]), false
				}
			}
			return "\x00unknown", false
		}
		rest := strings.TrimPrefix(p[len(ent):], ":")
		return top(rest), true
	}
	return top(p), false
}

func top(p string) string {
	if i := strings.IndexAny(p, "[."); i >= 0 {
		return p[:i]
	}
	return p
}

// managerValue turns a bare manager id into the complex value the schema
// defines.
func managerValue(v any) any {
	if s, ok := v.(string); ok {
		return map[string]any{"value": s}
	}
	return v
}

func withValue(o map[string]any, v any) map[string]any {
	out := map[string]any{}
	for k, x := range o {
		if strings.EqualFold(k, "value") {
			continue
		}
		out[k] = x
	}
	out["value"] = v
	return out
}

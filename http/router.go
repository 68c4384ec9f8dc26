package http

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
)

// handlerFunc serves one route; a returned error is written as a Graph error.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p params) error

// params holds the values of a route's {wildcard} segments.
type params map[string]string

// route is one method and path pattern. Pattern segments are literals
// (matched case-insensitively) or {name} wildcards.
type route struct {
	method string
	segs   []string
	h      handlerFunc
}

// router matches requests to routes in registration order: register
// literal paths before wildcard ones that would also match.
type router struct {
	routes []route
}

func (rt *router) handle(method, pattern string, h handlerFunc) {
	rt.routes = append(rt.routes, route{method: method, segs: splitPath(pattern), h: h})
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (r route) match(segs []string) (params, bool) {
	if len(segs) != len(r.segs) {
		return nil, false
	}
	var p params
	for i, s := range r.segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if segs[i] == "" {
				return nil, false
			}
			if p == nil {
				p = params{}
			}
			p[s[1:len(s)-1]] = segs[i]
			continue
		}
		if !strings.EqualFold(s, segs[i]) {
			return nil, false
		}
	}
	return p, true
}

// MaxPathParam is the longest value of a path's {id} segment, in bytes;
// a longer one is answered 404 without a lookup.
const MaxPathParam = 512

// lookup finds the handler for the request, or a 404/405 error.
func (rt *router) lookup(method, path string) (handlerFunc, params, error) {
	segs := keySegments(splitPath(path))
	var allowed []string
	for _, r := range rt.routes {
		p, ok := r.match(segs)
		if !ok {
			continue
		}
		if r.method == method || (method == http.MethodHead && r.method == http.MethodGet) {
			for name, v := range p {
				if len(v) > MaxPathParam {
					return nil, nil, (&entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound, Target: name,
						Message: fmt.Sprintf("no entity has this %s: it is %d bytes long, and ids are at most %d", name, len(v), MaxPathParam)}).WithKey("api.idTooLong", "Name", name, "Length", len(v), "Max", MaxPathParam)
				}
			}
			return r.h, p, nil
		}
		allowed = append(allowed, r.method)
	}
	if len(allowed) > 0 {
		return nil, nil, &methodNotAllowed{allowed: allowed, method: method}
	}
	return nil, nil, (&entitled.Error{Kind: entitled.KindNotFound, Code: "UnknownPath",
		Message: "no resource at " + path + "; check the path against the API reference"}).WithKey("api.unknownPath", "Path", path)
}

// methodNotAllowed is the 405 for a known path and an unsupported method.
type methodNotAllowed struct {
	allowed []string
	method  string
}

func (m *methodNotAllowed) Error() string {
	return m.method + " is not allowed here; use " + strings.Join(m.allowed, ", ")
}

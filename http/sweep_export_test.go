package http

// SweepRoute is one registered method and path pattern, for the route sweep.
type SweepRoute struct {
	Method  string
	Pattern string
}

// SweepRoutes lists every route the server registers, in registration order,
// so that the sweep test covers new routes without being told about them.
func SweepRoutes(s *Server) []SweepRoute {
	out := make([]SweepRoute, 0, len(s.routes.routes))
	for _, r := range s.routes.routes {
		p := "/"
		for i, seg := range r.segs {
			if i > 0 {
				p += "/"
			}
			p += seg
		}
		out = append(out, SweepRoute{Method: r.method, Pattern: p})
	}
	return out
}

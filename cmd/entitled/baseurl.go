package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// parseBaseURL checks the address clients reach entitled at (serve
// --base-url, login-link --base): an absolute http or https URL with a host
// and nothing else — no user, query, fragment or path (entitled serves at
// the root of its address). It returns it without a trailing slash.
func parseBaseURL(flag, s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("%s %q: expected an absolute http or https address such as https://entitled.example.com", flag, s)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") {
		return "", fmt.Errorf("%s %q: no user, query or fragment; only scheme://host[:port]", flag, s)
	}
	if u.Path != "" && u.Path != "/" {
		return "", fmt.Errorf("%s %q: no path; entitled serves at the root of its address (scheme://host[:port])", flag, s)
	}
	return u.Scheme + "://" + u.Host, nil
}

// listenBaseURL is the base URL when --base-url is not set: http:// and the
// listen address, with an unspecified host (0.0.0.0, ::) replaced by the
// loopback address. local reports whether that is where clients are (the
// listen host is a loopback address); if not, links point at an address
// remote clients cannot use, and serve says to set --base-url.
func listenBaseURL(addr net.Addr) (base string, local bool) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String(), false
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		local = host == "localhost"
	case ip.IsUnspecified():
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	default:
		local = ip.IsLoopback()
	}
	return "http://" + net.JoinHostPort(host, port), local
}

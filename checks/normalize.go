package checks

import (
	"net"
	"net/url"
	"slices"
	"strings"
)

// NormalizeURI lower-cases the scheme and host of a URI and drops a default
// port, the only differences that Okta and browsers treat as equal. Anything
// that does not parse as an absolute URI is returned unchanged, so it still
// compares byte for byte.
func NormalizeURI(raw string) string {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, ""
	}
	host = strings.ToLower(host)
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		u.Host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		u.Host = "[" + host + "]"
	} else {
		u.Host = host
	}
	return u.String()
}

// Origin returns the browser origin (scheme://host[:port]) of a URL.
func Origin(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.TrimSpace(raw)
	}
	return NormalizeURI(u.Scheme + "://" + u.Host)
}

// ParseOriginList splits GORILLA_CORS_ORIGINS: comma separated, spaces
// allowed around each origin, empty entries ignored.
func ParseOriginList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// compareSets returns the desired items absent from actual and the actual
// items not desired, comparing normalised forms but reporting the originals.
func compareSets(desired, actual []string, norm func(string) string) (missing, extra []string) {
	have := make(map[string]bool, len(actual))
	for _, a := range actual {
		have[norm(a)] = true
	}
	want := make(map[string]bool, len(desired))
	for _, d := range desired {
		n := norm(d)
		want[n] = true
		if !have[n] {
			missing = append(missing, d)
		}
	}
	for _, a := range actual {
		if !want[norm(a)] {
			extra = append(extra, a)
		}
	}
	return dedupe(missing), dedupe(extra)
}

func dedupe(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func identity(s string) string { return strings.TrimSpace(s) }

// nonNil keeps list fields as [] rather than null in JSON.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

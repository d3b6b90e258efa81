package source

import (
	"net/http"
	"strings"
)

// OktaBucket names the rate-limit bucket Okta counts a request in. Okta
// "implements rate limits using buckets. A rate limiting bucket is a
// collection of one or more endpoints that share a defined quota of calls
// per unit of time", matched by exact endpoint first, then by the longest
// prefix (okta-developer-docs docs/reference/rate-limits/index.md, "Match
// requests"). The management buckets are those of Okta's "Management rate
// limits" table (okta-developer-docs docs/reference/rl-global-mgmt/index.md
// as of commit 6de7f89f90^): /api/v1/apps/{id} apart from every other
// /api/v1/apps* call, /api/v1/groups apart from /api/v1/groups/{id},
// /api/v1/users and /api/v1/users/{id}, /api/v1/logs, /api/v1/events,
// /oauth2/v1/clients, and "Most other API actions: /api/v1" (trusted
// origins and authorization servers among them). Any other path (e.g.
// /oauth2/v1/token) is its own bucket.
func OktaBucket(method, path string) string {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		if path == "/oauth2/v1/clients" || strings.HasPrefix(path, "/oauth2/v1/clients/") {
			return "/oauth2/v1/clients"
		}
		return path
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	switch segs[0] {
	case "apps":
		if len(segs) == 2 {
			return "/api/v1/apps/{id}"
		}
		return "/api/v1/apps*"
	case "groups":
		switch len(segs) {
		case 1:
			return "/api/v1/groups"
		case 2:
			return "/api/v1/groups/{id}"
		}
	case "users":
		switch {
		case len(segs) == 1 && (method == http.MethodGet || method == http.MethodPost):
			return "/api/v1/users"
		case len(segs) == 2 && method == http.MethodGet:
			return "/api/v1/users/{idOrLogin}"
		case len(segs) == 2:
			return "/api/v1/users/{id}"
		}
	case "logs", "events":
		if len(segs) == 1 {
			return "/api/v1/" + segs[0]
		}
	}
	return "/api/v1"
}

package oktasim

import "net/http"

// orgRoute maps the org-level operations the okta provider calls besides
// the objects driftd reads: the token's user, the org's policies, and the
// admin console's ID token settings.
func (s *Server) orgRoute(m string, parts []string) (route, bool) {
	switch parts[0] {
	case "users":
		if m == http.MethodGet && len(parts) == 2 {
			return route{"okta.users.read", func(w http.ResponseWriter, _ *http.Request, c caller) { s.getUser(w, c, parts[1]) }}, true
		}
	case "policies":
		switch {
		case m == http.MethodGet && len(parts) == 1:
			return route{"okta.policies.read", func(w http.ResponseWriter, r *http.Request, _ caller) { s.listOrgPolicies(w, r) }}, true
		case m == http.MethodGet && len(parts) == 2:
			return route{"okta.policies.read", func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getOrgPolicy(w, parts[1]) }}, true
		}
	case "internal":
		// /api/v1/internal/apps/{id}/settings/oauth/idToken
		if len(parts) == 6 && parts[1] == "apps" && parts[3] == "settings" && parts[4] == "oauth" && parts[5] == "idToken" {
			id := parts[2]
			switch m {
			case http.MethodGet:
				return route{"okta.apps.read", func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getIDToken(w, id) }}, true
			case http.MethodPost:
				return route{"okta.apps.manage", func(w http.ResponseWriter, r *http.Request, c caller) { s.postIDToken(w, r, c, id) }}, true
			}
		}
	}
	return route{}, false
}

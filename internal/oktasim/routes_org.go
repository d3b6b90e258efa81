package oktasim

import "net/http"

// orgRoute maps the org-level operations the okta provider calls besides
// the objects driftd reads: the token's user, the org's policies, and the
// admin console's ID token settings.
func (s *Server) orgRoute(m string, parts []string) (route, bool) {
	switch parts[0] {
	case "users":
		return s.userRoute(m, parts[1:])
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

// userRoute maps the user operations (spec: User API).
func (s *Server) userRoute(m string, p []string) (route, bool) {
	read, manage := "okta.users.read", "okta.users.manage"
	switch {
	case len(p) == 0 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.listUsers(w, r) }}, true
	case len(p) == 0 && m == http.MethodPost:
		return route{manage, func(w http.ResponseWriter, r *http.Request, _ caller) { s.createUser(w, r) }}, true
	case len(p) == 1 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, c caller) { s.getUser(w, c, p[0]) }}, true
	case len(p) == 1 && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.deleteUser(w, p[0]) }}, true
	case len(p) == 2 && p[1] == "groups" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.userGroups(w, p[0]) }}, true
	}
	return route{}, false
}

// groupRoute maps the group writes and memberships (spec: Group API).
func (s *Server) groupRoute(m string, p []string) (route, bool) {
	read, manage := "okta.groups.read", "okta.groups.manage"
	switch {
	case len(p) == 0 && m == http.MethodPost:
		return route{manage, func(w http.ResponseWriter, r *http.Request, _ caller) { s.createGroup(w, r) }}, true
	case len(p) == 1 && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, _ caller) { s.putGroup(w, r, p[0]) }}, true
	case len(p) == 1 && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteGroup(w, c, p[0]) }}, true
	case len(p) == 2 && p[1] == "users" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.groupUsers(w, r, p[0]) }}, true
	case len(p) == 3 && p[1] == "users" && (m == http.MethodPut || m == http.MethodDelete):
		return route{manage, func(w http.ResponseWriter, _ *http.Request, _ caller) {
			s.groupMember(w, p[0], p[2], m == http.MethodPut)
		}}, true
	}
	return route{}, false
}

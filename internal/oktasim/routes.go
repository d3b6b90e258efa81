package oktasim

import (
	"net/http"
	"strings"
)

// caller is who made an API request: the SSWS token's admin, or an OAuth
// service app with the scopes of its access token.
type caller struct {
	admin    bool
	clientID string
	label    string
	scopes   []string
}

func (c caller) hasScope(scope string) bool {
	if c.admin || scope == "" {
		return true
	}
	for _, s := range c.scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// actor is the System Log actor of a change the caller made.
func (c caller) actor() LogActor {
	if c.admin {
		return consoleAdmin
	}
	// A service app acting with its own token is a PublicClientApp actor
	// (okta/okta-developer-docs .../system-log/index.md: "For OAuth
	// requests, this is the ID of the OAuth client").
	return LogActor{ID: c.clientID, Type: "PublicClientApp", AlternateID: c.clientID, DisplayName: c.label}
}

type route struct {
	// scope is the OAuth scope the operation needs, from the operation's
	// `security: oauth2:` list in okta/okta-management-openapi-spec
	// dist/current/management-oneOfInheritance.yaml. An SSWS token of a
	// super admin passes every scope.
	scope  string
	handle func(http.ResponseWriter, *http.Request, caller)
}

// route maps a management API request to its operation.
func (s *Server) route(r *http.Request) (route, bool) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")
	m := r.Method
	switch parts[0] {
	case "apps":
		return s.appRoute(m, parts[1:])
	case "groups":
		if m == http.MethodGet && len(parts) <= 2 {
			return route{"okta.groups.read", func(w http.ResponseWriter, r *http.Request, _ caller) { s.listGroups(w, r, parts[1:]) }}, true
		}
		return s.groupRoute(m, parts[1:])
	case "trustedOrigins":
		return s.originRoute(m, parts[1:])
	case "authorizationServers":
		return s.asRoute(m, parts[1:])
	case "logs":
		if m == http.MethodGet && len(parts) == 1 {
			return route{"okta.logs.read", func(w http.ResponseWriter, r *http.Request, _ caller) { s.listLogs(w, r) }}, true
		}
	}
	return s.orgRoute(m, parts)
}

func (s *Server) appRoute(m string, p []string) (route, bool) {
	read, manage := "okta.apps.read", "okta.apps.manage"
	switch {
	case len(p) == 0 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.listApps(w, r) }}, true
	case len(p) == 3 && p[1] == "credentials" && p[2] == "secrets" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.listSecrets(w, p[0]) }}, true
	case len(p) == 0 && m == http.MethodPost:
		return route{manage, s.createApp}, true
	case len(p) == 1 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getApp(w, p[0]) }}, true
	case len(p) == 1 && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.putApp(w, r, c, p[0]) }}, true
	case len(p) == 1 && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteApp(w, c, p[0]) }}, true
	case len(p) == 3 && p[1] == "lifecycle" && m == http.MethodPost && (p[2] == "activate" || p[2] == "deactivate"):
		status := map[string]string{"activate": "ACTIVE", "deactivate": "INACTIVE"}[p[2]]
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.lifecycle(w, c, p[0], status) }}, true
	case len(p) == 2 && p[1] == "groups" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.listAssignments(w, r, p[0]) }}, true
	case len(p) == 3 && p[1] == "groups" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.getAssignment(w, r, p[0], p[2]) }}, true
	case len(p) == 3 && p[1] == "groups" && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.putAssignment(w, r, c, p[0], p[2]) }}, true
	case len(p) == 3 && p[1] == "groups" && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteAssignment(w, c, p[0], p[2]) }}, true
	case len(p) == 3 && p[1] == "policies" && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.assignAppPolicy(w, c, p[0], p[2]) }}, true
	case len(p) == 2 && p[1] == "users" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.listAppUsers(w, p[0]) }}, true
	}
	return route{}, false
}

func (s *Server) originRoute(m string, p []string) (route, bool) {
	read, manage := "okta.trustedOrigins.read", "okta.trustedOrigins.manage"
	switch {
	case len(p) == 0 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.listOrigins(w, r) }}, true
	case len(p) == 0 && m == http.MethodPost:
		return route{manage, s.createOrigin}, true
	case len(p) == 1 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getOrigin(w, p[0]) }}, true
	case len(p) == 1 && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.putOrigin(w, r, c, p[0]) }}, true
	case len(p) == 1 && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteOrigin(w, c, p[0]) }}, true
	case len(p) == 3 && p[1] == "lifecycle" && m == http.MethodPost && (p[2] == "activate" || p[2] == "deactivate"):
		status := map[string]string{"activate": "ACTIVE", "deactivate": "INACTIVE"}[p[2]]
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.originLifecycle(w, c, p[0], status) }}, true
	}
	return route{}, false
}

func (s *Server) asRoute(m string, p []string) (route, bool) {
	read, manage := "okta.authorizationServers.read", "okta.authorizationServers.manage"
	switch {
	case len(p) == 0 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, r *http.Request, _ caller) { s.listAuthServers(w, r) }}, true
	case len(p) == 0 && m == http.MethodPost:
		return route{manage, s.createAuthServer}, true
	case len(p) == 1 && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.putAuthServer(w, r, c, p[0]) }}, true
	case len(p) == 1 && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteAuthServer(w, c, p[0]) }}, true
	case len(p) == 3 && p[1] == "lifecycle" && m == http.MethodPost && (p[2] == "activate" || p[2] == "deactivate"):
		status := map[string]string{"activate": "ACTIVE", "deactivate": "INACTIVE"}[p[2]]
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.asLifecycle(w, c, p[0], status) }}, true
	case len(p) == 2 && p[1] == "policies" && m == http.MethodPost:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.createASPolicy(w, r, c, p[0]) }}, true
	case len(p) == 3 && p[1] == "policies" && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.putASPolicy(w, r, c, p[0], p[2]) }}, true
	case len(p) == 3 && p[1] == "policies" && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteASPolicy(w, c, p[0], p[2]) }}, true
	case len(p) == 1 && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getAuthServer(w, p[0]) }}, true
	case len(p) == 2 && p[1] == "policies" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.listPolicies(w, p[0]) }}, true
	case len(p) == 3 && p[1] == "policies" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getPolicy(w, p[0], p[2]) }}, true
	case len(p) == 4 && p[1] == "policies" && p[3] == "rules" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.listRules(w, p[0], p[2]) }}, true
	case len(p) == 5 && p[1] == "policies" && p[3] == "rules" && m == http.MethodGet:
		return route{read, func(w http.ResponseWriter, _ *http.Request, _ caller) { s.getRule(w, p[0], p[2], p[4]) }}, true
	case len(p) == 5 && p[1] == "policies" && p[3] == "rules" && m == http.MethodPut:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.putRule(w, r, c, p[0], p[2], p[4]) }}, true
	}
	return s.ruleWriteRoute(m, p)
}

// ruleWriteRoute maps the rule create, delete and lifecycle operations.
func (s *Server) ruleWriteRoute(m string, p []string) (route, bool) {
	manage := "okta.authorizationServers.manage"
	if len(p) < 4 || p[1] != "policies" || p[3] != "rules" {
		return route{}, false
	}
	switch {
	case len(p) == 4 && m == http.MethodPost:
		return route{manage, func(w http.ResponseWriter, r *http.Request, c caller) { s.createRule(w, r, c, p[0], p[2]) }}, true
	case len(p) == 5 && m == http.MethodDelete:
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) { s.deleteRule(w, c, p[0], p[2], p[4]) }}, true
	case len(p) == 7 && p[5] == "lifecycle" && m == http.MethodPost && (p[6] == "activate" || p[6] == "deactivate"):
		status := map[string]string{"activate": "ACTIVE", "deactivate": "INACTIVE"}[p[6]]
		return route{manage, func(w http.ResponseWriter, _ *http.Request, c caller) {
			s.ruleLifecycle(w, c, p[0], p[2], p[4], status)
		}}, true
	}
	return route{}, false
}

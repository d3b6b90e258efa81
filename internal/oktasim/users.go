package oktasim

import (
	"net/http"
	"time"
)

// userJSON is an Okta user as GET /api/v1/users/{id} answers it. The keys
// and the shape of _links are those of a recorded answer
// (okta/terraform-provider-okta v6.12.0
// test/fixtures/vcr/idaas/TestAccDataSourceOktaGroup_read/classic-00.yaml,
// GET /api/v1/users/00ukwu5imhTN4iqpM1d7); spec User.
func (s *Server) userJSON(id, status, first, last, login string, created time.Time) map[string]any {
	base := s.URL + "/api/v1/users/" + id
	ts := created.UTC().Format(oktaTime)
	link := func(suffix string) map[string]any {
		return map[string]any{"href": base + "/lifecycle/" + suffix, "method": "POST"}
	}
	return map[string]any{
		"id": id, "status": status, "created": ts, "activated": ts, "statusChanged": ts,
		"lastLogin": nil, "lastUpdated": ts, "passwordChanged": nil,
		"type": map[string]any{"id": defaultUserTypeID},
		"profile": map[string]any{
			"firstName": first, "lastName": last, "mobilePhone": nil, "secondEmail": nil,
			"login": login, "email": login,
		},
		"credentials": map[string]any{"provider": map[string]any{"type": "OKTA", "name": "OKTA"}},
		"_links": map[string]any{
			"suspend":       link("suspend"),
			"schema":        map[string]any{"href": s.URL + "/api/v1/meta/schemas/user/osc" + defaultUserTypeID[3:]},
			"resetPassword": link("reset_password"),
			"reactivate":    link("reactivate"),
			"self":          map[string]any{"href": base},
			"type":          map[string]any{"href": s.URL + "/api/v1/meta/types/user/" + defaultUserTypeID},
			"deactivate":    link("deactivate"),
		},
	}
}

// defaultUserTypeID is the id of the org's default user type.
const defaultUserTypeID = "otysimdefault000000"

// oktaTime is how Okta writes a timestamp: milliseconds and Z.
const oktaTime = "2006-01-02T15:04:05.000Z"

// getUser answers GET /api/v1/users/{id}. "me" is the user the token acts
// for: the okta provider's configure calls GET /api/v1/users/me twice, once
// through each SDK, to check an SSWS token
// (okta/terraform-provider-okta v6.12.0 okta/config/config.go,
// VerifyCredentials), and fails the whole provider on any error.
func (s *Server) getUser(w http.ResponseWriter, c caller, id string) {
	if id == "me" {
		if !c.admin {
			// The simulator has no user behind a service app's token.
			notFound(w, id, "User")
			return
		}
		id = consoleAdmin.ID
	}
	if id == consoleAdmin.ID {
		writeValue(w, http.StatusOK, s.userJSON(id, "ACTIVE", "Sim", "Admin", consoleAdmin.AlternateID, s.born))
		return
	}
	notFound(w, id, "User")
}

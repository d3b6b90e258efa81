package oktasim

import (
	"net/http"
)

// The app's ID token settings at /api/v1/internal/apps/{id}/settings/oauth/idToken:
// an internal endpoint of the admin console that the okta provider calls
// for okta_app_oauth's groups_claim on every create, read and update
// (okta/terraform-provider-okta v6.12.0 okta/services/idaas/
// resource_okta_app_oauth.go, setAppOauthGroupsClaim). It is not in the
// OpenAPI spec; the shapes are the recorded ones
// (test/fixtures/vcr/idaas/TestAccResourceOktaAppOauth_basic/oie-00.yaml).

// idTokenKeys are the keys of a groups claim a client may set.
var idTokenKeys = []string{"issuerMode", "valueType", "name", "value", "groupFilterType"}

// postIDToken sets the groups claim: the answer echoes what was set, with
// the computed issuer, orgUrl, customUrl and audience as null.
func (s *Server) postIDToken(w http.ResponseWriter, r *http.Request, c caller, appID string) {
	var in map[string]any
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.apps, appID, "OAuth2AppInstance")
	if !ok {
		return
	}
	claim := map[string]any{}
	for _, k := range idTokenKeys {
		if v, ok := in[k]; ok {
			claim[k] = v
		}
	}
	a.IDToken = claim
	a.LastUpdated = s.now().UTC()
	s.recordLocked("application.lifecycle.update", c.actor(), appTarget(a))
	out := map[string]any{"issuer": nil, "orgUrl": nil, "customUrl": nil, "audience": nil}
	for k, v := range claim {
		out[k] = v
	}
	writeValue(w, http.StatusOK, out)
}

// getIDToken reads the groups claim: the issuer the app's tokens carry,
// its audience (the app id) and what was set; issuerMode is the app's
// issuer_mode unless the claim set one.
func (s *Server) getIDToken(w http.ResponseWriter, appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.apps, appID, "OAuth2AppInstance")
	if !ok {
		return
	}
	out := map[string]any{
		"issuer": s.URL, "orgUrl": nil, "customUrl": nil, "audience": a.ID,
		"issuerMode": a.Settings.OAuthClient.IssuerMode,
	}
	for k, v := range a.IDToken {
		out[k] = v
	}
	writeValue(w, http.StatusOK, out)
}

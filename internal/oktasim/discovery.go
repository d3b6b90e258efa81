package oktasim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// discovery serves the org authorization server's document at
// /.well-known/openid-configuration and a custom server's at
// /oauth2/{id}/.well-known/openid-configuration.
func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	prefix := strings.TrimSuffix(r.URL.Path, "/.well-known/openid-configuration")
	issuer := s.URL + prefix
	if prefix != "" {
		id, ok := strings.CutPrefix(prefix, "/oauth2/")
		s.mu.Lock()
		_, known := s.as.servers[id]
		known = known && ok
		s.mu.Unlock()
		if !known {
			writeError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+prefix+" (AuthorizationServer)")
			return
		}
	}
	oauth := issuer + "/oauth2/v1"
	if prefix != "" {
		oauth = issuer + "/v1"
	}
	doc := map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                oauth + "/authorize",
		"token_endpoint":                        oauth + "/token",
		"userinfo_endpoint":                     oauth + "/userinfo",
		"registration_endpoint":                 s.URL + "/oauth2/v1/clients",
		"jwks_uri":                              oauth + "/keys",
		"response_types_supported":              []string{"code", "id_token", "code id_token", "code token", "id_token token", "code id_token token"},
		"response_modes_supported":              []string{"query", "fragment", "form_post", "okta_post_message"},
		"grant_types_supported":                 []string{"authorization_code", "implicit", "refresh_token", "password", "urn:ietf:params:oauth:grant-type:device_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile", "address", "phone", "offline_access", "groups"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"},
		"claims_supported":                      []string{"iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "email", "email_verified"},
		"code_challenge_methods_supported":      []string{"S256"},
		"introspection_endpoint":                oauth + "/introspect",
		"revocation_endpoint":                   oauth + "/revoke",
		"end_session_endpoint":                  oauth + "/logout",
		"request_parameter_supported":           true,
	}
	body, _ := json.Marshal(doc)
	writeJSON(w, http.StatusOK, body)
}

// orgMetadata serves /.well-known/okta-organization, which needs no token:
// the okta provider reads its pipeline to tell a Classic org ("v1") from an
// Identity Engine one ("idx") (okta/terraform-provider-okta v6.12.0
// okta/config/config.go, IsClassicOrg). The simulator is an Identity Engine
// org; the shape is a recorded answer's (test/fixtures/vcr/idaas/
// TestAccResourceOktaAppOauth_basic/oie-00.yaml).
func (s *Server) orgMetadata(w http.ResponseWriter) {
	writeValue(w, http.StatusOK, map[string]any{
		"id": "00osimorg000000000", "cell": "sim1", "pipeline": "idx",
		"_links": map[string]any{"organization": map[string]any{"href": s.URL}},
		"settings": map[string]any{
			"analyticsCollectionEnabled": false, "bugReportingEnabled": true, "omEnabled": false,
			"pssoEnabled": false, "desktopMFAEnabled": false, "itpEnabled": false,
		},
	})
}

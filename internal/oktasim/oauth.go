package oktasim

import (
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// serviceClient is what the org authorization server knows of a service
// app beyond the app object: the Okta API scopes granted to it (Okta
// records these as OAuth2ScopeConsentGrant on /api/v1/apps/{id}/grants).
type serviceClient struct {
	appID  string
	scopes []string
}

type issuedToken struct {
	clientID string
	scopes   []string
	expires  time.Time
}

type oauthState struct {
	ttl     time.Duration
	clients map[string]*serviceClient // client id -> client
	tokens  map[string]issuedToken
}

// AddServiceApp creates an API service app as an admin would for Okta's
// "OAuth 2.0 for Okta API" set-up: application_type service, grant
// client_credentials, token_endpoint_auth_method private_key_jwt with pub
// registered in its JWKS under kid (empty kid: a key without kid), and
// grants it the given Okta API scopes. The app is validated like any
// other (spec oauth createClient example ClientRequestServiceJwks).
func (s *Server) AddServiceApp(label string, pub *rsa.PublicKey, kid string, scopes ...string) (App, error) {
	id := newID("0oa")
	a := NewWandbApp(id, id, "https://unset.invalid", true)
	a.Label, a.Created, a.LastUpdated = label, s.now().UTC(), s.now().UTC()
	a.Credentials.OAuthClient = OAuthClientCredentials{AutoKeyRotation: true, ClientID: id, TokenEndpointAuthMethod: "private_key_jwt"}
	a.Settings.OAuthClient = OAuthClient{
		ResponseTypes: []string{"token"}, GrantTypes: []string{"client_credentials"}, ApplicationType: "service",
		ConsentMethod: "TRUSTED", IssuerMode: "ORG_URL", WildcardRedirect: "DISABLED",
		IdpInitiatedLogin: map[string]any{"mode": "DISABLED", "default_scope": []string{}},
		JWKS:              &JWKS{Keys: []JWK{{Kty: "RSA", Kid: kid, Use: "sig", Alg: "RS256", E: b64(big.NewInt(int64(pub.E)).Bytes()), N: b64(pub.N.Bytes())}}},
	}
	if err := validateApp(&a); err != nil {
		return App{}, fmt.Errorf("adding service app %q: %w", label, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[id] = &a
	s.oauth.clients[id] = &serviceClient{appID: id, scopes: slices.Clone(scopes)}
	s.recordLocked("application.lifecycle.create", consoleAdmin, appTarget(&a))
	return copyApp(&a), nil
}

// SetServiceAppScopes replaces the Okta API scopes granted to a service
// app (the admin's Okta API Scopes tab). Tokens already issued keep theirs.
func (s *Server) SetServiceAppScopes(clientID string, scopes ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.oauth.clients[clientID]
	if !ok {
		return fmt.Errorf("granting scopes to %s: no such service app", clientID)
	}
	c.scopes = slices.Clone(scopes)
	return nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// oauthError is an OAuth 2.0 error answer ({error, error_description}).
type oauthError struct {
	status int
	code   string
	desc   string
}

// token serves POST /oauth2/v1/token for the client_credentials grant
// with a private_key_jwt client assertion, the request
// okta/okta-sdk-golang v2.20.0 okta/requestExecutor.go
// getAccessTokenForPrivateKey makes (its parameters in the query string;
// no DPoP header in that version). Error answers are the examples of
// okta/okta-management-openapi-spec dist/current/oauth-oneOfInheritance.yaml
// (OAuthError*) where one exists.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, oauthError{400, "invalid_request", "The request body was not well-formed."})
		return
	}
	body, oerr := s.issue(r.Form.Get("grant_type"), r.Form.Get("client_assertion_type"), r.Form.Get("client_assertion"), r.Form.Get("scope"))
	if oerr != nil {
		writeOAuthError(w, *oerr)
		return
	}
	writeValue(w, http.StatusOK, body)
}

func writeOAuthError(w http.ResponseWriter, e oauthError) {
	writeValue(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

func (s *Server) issue(grant, assertionType, assertion, scope string) (map[string]any, *oauthError) {
	if grant != "client_credentials" {
		return nil, &oauthError{400, "unsupported_grant_type", "The grant type in the request isn't supported."}
	}
	if assertion == "" {
		return nil, &oauthError{401, "invalid_client", "No client credentials found"}
	}
	if assertionType != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return nil, &oauthError{400, "invalid_request", "The `client_assertion_type` is invalid."}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clientID, err := s.verifyAssertion(assertion)
	if err != nil {
		return nil, err
	}
	requested := strings.Fields(scope)
	if len(requested) == 0 {
		return nil, &oauthError{400, "invalid_scope", "No scopes were requested."}
	}
	// Okta issues the token with the requested scopes the app was granted
	// and refuses the calls that need the others
	// (okta/okta-sdk-golang issue #145: a token requested with
	// okta.apps.manage okta.groups.read for an app granted only
	// okta.apps.manage, then 403 insufficient_scope on /api/v1/groups).
	var granted []string
	for _, sc := range requested {
		if slices.Contains(s.oauth.clients[clientID].scopes, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		return nil, &oauthError{400, "invalid_scope", "The following scopes were requested, but not granted: " + strings.Join(requested, " ")}
	}
	tok := "eyJsim." + newUUID()
	s.oauth.tokens[tok] = issuedToken{clientID: clientID, scopes: granted, expires: s.now().Add(s.oauth.ttl)}
	return map[string]any{"token_type": "Bearer", "expires_in": int(s.oauth.ttl / time.Second),
		"access_token": tok, "scope": strings.Join(granted, " ")}, nil
}

// verifyAssertion checks a client_assertion JWT as Okta does for
// private_key_jwt: RS256 signed by a key of the app's JWKS (kid must name
// one when the app has several: okta/okta-sdk-python issue #289, "The
// client_assertion JWT kid is invalid."), iss and sub the client id,
// aud the token endpoint, exp in the future. s.mu must be held.
func (s *Server) verifyAssertion(assertion string) (string, *oauthError) {
	bad := func(desc string) *oauthError { return &oauthError{401, "invalid_client", desc} }
	jwt, err := parseJWT(assertion)
	if err != nil {
		return "", bad("The client_assertion token is malformed.")
	}
	c, ok := s.oauth.clients[jwt.claims.Sub]
	app := s.apps[c.appIDOrEmpty(ok)]
	if !ok || app == nil || jwt.claims.Iss != jwt.claims.Sub {
		return "", bad("Invalid value for the `client_id` parameter")
	}
	if app.Status != "ACTIVE" {
		return "", bad("Invalid value for the `client_id` parameter")
	}
	key, found := pickKey(app.Settings.OAuthClient.JWKS, jwt.header.Kid)
	if !found {
		return "", bad("The client_assertion JWT kid is invalid.")
	}
	if jwt.verify(key) != nil {
		return "", bad("The client_assertion signature is invalid.")
	}
	if !jwt.claims.audience(s.URL + "/oauth2/v1/token") {
		return "", bad("The audience claim for client_assertion must be the endpoint invoked for the request.")
	}
	if jwt.claims.Exp == 0 || !s.now().Before(time.Unix(jwt.claims.Exp, 0)) {
		return "", bad("The client_assertion token is expired.")
	}
	return jwt.claims.Sub, nil
}

func (c *serviceClient) appIDOrEmpty(ok bool) string {
	if !ok {
		return ""
	}
	return c.appID
}

// authenticate reads the Authorization header of an API request: an SSWS
// API token, or an access token the org authorization server issued.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (caller, bool) {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "SSWS "); ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.Token)) == 1 {
		return caller{admin: true}, true
	}
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		s.mu.Lock()
		it, known := s.oauth.tokens[tok]
		var app *App
		if c := s.oauth.clients[it.clientID]; known && c != nil {
			app = s.apps[c.appID]
		}
		live := known && s.now().Before(it.expires) && app != nil && app.Status == "ACTIVE"
		s.mu.Unlock()
		if live {
			return caller{clientID: it.clientID, label: app.Label, scopes: it.scopes}, true
		}
	}
	writeError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
	return caller{}, false
}

// writeInsufficientScope answers a call whose access token lacks the
// operation's scope as Okta does: 403, no body, and a WWW-Authenticate
// header (okta/okta-sdk-golang issue #145 quotes it; the SDK's
// CheckResponseForError in okta/requestExecutor.go reads its
// error_description).
func writeInsufficientScope(w http.ResponseWriter, base, path, scope string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="%[1]s/oauth2/v1/authorize", realm="%[1]s", scope="%[2]s", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="%[3]s"`, base, scope, path))
	w.WriteHeader(http.StatusForbidden)
}

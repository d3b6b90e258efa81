package oktasim

import (
	"encoding/json"
	"strings"
	"time"
)

// App is the simulator's OIDC app, in Okta's JSON shape
// (okta/okta-management-openapi-spec dist/current/management-oneOfInheritance.yaml,
// OpenIdConnectApplication; field names as okta/okta-sdk-golang v2.20.0
// okta/openIdConnectApplication*.go reads them).
type App struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Label         string         `json:"label"`
	Status        string         `json:"status"`
	Created       time.Time      `json:"created"`
	LastUpdated   time.Time      `json:"lastUpdated"`
	Accessibility map[string]any `json:"accessibility"`
	Visibility    map[string]any `json:"visibility"`
	Features      []string       `json:"features"`
	SignOnMode    string         `json:"signOnMode"`
	Credentials   Credentials    `json:"credentials"`
	Settings      Settings       `json:"settings"`
	Links         map[string]any `json:"_links,omitempty"`

	// Extra holds what a client sent that the fields above do not model
	// (settings.oauthClient.frontchannel_logout_uri, profile...): Okta
	// stores and answers it, so a client that reads back what it wrote
	// (the okta provider) sees no difference. See appJSON.
	Extra map[string]any `json:"-"`
	// AccessPolicy is the id of the app's authentication (ACCESS_POLICY)
	// policy, its _links.accessPolicy; "" for none.
	AccessPolicy string `json:"-"`
	// IDToken is the app's ID token settings (the groups claim) the admin
	// console and the okta provider keep at
	// /api/v1/internal/apps/{id}/settings/oauth/idToken; nil when unset.
	IDToken map[string]any `json:"-"`
}

// Credentials is the app's credentials object.
type Credentials struct {
	UserNameTemplate map[string]any         `json:"userNameTemplate"`
	Signing          map[string]any         `json:"signing"`
	OAuthClient      OAuthClientCredentials `json:"oauthClient"`
}

// OAuthClientCredentials is credentials.oauthClient.
type OAuthClientCredentials struct {
	AutoKeyRotation         bool   `json:"autoKeyRotation"`
	ClientID                string `json:"client_id"`
	ClientSecret            string `json:"client_secret,omitempty"`
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method"`
	PKCERequired            bool   `json:"pkce_required"`
}

// Settings is the app's settings object.
type Settings struct {
	App                map[string]any `json:"app"`
	Notifications      map[string]any `json:"notifications"`
	ManualProvisioning bool           `json:"manualProvisioning"`
	ImplicitAssignment bool           `json:"implicitAssignment"`
	Notes              map[string]any `json:"notes"`
	OAuthClient        OAuthClient    `json:"oauthClient"`
}

// OAuthClient is settings.oauthClient.
type OAuthClient struct {
	ClientURI              *string        `json:"client_uri"`
	LogoURI                *string        `json:"logo_uri"`
	RedirectURIs           []string       `json:"redirect_uris"`
	PostLogoutRedirectURIs []string       `json:"post_logout_redirect_uris,omitempty"`
	ResponseTypes          []string       `json:"response_types"`
	GrantTypes             []string       `json:"grant_types"`
	ApplicationType        string         `json:"application_type"`
	ConsentMethod          string         `json:"consent_method"`
	IssuerMode             string         `json:"issuer_mode"`
	IdpInitiatedLogin      map[string]any `json:"idp_initiated_login"`
	WildcardRedirect       string         `json:"wildcard_redirect"`
	JWKS                   *JWKS          `json:"jwks,omitempty"`
}

// JWKS is settings.oauthClient.jwks: the public keys a service app signs
// its client_assertion with (spec: OpenIdConnectApplicationSettingsClientKeys).
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one public key of a JWKS (RSA: e and n; EC: crv, x and y). Okta
// gives each key an id and a status and answers use null when unset, as
// recorded (TestAccResourceOktaAppOauth_serviceWithJWKS/oie-00.yaml:
// {"kty":"RSA","id":"pks…","status":"ACTIVE","kid":…,"use":null,"e":…,"n":…}).
type JWK struct {
	Kty    string `json:"kty"`
	ID     string `json:"id,omitempty"`
	Status string `json:"status,omitempty"`
	Kid    string `json:"kid,omitempty"`
	Use    string `json:"use,omitempty"`
	Alg    string `json:"alg,omitempty"`
	E      string `json:"e,omitempty"`
	N      string `json:"n,omitempty"`
	Crv    string `json:"crv,omitempty"`
	X      string `json:"x,omitempty"`
	Y      string `json:"y,omitempty"`
}

// MarshalJSON writes use, and an EC key's crv, as null when unset, as Okta
// does (recorded: an EC key sent without crv answers "crv":null).
func (k JWK) MarshalJSON() ([]byte, error) {
	type plain JWK
	b, err := json.Marshal(plain(k))
	if err != nil {
		return b, err
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if k.Use == "" {
		m["use"] = nil
	}
	if k.Kty == "EC" && k.Crv == "" {
		m["crv"] = nil
	}
	return json.Marshal(m)
}

// keyIDs gives every key of a JWKS Okta's id and status: a key the app
// already had (same kid) keeps its id.
func keyIDs(set, prev *JWKS) {
	if set == nil {
		return
	}
	for i := range set.Keys {
		k := &set.Keys[i]
		if prev != nil {
			for _, p := range prev.Keys {
				if p.Kid == k.Kid && p.ID != "" && k.ID == "" {
					k.ID = p.ID
				}
			}
		}
		if k.ID == "" {
			k.ID = newID("pks")
		}
		if k.Status == "" {
			k.Status = "ACTIVE"
		}
	}
}

// NewWandbApp returns an app wired the way W&B's Okta guide sets it up for
// wandbURL: a Single-Page Application (browser) that is a public client
// (token_endpoint_auth_method none) with both grant types, so it serves
// W&B's implicit mode (response type id_token) and its PKCE mode (code).
//
// Real Okta refuses none without pkce_required, so pkce_required is always
// true; the pkce parameter is kept for callers written before that rule
// and no longer changes the app
// (okta/terraform-provider-okta okta/services/idaas/resource_okta_app_oauth_test.go,
// TestAccResourceOktaAppOauth_config_combinations "browser-pkce-set-false-token-none").
// consent_method and issuer_mode are Okta's defaults for apps created on
// /api/v1/apps (spec: OpenIdConnectApplicationConsentMethod default TRUSTED;
// okta/okta-developer-docs .../reference/api/apps/index.md: issuer_mode
// defaults to ORG_URL without a custom domain).
func NewWandbApp(id, clientID, wandbURL string, pkce bool) App {
	_ = pkce
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	base := strings.TrimRight(wandbURL, "/")
	return App{
		ID: id, Name: "oidc_client", Label: "Weights & Biases", Status: "ACTIVE",
		Created: now, LastUpdated: now,
		Accessibility: map[string]any{"selfService": false, "errorRedirectUrl": nil, "loginRedirectUrl": nil},
		Visibility:    map[string]any{"autoLaunch": false, "autoSubmitToolbar": false, "hide": map[string]any{"iOS": true, "web": true}, "appLinks": map[string]any{"oidc_client_link": true}},
		Features:      []string{},
		SignOnMode:    "OPENID_CONNECT",
		Credentials: Credentials{
			UserNameTemplate: map[string]any{"template": "${source.login}", "type": "BUILT_IN"},
			Signing:          map[string]any{"kid": "sim-signing-key"},
			OAuthClient: OAuthClientCredentials{
				AutoKeyRotation: true, ClientID: clientID, TokenEndpointAuthMethod: "none", PKCERequired: true,
			},
		},
		Settings: Settings{
			App:           map[string]any{},
			Notifications: map[string]any{"vpn": map[string]any{"network": map[string]any{"connection": "DISABLED"}, "message": nil, "helpUrl": nil}},
			Notes:         map[string]any{"admin": nil, "enduser": nil},
			OAuthClient: OAuthClient{
				RedirectURIs:           []string{base + "/oidc/callback"},
				PostLogoutRedirectURIs: []string{base + "/logout"},
				ResponseTypes:          []string{"code", "id_token", "token"},
				GrantTypes:             []string{"authorization_code", "implicit"},
				ApplicationType:        "browser",
				ConsentMethod:          "TRUSTED",
				IssuerMode:             "ORG_URL",
				IdpInitiatedLogin:      map[string]any{"mode": "DISABLED", "default_scope": []string{}},
				WildcardRedirect:       "DISABLED",
			},
		},
	}
}

// appRequest is the subset of a POST/PUT /api/v1/apps body whose presence
// matters: Okta fills a default only where the client sent nothing, so the
// optional fields are pointers.
type appRequest struct {
	Label       string `json:"label"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	SignOnMode  string `json:"signOnMode"`
	Credentials struct {
		OAuthClient struct {
			AutoKeyRotation         *bool   `json:"autoKeyRotation"`
			ClientID                string  `json:"client_id"`
			ClientSecret            string  `json:"client_secret"`
			TokenEndpointAuthMethod *string `json:"token_endpoint_auth_method"`
			PKCERequired            *bool   `json:"pkce_required"`
		} `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient struct {
			OAuthClient
			ConsentMethod    *string `json:"consent_method"`
			IssuerMode       *string `json:"issuer_mode"`
			WildcardRedirect *string `json:"wildcard_redirect"`
		} `json:"oauthClient"`
	} `json:"settings"`
}

// applyRequest lays a request over an app. On create (base is a fresh
// app) the missing optional fields take Okta's defaults; on update they
// keep the app's current values.
func applyRequest(a *App, in appRequest, create bool) {
	a.Label = in.Label
	oc := in.Settings.OAuthClient
	dst := &a.Settings.OAuthClient
	dst.RedirectURIs = oc.RedirectURIs
	dst.PostLogoutRedirectURIs = oc.PostLogoutRedirectURIs
	dst.GrantTypes = oc.GrantTypes
	dst.ResponseTypes = oc.ResponseTypes
	dst.JWKS = oc.JWKS
	if oc.ApplicationType != "" || create {
		dst.ApplicationType = oc.ApplicationType
	}
	setIf(&dst.ConsentMethod, oc.ConsentMethod)
	setIf(&dst.IssuerMode, oc.IssuerMode)
	setIf(&dst.WildcardRedirect, oc.WildcardRedirect)
	cred := in.Credentials.OAuthClient
	setIf(&a.Credentials.OAuthClient.TokenEndpointAuthMethod, cred.TokenEndpointAuthMethod)
	if cred.ClientSecret != "" {
		// A client may set its own secret (spec:
		// ApplicationCredentialsOAuthClient.client_secret).
		a.Credentials.OAuthClient.ClientSecret = cred.ClientSecret
	}
	if cred.AutoKeyRotation != nil {
		a.Credentials.OAuthClient.AutoKeyRotation = *cred.AutoKeyRotation
	}
	switch {
	case cred.PKCERequired != nil:
		a.Credentials.OAuthClient.PKCERequired = *cred.PKCERequired
	case create:
		// "The default is true for browser and native app types"
		// (spec: ApplicationCredentialsOAuthClient.pkce_required); web
		// defaults to false (provider acceptance test "web-pkce-not-set").
		t := dst.ApplicationType
		a.Credentials.OAuthClient.PKCERequired = t == "browser" || t == "native"
	}
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// newAppFromRequest builds the app Okta creates for POST /api/v1/apps,
// with Okta's defaults for what the request leaves out.
func newAppFromRequest(id string, in appRequest, now time.Time) App {
	a := NewWandbApp(id, id, "https://unset.invalid", true)
	a.Created, a.LastUpdated = now, now
	a.Settings.OAuthClient = OAuthClient{
		// Defaults: consent_method TRUSTED (spec
		// OpenIdConnectApplicationConsentMethod), issuer_mode ORG_URL and
		// wildcard_redirect DISABLED (okta/okta-developer-docs
		// packages/@okta/vuepress-site/docs/reference/api/apps/index.md).
		ConsentMethod: "TRUSTED", IssuerMode: "ORG_URL", WildcardRedirect: "DISABLED",
		IdpInitiatedLogin: map[string]any{"mode": "DISABLED", "default_scope": []string{}},
	}
	// token_endpoint_auth_method defaults to client_secret_basic (spec:
	// OAuthEndpointAuthenticationMethod default).
	a.Credentials.OAuthClient = OAuthClientCredentials{AutoKeyRotation: true, TokenEndpointAuthMethod: "client_secret_basic"}
	applyRequest(&a, in, true)
	// client_id: "If you don't specify the client_id, this immutable
	// property is populated with the Application instance ID" (spec:
	// ApplicationCredentialsOAuthClient.client_id).
	a.Credentials.OAuthClient.ClientID = in.Credentials.OAuthClient.ClientID
	if a.Credentials.OAuthClient.ClientID == "" {
		a.Credentials.OAuthClient.ClientID = id
	}
	if a.Label == "" {
		a.Label = id
	}
	return a
}

// copyApp deep-copies an app so callers cannot alias the stored slices.
func copyApp(a *App) App {
	var cp App
	b, _ := json.Marshal(a)
	_ = json.Unmarshal(b, &cp)
	cp.Extra = deepCopyMap(a.Extra)
	cp.IDToken = deepCopyMap(a.IDToken)
	cp.AccessPolicy = a.AccessPolicy
	return cp
}

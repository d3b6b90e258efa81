package oktasim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
)

// orgID is the simulated org's id (in orn values and the org metadata).
const orgID = "00osimorg00000000000"

// appJSON is an app as Okta answers it: the modelled fields, then what the
// client sent that they do not model (App.Extra), then the keys real Okta
// adds to every OIDC app that the client did not send. Which keys Okta
// adds, and their values, come from every POST/PUT /api/v1/apps answer
// with signOnMode OPENID_CONNECT in the okta provider's recordings
// (okta/terraform-provider-okta v6.12.0 test/fixtures/vcr/idaas/
// TestAccResourceOktaAppOauth_*: 85 answers).
//
// The client secret is in the answers to create and replace only: the
// recorded GET /api/v1/apps/{id} answers never carry it (the secret is
// read through /apps/{id}/credentials/secrets).
func (s *Server) appJSON(a *App, withSecret bool) []byte {
	cp := s.withLinks(a)
	if !withSecret {
		cp.Credentials.OAuthClient.ClientSecret = ""
	}
	b, _ := json.Marshal(cp)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	fillMissing(m, a.Extra)
	fillMissing(m, appDefaults(a))
	if st, _ := m["settings"].(map[string]any); st != nil {
		if oc, _ := st["oauthClient"].(map[string]any); oc != nil && oc["redirect_uris"] == nil {
			// An app without redirect URIs (a service app) answers [] (recorded).
			oc["redirect_uris"] = []any{}
		}
	}
	if !withSecret {
		if cred, _ := m["credentials"].(map[string]any); cred != nil {
			if oc, _ := cred["oauthClient"].(map[string]any); oc != nil {
				delete(oc, "client_secret")
			}
		}
	}
	out, _ := json.Marshal(m)
	return out
}

// appDefaults are the keys real Okta adds to an OIDC app's answer.
func appDefaults(a *App) map[string]any {
	oc := map[string]any{
		// In all 73 recorded answers with settings.oauthClient; null
		// unless sent.
		"client_uri": nil, "logo_uri": nil,
		"dpop_bound_access_tokens": false,
		// participate_slo: false in the answers of 61 requests that did
		// not send it.
		"participate_slo": false,
	}
	if ex, _ := a.Extra["settings"].(map[string]any); ex != nil {
		if eoc, _ := ex["oauthClient"].(map[string]any); eoc != nil && eoc["frontchannel_logout_uri"] != nil {
			oc["frontchannel_logout_session_required"] = false
		}
	}
	return map[string]any{
		"orn": "orn:okta:idp:" + orgID + ":apps:" + a.Name + ":" + a.ID,
		"universalLogout": map[string]any{
			"status": "DISABLED", "supportType": "FULL", "identityStack": "NOT_SHARED", "protocol": "GLOBAL_TOKEN_REVOCATION",
		},
		"settings": map[string]any{"emOptInStatus": "NONE", "oauthClient": oc},
	}
}

// fillMissing copies into dst every key of src that dst lacks, at every
// level of nested objects.
func fillMissing(dst, src map[string]any) {
	for k, v := range src {
		cur, ok := dst[k]
		if !ok {
			dst[k] = deepCopy(v)
			continue
		}
		cm, cok := cur.(map[string]any)
		vm, vok := v.(map[string]any)
		if cok && vok {
			fillMissing(cm, vm)
		}
	}
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopyMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

// requestExtra is a request body as a generic object, for App.Extra.
func requestExtra(body []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	return m
}

// needsSecret says whether Okta generates a client secret for the app's
// token endpoint auth method: the recorded answers carry
// credentials.oauthClient.client_secret for client_secret_basic,
// client_secret_post and client_secret_jwt apps, never for none or
// private_key_jwt.
func needsSecret(method string) bool {
	return method == "client_secret_basic" || method == "client_secret_post" || method == "client_secret_jwt"
}

// newClientSecret makes a secret of the recorded length (64 characters of
// base64url).
func newClientSecret() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// appLinks are an app's _links as the recorded answers carry them.
func (s *Server) appLinks(a *App) map[string]any {
	base := s.URL + "/api/v1/apps/" + a.ID
	allow := func(methods ...string) map[string]any { return map[string]any{"allow": methods} }
	links := map[string]any{
		"uploadLogo":        map[string]any{"href": base + "/logo", "hints": allow("POST")},
		"appLinks":          []any{map[string]any{"name": a.Name + "_link", "href": s.URL + "/home/" + a.Name + "/" + a.ID + "/aln5z7uhkbM6y7bMy0g7", "type": "text/html"}},
		"profileEnrollment": map[string]any{"href": s.URL + "/api/v1/policies/" + profileEnrollmentPolicyID},
		"policies":          map[string]any{"href": base + "/policies", "hints": allow("PUT")},
		"groups":            map[string]any{"href": base + "/groups"},
		"logo":              []any{map[string]any{"name": "medium", "href": s.URL + "/assets/img/logos/default.png", "type": "image/png"}},
		"clientCredentials": []any{map[string]any{"name": "secrets", "href": base + "/credentials/secrets"}},
		"users":             map[string]any{"href": base + "/users"},
	}
	if a.AccessPolicy != "" {
		links["accessPolicy"] = map[string]any{"href": s.URL + "/api/v1/policies/" + a.AccessPolicy}
	}
	if a.Status == "ACTIVE" {
		links["deactivate"] = map[string]any{"href": base + "/lifecycle/deactivate"}
	} else {
		links["activate"] = map[string]any{"href": base + "/lifecycle/activate"}
	}
	return links
}

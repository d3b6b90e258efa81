package tfprovider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// spa is a browser app as main.tf declares it, with extra arguments.
func spa(extra string) string {
	return fmt.Sprintf(`resource "okta_app_oauth" "a" {
  label                      = "Weights & Biases"
  type                       = "browser"
  token_endpoint_auth_method = "none"
  redirect_uris              = ["https://wandb.example/oidc/callback"]
%s
}
`, extra)
}

// TestOktaAppRefusesWhatTheRealProviderRefuses: configurations
// okta/terraform-provider-okta refuses, with its messages, at the step it
// refuses them (plan succeeds and the create fails for the rules it checks
// in resourceAppOAuthCreate; validate fails for a bad response type).
func TestOktaAppRefusesWhatTheRealProviderRefuses(t *testing.T) {
	w := newWorkspace(t, spa(""))
	applyTime := []struct {
		name, extra, message string
	}{
		{"implicit grant without a token or id_token response type is refused",
			`grant_types = ["authorization_code", "implicit"]
  response_types = ["code"]`,
			"failed to create OAuth application: 'response_types' must contain at least one of ['token', 'id_token'] when 'grant_types' contains 'implicit'"},
		{"implicit grant with response types left out is refused",
			`grant_types = ["implicit"]`,
			"'response_types' must contain at least one of ['token', 'id_token'] when 'grant_types' contains 'implicit'"},
		{"a client_credentials grant on a browser app is refused",
			`grant_types = ["client_credentials"]`,
			`failed to create OAuth application: failed conditional validation for field "grant_types" of type "browser", it can contain implicit, authorization_code, refresh_token`},
		{"private_key_jwt without keys is refused",
			`token_endpoint_auth_method = "private_key_jwt"`,
			"'jwks' or 'jwks_uri' is required when 'token_endpoint_auth_method' is 'private_key_jwt'"},
	}
	for _, tc := range applyTime {
		t.Run(tc.name, func(t *testing.T) {
			body := spa(tc.extra)
			if strings.Contains(tc.extra, "private_key_jwt") {
				body = strings.Replace(body, `token_endpoint_auth_method = "none"`, "", 1)
			}
			w.write("main.tf", body)
			if out, code := w.run("plan", "-input=false", "-no-color"); code != 0 {
				t.Fatalf("the real provider plans this; plan exited %d:\n%s", code, out)
			}
			out, code := w.run("apply", "-auto-approve", "-input=false", "-no-color")
			if code == 0 {
				t.Fatalf("apply succeeded; want it refused with %q", tc.message)
			}
			if !strings.Contains(strings.Join(strings.Fields(out), " "), tc.message) {
				t.Fatalf("apply output does not say %q:\n%s", tc.message, out)
			}
		})
	}
	t.Run("an unknown response type is refused by validate", func(t *testing.T) {
		w.write("main.tf", spa(`response_types = ["code", "hybrid"]`))
		out, code := w.run("validate", "-no-color")
		if code == 0 || !strings.Contains(out, `expected response_types to be one of ["code" "token" "id_token"], got hybrid`) {
			t.Fatalf("validate exited %d:\n%s", code, out)
		}
	})
}

// TestOktaAppFillsTheRealDefaults: left out, token_endpoint_auth_method is
// client_secret_basic, consent_method TRUSTED, issuer_mode ORG_URL; a new
// browser app, and any app with auth method none, requires PKCE; grant
// and response types default to the type's minimum.
func TestOktaAppFillsTheRealDefaults(t *testing.T) {
	w := newWorkspace(t, `resource "okta_app_oauth" "secret" {
  label = "web"
  type  = "web"
  redirect_uris = ["https://wandb.example/oidc/callback"]
}
resource "okta_app_oauth" "public" {
  label = "spa"
  type  = "browser"
  token_endpoint_auth_method = "none"
  grant_types    = ["authorization_code"]
  redirect_uris = ["https://wandb.example/oidc/callback"]
}
`)
	w.apply()
	for _, tc := range []struct{ address, attr, want string }{
		{"okta_app_oauth.secret", "token_endpoint_auth_method", "client_secret_basic"},
		{"okta_app_oauth.secret", "pkce_required", "false"},
		{"okta_app_oauth.secret", "grant_types", "[authorization_code]"},
		{"okta_app_oauth.secret", "response_types", "[code]"},
		{"okta_app_oauth.secret", "consent_method", "TRUSTED"},
		{"okta_app_oauth.secret", "issuer_mode", "ORG_URL"},
		{"okta_app_oauth.public", "pkce_required", "true"},
		{"okta_app_oauth.public", "response_types", "[code]"},
		{"okta_app_oauth.public", "status", "ACTIVE"},
	} {
		t.Run(fmt.Sprintf("%s gets %s %s", tc.address, tc.attr, tc.want), func(t *testing.T) {
			if got := fmt.Sprint(w.state(tc.address)[tc.attr]); got != tc.want {
				t.Fatalf("%s = %s, want %s", tc.attr, got, tc.want)
			}
		})
	}
	t.Run("the applied configuration plans no change", func(t *testing.T) {
		for addr, rc := range w.plan() {
			if action(rc) != "no-op" {
				t.Errorf("%s: %s", addr, action(rc))
			}
		}
	})
}

// TestOktaAppPlansLikeTheRealProvider: ForceNew attributes replace the app,
// sets ignore order, and the provider's defaults are sent on update.
func TestOktaAppPlansLikeTheRealProvider(t *testing.T) {
	base := `grant_types = ["authorization_code", "implicit"]
  response_types = ["code", "id_token", "token"]
  pkce_required = true
  omit_secret = true
  post_logout_redirect_uris = ["https://wandb.example/logout", "https://wandb.example/bye"]`
	w := newWorkspace(t, spa(base))
	w.apply()
	app := w.state("okta_app_oauth.a")
	id, clientID := app["id"].(string), app["client_id"].(string)
	steps := []struct{ name, extra, want string }{
		{"reordering post_logout_redirect_uris changes nothing", strings.Replace(base,
			`["https://wandb.example/logout", "https://wandb.example/bye"]`, `["https://wandb.example/bye", "https://wandb.example/logout"]`, 1), "no-op"},
		{"reordering grant types changes nothing", strings.Replace(base, `["authorization_code", "implicit"]`, `["implicit", "authorization_code"]`, 1), "no-op"},
		{"setting client_id to the app's own changes nothing", base + "\n  client_id = \"" + clientID + "\"", "no-op"},
		{"setting another client_id replaces the app", base + "\n  client_id = \"0oaother\"", "replace"},
		{"another type replaces the app", strings.Replace(spa(base), `"browser"`, `"native"`, 1), "replace"},
		{"omit_secret true to false replaces the app", strings.Replace(base, "omit_secret = true", "omit_secret = false", 1), "replace"},
		{"a redirect URI added is an update in place", base + "\n  redirect_uris = [\"https://wandb.example/oidc/callback\", \"https://x.example/cb\"]", "update"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			body := s.extra
			if !strings.HasPrefix(body, "resource") {
				body = spa(body)
			}
			if strings.Count(body, "\n  redirect_uris") > 1 {
				body = strings.Replace(body, `  redirect_uris              = ["https://wandb.example/oidc/callback"]`+"\n", "", 1)
			}
			w.write("main.tf", body)
			if got := action(w.plan()["okta_app_oauth.a"]); got != s.want {
				t.Fatalf("plan: %s, want %s", got, s.want)
			}
		})
	}
	t.Run("omit_secret false to true is an update in place", func(t *testing.T) {
		w2 := newWorkspace(t, spa(strings.Replace(base, "omit_secret = true", "omit_secret = false", 1)))
		w2.apply()
		w2.write("main.tf", spa(base))
		if got := action(w2.plan()["okta_app_oauth.a"]); got != "update" {
			t.Fatalf("plan: %s, want update", got)
		}
	})
	t.Run("an issuer mode changed in the console is set back to the ORG_URL default", func(t *testing.T) {
		w.write("main.tf", spa(base))
		if err := w.okta.UpdateApp(id, func(a *oktasim.App) { a.Settings.OAuthClient.IssuerMode = "CUSTOM_URL" }); err != nil {
			t.Fatal(err)
		}
		rc := w.plan()["okta_app_oauth.a"]
		before, after := rc.Change.Before.(map[string]any), rc.Change.After.(map[string]any)
		if action(rc) != "update" || before["issuer_mode"] != "CUSTOM_URL" || after["issuer_mode"] != "ORG_URL" {
			t.Fatalf("plan %s issuer_mode %v -> %v, want update CUSTOM_URL -> ORG_URL", action(rc), before["issuer_mode"], after["issuer_mode"])
		}
	})
}

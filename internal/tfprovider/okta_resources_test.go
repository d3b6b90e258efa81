package tfprovider

import (
	"fmt"
	"strings"
	"testing"
)

const ruleTF = `resource "okta_auth_server_policy_rule" "r" {
  auth_server_id       = "aus1"
  policy_id            = "pol1"
  name                 = "W&B"
  priority             = 1
  grant_type_whitelist = ["authorization_code", "implicit"]
  scope_whitelist      = ["openid"]
%s
}
`

// TestNewOktaResourcesRefuseWhatTheRealProviderRefuses: the checks
// okta_trusted_origin and okta_auth_server_policy_rule make before calling
// Okta, with the real messages; plan accepts these configurations, as the
// real provider's does.
func TestNewOktaResourcesRefuseWhatTheRealProviderRefuses(t *testing.T) {
	w := newWorkspace(t, "")
	for _, tc := range []struct{ name, body, message string }{
		{"an inactive trusted origin cannot be created", `resource "okta_trusted_origin" "o" {
  name   = "W&B"
  origin = "https://wandb.example"
  scopes = ["CORS", "REDIRECT"]
  active = false
}`, "can not create inactive trusted origin, only existing trusted origins can be deactivated"},
		{"an implicit rule without users or groups is refused", fmt.Sprintf(ruleTF, ""),
			`at least "user_whitelist" or "group_whitelist" should be provided when using 'implicit' in "grant_type_whitelist"`},
		{"a refresh token shorter-lived than the access token is refused", fmt.Sprintf(ruleTF, `group_whitelist = ["EVERYONE"]
  refresh_token_lifetime_minutes = 30`),
			"'refresh_token_lifetime_minutes' must be greater than or equal to 'access_token_lifetime_minutes'"},
		{"a refresh token window outside the lifetimes is refused", fmt.Sprintf(ruleTF, `group_whitelist = ["EVERYONE"]
  refresh_token_lifetime_minutes = 120`),
			"'refresh_token_window_minutes' must be between 'access_token_lifetime_minutes' and 'refresh_token_lifetime_minutes'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.write("main.tf", tc.body)
			if out, code := w.run("plan", "-input=false", "-no-color"); code != 0 {
				t.Fatalf("the real provider plans this; plan exited %d:\n%s", code, out)
			}
			out, code := w.run("apply", "-auto-approve", "-input=false", "-no-color")
			if code == 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), tc.message) {
				t.Fatalf("apply exited %d, want %q:\n%s", code, tc.message, out)
			}
		})
	}
}

// TestNewOktaResourcesPlanTheRealDefaults: what a plan of each new
// resource holds for the arguments left out.
func TestNewOktaResourcesPlanTheRealDefaults(t *testing.T) {
	w := newWorkspace(t, `resource "okta_app_group_assignments" "g" {
  app_id = "0oa1"
  group {
    id = "00g1"
  }
  group {
    id       = "00g2"
    priority = 2
  }
}
resource "okta_trusted_origin" "o" {
  name   = "W&B"
  origin = "https://wandb.example"
  scopes = ["CORS", "REDIRECT"]
}
`+fmt.Sprintf(ruleTF, `group_whitelist = ["EVERYONE"]`))
	plan := w.plan()
	for _, tc := range []struct{ address, attr, want string }{
		{"okta_app_group_assignments.g", "group", "[map[id:00g1 priority:<nil> profile:{}] map[id:00g2 priority:2 profile:{}]]"},
		{"okta_trusted_origin.o", "active", "true"},
		{"okta_trusted_origin.o", "scopes", "[CORS REDIRECT]"},
		{"okta_auth_server_policy_rule.r", "type", "RESOURCE_ACCESS"},
		{"okta_auth_server_policy_rule.r", "status", "ACTIVE"},
		{"okta_auth_server_policy_rule.r", "access_token_lifetime_minutes", "60"},
		{"okta_auth_server_policy_rule.r", "refresh_token_window_minutes", "10080"},
		{"okta_auth_server_policy_rule.r", "refresh_token_lifetime_minutes", "<nil>"},
	} {
		t.Run(fmt.Sprintf("%s plans %s %s", tc.address, tc.attr, tc.want), func(t *testing.T) {
			rc := plan[tc.address]
			if action(rc) != "create" {
				t.Fatalf("plan: %s, want create", action(rc))
			}
			if got := fmt.Sprint(rc.Change.After.(map[string]any)[tc.attr]); got != tc.want {
				t.Fatalf("%s = %s, want %s", tc.attr, got, tc.want)
			}
		})
	}
}

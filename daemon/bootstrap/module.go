package bootstrap

import (
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks/source"
)

// OktaProviderConstraint pins the okta provider the module is written
// for: its resources' schemas are those of okta/terraform-provider-okta
// v6.12.0 (okta/services/idaas/resource_okta_app_oauth.go and friends).
const OktaProviderConstraint = "~> 6.12"

// Module renders the Terraform root module: file name -> content. Every
// object read gets a resource that repeats what Okta holds and an import
// block, so the first `terraform plan` imports and changes nothing. The
// variables are those of driftd's default mapping (contract section 3)
// that an Okta-only module uses, defaulting to today's values.
func (in *Install) Module() map[string][]byte {
	files := map[string][]byte{
		"versions.tf":  []byte(versionsTF),
		"variables.tf": []byte(in.variablesTF()),
		"main.tf":      []byte(in.mainTF()),
		"imports.tf":   []byte(in.importsTF()),
	}
	return files
}

const versionsTF = `# Written by driftd init. The okta provider reads OKTA_ORG_NAME,
# OKTA_BASE_URL and OKTA_API_TOKEN (or an OAuth service app) from the
# environment: give Terraform a credential that may write apps
# (remediation.terraform.env in driftd.yaml); none is written here.
terraform {
  required_version = ">= 1.5.0" # import blocks
  required_providers {
    okta = {
      source  = "okta/okta"
      version = "` + OktaProviderConstraint + `"
    }
  }
}

provider "okta" {}
`

func (in *Install) variablesTF() string {
	var b strings.Builder
	v := func(name, desc string, def []string) {
		fmt.Fprintf(&b, "variable %q {\n  type        = list(string)\n  description = %s\n  default     = %s\n}\n\n", name, hq(desc), hlist(def))
	}
	app := in.App
	v("redirect_uris", "The app's sign-in redirect URIs (driftd passes the desired ones).", app.RedirectURIs)
	v("post_logout_redirect_uris", "The app's sign-out redirect URIs.", app.PostLogoutRedirectURIs)
	v("grant_types", "The app's grant types.", app.GrantTypes)
	// issuer_mode is in driftd's default mapping (okta.issuer_mode is fixed
	// through it, contract section 11): declared, the finding is fixable.
	fmt.Fprintf(&b, "variable %q {\n  type        = string\n  description = %s\n  default     = %s\n}\n", "issuer_mode",
		hq("The app's issuer mode: the host its tokens name as issuer (driftd passes the one the desired issuer needs)."), hq(orDefault(app.IssuerMode, "ORG_URL")))
	return b.String()
}

func (in *Install) mainTF() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	app := in.App
	w("# The OIDC app W&B signs in through, as Okta holds it today (read by driftd init).")
	w(`resource "okta_app_oauth" "wandb" {`)
	w("  label                      = %s", hq(app.Label))
	w("  type                       = %s", hq(app.ApplicationType))
	w("  status                     = %s", hq(app.Status))
	w("  grant_types                = var.grant_types")
	w("  response_types             = %s", hlist(app.ResponseTypes))
	w("  redirect_uris              = var.redirect_uris")
	w("  post_logout_redirect_uris  = var.post_logout_redirect_uris")
	w("  token_endpoint_auth_method = %s", hq(app.TokenEndpointAuthMethod))
	w("  pkce_required              = %t", app.PKCERequired)
	w("  issuer_mode                = var.issuer_mode")
	w("  consent_method             = %s", hq(orDefault(app.ConsentMethod, "TRUSTED")))
	w("  wildcard_redirect          = %s", hq(orDefault(app.WildcardRedirect, "DISABLED")))
	w("  hide_ios                   = %t", app.HideIOS)
	w("  hide_web                   = %t", app.HideWeb)
	w("  auto_key_rotation          = %t", app.AutoKeyRotation)
	if app.LoginURI != "" {
		w("  login_uri                  = %s", hq(app.LoginURI))
	}
	w("")
	w("  # An import leaves these null, and the okta provider would plan its")
	w("  # defaults into them on the first apply: omit_secret and")
	w("  # skip_authentication_policy are the provider's own settings, never read")
	w("  # from Okta, and refresh_token_* are read only when Okta answers a")
	w("  # refresh_token object, which a browser app without the refresh_token")
	w("  # grant lacks (resource_okta_app_oauth.go, resourceAppOAuthRead).")
	w("  lifecycle {")
	w("    ignore_changes = [omit_secret, skip_authentication_policy, refresh_token_rotation, refresh_token_leeway]")
	w("  }")
	w("}")
	if len(in.Groups) > 0 {
		w("")
		w("# Who may sign in: the groups assigned to the app today.")
		w(`resource "okta_app_group_assignments" "wandb" {`)
		w("  app_id = okta_app_oauth.wandb.id")
		for _, g := range in.Groups {
			w("  group {")
			if g.Name != "" {
				w("    # %s", oneLine(g.Name))
			}
			w("    id = %s", hq(g.ID))
			w("  }")
		}
		w("}")
	}
	if o := in.Origin; o != nil {
		w("")
		w("# The W&B origin as an Okta Trusted Origin.")
		w(`resource "okta_trusted_origin" "wandb" {`)
		w("  name   = %s", hq(o.Name))
		w("  origin = %s", hq(o.Origin))
		w("  scopes = %s", hlist(o.Scopes))
		w("  active = %t", o.Status == "ACTIVE")
		w("}")
	}
	if r := in.Rule; r != nil {
		in.writeRule(w, r)
	}
	return b.String()
}

func (in *Install) writeRule(w func(string, ...any), r *source.PolicyRule) {
	w("")
	w("# The access policy rule of authorization server %s that lets this client sign in.", in.AuthServerID)
	w(`resource "okta_auth_server_policy_rule" "wandb" {`)
	w("  auth_server_id       = %s", hq(r.AuthServerID))
	w("  policy_id            = %s", hq(r.PolicyID))
	w("  name                 = %s", hq(r.Name))
	w("  status               = %s", hq(r.Status))
	w("  priority             = %d", r.Priority)
	if r.Type != "" {
		w("  type                 = %s", hq(r.Type))
	}
	w("  grant_type_whitelist = %s", hlist(r.GrantTypes))
	if len(r.Scopes) > 0 {
		w("  scope_whitelist      = %s", hlist(r.Scopes))
	}
	if len(r.Groups) > 0 {
		w("  group_whitelist      = %s", hlist(r.Groups))
	}
	if len(r.Users) > 0 {
		w("  user_whitelist       = %s", hlist(r.Users))
	}
	if r.AccessTokenLifetime != 0 {
		w("  access_token_lifetime_minutes  = %d", r.AccessTokenLifetime)
	}
	if r.RefreshTokenLifetime != 0 {
		w("  refresh_token_lifetime_minutes = %d", r.RefreshTokenLifetime)
	}
	if r.RefreshTokenWindow != 0 {
		w("  refresh_token_window_minutes   = %d", r.RefreshTokenWindow)
	}
	w("}")
}

// importsTF: one import block per object read, with the ids the okta
// provider's importers take (resource_okta_app_group_assignments.go: the
// app id; resource_okta_auth_server_policy_rule.go:
// AUTH_SERVER_ID/POLICY_ID/RULE_ID).
func (in *Install) importsTF() string {
	var b strings.Builder
	imp := func(to, id string) { fmt.Fprintf(&b, "import {\n  to = %s\n  id = %s\n}\n\n", to, hq(id)) }
	b.WriteString("# Terraform 1.5+ imports these on the first apply; `terraform plan` shows\n# the imports and no change. Remove this file once they are in the state.\n\n")
	imp("okta_app_oauth.wandb", in.App.ID)
	if len(in.Groups) > 0 {
		imp("okta_app_group_assignments.wandb", in.App.ID)
	}
	if in.Origin != nil {
		imp("okta_trusted_origin.wandb", in.Origin.ID)
	}
	if r := in.Rule; r != nil {
		imp("okta_auth_server_policy_rule.wandb", r.AuthServerID+"/"+r.PolicyID+"/"+r.ID)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// hq quotes an HCL string: HCL's escapes (\n \r \t \" \\ \uNNNN) and its
// template sequences ${ and %{ doubled, so a label can never interpolate.
func hq(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	out := b.String()
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(out)
}

func hlist(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = hq(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

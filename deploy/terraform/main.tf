# Example root module: the W&B SSO wiring as W&B's Okta guide sets it up,
# owned by Terraform so driftd can plan and apply fixes.
#
# Variable names follow W&B's own modules (oidc_client_id, oidc_issuer,
# oidc_auth_method, other_wandb_env) and driftd's default variable mapping
# (cors_origins, redirect_uris, post_logout_redirect_uris, grant_types,
# groups), so that mapping works unchanged.
#
# Written against the real providers' rules (okta/terraform-provider-okta
# okta/services/idaas/resource_okta_app_oauth.go and real Okta): a public
# client (token_endpoint_auth_method "none") must require PKCE, and a grant
# type "implicit" needs a response type "token" or "id_token", in both
# auth methods.

# The Okta side is here; W&B's env (a ConfigMap) is in wandb_env.tf and the
# providers and their versions are in versions.tf.

# Reads its settings from the environment (OKTA_ORG_NAME, OKTA_BASE_URL,
# OKTA_API_TOKEN), so no secret is in code.
provider "okta" {}

locals {
  wandb_url    = trimsuffix(var.wandb_url, "/")
  cors_origins = coalescelist(var.cors_origins, [local.wandb_url, "null"])
  # W&B's operator chart joins the origins with "," and no space.
  cors_env = length(var.cors_origins) > 0 ? { GORILLA_CORS_ORIGINS = join(",", var.cors_origins) } : {}
  implicit = contains(var.grant_types, "implicit")
}

# The Okta app: a Single-Page Application (browser) with Authorization Code
# and Implicit (hybrid), no client secret, W&B's two redirect URIs.
resource "okta_app_oauth" "wandb" {
  label                      = var.app_label
  type                       = "browser"
  status                     = "ACTIVE"
  grant_types                = var.grant_types
  response_types             = local.implicit ? ["code", "id_token", "token"] : ["code"]
  redirect_uris              = coalescelist(var.redirect_uris, ["${local.wandb_url}/oidc/callback"])
  post_logout_redirect_uris  = coalescelist(var.post_logout_redirect_uris, ["${local.wandb_url}/logout"])
  token_endpoint_auth_method = "none"
  pkce_required              = true
  # Pinned, so that a fix never switches them (the provider would otherwise
  # send its defaults, TRUSTED and ORG_URL, on every update).
  issuer_mode    = var.issuer_mode
  consent_method = var.consent_method

  # Importing a console-made app leaves these null, and the provider would
  # plan its defaults into them on the first apply: omit_secret and
  # skip_authentication_policy are the provider's own settings, never read
  # from Okta, and refresh_token_* are read only when Okta answers a
  # refresh_token object, which it does only for an app granted refresh_token
  # (terraform-provider-okta v6.12.0 resource_okta_app_oauth.go,
  # resourceAppOAuthRead; 0 of the 323 recorded apps without the grant carry
  # one). driftd init's module ignores the same four.
  lifecycle {
    ignore_changes = [omit_secret, skip_authentication_policy, refresh_token_rotation, refresh_token_leeway]
  }
}

# Who may sign in: the groups assigned to the app (by group id). Left out
# when no group is listed.
resource "okta_app_group_assignments" "wandb" {
  count  = length(var.groups) > 0 ? 1 : 0
  app_id = okta_app_oauth.wandb.id
  dynamic "group" {
    for_each = var.groups
    content {
      id = group.value
    }
  }
}

# The W&B origin as an Okta Trusted Origin for CORS and redirects, so the
# browser app's token and discovery calls are allowed.
resource "okta_trusted_origin" "wandb" {
  count  = var.trusted_origin ? 1 : 0
  name   = coalesce(var.trusted_origin_name, "Weights & Biases (${local.wandb_url})")
  origin = local.wandb_url
  scopes = ["CORS", "REDIRECT"]
}

# A rule in the custom authorization server's access policy that lets this
# client's grant types through with the openid scope.
resource "okta_auth_server_policy_rule" "wandb" {
  count                = var.auth_server_id != "" && var.auth_server_policy_id != "" ? 1 : 0
  auth_server_id       = var.auth_server_id
  policy_id            = var.auth_server_policy_id
  name                 = var.auth_server_rule_name
  priority             = var.auth_server_rule_priority
  grant_type_whitelist = var.grant_types
  scope_whitelist      = ["openid", "profile", "email"]
  # The real provider refuses "implicit" without a user or group list.
  group_whitelist = length(var.groups) > 0 ? var.groups : ["EVERYONE"]
}

output "okta_app_id" {
  value = okta_app_oauth.wandb.id
}

output "okta_client_id" {
  value = okta_app_oauth.wandb.client_id
}

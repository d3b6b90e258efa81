# Example root module: the W&B SSO wiring as W&B's Okta guide sets it up,
# owned by Terraform so driftd can plan and apply fixes.
#
# Variable names follow W&B's own modules (oidc_client_id, oidc_issuer,
# oidc_auth_method, other_wandb_env), so driftd's default variable mapping
# works unchanged.

terraform {
  required_providers {
    okta = {
      source = "okta/okta"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

# Both providers read their settings from the environment (OKTA_ORG_NAME,
# OKTA_BASE_URL, OKTA_API_TOKEN; KUBE_CONFIG_PATH), so no secret is in code.
provider "okta" {}
provider "kubernetes" {}

locals {
  wandb_url = trimsuffix(var.wandb_url, "/")
}

# The Okta app: a Single-Page Application (browser) with Authorization Code
# and Implicit (hybrid), no client secret, W&B's two redirect URIs.
resource "okta_app_oauth" "wandb" {
  label                      = var.app_label
  type                       = "browser"
  status                     = "ACTIVE"
  grant_types                = var.grant_types
  response_types             = contains(var.grant_types, "implicit") ? ["code", "id_token", "token"] : ["code"]
  redirect_uris              = coalescelist(var.redirect_uris, ["${local.wandb_url}/oidc/callback"])
  post_logout_redirect_uris  = coalescelist(var.post_logout_redirect_uris, ["${local.wandb_url}/logout"])
  token_endpoint_auth_method = "none"
  pkce_required              = true # Okta: required with token_endpoint_auth_method none
}

# The W&B deployment's environment, as the operator chart consumes it.
resource "kubernetes_config_map" "wandb_env" {
  metadata {
    name      = "wandb-env"
    namespace = var.namespace
  }
  data = merge(
    { GORILLA_CORS_ORIGINS = "${local.wandb_url}, null" },
    var.other_wandb_env,
    {
      OIDC_CLIENT_ID   = var.oidc_client_id
      OIDC_ISSUER      = var.oidc_issuer
      OIDC_AUTH_METHOD = var.oidc_auth_method
    },
  )
}

output "okta_app_id" {
  value = okta_app_oauth.wandb.id
}

output "okta_client_id" {
  value = okta_app_oauth.wandb.client_id
}

output "wandb_env" {
  value = kubernetes_config_map.wandb_env.data
}

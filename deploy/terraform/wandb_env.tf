# W&B's side of the wiring: the W&B deployment's environment as a
# ConfigMap, as the operator chart consumes it.

# Reads its settings from the environment (KUBE_CONFIG_PATH, KUBE_CTX), so
# no secret is in code.
provider "kubernetes" {}

# The W&B deployment's environment, as the operator chart consumes it.
resource "kubernetes_config_map" "wandb_env" {
  metadata {
    name      = "wandb-env"
    namespace = var.namespace
  }
  data = merge(
    { GORILLA_CORS_ORIGINS = join(",", local.cors_origins) },
    var.other_wandb_env,
    local.cors_env,
    {
      OIDC_CLIENT_ID   = var.oidc_client_id
      OIDC_ISSUER      = var.oidc_issuer
      OIDC_AUTH_METHOD = var.oidc_auth_method
    },
  )
}

output "wandb_env" {
  value = kubernetes_config_map.wandb_env.data
}

# Example module for a W&B install by the W&B Kubernetes operator, in the
# shape of W&B's own modules: wandb/terraform-helm-wandb main.tf installs the
# wandb-cr chart with `set { name = "name" }` and
# `set { name = "spec", value = yamlencode(var.spec), type = "string" }`,
# and wandb/terraform-aws-wandb main.tf passes other_wandb_env as
# spec.values.global.extraEnv and the OIDC settings as
# spec.values.global.auth.oidc. It owns W&B's side of the SSO wiring only;
# the Okta app is ../main.tf's.
#
# A Helm `set` value is read by Helm's strvals (helm/helm pkg/strvals
# parser.go): a "," ends the value and a "\" escapes the next character. The
# spec's YAML carries GORILLA_CORS_ORIGINS joined with ",", so the whole text
# is escaped before it goes into the set (W&B's AWS module writes "\\," by
# hand for its comma lists for the same reason); otherwise Helm would cut
# the spec at the first comma.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    # Tested against hashicorp/helm v3.1.2; pinned to its minor version.
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.1"
    }
  }
}

# Reads its settings from the environment (KUBE_CONFIG_PATH, HELM_NAMESPACE).
provider "helm" {}

locals {
  wandb_url    = trimsuffix(var.wandb_url, "/")
  cors_origins = coalescelist(var.cors_origins, [local.wandb_url, "null"])
  # W&B's operator chart joins the origins with "," and no space.
  cors_env = length(var.cors_origins) > 0 ? { GORILLA_CORS_ORIGINS = join(",", var.cors_origins) } : {}
  spec = {
    values = {
      global = {
        host = local.wandb_url
        extraEnv = merge(
          { GORILLA_CORS_ORIGINS = join(",", local.cors_origins) },
          var.other_wandb_env,
          local.cors_env,
        )
        auth = {
          oidc = {
            clientId   = var.oidc_client_id
            issuer     = var.oidc_issuer
            authMethod = var.oidc_auth_method
          }
        }
      }
    }
  }
}

# The WeightsAndBiases custom resource, through the wandb-cr chart beside
# this file (a copy of wandb/terraform-helm-wandb's wandb-cr, which that
# module installs the same way: `repository = path.module`). Written for
# hashicorp/helm 3.x, where `set` is a list attribute.
resource "helm_release" "wandb" {
  name       = "wandb-cr"
  chart      = "wandb-cr"
  repository = path.module
  namespace  = var.namespace
  set = [
    { name = "name", value = "wandb" },
    {
      name  = "spec"
      value = replace(replace(yamlencode(local.spec), "\\", "\\\\"), ",", "\\,")
      type  = "string"
    },
  ]
}

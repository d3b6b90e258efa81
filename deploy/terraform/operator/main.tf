# Example module for a W&B install by the W&B Kubernetes operator.
#
# operator_api = "v1" (the default): in the shape of W&B's own modules: wandb/terraform-helm-wandb main.tf installs the
# wandb-cr chart with `set { name = "name" }` and
# `set { name = "spec", value = yamlencode(var.spec), type = "string" }`,
# and wandb/terraform-aws-wandb main.tf passes other_wandb_env as
# spec.values.global.extraEnv and the OIDC settings as
# spec.values.global.auth.oidc. It owns W&B's side of the SSO wiring only;
# the Okta app is ../main.tf's.
#
# operator_api = "v2": the operator stores WeightsAndBiases as v2, where the
# OIDC settings are Secret references (wandb/operator api/v2
# weightsandbiases_types.go: WandbAppSpec.OIDC `json:"oidc"`, OidcSpec's
# clientId, issuerUrl, authMethod are corev1.SecretKeySelector) and the
# operator gives the app those keys by secretKeyRef. It fills them from v1
# spec.values only while they are empty (internal/controller/reconciler/
# migrate_legacy.go migrateLegacyOIDC, into `<name>-oidc-converted`), so a
# v1 spec.values edit never reaches a migrated install's pods. In this mode
# the module writes the keys that spec.wandb.oidc names in that Secret, and
# nothing else: kubernetes_secret_v1_data applies only the keys it is given
# (server-side apply with its own field manager), so the client secret and
# every other key stay whoever's they are. The helm release is not made.
# spec.wandb.legacyOverrides (the CORS origins, LOCAL_RESTORE) is not
# managed: its env lists are atomic in the CRD, so owning one entry would
# mean owning, and rewriting, every entry, secrets included, in a list the
# operator itself edits (daemon/terraform NoChangesReason says why in
# full); driftd reports that drift with the path to fix it by hand.
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
    # Tested against hashicorp/kubernetes v3.2.1 (operator_api = "v2").
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.2"
    }
  }
}

# Reads its settings from the environment (KUBE_CONFIG_PATH, HELM_NAMESPACE).
provider "helm" {}

# Reads its settings from the environment (KUBE_CONFIG_PATH).
provider "kubernetes" {}

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
  count      = var.operator_api == "v1" ? 1 : 0
  name       = "wandb-cr"
  chart      = "wandb-cr"
  repository = path.module
  namespace  = var.namespace
  set = [
    { name = "name", value = var.name },
    {
      name  = "spec"
      value = replace(replace(yamlencode(local.spec), "\\", "\\\\"), ",", "\\,")
      type  = "string"
    },
  ]
}

# Before operator_api, the release had no count.
moved {
  from = helm_release.wandb
  to   = helm_release.wandb[0]
}

# operator_api = "v2": the keys spec.wandb.oidc points at, in the Secret it
# names. The Secret must exist (the operator's migration or you made it);
# force takes over keys another manager last wrote, such as an admin's
# kubectl edit, which is the drift this fixes.
resource "kubernetes_secret_v1_data" "wandb_oidc" {
  count = var.operator_api == "v2" ? 1 : 0
  metadata {
    name      = coalesce(var.oidc_secret, "${var.name}-oidc-converted")
    namespace = var.namespace
  }
  data = {
    (var.oidc_secret_keys.client_id)   = var.oidc_client_id
    (var.oidc_secret_keys.issuer)      = var.oidc_issuer
    (var.oidc_secret_keys.auth_method) = var.oidc_auth_method
  }
  field_manager = "driftd"
  force         = true
}

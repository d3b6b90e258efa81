variable "wandb_url" {
  type        = string
  description = "The W&B server's URL, e.g. https://wandb.acme.com."
}

variable "namespace" {
  type        = string
  default     = "wandb"
  description = "Kubernetes namespace of the WeightsAndBiases resource."
}

variable "oidc_client_id" {
  type        = string
  description = "The Okta app's client id (spec.values.global.auth.oidc.clientId)."
}

variable "oidc_issuer" {
  type        = string
  description = "The Okta issuer, without a trailing slash."
}

variable "oidc_auth_method" {
  type        = string
  default     = "implicit"
  description = "implicit or pkce."
}

variable "other_wandb_env" {
  type        = map(string)
  default     = {}
  description = "Further W&B env vars (spec.values.global.extraEnv); GORILLA_CORS_ORIGINS may go here."
}

variable "cors_origins" {
  type        = list(string)
  default     = []
  description = "GORILLA_CORS_ORIGINS, joined with \",\"; empty: the W&B URL and null (or other_wandb_env's value)."
}

variable "operator_api" {
  type        = string
  default     = "v1"
  description = "v1: the WeightsAndBiases spec.values through W&B's wandb-cr chart; v2: the keys of the Secret the v2 resource's spec.wandb.oidc names."
  validation {
    condition     = contains(["v1", "v2"], var.operator_api)
    error_message = "operator_api is v1 or v2."
  }
}

variable "name" {
  type        = string
  default     = "wandb"
  description = "The WeightsAndBiases resource's name."
}

variable "oidc_secret" {
  type        = string
  default     = ""
  description = "operator_api v2: the Secret spec.wandb.oidc names; empty: <name>-oidc-converted, the operator's name after a v1 migration."
}

variable "oidc_secret_keys" {
  type = object({ client_id = string, issuer = string, auth_method = string })
  default = {
    client_id   = "clientId"
    issuer      = "issuerUrl"
    auth_method = "authMethod"
  }
  description = "operator_api v2: the keys spec.wandb.oidc.{clientId,issuerUrl,authMethod}.key name (the operator's migration writes these)."
}

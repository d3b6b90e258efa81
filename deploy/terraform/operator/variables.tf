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

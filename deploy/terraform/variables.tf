variable "wandb_url" {
  type        = string
  description = "The W&B server's URL, e.g. https://wandb.acme.com."
}

variable "namespace" {
  type        = string
  default     = "wandb"
  description = "Kubernetes namespace of the W&B deployment."
}

variable "app_label" {
  type    = string
  default = "Weights & Biases"
}

variable "oidc_client_id" {
  type        = string
  description = "The Okta app's client id (OIDC_CLIENT_ID)."
}

variable "oidc_issuer" {
  type        = string
  description = "The Okta issuer (OIDC_ISSUER), without a trailing slash."
}

variable "oidc_auth_method" {
  type        = string
  default     = "implicit"
  description = "implicit or pkce (OIDC_AUTH_METHOD)."
}

variable "other_wandb_env" {
  type        = map(string)
  default     = {}
  description = "Further W&B env vars; GORILLA_CORS_ORIGINS goes here."
}

variable "redirect_uris" {
  type    = list(string)
  default = []
}

variable "post_logout_redirect_uris" {
  type    = list(string)
  default = []
}

variable "grant_types" {
  type    = list(string)
  default = ["authorization_code", "implicit"]
}

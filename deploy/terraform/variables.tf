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

variable "cors_origins" {
  type        = list(string)
  default     = []
  description = "GORILLA_CORS_ORIGINS, joined with \",\"; empty: the W&B URL and null (or other_wandb_env's value)."
}

variable "issuer_mode" {
  type        = string
  default     = "ORG_URL"
  description = "The app's issuer_mode (ORG_URL, CUSTOM_URL or DYNAMIC); driftd passes the app's own mode when it yields oidc_issuer, else the one that does (okta.issuer_mode)."
}

variable "consent_method" {
  type        = string
  default     = "TRUSTED"
  description = "The app's consent_method (TRUSTED or REQUIRED), pinned likewise."
}

variable "groups" {
  type        = list(string)
  default     = []
  description = "Okta group ids assigned to the app (okta_app_group_assignments); empty: assignments are not managed here."
}

variable "trusted_origin" {
  type        = bool
  default     = false
  description = "Manage the W&B URL as an Okta Trusted Origin with the CORS and REDIRECT scopes."
}

variable "trusted_origin_name" {
  type        = string
  default     = ""
  description = "The trusted origin's name; empty: \"Weights & Biases (WANDB_URL)\". Set it to the name of an origin you import."
}

variable "auth_server_id" {
  type        = string
  default     = ""
  description = "Custom authorization server id (the aus... in the issuer); with auth_server_policy_id, a policy rule for this client is managed."
}

variable "auth_server_policy_id" {
  type        = string
  default     = ""
  description = "The access policy of auth_server_id the rule goes in."
}

variable "auth_server_rule_name" {
  type    = string
  default = "Weights & Biases"
}

variable "auth_server_rule_priority" {
  type    = number
  default = 1
}

# The providers this module is written and tested against (okta/okta
# v6.12.0, hashicorp/kubernetes v3.2.1), pinned to their minor versions so
# that a new major or minor release cannot change a plan behind driftd's
# back. `terraform init` installs them from the Terraform registry, or from a
# filesystem mirror when offline (see the README's "Getting the providers").

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    okta = {
      source  = "okta/okta"
      version = "~> 6.12"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.2"
    }
  }
}

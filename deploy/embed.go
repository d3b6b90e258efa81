// Package deploy holds driftd's deployment material: the example Terraform
// root module (embedded so `driftd demo` can apply it), Kubernetes
// manifests and sample configs.
package deploy

import "embed"

// Terraform is the example root module in deploy/terraform.
//
//go:embed terraform/*.tf
var Terraform embed.FS

// TerraformOperator is the example module for an operator install in
// deploy/terraform/operator: W&B's env in the WeightsAndBiases spec
// through a helm_release `set` of W&B's wandb-cr chart, which sits beside
// it as in wandb/terraform-helm-wandb.
//
//go:embed terraform/operator/*.tf terraform/operator/wandb-cr
var TerraformOperator embed.FS

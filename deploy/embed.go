// Package deploy holds driftd's deployment material: the example Terraform
// root module (embedded so `driftd demo` can apply it), Kubernetes
// manifests and sample configs.
package deploy

import "embed"

// Terraform is the example root module in deploy/terraform.
//
//go:embed terraform/*.tf
var Terraform embed.FS

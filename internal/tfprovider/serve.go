package tfprovider

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// ServeIfInstalled serves the provider named by the binary's installed name
// (terraform-provider-okta, -kubernetes or -helm, as a filesystem mirror
// lays it out). It reports whether the name was a provider's.
func ServeIfInstalled(argv0 string) (bool, error) {
	base := filepath.Base(argv0)
	if !strings.HasPrefix(base, "terraform-provider-") {
		return false, nil
	}
	name, address := "okta", "registry.terraform.io/okta/okta"
	switch {
	case strings.Contains(base, "kubernetes"):
		name, address = "kubernetes", "registry.terraform.io/hashicorp/kubernetes"
	case strings.Contains(base, "helm"):
		name, address = "helm", "registry.terraform.io/hashicorp/helm"
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &Provider{Name: name} },
		providerserver.ServeOpts{Address: address})
	return true, err
}

package tfprovider

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// ServeIfInstalled serves the provider when the running binary was
// installed under a provider's name (terraform-provider-okta...), which is
// how `driftd demo` reuses its own binary as the test provider. It reports
// whether it served.
func ServeIfInstalled(argv0 string) (bool, error) {
	base := filepath.Base(argv0)
	if !strings.HasPrefix(base, "terraform-provider-") {
		return false, nil
	}
	name, address := "okta", "registry.terraform.io/okta/okta"
	if strings.Contains(base, "kubernetes") {
		name, address = "kubernetes", "registry.terraform.io/hashicorp/kubernetes"
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &Provider{Name: name} },
		providerserver.ServeOpts{Address: address})
	return true, err
}

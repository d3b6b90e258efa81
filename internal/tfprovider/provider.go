// Package tfprovider is a small Terraform provider for driftd's end-to-end
// tests and demo. Providers cannot be downloaded here, so it stands in for
// the real ones a W&B operator uses, with the same resource names and, for
// the attributes it models, the real schemas and validation (each file
// cites the real source it follows):
//
//   - okta/okta's okta_app_oauth, okta_app_group_assignments,
//     okta_trusted_origin and okta_auth_server_policy_rule, managing objects
//     in the Okta simulator over Okta's REST API (so a change made behind
//     Terraform's back is seen by driftd and by Terraform's refresh alike);
//   - hashicorp/kubernetes's kubernetes_config_map(_v1), stored as a dotenv
//     file (so the W&B env driftd reads is what Terraform writes), and
//     kubernetes_deployment(_v1);
//   - hashicorp/helm's helm_release.
//
// One binary serves each, chosen by the name it is installed under
// (terraform-provider-okta, -kubernetes or -helm) in a filesystem mirror.
package tfprovider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/driftd/driftd/internal/tfprovider/providerenv"
)

// Provider is the okta, kubernetes or helm stand-in.
type Provider struct {
	Name string
}

// Metadata implements provider.Provider.
func (p *Provider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = p.Name
}

// Schema implements provider.Provider: configuration comes from the
// environment, as both real providers allow.
func (p *Provider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

// Configure implements provider.Provider.
func (p *Provider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	cfg := &clientConfig{oktaURL: os.Getenv(providerenv.OktaURL), oktaToken: os.Getenv(providerenv.OktaToken), k8sDir: os.Getenv(providerenv.K8sDir)}
	resp.ResourceData = cfg
}

// Resources implements provider.Provider.
func (p *Provider) Resources(context.Context) []func() resource.Resource {
	switch p.Name {
	case "kubernetes":
		return []func() resource.Resource{
			func() resource.Resource { return &configMap{typeName: "_config_map"} },
			func() resource.Resource { return &configMap{typeName: "_config_map_v1"} },
			func() resource.Resource { return &deployment{typeName: "_deployment"} },
			func() resource.Resource { return &deployment{typeName: "_deployment_v1"} },
		}
	case "helm":
		return []func() resource.Resource{func() resource.Resource { return &helmRelease{} }}
	}
	return []func() resource.Resource{
		func() resource.Resource { return &oktaApp{} },
		func() resource.Resource { return &groupAssignments{} },
		func() resource.Resource { return &trustedOrigin{} },
		func() resource.Resource { return &authServerRule{} },
	}
}

// DataSources implements provider.Provider.
func (p *Provider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type clientConfig struct {
	oktaURL, oktaToken, k8sDir string
}

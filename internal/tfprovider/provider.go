// Package tfprovider is a small Terraform provider for driftd's end-to-end
// tests and demo. Providers cannot be downloaded here, so it stands in for
// the two real ones a W&B operator uses, with the same resource names and a
// subset of their attributes:
//
//   - okta/okta's okta_app_oauth, managing an app in the Okta simulator over
//     the same REST API (so a change made behind Terraform's back is seen by
//     driftd and by Terraform's refresh alike);
//   - hashicorp/kubernetes's kubernetes_config_map, stored as a dotenv file
//     (so the W&B env driftd reads is what Terraform writes).
//
// One binary serves either, chosen by the name it is installed under
// (terraform-provider-okta or terraform-provider-kubernetes), through
// dev_overrides in a Terraform CLI config.
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

// Provider is either the okta or the kubernetes stand-in.
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
	if p.Name == "kubernetes" {
		return []func() resource.Resource{func() resource.Resource { return &configMap{} }}
	}
	return []func() resource.Resource{func() resource.Resource { return &oktaApp{} }}
}

// DataSources implements provider.Provider.
func (p *Provider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type clientConfig struct {
	oktaURL, oktaToken, k8sDir string
}

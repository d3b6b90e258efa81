package tfprovider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/driftd/driftd/checks/source"
)

// configMap stands in for hashicorp/kubernetes's kubernetes_config_map and
// kubernetes_config_map_v1 (hashicorp/terraform-provider-kubernetes,
// kubernetes/resource_kubernetes_config_map_v1.go: metadata, data,
// binary_data, immutable, and the CustomizeDiff that recreates an
// immutable config map whose data changes). Its data is stored as a dotenv
// file at $DRIFTD_TESTPROVIDER_K8S_DIR/NAMESPACE/NAME.env, what driftd's
// file env source reads.
type configMap struct {
	cfg      *clientConfig
	typeName string // "_config_map" or "_config_map_v1"
}

type configMapModel struct {
	ID         types.String  `tfsdk:"id"`
	Metadata   []k8sMetadata `tfsdk:"metadata"`
	Data       types.Map     `tfsdk:"data"`
	BinaryData types.Map     `tfsdk:"binary_data"`
	Immutable  types.Bool    `tfsdk:"immutable"`
}

func (r *configMap) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeName
}

func (r *configMap) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"data":        schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"binary_data": schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"immutable":   schema.BoolAttribute{Optional: true},
		},
		Blocks: map[string]schema.Block{"metadata": metadataBlock(false)},
	}
}

func (r *configMap) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

// ModifyPlan is the real CustomizeDiff: once immutable is true, a change
// of data, binary_data or immutable recreates the config map.
func (r *configMap) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state configMapModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.Immutable.ValueBool() {
		return
	}
	if !plan.Data.Equal(state.Data) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("data"))
	}
	if !plan.BinaryData.Equal(state.BinaryData) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("binary_data"))
	}
	if !plan.Immutable.Equal(state.Immutable) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("immutable"))
	}
}

func (r *configMap) envFile(md k8sMetadata) string {
	return filepath.Join(r.cfg.k8sDir, md.Namespace.ValueString(), md.Name.ValueString()+".env")
}

// save stores the planned config map and records it as the new state.
func (r *configMap) save(ctx context.Context, plan tfsdk.Plan, prior *configMapModel, state *tfsdk.State) error {
	var m configMapModel
	if d := plan.Get(ctx, &m); d.HasError() {
		return fmt.Errorf("reading the plan: %v", d)
	}
	var pm *k8sMetadata
	if prior != nil {
		pm = &prior.Metadata[0]
	}
	m.Metadata[0].fill(pm)
	md := m.Metadata[0]
	m.ID = types.StringValue(md.Namespace.ValueString() + "/" + md.Name.ValueString())
	data := map[string]string{}
	m.Data.ElementsAs(ctx, &data, false)
	if err := os.MkdirAll(filepath.Dir(r.envFile(md)), 0o755); err != nil {
		return fmt.Errorf("creating the config map's directory: %w", err)
	}
	if err := os.WriteFile(r.envFile(md), []byte(source.FormatDotenv(data)), 0o644); err != nil {
		return fmt.Errorf("writing config map %s: %w", m.ID.ValueString(), err)
	}
	if d := state.Set(ctx, &m); d.HasError() {
		return fmt.Errorf("recording the state: %v", d)
	}
	return nil
}

func (r *configMap) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	addErr(&resp.Diagnostics, "Creating the config map", r.save(ctx, req.Plan, nil, &resp.State))
}

// Read takes the data from the dotenv file, so an edit made behind
// Terraform's back shows in its plan.
func (r *configMap) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m configMapModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || len(m.Metadata) != 1 {
		return
	}
	raw, err := os.ReadFile(r.envFile(m.Metadata[0]))
	if os.IsNotExist(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if addErr(&resp.Diagnostics, "Reading the config map", err) {
		return
	}
	vars, err := source.ParseDotenv(string(raw))
	if addErr(&resp.Diagnostics, "Parsing the config map", err) {
		return
	}
	if len(vars) > 0 || !m.Data.IsNull() {
		m.Data, _ = types.MapValueFrom(ctx, types.StringType, vars)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *configMap) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var prior configMapModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	addErr(&resp.Diagnostics, "Updating the config map", r.save(ctx, req.Plan, &prior, &resp.State))
}

func (r *configMap) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m configMapModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if len(m.Metadata) == 1 {
		_ = os.Remove(r.envFile(m.Metadata[0]))
	}
}

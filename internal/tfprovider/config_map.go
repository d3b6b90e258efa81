package tfprovider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/driftd/driftd/checks/source"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// configMap stores kubernetes_config_map data as a dotenv file at
// $DRIFTD_TESTPROVIDER_K8S_DIR/NAMESPACE/NAME.env.
type configMap struct{ cfg *clientConfig }

type configMapModel struct {
	ID       types.String        `tfsdk:"id"`
	Metadata []configMapMetadata `tfsdk:"metadata"`
	Data     types.Map           `tfsdk:"data"`
}

type configMapMetadata struct {
	Name      types.String `tfsdk:"name"`
	Namespace types.String `tfsdk:"namespace"`
}

func (r *configMap) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config_map"
}

func (r *configMap) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":   schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"data": schema.MapAttribute{ElementType: types.StringType, Optional: true},
		},
		Blocks: map[string]schema.Block{
			"metadata": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"name":      schema.StringAttribute{Required: true},
				"namespace": schema.StringAttribute{Required: true},
			}}},
		},
	}
}

func (r *configMap) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

func (r *configMap) file(m *configMapModel) (string, error) {
	if len(m.Metadata) != 1 {
		return "", fmt.Errorf("exactly one metadata block is required")
	}
	return filepath.Join(r.cfg.k8sDir, m.Metadata[0].Namespace.ValueString(), m.Metadata[0].Name.ValueString()+".env"), nil
}

func (r *configMap) write(ctx context.Context, m *configMapModel) error {
	f, err := r.file(m)
	if err != nil {
		return err
	}
	data := map[string]string{}
	m.Data.ElementsAs(ctx, &data, false)
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		return fmt.Errorf("creating the config map's directory: %w", err)
	}
	m.ID = types.StringValue(m.Metadata[0].Namespace.ValueString() + "/" + m.Metadata[0].Name.ValueString())
	if err := os.WriteFile(f, []byte(source.FormatDotenv(data)), 0o644); err != nil {
		return fmt.Errorf("writing config map %s: %w", m.ID.ValueString(), err)
	}
	return nil
}

func (r *configMap) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// save writes the planned config map and records it as the new state.
func (r *configMap) save(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var m configMapModel
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	if err := r.write(ctx, &m); err != nil {
		diags.AddError("writing config map", err.Error())
		return
	}
	diags.Append(state.Set(ctx, &m)...)
}

func (r *configMap) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m configMapModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f, err := r.file(&m)
	if err != nil {
		resp.Diagnostics.AddError("reading config map", err.Error())
		return
	}
	raw, err := os.ReadFile(f)
	if os.IsNotExist(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("reading config map", err.Error())
		return
	}
	vars, err := source.ParseDotenv(string(raw))
	if err != nil {
		resp.Diagnostics.AddError("parsing config map", err.Error())
		return
	}
	m.Data, _ = types.MapValueFrom(ctx, types.StringType, vars)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *configMap) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *configMap) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m configMapModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if f, err := r.file(&m); err == nil {
		_ = os.Remove(f)
	}
}

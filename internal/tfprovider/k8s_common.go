package tfprovider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// k8sMetadata is the metadata block of hashicorp/kubernetes
// (hashicorp/terraform-provider-kubernetes, kubernetes/schema_metadata.go:
// metadataFields, namespacedMetadataSchemaIsTemplate).
type k8sMetadata struct {
	Annotations     types.Map    `tfsdk:"annotations"`
	Generation      types.Int64  `tfsdk:"generation"`
	Labels          types.Map    `tfsdk:"labels"`
	Name            types.String `tfsdk:"name"`
	GenerateName    types.String `tfsdk:"generate_name"`
	Namespace       types.String `tfsdk:"namespace"`
	ResourceVersion types.String `tfsdk:"resource_version"`
	UID             types.String `tfsdk:"uid"`
}

// metadataBlock is a Required, MaxItems 1 TypeList: name Optional+Computed+
// ForceNew, generate_name Optional+ForceNew, namespace Optional+ForceNew
// (default "default" except in a pod template), annotations and labels
// Optional maps, generation, resource_version and uid Computed.
func metadataBlock(isTemplate bool) schema.ListNestedBlock {
	ns := schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	if !isTemplate {
		ns.Computed, ns.Default = true, stringdefault.StaticString("default")
	}
	return schema.ListNestedBlock{
		Validators: []validator.List{exactlyOneBlock{"metadata"}},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"annotations": schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"generation":  schema.Int64Attribute{Computed: true},
			"labels":      schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"name": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{
				stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}},
			"generate_name":    schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"namespace":        ns,
			"resource_version": schema.StringAttribute{Computed: true},
			"uid":              schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		}},
	}
}

// fill gives the computed metadata the values the API server would: a
// name from generate_name, a uid once, a new resource version and generation.
func (m *k8sMetadata) fill(prior *k8sMetadata) {
	if m.Name.IsUnknown() || m.Name.IsNull() {
		m.Name = types.StringValue(m.GenerateName.ValueString() + randomHex(3))
	}
	if m.UID.IsUnknown() || m.UID.IsNull() {
		m.UID = types.StringValue(randomHex(4) + "-" + randomHex(2) + "-" + randomHex(2) + "-" + randomHex(2) + "-" + randomHex(6))
	}
	gen := int64(1)
	if prior != nil {
		gen = prior.Generation.ValueInt64() + 1
	}
	m.Generation = types.Int64Value(gen)
	m.ResourceVersion = types.StringValue(fmt.Sprint(gen))
}

// fillTemplate is fill for a pod template's metadata, which the API
// server leaves without name, uid or versions.
func (m *k8sMetadata) fillTemplate(prior *k8sMetadata) {
	if m.Name.IsUnknown() {
		m.Name = types.StringValue("")
		if prior != nil {
			m.Name = prior.Name
		}
	}
	m.UID, m.ResourceVersion, m.Generation = types.StringValue(""), types.StringValue(""), types.Int64Value(0)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// exactlyOneBlock is SDKv2's Required + MaxItems 1 on a TypeList block,
// with Terraform's own messages for too few or too many blocks.
type exactlyOneBlock struct{ name string }

func (v exactlyOneBlock) Description(context.Context) string {
	return "exactly one " + v.name + " block"
}

func (v exactlyOneBlock) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v exactlyOneBlock) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsUnknown() {
		return
	}
	switch n := len(req.ConfigValue.Elements()); {
	case n < 1:
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Insufficient %s blocks", v.name),
			fmt.Sprintf("At least 1 %q blocks are required.", v.name))
	case n > 1:
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Too many %s blocks", v.name),
			fmt.Sprintf("No more than 1 %q blocks are allowed.", v.name))
	}
}

// atMostOneBlock is SDKv2's Optional + MaxItems 1 on a TypeList block.
type atMostOneBlock struct{ name string }

func (v atMostOneBlock) Description(context.Context) string {
	return "at most one " + v.name + " block"
}

func (v atMostOneBlock) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v atMostOneBlock) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if !req.ConfigValue.IsUnknown() && len(req.ConfigValue.Elements()) > 1 {
		resp.Diagnostics.AddAttributeError(req.Path, fmt.Sprintf("Too many %s blocks", v.name),
			fmt.Sprintf("No more than 1 %q blocks are allowed.", v.name))
	}
}

// objectStore keeps a stand-in object as the msgpack of its Terraform
// state under $DRIFTD_TESTPROVIDER_K8S_DIR, so it survives between runs
// as the cluster would keep it.
type objectStore struct{ dir string }

func (s objectStore) path(kind, namespace, name string) string {
	return filepath.Join(s.dir, namespace, kind, name+".state")
}

func (s objectStore) save(ctx context.Context, kind, namespace, name string, st tfsdk.State) error {
	typ := st.Schema.Type().TerraformType(ctx)
	dv, err := tfprotov6.NewDynamicValue(typ, st.Raw)
	if err != nil {
		return fmt.Errorf("encoding %s %s/%s: %w", kind, namespace, name, err)
	}
	p := s.path(kind, namespace, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("creating the %s directory: %w", kind, err)
	}
	if err := os.WriteFile(p, dv.MsgPack, 0o644); err != nil {
		return fmt.Errorf("writing %s %s/%s: %w", kind, namespace, name, err)
	}
	return nil
}

// load reads a stored object into st; it reports false when there is none.
func (s objectStore) load(ctx context.Context, kind, namespace, name string, st *tfsdk.State) (bool, error) {
	b, err := os.ReadFile(s.path(kind, namespace, name))
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s %s/%s: %w", kind, namespace, name, err)
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(st.Schema.Type().TerraformType(ctx))
	if err != nil {
		return false, fmt.Errorf("decoding %s %s/%s: %w", kind, namespace, name, err)
	}
	st.Raw = v
	return true, nil
}

func (s objectStore) remove(kind, namespace, name string) {
	_ = os.Remove(s.path(kind, namespace, name))
}

// addErr records err, if any, as an error diagnostic with summary.
func addErr(diags *diag.Diagnostics, summary string, err error) bool {
	if err != nil {
		diags.AddError(summary, err.Error())
		return true
	}
	return false
}

// stateSetter sets a response's state and collects its diagnostics.
type stateSetter struct {
	st    *tfsdk.State
	diags *diag.Diagnostics
}

func (s *stateSetter) set(ctx context.Context, v any) bool {
	s.diags.Append(s.st.Set(ctx, v)...)
	return !s.diags.HasError()
}

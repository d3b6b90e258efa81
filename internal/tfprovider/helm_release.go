package tfprovider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// helmRelease stands in for hashicorp/helm's helm_release
// (hashicorp/terraform-provider-helm, helm/resource_helm_release.go, a
// plugin-framework resource: name Required+RequiresReplace, namespace
// Optional+Computed with the HELM_NAMESPACE-or-"default" default and
// RequiresReplace, chart Required, values a List of YAML strings, set and
// set_sensitive List nested attributes, version Optional+Computed, the
// flags with their defaults, status Computed). It models the attributes
// that carry W&B's values; the release is stored, not installed, under
// $DRIFTD_TESTPROVIDER_K8S_DIR/NAMESPACE/helmreleases/.
type helmRelease struct{ cfg *clientConfig }

type helmReleaseModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Namespace       types.String `tfsdk:"namespace"`
	Chart           types.String `tfsdk:"chart"`
	Repository      types.String `tfsdk:"repository"`
	Version         types.String `tfsdk:"version"`
	Values          types.List   `tfsdk:"values"`
	Set             []helmSet    `tfsdk:"set"`
	SetSensitive    []helmSet    `tfsdk:"set_sensitive"`
	CreateNamespace types.Bool   `tfsdk:"create_namespace"`
	Atomic          types.Bool   `tfsdk:"atomic"`
	Wait            types.Bool   `tfsdk:"wait"`
	Timeout         types.Int64  `tfsdk:"timeout"`
	Status          types.String `tfsdk:"status"`
}

type helmSet struct {
	Name  types.String `tfsdk:"name"`
	Value types.String `tfsdk:"value"`
	Type  types.String `tfsdk:"type"`
}

func (r *helmRelease) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_release"
}

func (r *helmRelease) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	flag := func(v bool) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(v)}
	}
	setAttr := func(sensitive bool) schema.ListNestedAttribute {
		typ := schema.StringAttribute{Optional: true, Validators: []validator.String{oneOf{"auto", "string", "literal"}}}
		if !sensitive {
			typ.Computed, typ.Default = true, stringdefault.StaticString("")
		}
		return schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name":  schema.StringAttribute{Required: true},
			"value": schema.StringAttribute{Optional: !sensitive, Required: sensitive, Sensitive: sensitive},
			"type":  typ,
		}}}
	}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":               schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"name":             schema.StringAttribute{Required: true, PlanModifiers: replace},
		"namespace":        schema.StringAttribute{Optional: true, Computed: true, Default: helmNamespaceDefault{}, PlanModifiers: replace},
		"chart":            schema.StringAttribute{Required: true},
		"repository":       schema.StringAttribute{Optional: true},
		"version":          schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"values":           schema.ListAttribute{ElementType: types.StringType, Optional: true},
		"set":              setAttr(false),
		"set_sensitive":    setAttr(true),
		"create_namespace": flag(false),
		"atomic":           flag(false),
		"wait":             flag(true),
		"timeout":          schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(300)},
		"status":           schema.StringAttribute{Computed: true},
	}}
}

// helmNamespaceDefault is the real namespaceDefault: $HELM_NAMESPACE, else "default".
type helmNamespaceDefault struct{}

func (helmNamespaceDefault) Description(context.Context) string {
	return "HELM_NAMESPACE, else default"
}

func (d helmNamespaceDefault) MarkdownDescription(ctx context.Context) string {
	return d.Description(ctx)
}

func (helmNamespaceDefault) DefaultString(_ context.Context, _ defaults.StringRequest, resp *defaults.StringResponse) {
	ns := os.Getenv("HELM_NAMESPACE")
	if ns == "" {
		ns = "default"
	}
	resp.PlanValue = types.StringValue(ns)
}

// oneOf is stringvalidator.OneOf with its message.
type oneOf []string

func (v oneOf) Description(context.Context) string { return "value must be one of: " + quoteAll(v) }

func (v oneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oneOf) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || contains(v, req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match",
		"Attribute "+req.Path.String()+" "+v.Description(ctx)+", got: \""+req.ConfigValue.ValueString()+"\"")
}

func quoteAll(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += "\"" + x + "\""
	}
	return out + "]"
}

func (r *helmRelease) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

func (r *helmRelease) write(ctx context.Context, m *helmReleaseModel, s *stateSetter) {
	m.ID = m.Name
	m.Status = types.StringValue("deployed")
	if m.Version.IsUnknown() {
		// No chart is fetched: an unpinned chart is recorded as unversioned.
		m.Version = types.StringValue("")
	}
	if s.set(ctx, m) {
		addErr(s.diags, "Storing the release", objectStore{r.cfg.k8sDir}.save(ctx, "helmreleases", m.Namespace.ValueString(), m.Name.ValueString(), *s.st))
	}
}

func (r *helmRelease) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m helmReleaseModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, &m, &stateSetter{st: &resp.State, diags: &resp.Diagnostics})
}

func (r *helmRelease) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m helmReleaseModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	found, err := objectStore{r.cfg.k8sDir}.load(ctx, "helmreleases", m.Namespace.ValueString(), m.Name.ValueString(), &resp.State)
	if addErr(&resp.Diagnostics, "Reading the release", err) {
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
	}
}

func (r *helmRelease) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m helmReleaseModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, &m, &stateSetter{st: &resp.State, diags: &resp.Diagnostics})
}

func (r *helmRelease) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m helmReleaseModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	objectStore{r.cfg.k8sDir}.remove("helmreleases", m.Namespace.ValueString(), m.Name.ValueString())
}

package tfprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// deployment stands in for hashicorp/kubernetes's kubernetes_deployment and
// kubernetes_deployment_v1, modelling the part that carries W&B's env:
// metadata, spec.replicas, spec.selector.match_labels and
// spec.template.{metadata, spec.container.{name, image, env, env_from}}
// (hashicorp/terraform-provider-kubernetes: kubernetes/resource_kubernetes_deployment_v1.go,
// kubernetes/schema_pod_spec.go "container", kubernetes/schema_container.go
// containerFields with isUpdatable true, so no container field forces a
// new deployment). It is stored under $DRIFTD_TESTPROVIDER_K8S_DIR/NAMESPACE/deployments/.
type deployment struct {
	cfg      *clientConfig
	typeName string
}

type deploymentModel struct {
	ID             types.String     `tfsdk:"id"`
	Metadata       []k8sMetadata    `tfsdk:"metadata"`
	Spec           []deploymentSpec `tfsdk:"spec"`
	WaitForRollout types.Bool       `tfsdk:"wait_for_rollout"`
}

type deploymentSpec struct {
	Replicas types.String    `tfsdk:"replicas"`
	Selector []labelSelector `tfsdk:"selector"`
	Template []podTemplate   `tfsdk:"template"`
}

type labelSelector struct {
	MatchLabels types.Map `tfsdk:"match_labels"`
}

type podTemplate struct {
	Metadata []k8sMetadata `tfsdk:"metadata"`
	Spec     []podSpec     `tfsdk:"spec"`
}

type podSpec struct {
	Container []container `tfsdk:"container"`
}

type container struct {
	Name    types.String `tfsdk:"name"`
	Image   types.String `tfsdk:"image"`
	Env     []envVar     `tfsdk:"env"`
	EnvFrom []envFrom    `tfsdk:"env_from"`
}

type envVar struct {
	Name      types.String   `tfsdk:"name"`
	Value     types.String   `tfsdk:"value"`
	ValueFrom []envValueFrom `tfsdk:"value_from"`
}

type envValueFrom struct {
	ConfigMapKeyRef []keyRef `tfsdk:"config_map_key_ref"`
	SecretKeyRef    []keyRef `tfsdk:"secret_key_ref"`
}

type keyRef struct {
	Key      types.String `tfsdk:"key"`
	Name     types.String `tfsdk:"name"`
	Optional types.Bool   `tfsdk:"optional"`
}

type envFrom struct {
	ConfigMapRef []sourceRef  `tfsdk:"config_map_ref"`
	Prefix       types.String `tfsdk:"prefix"`
	SecretRef    []sourceRef  `tfsdk:"secret_ref"`
}

type sourceRef struct {
	Name     types.String `tfsdk:"name"`
	Optional types.Bool   `tfsdk:"optional"`
}

func (r *deployment) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeName
}

func one(name string) []validator.List { return []validator.List{exactlyOneBlock{name}} }

func maxOne(name string) []validator.List { return []validator.List{atMostOneBlock{name}} }

func keyRefBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{Validators: maxOne("key_ref"), NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
		"key": schema.StringAttribute{Optional: true}, "name": schema.StringAttribute{Optional: true}, "optional": schema.BoolAttribute{Optional: true},
	}}}
}

func sourceRefBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{Validators: maxOne("ref"), NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
		"name": schema.StringAttribute{Required: true}, "optional": schema.BoolAttribute{Optional: true},
	}}}
}

// containerBlock: container is an Optional TypeList; name Required; image
// Optional; env an Optional TypeList of name (Required), value (Optional)
// and value_from (MaxItems 1); env_from an Optional TypeList.
func containerBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{
		Attributes: map[string]schema.Attribute{
			"name":  schema.StringAttribute{Required: true},
			"image": schema.StringAttribute{Optional: true},
		},
		Blocks: map[string]schema.Block{
			"env": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{"name": schema.StringAttribute{Required: true}, "value": schema.StringAttribute{Optional: true}},
				Blocks: map[string]schema.Block{"value_from": schema.ListNestedBlock{Validators: maxOne("value_from"), NestedObject: schema.NestedBlockObject{
					Blocks: map[string]schema.Block{"config_map_key_ref": keyRefBlock(), "secret_key_ref": keyRefBlock()},
				}}},
			}},
			"env_from": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{"prefix": schema.StringAttribute{Optional: true}},
				Blocks:     map[string]schema.Block{"config_map_ref": sourceRefBlock(), "secret_ref": sourceRefBlock()},
			}},
		},
	}}
}

// Schema: spec Required MaxItems 1; replicas Optional+Computed string;
// selector Optional+ForceNew MaxItems 1 with match_labels ForceNew;
// template Required MaxItems 1 with a pod metadata (no namespace default)
// and a Required spec; wait_for_rollout Optional Default true.
func (r *deployment) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":               schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"wait_for_rollout": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
		},
		Blocks: map[string]schema.Block{
			"metadata": metadataBlock(false),
			"spec": schema.ListNestedBlock{Validators: one("spec"), NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{
					"replicas": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
				},
				Blocks: map[string]schema.Block{
					"selector": schema.ListNestedBlock{Validators: maxOne("selector"), NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"match_labels": schema.MapAttribute{ElementType: types.StringType, Optional: true, PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()}},
					}}},
					"template": schema.ListNestedBlock{Validators: one("template"), NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
						"metadata": metadataBlock(true),
						"spec": schema.ListNestedBlock{Validators: one("spec"), NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
							"container": containerBlock(),
						}}},
					}}},
				},
			}},
		},
	}
}

func (r *deployment) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

func (r *deployment) store() objectStore { return objectStore{r.cfg.k8sDir} }

// write fills what the API server computes and stores the deployment.
func (r *deployment) write(ctx context.Context, m *deploymentModel, prior *deploymentModel, state *stateSetter) {
	var pm, ptm *k8sMetadata
	if prior != nil {
		pm, ptm = &prior.Metadata[0], &prior.Spec[0].Template[0].Metadata[0]
	}
	m.Metadata[0].fill(pm)
	m.Spec[0].Template[0].Metadata[0].fillTemplate(ptm)
	if m.Spec[0].Replicas.IsUnknown() || m.Spec[0].Replicas.IsNull() {
		m.Spec[0].Replicas = types.StringValue("1")
	}
	md := m.Metadata[0]
	m.ID = types.StringValue(md.Namespace.ValueString() + "/" + md.Name.ValueString())
	if state.set(ctx, m) {
		addErr(state.diags, "Storing the deployment", r.store().save(ctx, "deployments", md.Namespace.ValueString(), md.Name.ValueString(), *state.st))
	}
}

func (r *deployment) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m deploymentModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, &m, nil, &stateSetter{st: &resp.State, diags: &resp.Diagnostics})
}

func (r *deployment) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m deploymentModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() || len(m.Metadata) != 1 {
		return
	}
	md := m.Metadata[0]
	found, err := r.store().load(ctx, "deployments", md.Namespace.ValueString(), md.Name.ValueString(), &resp.State)
	if addErr(&resp.Diagnostics, "Reading the deployment", err) {
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
	}
}

func (r *deployment) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior deploymentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, &m, &prior, &stateSetter{st: &resp.State, diags: &resp.Diagnostics})
}

func (r *deployment) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m deploymentModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); len(m.Metadata) == 1 {
		r.store().remove("deployments", m.Metadata[0].Namespace.ValueString(), m.Metadata[0].Name.ValueString())
	}
}

package tfprovider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// trustedOrigin stands in for okta/okta's okta_trusted_origin
// (okta/terraform-provider-okta, okta/services/idaas/resource_okta_trusted_origin.go),
// through POST/GET/PUT/DELETE /api/v1/trustedOrigins[/{id}] and its
// lifecycle/activate|deactivate.
type trustedOrigin struct{ cfg *clientConfig }

type trustedOriginModel struct {
	ID     types.String `tfsdk:"id"`
	Active types.Bool   `tfsdk:"active"`
	Name   types.String `tfsdk:"name"`
	Origin types.String `tfsdk:"origin"`
	Scopes types.List   `tfsdk:"scopes"`
}

// apiTrustedOrigin is Okta's TrustedOrigin.
type apiTrustedOrigin struct {
	ID     string     `json:"id,omitempty"`
	Name   string     `json:"name"`
	Origin string     `json:"origin"`
	Scopes []apiScope `json:"scopes"`
	Status string     `json:"status,omitempty"`
}

type apiScope struct {
	Type string `json:"type"`
}

func (r *trustedOrigin) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trusted_origin"
}

// Schema: active Optional Default true; name, origin Required; scopes a
// Required TypeList of strings (CORS, REDIRECT).
func (r *trustedOrigin) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":     schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"active": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
		"name":   schema.StringAttribute{Required: true},
		"origin": schema.StringAttribute{Required: true},
		"scopes": schema.ListAttribute{ElementType: types.StringType, Required: true},
	}}
}

func (r *trustedOrigin) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

func buildTrustedOrigin(m *trustedOriginModel) apiTrustedOrigin {
	o := apiTrustedOrigin{Name: m.Name.ValueString(), Origin: m.Origin.ValueString(), Status: "INACTIVE", Scopes: []apiScope{}}
	if m.Active.ValueBool() {
		o.Status = "ACTIVE"
	}
	for _, s := range stringsOf(m.Scopes) {
		o.Scopes = append(o.Scopes, apiScope{Type: s})
	}
	return o
}

func setTrustedOrigin(m *trustedOriginModel, o *apiTrustedOrigin) {
	m.ID = types.StringValue(o.ID)
	m.Active = types.BoolValue(o.Status == "ACTIVE")
	m.Name = types.StringValue(o.Name)
	m.Origin = types.StringValue(o.Origin)
	var scopes []string
	for _, s := range o.Scopes {
		scopes = append(scopes, s.Type)
	}
	m.Scopes, _ = types.ListValueFrom(context.Background(), types.StringType, nonNil(scopes))
}

func (r *trustedOrigin) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m trustedOriginModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Active.ValueBool() {
		resp.Diagnostics.AddError("Invalid trusted origin", "can not create inactive trusted origin, only existing trusted origins can be deactivated")
		return
	}
	var out apiTrustedOrigin
	if _, err := oktaCall(ctx, r.cfg, http.MethodPost, "/api/v1/trustedOrigins", buildTrustedOrigin(&m), &out); err != nil {
		resp.Diagnostics.AddError("Creating the trusted origin", fmt.Sprintf("failed to create trusted origin: %v", err))
		return
	}
	setTrustedOrigin(&m, &out)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *trustedOrigin) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m trustedOriginModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var out apiTrustedOrigin
	code, err := oktaCall(ctx, r.cfg, http.MethodGet, "/api/v1/trustedOrigins/"+url.PathEscape(m.ID.ValueString()), nil, &out)
	if code == http.StatusNotFound {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the trusted origin", fmt.Sprintf("failed to get trusted origin: %v", err))
		return
	}
	setTrustedOrigin(&m, &out)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update changes the status first when it changed, then PUTs the origin.
func (r *trustedOrigin) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior trustedOriginModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := "/api/v1/trustedOrigins/" + url.PathEscape(prior.ID.ValueString())
	if m.Active.ValueBool() != prior.Active.ValueBool() {
		action := "/lifecycle/deactivate"
		if m.Active.ValueBool() {
			action = "/lifecycle/activate"
		}
		if _, err := oktaCall(ctx, r.cfg, http.MethodPost, p+action, nil, nil); err != nil {
			resp.Diagnostics.AddError("Updating the trusted origin", fmt.Sprintf("failed to change trusted origin's status: %v", err))
			return
		}
	}
	in := buildTrustedOrigin(&m)
	in.ID = prior.ID.ValueString()
	var out apiTrustedOrigin
	if _, err := oktaCall(ctx, r.cfg, http.MethodPut, p, in, &out); err != nil {
		resp.Diagnostics.AddError("Updating the trusted origin", fmt.Sprintf("failed to update trusted origin: %v", err))
		return
	}
	setTrustedOrigin(&m, &out)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *trustedOrigin) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m trustedOriginModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if _, err := oktaCall(ctx, r.cfg, http.MethodDelete, "/api/v1/trustedOrigins/"+url.PathEscape(m.ID.ValueString()), nil, nil); err != nil {
		resp.Diagnostics.AddError("Deleting the trusted origin", fmt.Sprintf("failed to delete trusted origin: %v", err))
	}
}

// ImportState passes the id through (ImportStatePassthroughContext).
func (r *trustedOrigin) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

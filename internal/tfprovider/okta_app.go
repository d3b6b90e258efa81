package tfprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type oktaApp struct{ cfg *clientConfig }

type oktaAppModel struct {
	ID                      types.String `tfsdk:"id"`
	Label                   types.String `tfsdk:"label"`
	Type                    types.String `tfsdk:"type"`
	Status                  types.String `tfsdk:"status"`
	ClientID                types.String `tfsdk:"client_id"`
	GrantTypes              types.Set    `tfsdk:"grant_types"`
	ResponseTypes           types.Set    `tfsdk:"response_types"`
	RedirectURIs            types.List   `tfsdk:"redirect_uris"`
	PostLogoutRedirectURIs  types.List   `tfsdk:"post_logout_redirect_uris"`
	TokenEndpointAuthMethod types.String `tfsdk:"token_endpoint_auth_method"`
	PKCERequired            types.Bool   `tfsdk:"pkce_required"`
}

func (r *oktaApp) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_oauth"
}

func (r *oktaApp) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":        schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"client_id": schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"label":     schema.StringAttribute{Required: true},
		// Okta cannot change an app's type: a new type is a new app.
		"type":                       schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"status":                     schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("ACTIVE")},
		"grant_types":                schema.SetAttribute{ElementType: types.StringType, Required: true},
		"response_types":             schema.SetAttribute{ElementType: types.StringType, Required: true},
		"redirect_uris":              schema.ListAttribute{ElementType: types.StringType, Optional: true},
		"post_logout_redirect_uris":  schema.ListAttribute{ElementType: types.StringType, Optional: true},
		"token_endpoint_auth_method": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("client_secret_basic")},
		"pkce_required":              schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
	}}
}

func (r *oktaApp) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

// apiApp is the part of Okta's app JSON the resource manages.
type apiApp struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Label       string `json:"label"`
	Status      string `json:"status,omitempty"`
	SignOnMode  string `json:"signOnMode"`
	Credentials struct {
		OAuthClient struct {
			ClientID                string `json:"client_id,omitempty"`
			TokenEndpointAuthMethod string `json:"token_endpoint_auth_method"`
			PKCERequired            bool   `json:"pkce_required"`
		} `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient struct {
			ApplicationType        string   `json:"application_type"`
			GrantTypes             []string `json:"grant_types"`
			ResponseTypes          []string `json:"response_types"`
			RedirectURIs           []string `json:"redirect_uris"`
			PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
		} `json:"oauthClient"`
	} `json:"settings"`
}

func (r *oktaApp) call(ctx context.Context, method, p string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(r.cfg.oktaURL, "/")+p, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "SSWS "+r.cfg.oktaToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("okta %s %s: %s: %s", method, p, resp.Status, data)
	}
	if out != nil && len(data) > 0 {
		return resp.StatusCode, json.Unmarshal(data, out)
	}
	return resp.StatusCode, nil
}

func (r *oktaApp) toAPI(ctx context.Context, m *oktaAppModel) apiApp {
	var a apiApp
	a.Name = "oidc_client"
	a.SignOnMode = "OPENID_CONNECT"
	a.Label = m.Label.ValueString()
	a.Credentials.OAuthClient.TokenEndpointAuthMethod = m.TokenEndpointAuthMethod.ValueString()
	a.Credentials.OAuthClient.PKCERequired = m.PKCERequired.ValueBool()
	oc := &a.Settings.OAuthClient
	oc.ApplicationType = m.Type.ValueString()
	m.GrantTypes.ElementsAs(ctx, &oc.GrantTypes, false)
	m.ResponseTypes.ElementsAs(ctx, &oc.ResponseTypes, false)
	m.RedirectURIs.ElementsAs(ctx, &oc.RedirectURIs, false)
	m.PostLogoutRedirectURIs.ElementsAs(ctx, &oc.PostLogoutRedirectURIs, false)
	return a
}

func (r *oktaApp) fromAPI(ctx context.Context, a *apiApp, m *oktaAppModel) {
	m.ID = types.StringValue(a.ID)
	m.Label = types.StringValue(a.Label)
	m.Status = types.StringValue(a.Status)
	m.ClientID = types.StringValue(a.Credentials.OAuthClient.ClientID)
	m.Type = types.StringValue(a.Settings.OAuthClient.ApplicationType)
	m.TokenEndpointAuthMethod = types.StringValue(a.Credentials.OAuthClient.TokenEndpointAuthMethod)
	m.PKCERequired = types.BoolValue(a.Credentials.OAuthClient.PKCERequired)
	m.GrantTypes, _ = types.SetValueFrom(ctx, types.StringType, a.Settings.OAuthClient.GrantTypes)
	m.ResponseTypes, _ = types.SetValueFrom(ctx, types.StringType, a.Settings.OAuthClient.ResponseTypes)
	// Keep null lists null when Okta has none, as the config leaves them out.
	if len(a.Settings.OAuthClient.RedirectURIs) > 0 || !m.RedirectURIs.IsNull() {
		m.RedirectURIs, _ = types.ListValueFrom(ctx, types.StringType, nonNil(a.Settings.OAuthClient.RedirectURIs))
	}
	if len(a.Settings.OAuthClient.PostLogoutRedirectURIs) > 0 || !m.PostLogoutRedirectURIs.IsNull() {
		m.PostLogoutRedirectURIs, _ = types.ListValueFrom(ctx, types.StringType, nonNil(a.Settings.OAuthClient.PostLogoutRedirectURIs))
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (r *oktaApp) setStatus(ctx context.Context, id, want, have string) error {
	if want == have || want == "" {
		return nil
	}
	action := "activate"
	if want == "INACTIVE" {
		action = "deactivate"
	}
	_, err := r.call(ctx, http.MethodPost, "/api/v1/apps/"+id+"/lifecycle/"+action, nil, nil)
	return err
}

func (r *oktaApp) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m oktaAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.write(ctx, http.MethodPost, "", &m); err != nil {
		resp.Diagnostics.AddError("creating Okta app", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// write creates (id "") or updates the app, sets its status, and reads
// the result back into m.
func (r *oktaApp) write(ctx context.Context, method, id string, m *oktaAppModel) error {
	in := r.toAPI(ctx, m)
	var out apiApp
	p := "/api/v1/apps"
	if id != "" {
		p += "/" + id
	}
	if _, err := r.call(ctx, method, p, in, &out); err != nil {
		return err
	}
	if err := r.setStatus(ctx, out.ID, m.Status.ValueString(), out.Status); err != nil {
		return fmt.Errorf("setting status: %w", err)
	}
	out.Status = m.Status.ValueString()
	r.fromAPI(ctx, &out, m)
	return nil
}

func (r *oktaApp) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m oktaAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var out apiApp
	code, err := r.call(ctx, http.MethodGet, "/api/v1/apps/"+m.ID.ValueString(), nil, &out)
	if code == http.StatusNotFound {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("reading Okta app", err.Error())
		return
	}
	r.fromAPI(ctx, &out, &m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *oktaApp) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior oktaAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.write(ctx, http.MethodPut, prior.ID.ValueString(), &m); err != nil {
		resp.Diagnostics.AddError("updating Okta app", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *oktaApp) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m oktaAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if code, err := r.call(ctx, http.MethodDelete, "/api/v1/apps/"+m.ID.ValueString(), nil, nil); err != nil && code != http.StatusNotFound {
		resp.Diagnostics.AddError("deleting Okta app", err.Error())
	}
}

func (r *oktaApp) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

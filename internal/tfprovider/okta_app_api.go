package tfprovider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// apiApp is the part of Okta's app JSON the resource manages
// (okta/okta-management-openapi-spec: OpenIdConnectApplication).
type apiApp struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Label       string `json:"label"`
	Status      string `json:"status,omitempty"`
	SignOnMode  string `json:"signOnMode"`
	Credentials struct {
		OAuthClient struct {
			AutoKeyRotation         bool   `json:"autoKeyRotation"`
			ClientID                string `json:"client_id,omitempty"`
			ClientSecret            string `json:"client_secret,omitempty"`
			TokenEndpointAuthMethod string `json:"token_endpoint_auth_method"`
			PKCERequired            bool   `json:"pkce_required"`
		} `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient struct {
			ApplicationType        string   `json:"application_type"`
			GrantTypes             []string `json:"grant_types"`
			ResponseTypes          []string `json:"response_types"`
			RedirectURIs           []string `json:"redirect_uris,omitempty"`
			PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
			ConsentMethod          string   `json:"consent_method,omitempty"`
			IssuerMode             string   `json:"issuer_mode,omitempty"`
		} `json:"oauthClient"`
	} `json:"settings"`
}

// toAPI is buildAppOAuthV6: unset grant types default to the app type's
// minimum, unset response types follow the grant types, and consent_method
// and issuer_mode are always sent (their schema defaults TRUSTED and
// ORG_URL when the configuration leaves them out, so an update of an app
// whose issuer mode was changed in the console changes it back).
func toAPI(m *oktaAppModel) apiApp {
	var a apiApp
	a.Name, a.SignOnMode, a.Label = "oidc_client", "OPENID_CONNECT", m.Label.ValueString()
	appType := m.Type.ValueString()
	grants, responses := stringsOf(m.GrantTypes), stringsOf(m.ResponseTypes)
	if len(grants) == 0 {
		if req, ok := appRequirements[appType]; ok {
			grants = req.required
			if grants == nil {
				grants = req.valid
			}
		}
	}
	if len(responses) == 0 {
		responses = []string{}
		if contains(grants, "implicit") || contains(grants, "client_credentials") {
			responses = append(responses, "token")
		}
		if contains(grants, "password") || contains(grants, "authorization_code") || contains(grants, "refresh_token") {
			responses = append(responses, "code")
		}
	}
	oc := &a.Credentials.OAuthClient
	oc.AutoKeyRotation = true
	oc.ClientID = m.ClientID.ValueString()
	oc.TokenEndpointAuthMethod = m.TokenEndpointAuthMethod.ValueString()
	oc.PKCERequired = m.PKCERequired.ValueBool()
	if !m.OmitSecret.ValueBool() {
		oc.ClientSecret = m.ClientSecret.ValueString()
	}
	s := &a.Settings.OAuthClient
	s.ApplicationType = appType
	s.GrantTypes, s.ResponseTypes = grants, responses
	s.RedirectURIs = stringsOf(m.RedirectURIs)
	s.PostLogoutRedirectURIs = stringsOf(m.PostLogoutRedirectURIs)
	s.ConsentMethod = m.ConsentMethod.ValueString()
	s.IssuerMode = m.IssuerMode.ValueString()
	return a
}

// fromAPI is resourceAppOAuthRead/setOAuthClientSettingsV6: consent_method
// only when Okta returns one, everything else as Okta has it.
func fromAPI(a *apiApp, m *oktaAppModel) {
	m.ID = types.StringValue(a.ID)
	m.Name = types.StringValue(a.Name)
	m.SignOnMode = types.StringValue(a.SignOnMode)
	m.Label = types.StringValue(a.Label)
	m.Status = types.StringValue(a.Status)
	oc := a.Credentials.OAuthClient
	if oc.ClientID != "" {
		m.ClientID = types.StringValue(oc.ClientID)
		m.TokenEndpointAuthMethod = types.StringValue(oc.TokenEndpointAuthMethod)
		m.PKCERequired = types.BoolValue(oc.PKCERequired)
	}
	s := a.Settings.OAuthClient
	m.Type = types.StringValue(s.ApplicationType)
	if s.ConsentMethod != "" {
		m.ConsentMethod = types.StringValue(s.ConsentMethod)
	}
	m.IssuerMode = types.StringValue(s.IssuerMode)
	m.GrantTypes, _ = types.SetValueFrom(context.Background(), types.StringType, nonNil(s.GrantTypes))
	m.ResponseTypes, _ = types.SetValueFrom(context.Background(), types.StringType, nonNil(s.ResponseTypes))
	m.RedirectURIs = listOrNull(m.RedirectURIs, s.RedirectURIs)
	m.PostLogoutRedirectURIs = setOrNull(m.PostLogoutRedirectURIs, s.PostLogoutRedirectURIs)
	if m.ClientSecret.IsUnknown() {
		m.ClientSecret = types.StringNull()
	}
}

// failed prefixes an error the way resourceAppOAuthCreate/Update do.
func failed(verb string, err error) string {
	return fmt.Sprintf("failed to %s OAuth application: %v", verb, err)
}

func (r *oktaApp) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m oktaAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := validateOAuthApp(m.Type.ValueString(), m.TokenEndpointAuthMethod.ValueString(), stringsOf(m.GrantTypes), stringsOf(m.ResponseTypes)); err != nil {
		resp.Diagnostics.AddError("Invalid OAuth application", failed("create", err))
		return
	}
	in := toAPI(&m)
	var out apiApp
	activate := fmt.Sprint(m.Status.ValueString() == "ACTIVE")
	if _, err := oktaCall(ctx, r.cfg, http.MethodPost, "/api/v1/apps?activate="+activate, in, &out); err != nil {
		resp.Diagnostics.AddError("Creating the Okta app", failed("create", err))
		return
	}
	// The simulator may not honour ?activate; the lifecycle call settles it.
	if err := r.setStatus(ctx, out.ID, m.Status.ValueString(), out.Status); err != nil {
		resp.Diagnostics.AddError("Creating the Okta app", failed("create", err))
		return
	}
	if !m.OmitSecret.ValueBool() && out.Credentials.OAuthClient.ClientSecret != "" {
		m.ClientSecret = types.StringValue(out.Credentials.OAuthClient.ClientSecret)
	}
	r.readInto(ctx, out.ID, &m, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

func (r *oktaApp) setStatus(ctx context.Context, id, want, have string) error {
	if want == have || want == "" {
		return nil
	}
	action := "activate"
	if want == "INACTIVE" {
		action = "deactivate"
	}
	if _, err := oktaCall(ctx, r.cfg, http.MethodPost, "/api/v1/apps/"+id+"/lifecycle/"+action, nil, nil); err != nil {
		return fmt.Errorf("changing the app's status to %s: %w", want, err)
	}
	return nil
}

// readInto reads the app and lays it over m; it reports whether it exists.
func (r *oktaApp) readInto(ctx context.Context, id string, m *oktaAppModel, diags interface{ AddError(string, string) }) bool {
	var out apiApp
	code, err := oktaCall(ctx, r.cfg, http.MethodGet, "/api/v1/apps/"+id, nil, &out)
	if code == http.StatusNotFound {
		return false
	}
	if err != nil {
		diags.AddError("Reading the Okta app", fmt.Sprintf("failed to get OAuth application: %v", err))
		return false
	}
	fromAPI(&out, m)
	return true
}

func (r *oktaApp) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m oktaAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.readInto(ctx, m.ID.ValueString(), &m, &resp.Diagnostics) {
		if !resp.Diagnostics.HasError() {
			resp.State.RemoveResource(ctx)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update is resourceAppOAuthUpdate: the status first (AppUpdateStatus),
// then validation and a full PUT of the app.
func (r *oktaApp) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior oktaAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := prior.ID.ValueString()
	if err := r.setStatus(ctx, id, m.Status.ValueString(), prior.Status.ValueString()); err != nil {
		resp.Diagnostics.AddError("Updating the Okta app", err.Error())
		return
	}
	if err := validateOAuthApp(m.Type.ValueString(), m.TokenEndpointAuthMethod.ValueString(), stringsOf(m.GrantTypes), stringsOf(m.ResponseTypes)); err != nil {
		resp.Diagnostics.AddError("Invalid OAuth application", failed("update", err))
		return
	}
	in := toAPI(&m)
	in.ID, in.Status = id, m.Status.ValueString()
	if _, err := oktaCall(ctx, r.cfg, http.MethodPut, "/api/v1/apps/"+id, in, nil); err != nil {
		resp.Diagnostics.AddError("Updating the Okta app", failed("update", err))
		return
	}
	r.readInto(ctx, id, &m, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

func (r *oktaApp) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m oktaAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	id := m.ID.ValueString()
	if m.Status.ValueString() == "ACTIVE" {
		if code, err := oktaCall(ctx, r.cfg, http.MethodPost, "/api/v1/apps/"+id+"/lifecycle/deactivate", nil, nil); err != nil && code != http.StatusNotFound {
			resp.Diagnostics.AddError("Deleting the Okta app", fmt.Sprintf("failed to delete OAuth application: %v", err))
			return
		}
	}
	if code, err := oktaCall(ctx, r.cfg, http.MethodDelete, "/api/v1/apps/"+id, nil, nil); err != nil && code != http.StatusNotFound {
		resp.Diagnostics.AddError("Deleting the Okta app", fmt.Sprintf("failed to delete OAuth application: %v", err))
	}
}

package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// oktaApp stands in for okta/okta's okta_app_oauth. Every rule below comes
// from okta/terraform-provider-okta, okta/services/idaas/resource_okta_app_oauth.go
// (schema, CustomizeDiff, buildAppOAuthV6, validateGrantTypes,
// validateAppOAuth) and okta/services/idaas/app.go (baseAppSchema: label,
// status, name, sign_on_mode), read at commit e59c130b.
type oktaApp struct{ cfg *clientConfig }

type oktaAppModel struct {
	ID                      types.String `tfsdk:"id"`
	Name                    types.String `tfsdk:"name"`
	SignOnMode              types.String `tfsdk:"sign_on_mode"`
	Label                   types.String `tfsdk:"label"`
	Type                    types.String `tfsdk:"type"`
	Status                  types.String `tfsdk:"status"`
	ClientID                types.String `tfsdk:"client_id"`
	ClientSecret            types.String `tfsdk:"client_secret"`
	OmitSecret              types.Bool   `tfsdk:"omit_secret"`
	GrantTypes              types.Set    `tfsdk:"grant_types"`
	ResponseTypes           types.Set    `tfsdk:"response_types"`
	RedirectURIs            types.List   `tfsdk:"redirect_uris"`
	PostLogoutRedirectURIs  types.Set    `tfsdk:"post_logout_redirect_uris"`
	TokenEndpointAuthMethod types.String `tfsdk:"token_endpoint_auth_method"`
	PKCERequired            types.Bool   `tfsdk:"pkce_required"`
	ConsentMethod           types.String `tfsdk:"consent_method"`
	IssuerMode              types.String `tfsdk:"issuer_mode"`
}

var (
	_ resource.ResourceWithModifyPlan  = (*oktaApp)(nil)
	_ resource.ResourceWithImportState = (*oktaApp)(nil)
)

func (r *oktaApp) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_oauth"
}

// Schema mirrors the real attributes the stand-in models. SDKv2's
// "Optional + Default" is Optional+Computed+Default in the plugin framework.
func (r *oktaApp) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepSet := []planmodifier.Set{setplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"name":         schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"sign_on_mode": schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"label":        schema.StringAttribute{Required: true},
		// app.go baseAppSchema: Optional, Default ACTIVE.
		"status": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("ACTIVE")},
		// Required, ForceNew.
		"type": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		// Optional + Computed + ForceNew: Okta picks one when unset; setting a
		// different one later recreates the app.
		"client_id": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{
			stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}},
		"client_secret": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keep},
		// Optional, Default false; true -> false forces a new app (CustomizeDiff, in ModifyPlan).
		"omit_secret": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		// TypeSet, Optional + Computed (defaults per app type at create).
		"grant_types": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, PlanModifiers: keepSet},
		// TypeSet, Optional + Computed, elements validated with StringInSlice.
		"response_types": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, PlanModifiers: keepSet,
			Validators: []validator.Set{responseTypesValidator{}}},
		"redirect_uris":             schema.ListAttribute{ElementType: types.StringType, Optional: true},
		"post_logout_redirect_uris": schema.SetAttribute{ElementType: types.StringType, Optional: true},
		"token_endpoint_auth_method": schema.StringAttribute{Optional: true, Computed: true,
			Default: stringdefault.StaticString("client_secret_basic")},
		// Optional + Computed: unset, buildAppOAuthV6 sends true for auth
		// method none (and for a new native or browser app), else false.
		"pkce_required":  schema.BoolAttribute{Optional: true, Computed: true},
		"consent_method": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("TRUSTED")},
		"issuer_mode":    schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("ORG_URL")},
	}}
}

func (r *oktaApp) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

// ModifyPlan does what the real provider's CustomizeDiff and
// buildAppOAuthV6 decide at plan time: omit_secret true -> false forces a
// new app, and an unset pkce_required is planned as the value it will send.
func (r *oktaApp) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config oktaAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	isNew := req.State.Raw.IsNull()
	if !isNew {
		var state oktaAppModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.OmitSecret.ValueBool() && !plan.OmitSecret.ValueBool() && !plan.OmitSecret.IsUnknown() {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("omit_secret"))
			isNew = true
		}
	}
	if plan.OmitSecret.ValueBool() {
		plan.ClientSecret = types.StringNull()
	}
	if config.PKCERequired.IsNull() {
		if plan.TokenEndpointAuthMethod.IsUnknown() || plan.Type.IsUnknown() {
			plan.PKCERequired = types.BoolUnknown()
		} else {
			plan.PKCERequired = types.BoolValue(defaultPKCE(plan.TokenEndpointAuthMethod.ValueString(), plan.Type.ValueString(), isNew))
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// defaultPKCE is buildAppOAuthV6's pkce_required when the config leaves it out.
func defaultPKCE(authMethod, appType string, isNew bool) bool {
	return authMethod == "none" || (isNew && (appType == "native" || appType == "browser"))
}

// appRequirements is appRequirementsByType: the grant types each app type
// requires and accepts.
var appRequirements = map[string]struct{ required, valid []string }{
	"web": {[]string{"authorization_code"}, []string{"authorization_code", "implicit", "refresh_token", "client_credentials",
		"urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:token-exchange",
		"urn:ietf:params:oauth:grant-type:device_code", "interaction_code", "urn:okta:params:oauth:grant-type:oob",
		"urn:okta:params:oauth:grant-type:otp", "http://auth0.com/oauth/grant-type/mfa-oob",
		"http://auth0.com/oauth/grant-type/mfa-otp", "urn:openid:params:grant-type:ciba"}},
	"native": {[]string{"authorization_code"}, []string{"authorization_code", "implicit", "refresh_token", "password",
		"urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:jwt-bearer",
		"urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:device_code",
		"interaction_code", "urn:okta:params:oauth:grant-type:oob", "urn:okta:params:oauth:grant-type:otp",
		"http://auth0.com/oauth/grant-type/mfa-oob", "http://auth0.com/oauth/grant-type/mfa-otp"}},
	"browser": {nil, []string{"implicit", "authorization_code", "refresh_token",
		"urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:token-exchange",
		"urn:ietf:params:oauth:grant-type:device_code", "interaction_code", "urn:okta:params:oauth:grant-type:oob",
		"urn:okta:params:oauth:grant-type:otp", "http://auth0.com/oauth/grant-type/mfa-oob",
		"http://auth0.com/oauth/grant-type/mfa-otp"}},
	"service": {[]string{"client_credentials"}, []string{"client_credentials", "implicit",
		"urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:token-exchange",
		"urn:ietf:params:oauth:grant-type:device_code", "interaction_code", "urn:okta:params:oauth:grant-type:oob",
		"urn:okta:params:oauth:grant-type:otp", "http://auth0.com/oauth/grant-type/mfa-oob",
		"http://auth0.com/oauth/grant-type/mfa-otp"}},
}

// validateOAuthApp runs validateGrantTypes then validateAppOAuth, as the
// real provider does at the start of create and update (not at plan time:
// `terraform plan` of such a configuration succeeds, the apply fails). The
// jwks, login_mode and groups_claim arguments are not modelled, so a
// private_key_jwt app always lacks its keys, as a real one without them.
func validateOAuthApp(appType, authMethod string, grantTypes, responseTypes []string) error {
	if req, ok := appRequirements[appType]; ok && len(grantTypes) > 0 {
		if err := conditionalValidator("grant_types", appType, req.required, req.valid, grantTypes); err != nil {
			return err
		}
	}
	if authMethod == "private_key_jwt" {
		return errors.New("'jwks' or 'jwks_uri' is required when 'token_endpoint_auth_method' is 'private_key_jwt'")
	}
	if contains(grantTypes, "implicit") && !contains(responseTypes, "token") && !contains(responseTypes, "id_token") {
		return errors.New("'response_types' must contain at least one of ['token', 'id_token'] when 'grant_types' contains 'implicit'")
	}
	return nil
}

// conditionalValidator is okta/utils/utils.go ConditionalValidator.
func conditionalValidator(field, typeValue string, require, valid, actual []string) error {
	explanation := fmt.Sprintf("failed conditional validation for field \"%s\" of type \"%s\", it can contain %s", field, typeValue, strings.Join(valid, ", "))
	if len(require) > 0 {
		explanation = fmt.Sprintf("%s and must contain %s", explanation, strings.Join(require, ", "))
	}
	for _, val := range require {
		if !contains(actual, val) {
			return fmt.Errorf("%s, received %s", explanation, strings.Join(actual, ", "))
		}
	}
	for _, val := range actual {
		if !contains(valid, val) {
			return fmt.Errorf("%s, received %s", explanation, strings.Join(actual, ", "))
		}
	}
	return nil
}

// responseTypesValidator is the StringInSlice on response_types' elements,
// with the SDK's message (terraform-plugin-sdk helper/validation/strings.go).
type responseTypesValidator struct{}

func (responseTypesValidator) Description(context.Context) string {
	return "each element is code, token or id_token"
}

func (v responseTypesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (responseTypesValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	valid := []string{"code", "token", "id_token"}
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() || contains(valid, s.ValueString()) {
			continue
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid response type",
			fmt.Sprintf("expected response_types to be one of %q, got %s", valid, s.ValueString()))
	}
}

func (r *oktaApp) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

package tfprovider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// authServerRule stands in for okta/okta's okta_auth_server_policy_rule
// (okta/terraform-provider-okta, okta/services/idaas/resource_okta_auth_server_policy_rule.go;
// status is policy.go's statusSchema), through
// /api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules[/{ruleId}[/lifecycle/...]].
type authServerRule struct{ cfg *clientConfig }

type authServerRuleModel struct {
	ID                          types.String `tfsdk:"id"`
	Type                        types.String `tfsdk:"type"`
	Name                        types.String `tfsdk:"name"`
	AuthServerID                types.String `tfsdk:"auth_server_id"`
	PolicyID                    types.String `tfsdk:"policy_id"`
	System                      types.Bool   `tfsdk:"system"`
	Status                      types.String `tfsdk:"status"`
	Priority                    types.Int64  `tfsdk:"priority"`
	GrantTypeWhitelist          types.Set    `tfsdk:"grant_type_whitelist"`
	ScopeWhitelist              types.Set    `tfsdk:"scope_whitelist"`
	AccessTokenLifetimeMinutes  types.Int64  `tfsdk:"access_token_lifetime_minutes"`
	RefreshTokenLifetimeMinutes types.Int64  `tfsdk:"refresh_token_lifetime_minutes"`
	RefreshTokenWindowMinutes   types.Int64  `tfsdk:"refresh_token_window_minutes"`
	InlineHookID                types.String `tfsdk:"inline_hook_id"`
	UserWhitelist               types.Set    `tfsdk:"user_whitelist"`
	UserBlacklist               types.Set    `tfsdk:"user_blacklist"`
	GroupWhitelist              types.Set    `tfsdk:"group_whitelist"`
	GroupBlacklist              types.Set    `tfsdk:"group_blacklist"`
}

type inlineHook struct {
	ID string `json:"id"`
}

type includeExclude struct {
	Include []string `json:"include"`
	Exclude []string `json:"exclude,omitempty"`
}

// apiPolicyRule is Okta's AuthorizationServerPolicyRule.
type apiPolicyRule struct {
	ID         string `json:"id,omitempty"`
	Name       string `json:"name"`
	Status     string `json:"status,omitempty"`
	Priority   *int64 `json:"priority,omitempty"`
	System     bool   `json:"system,omitempty"`
	Type       string `json:"type"`
	Conditions struct {
		People struct {
			Groups *includeExclude `json:"groups,omitempty"`
			Users  *includeExclude `json:"users,omitempty"`
		} `json:"people"`
		GrantTypes includeExclude `json:"grantTypes"`
		Scopes     includeExclude `json:"scopes"`
	} `json:"conditions"`
	Actions struct {
		Token struct {
			AccessTokenLifetimeMinutes  *int64      `json:"accessTokenLifetimeMinutes,omitempty"`
			RefreshTokenLifetimeMinutes *int64      `json:"refreshTokenLifetimeMinutes,omitempty"`
			RefreshTokenWindowMinutes   *int64      `json:"refreshTokenWindowMinutes,omitempty"`
			InlineHook                  *inlineHook `json:"inlineHook,omitempty"`
		} `json:"token"`
	} `json:"actions"`
}

func (r *authServerRule) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth_server_policy_rule"
}

func (r *authServerRule) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	set := func() schema.SetAttribute { return schema.SetAttribute{ElementType: types.StringType, Optional: true} }
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                             schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"type":                           schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("RESOURCE_ACCESS")},
		"name":                           schema.StringAttribute{Required: true},
		"auth_server_id":                 schema.StringAttribute{Required: true},
		"policy_id":                      schema.StringAttribute{Required: true},
		"system":                         schema.BoolAttribute{Computed: true},
		"status":                         schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("ACTIVE")},
		"priority":                       schema.Int64Attribute{Required: true},
		"grant_type_whitelist":           schema.SetAttribute{ElementType: types.StringType, Required: true},
		"scope_whitelist":                set(),
		"access_token_lifetime_minutes":  schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(60)},
		"refresh_token_lifetime_minutes": schema.Int64Attribute{Optional: true},
		"refresh_token_window_minutes":   schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(10080)},
		"inline_hook_id":                 schema.StringAttribute{Optional: true},
		"user_whitelist":                 set(),
		"user_blacklist":                 set(),
		"group_whitelist":                set(),
		"group_blacklist":                set(),
	}}
}

func (r *authServerRule) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

// validateAuthServerRule is validateAuthServerPolicyRule, run by the real
// provider at create and update.
func validateAuthServerRule(grants []string, users, groups bool, rtlm, atlm, rtwm int64) error {
	if contains(grants, "implicit") && !users && !groups {
		return errors.New(`at least "user_whitelist" or "group_whitelist" should be provided when using 'implicit' in "grant_type_whitelist"`)
	}
	if rtlm > 0 && rtlm < atlm {
		return errors.New("'refresh_token_lifetime_minutes' must be greater than or equal to 'access_token_lifetime_minutes'")
	}
	if rtlm > 0 && (atlm > rtwm || rtlm < rtwm) {
		return errors.New("'refresh_token_window_minutes' must be between 'access_token_lifetime_minutes' and 'refresh_token_lifetime_minutes'")
	}
	return nil
}

func (m *authServerRuleModel) validate() error {
	return validateAuthServerRule(stringsOf(m.GrantTypeWhitelist), len(stringsOf(m.UserWhitelist)) > 0, len(stringsOf(m.GroupWhitelist)) > 0,
		m.RefreshTokenLifetimeMinutes.ValueInt64(), m.AccessTokenLifetimeMinutes.ValueInt64(), m.RefreshTokenWindowMinutes.ValueInt64())
}

func (m *authServerRuleModel) path(id string) string {
	p := "/api/v1/authorizationServers/" + url.PathEscape(m.AuthServerID.ValueString()) + "/policies/" + url.PathEscape(m.PolicyID.ValueString()) + "/rules"
	if id != "" {
		p += "/" + url.PathEscape(id)
	}
	return p
}

// build is buildAuthServerPolicyRule: every lifetime is sent, an unset
// refresh token lifetime as 0.
func (m *authServerRuleModel) build() apiPolicyRule {
	var a apiPolicyRule
	a.Name, a.Status, a.Type = m.Name.ValueString(), m.Status.ValueString(), m.Type.ValueString()
	prio, atlm, rtlm, rtwm := m.Priority.ValueInt64(), m.AccessTokenLifetimeMinutes.ValueInt64(), m.RefreshTokenLifetimeMinutes.ValueInt64(), m.RefreshTokenWindowMinutes.ValueInt64()
	a.Priority = &prio
	t := &a.Actions.Token
	t.AccessTokenLifetimeMinutes, t.RefreshTokenLifetimeMinutes, t.RefreshTokenWindowMinutes = &atlm, &rtlm, &rtwm
	if h := m.InlineHookID.ValueString(); h != "" {
		t.InlineHook = &inlineHook{ID: h}
	}
	c := &a.Conditions
	c.GrantTypes.Include = nonNil(stringsOf(m.GrantTypeWhitelist))
	c.Scopes.Include = nonNil(stringsOf(m.ScopeWhitelist))
	c.People.Groups = &includeExclude{Include: nonNil(stringsOf(m.GroupWhitelist)), Exclude: stringsOf(m.GroupBlacklist)}
	c.People.Users = &includeExclude{Include: nonNil(stringsOf(m.UserWhitelist)), Exclude: stringsOf(m.UserBlacklist)}
	return a
}

// set is resourceAuthServerPolicyRuleRead.
func (m *authServerRuleModel) set(a *apiPolicyRule) {
	m.ID = types.StringValue(a.ID)
	m.System = types.BoolValue(a.System)
	m.Name, m.Status, m.Type = types.StringValue(a.Name), types.StringValue(a.Status), types.StringValue(a.Type)
	if a.Priority != nil {
		m.Priority = types.Int64Value(*a.Priority)
	}
	t := a.Actions.Token
	if t.AccessTokenLifetimeMinutes != nil {
		m.AccessTokenLifetimeMinutes = types.Int64Value(*t.AccessTokenLifetimeMinutes)
	}
	// SDKv2 does not tell 0 from unset; keep an unset lifetime unset.
	if t.RefreshTokenLifetimeMinutes != nil && (*t.RefreshTokenLifetimeMinutes != 0 || !m.RefreshTokenLifetimeMinutes.IsNull()) {
		m.RefreshTokenLifetimeMinutes = types.Int64Value(*t.RefreshTokenLifetimeMinutes)
	}
	if t.RefreshTokenWindowMinutes != nil {
		m.RefreshTokenWindowMinutes = types.Int64Value(*t.RefreshTokenWindowMinutes)
	}
	if t.InlineHook != nil {
		m.InlineHookID = types.StringValue(t.InlineHook.ID)
	}
	m.GrantTypeWhitelist = setOrNull(m.GrantTypeWhitelist, a.Conditions.GrantTypes.Include)
	m.ScopeWhitelist = setOrNull(m.ScopeWhitelist, a.Conditions.Scopes.Include)
	var g, u includeExclude
	if a.Conditions.People.Groups != nil {
		g = *a.Conditions.People.Groups
	}
	if a.Conditions.People.Users != nil {
		u = *a.Conditions.People.Users
	}
	m.GroupWhitelist, m.GroupBlacklist = setOrNull(m.GroupWhitelist, g.Include), setOrNull(m.GroupBlacklist, g.Exclude)
	m.UserWhitelist, m.UserBlacklist = setOrNull(m.UserWhitelist, u.Include), setOrNull(m.UserBlacklist, u.Exclude)
}

func (r *authServerRule) read(ctx context.Context, m *authServerRuleModel) (bool, error) {
	var out apiPolicyRule
	code, err := oktaCall(ctx, r.cfg, http.MethodGet, m.path(m.ID.ValueString()), nil, &out)
	if code == http.StatusNotFound {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("failed to get auth server policy rule: %w", err)
	}
	m.set(&out)
	return true, nil
}

func (r *authServerRule) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m authServerRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := m.validate(); err != nil {
		resp.Diagnostics.AddError("Invalid auth server policy rule", err.Error())
		return
	}
	var out apiPolicyRule
	if _, err := oktaCall(ctx, r.cfg, http.MethodPost, m.path(""), m.build(), &out); err != nil {
		resp.Diagnostics.AddError("Creating the auth server policy rule", fmt.Sprintf("failed to create auth server policy rule: %v", err))
		return
	}
	m.ID = types.StringValue(out.ID)
	if _, err := r.read(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Reading the auth server policy rule", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *authServerRule) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m authServerRuleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := r.read(ctx, &m)
	if err != nil {
		resp.Diagnostics.AddError("Reading the auth server policy rule", err.Error())
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update PUTs the rule, then activates or deactivates it when the status
// changed (handleAuthServerPolicyRuleLifecycle).
func (r *authServerRule) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior authServerRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := m.validate(); err != nil {
		resp.Diagnostics.AddError("Invalid auth server policy rule", err.Error())
		return
	}
	m.ID = prior.ID
	if _, err := oktaCall(ctx, r.cfg, http.MethodPut, m.path(m.ID.ValueString()), m.build(), nil); err != nil {
		resp.Diagnostics.AddError("Updating the auth server policy rule", fmt.Sprintf("failed to update auth server policy rule: %v", err))
		return
	}
	if m.Status.ValueString() != prior.Status.ValueString() {
		action := "/lifecycle/" + map[bool]string{true: "activate", false: "deactivate"}[m.Status.ValueString() == "ACTIVE"]
		if _, err := oktaCall(ctx, r.cfg, http.MethodPost, m.path(m.ID.ValueString())+action, nil, nil); err != nil {
			resp.Diagnostics.AddError("Updating the auth server policy rule", fmt.Sprintf("failed to change authorization server policy status: %v", err))
			return
		}
	}
	if _, err := r.read(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Reading the auth server policy rule", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *authServerRule) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m authServerRuleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if _, err := oktaCall(ctx, r.cfg, http.MethodDelete, m.path(m.ID.ValueString()), nil, nil); err != nil {
		resp.Diagnostics.AddError("Deleting the auth server policy rule", fmt.Sprintf("failed to delete auth server policy rule: %v", err))
	}
}

// ImportState takes auth_server_id/policy_id/id (CreateNestedResourceImporter).
func (r *authServerRule) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if len(parts) != 3 {
		resp.Diagnostics.AddError("Invalid import id", "expected auth_server_id/policy_id/id")
		return
	}
	for i, a := range []string{"auth_server_id", "policy_id", "id"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(a), parts[i])...)
	}
}

package tfprovider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// groupAssignments stands in for okta/okta's okta_app_group_assignments
// (okta/terraform-provider-okta, okta/services/idaas/resource_okta_app_group_assignments.go):
// one resource owns every group assignment of an app, through
// PUT/DELETE /api/v1/apps/{appId}/groups/{groupId} and GET /api/v1/apps/{appId}/groups.
type groupAssignments struct{ cfg *clientConfig }

type groupAssignmentsModel struct {
	ID    types.String      `tfsdk:"id"`
	AppID types.String      `tfsdk:"app_id"`
	Group []groupAssignment `tfsdk:"group"`
}

type groupAssignment struct {
	ID       types.String `tfsdk:"id"`
	Priority types.Int64  `tfsdk:"priority"`
	Profile  types.String `tfsdk:"profile"`
}

// apiGroupAssignment is Okta's ApplicationGroupAssignment.
type apiGroupAssignment struct {
	ID       string `json:"id,omitempty"`
	Priority *int64 `json:"priority,omitempty"`
	Profile  any    `json:"profile,omitempty"`
}

func (r *groupAssignments) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_group_assignments"
}

// Schema: app_id Required+ForceNew; group a TypeList block of id
// (Required), priority (Optional) and profile (Required with a
// DefaultFunc of "{}", which SDKv2 presents as Optional).
func (r *groupAssignments) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"app_id": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		},
		Blocks: map[string]schema.Block{
			"group": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"id":       schema.StringAttribute{Required: true},
				"priority": schema.Int64Attribute{Optional: true},
				"profile":  schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("{}")},
			}}},
		},
	}
}

func (r *groupAssignments) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*clientConfig); ok {
		r.cfg = c
	}
}

func (r *groupAssignments) base(m *groupAssignmentsModel) string {
	return "/api/v1/apps/" + url.PathEscape(m.AppID.ValueString()) + "/groups"
}

// assign PUTs every planned group (an unchanged one too, as
// splitAssignmentsTargets does, so priority and profile are re-sent).
func (r *groupAssignments) assign(ctx context.Context, m *groupAssignmentsModel) error {
	for _, g := range m.Group {
		body := apiGroupAssignment{}
		var p any
		if err := json.Unmarshal([]byte(g.Profile.ValueString()), &p); err == nil {
			body.Profile = p
		}
		if !g.Priority.IsNull() && !g.Priority.IsUnknown() {
			v := g.Priority.ValueInt64()
			body.Priority = &v
		}
		if _, err := oktaCall(ctx, r.cfg, http.MethodPut, r.base(m)+"/"+url.PathEscape(g.ID.ValueString()), body, nil); err != nil {
			return fmt.Errorf("failed to create application group assignment: %w", err)
		}
	}
	return nil
}

func (r *groupAssignments) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m groupAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.assign(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Assigning groups to the Okta app", err.Error())
		return
	}
	m.ID = m.AppID
	if err := r.sync(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Reading the app's group assignments", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// sync is resourceAppGroupAssignmentsRead/syncGroups: the configured groups
// that are still assigned, in their order, then every other assignment Okta
// has (one made in the console shows up as a change to undo).
func (r *groupAssignments) sync(ctx context.Context, m *groupAssignmentsModel) error {
	var live []apiGroupAssignment
	code, err := oktaCall(ctx, r.cfg, http.MethodGet, r.base(m)+"?limit=200", nil, &live)
	if code == http.StatusNotFound {
		m.Group, m.ID = nil, types.StringNull()
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to fetch group assignments: %w", err)
	}
	byID := map[string]apiGroupAssignment{}
	for _, a := range live {
		byID[a.ID] = a
	}
	var out []groupAssignment
	seen := map[string]bool{}
	for _, g := range m.Group {
		a, ok := byID[g.ID.ValueString()]
		if !ok {
			continue
		}
		seen[a.ID] = true
		if !g.Priority.IsNull() && a.Priority != nil && *a.Priority >= 0 {
			g.Priority = types.Int64Value(*a.Priority)
		}
		g.Profile = types.StringValue(mergeProfile(g.Profile.ValueString(), a.Profile))
		out = append(out, g)
	}
	for _, a := range live {
		if seen[a.ID] {
			continue
		}
		g := groupAssignment{ID: types.StringValue(a.ID), Priority: types.Int64Null(), Profile: types.StringValue("{}")}
		if a.Priority != nil && *a.Priority >= 0 {
			g.Priority = types.Int64Value(*a.Priority)
		}
		if b, err := json.Marshal(a.Profile); err == nil && a.Profile != nil {
			g.Profile = types.StringValue(string(b))
		}
		out = append(out, g)
	}
	m.Group = out
	return nil
}

// mergeProfile is buildProfile: Okta's values for the keys the configured
// profile has; the configured JSON is kept when nothing differs, so key
// order never shows as a change.
func mergeProfile(configured string, live any) string {
	var opm map[string]any
	if err := json.Unmarshal([]byte(configured), &opm); err != nil {
		return configured
	}
	ap, ok := live.(map[string]any)
	if !ok {
		return configured
	}
	merged := map[string]any{}
	for k, v := range opm {
		merged[k] = v
		if nv, ok := ap[k]; ok && nv != nil {
			merged[k] = nv
		}
	}
	if reflect.DeepEqual(merged, opm) {
		return configured
	}
	b, _ := json.Marshal(merged)
	return string(b)
}

func (r *groupAssignments) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m groupAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.sync(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Reading the app's group assignments", err.Error())
		return
	}
	if m.ID.IsNull() {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update removes the groups no longer planned, then assigns the planned ones.
func (r *groupAssignments) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior groupAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := map[string]bool{}
	for _, g := range m.Group {
		planned[g.ID.ValueString()] = true
	}
	for _, g := range prior.Group {
		if planned[g.ID.ValueString()] {
			continue
		}
		code, err := oktaCall(ctx, r.cfg, http.MethodDelete, r.base(&m)+"/"+url.PathEscape(g.ID.ValueString()), nil, nil)
		if err != nil && code != http.StatusNotFound {
			resp.Diagnostics.AddError("Unassigning a group from the Okta app", fmt.Sprintf("failed to delete group assignment: %v", err))
			return
		}
	}
	if err := r.assign(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Assigning groups to the Okta app", fmt.Sprintf("failed to add/update group assignment: %v", err))
		return
	}
	m.ID = prior.ID
	if err := r.sync(ctx, &m); err != nil {
		resp.Diagnostics.AddError("Reading the app's group assignments", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *groupAssignments) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m groupAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	for _, g := range m.Group {
		code, err := oktaCall(ctx, r.cfg, http.MethodDelete, r.base(&m)+"/"+url.PathEscape(g.ID.ValueString()), nil, nil)
		if err != nil && code != http.StatusNotFound {
			resp.Diagnostics.AddError("Unassigning a group from the Okta app", fmt.Sprintf("failed to delete application group assignment: %v", err))
			return
		}
	}
}

// ImportState takes the app id, as the real importer does.
func (r *groupAssignments) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), req.ID)...)
}

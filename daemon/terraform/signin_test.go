package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// signinModule declares the sign-in variables as deploy/terraform does.
func signinModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	body := `
variable "groups" { type = list(string) }
variable "trusted_origin" { type = bool }
variable "auth_server_id" { type = string }
variable "auth_server_policy_id" { type = string }
variable "issuer_mode" { type = string }
`
	if err := os.WriteFile(filepath.Join(dir, "variables.tf"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func signinTarget(dir string) *config.Target {
	tg := &config.Target{Name: "prod", Wandb: config.WandbConfig{URL: "https://w"},
		OIDC: config.OIDCConfig{Issuer: "https://acme.okta.com/oauth2/aus1", ClientID: "0oac", AuthMethod: "implicit"}}
	tg.Okta.Groups = []string{"W&B Users", "00g2", "unresolved"}
	tg.Remedy.Terraform.Dir = dir
	tg.Remedy.Terraform.Vars = map[string]string{}
	for k, v := range config.DefaultTerraformVars {
		tg.Remedy.Terraform.Vars[k] = v
	}
	// As a workspace that owns its trusted origin and policy rule maps them.
	tg.Remedy.Terraform.Vars["trusted_origin"] = checks.ValueTrustedOrigin
	tg.Remedy.Terraform.Vars["auth_server_id"] = checks.ValueAuthServerID
	tg.Remedy.Terraform.Vars["auth_server_policy_id"] = checks.ValueAuthServerPolicyID
	return tg
}

func TestSignInValuesGoToTheDeclaredVariables(t *testing.T) {
	dir := signinModule(t)
	tg := signinTarget(dir)
	res := &report.TargetResult{Observed: &checks.Observed{
		Okta:        &checks.OktaApp{ID: "0oa1", IssuerMode: "CUSTOM_URL", OrgURL: "https://acme.okta.com"},
		Assignments: &checks.Assignments{Resolved: map[string]string{"W&B Users": "00g1", "00g2": "00g2"}},
		AuthServer: &checks.AuthServer{ID: "aus1", Status: "ACTIVE", Policies: []checks.AuthPolicy{
			{ID: "00pother", Status: "ACTIVE", Priority: 1, Clients: []string{"0oaother"}},
			{ID: "00plate", Status: "ACTIVE", Priority: 3, Clients: []string{"ALL_CLIENTS"}},
			{ID: "00pmine", Status: "ACTIVE", Priority: 2, Clients: []string{"0oac"}},
		}},
	}}
	vars, err := planVars(dir, tg, res)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("groups are the resolved ids in the declared order", func(t *testing.T) {
		if got, _ := vars["groups"].([]string); !slices.Equal(got, []string{"00g1", "00g2"}) {
			t.Errorf("groups = %v", vars["groups"])
		}
	})
	t.Run("the trusted origin is wanted", func(t *testing.T) {
		if vars["trusted_origin"] != true {
			t.Errorf("trusted_origin = %v", vars["trusted_origin"])
		}
	})
	t.Run("issuer_mode stays the app's for a custom server's issuer, whose tokens it does not reach", func(t *testing.T) {
		if vars["issuer_mode"] != "CUSTOM_URL" {
			t.Errorf("issuer_mode = %v", vars["issuer_mode"])
		}
	})
	t.Run("issuer_mode is the mode whose tokens carry the org URL issuer", func(t *testing.T) {
		org := signinTarget(dir)
		org.OIDC.Issuer = "https://acme.okta.com"
		vars, err := planVars(dir, org, res)
		if err != nil {
			t.Fatal(err)
		}
		if vars["issuer_mode"] != "ORG_URL" {
			t.Errorf("issuer_mode = %v", vars["issuer_mode"])
		}
	})
	t.Run("the rule goes in the first active policy that applies to the client", func(t *testing.T) {
		if vars["auth_server_id"] != "aus1" || vars["auth_server_policy_id"] != "00pmine" {
			t.Errorf("auth server %v, policy %v", vars["auth_server_id"], vars["auth_server_policy_id"])
		}
	})
}

func TestDeclaredValuesMakeSignInFindingsFixable(t *testing.T) {
	cases := []struct {
		name string
		dir  func(t *testing.T) string
		want []string
	}{
		{name: "a module declaring the variables owns their values", dir: signinModule,
			want: []string{checks.ValueAuthServerID, checks.ValueAuthServerPolicyID, checks.ValueGroups, checks.ValueIssuerMode, checks.ValueTrustedOrigin}},
		{name: "a module declaring none owns nothing", dir: func(t *testing.T) string { return t.TempDir() }},
		{name: "no module owns nothing", dir: func(*testing.T) string { return "" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := DeclaredValues(signinTarget(c.dir(t)))
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestFingerprintSeesTheSignInObjects(t *testing.T) {
	base := func() *checks.Observed {
		return &checks.Observed{Okta: &checks.OktaApp{ID: "0oa1"},
			Assignments:    &checks.Assignments{Groups: []checks.AssignedGroup{{ID: "00g1"}}},
			TrustedOrigins: &checks.TrustedOrigins{Origins: []checks.TrustedOrigin{{ID: "tos1", Status: "ACTIVE"}}},
			AuthServer:     &checks.AuthServer{ID: "aus1", Status: "ACTIVE"}}
	}
	for name, change := range map[string]func(o *checks.Observed){
		"a group unassigned":          func(o *checks.Observed) { o.Assignments.Groups = nil },
		"a trusted origin disabled":   func(o *checks.Observed) { o.TrustedOrigins.Origins[0].Status = "INACTIVE" },
		"an authorization server off": func(o *checks.Observed) { o.AuthServer.Status = "INACTIVE" },
	} {
		t.Run(name+" since the plan makes it stale", func(t *testing.T) {
			o := base()
			change(o)
			if Fingerprint(o) == Fingerprint(base()) {
				t.Error("same fingerprint")
			}
		})
	}
	t.Run("an observation without the sign-in objects keeps the fingerprint it had before them", func(t *testing.T) {
		o := &checks.Observed{Okta: &checks.OktaApp{ID: "0oa1"}}
		before, _ := json.Marshal(struct {
			Okta *checks.OktaApp
			Env  map[string]string
			Disc *checks.Discovery
		}{Okta: o.Okta})
		if got := Fingerprint(o); got != report.Digest(before) {
			t.Errorf("fingerprint %s changed: saved plans would all look stale", got)
		}
	})
}
